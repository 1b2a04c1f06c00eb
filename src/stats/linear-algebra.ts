/**
 * A small dense linear-algebra kit for regression: Householder QR least squares with a collinearity
 * check, triangular solves and inverses, Cholesky solve/inverse. Matrices are arrays of rows.
 */
export type Matrix = number[][];

export class CollinearityError extends Error {
  constructor(readonly column: number) {
    super(`the design matrix is rank deficient: column ${column} is (nearly) a linear combination of the columns before it`);
    this.name = 'CollinearityError';
  }
}

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function transpose(a: Matrix): Matrix {
  const rows = a.length;
  const cols = rows ? a[0]!.length : 0;
  const t = zeros(cols, rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j]![i] = a[i]![j]!;
  return t;
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const m = b.length;
  const p = m ? b[0]!.length : 0;
  const out = zeros(n, p);
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    if (ai.length !== m) throw new RangeError(`matMul: inner dimensions differ (${ai.length} vs ${m})`);
    const oi = out[i]!;
    for (let k = 0; k < m; k++) {
      const aik = ai[k]!;
      if (aik === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < p; j++) oi[j]! += aik * bk[j]!;
    }
  }
  return out;
}

export function matVec(a: Matrix, v: readonly number[]): number[] {
  return a.map((row) => {
    if (row.length !== v.length) throw new RangeError(`matVec: dimensions differ (${row.length} vs ${v.length})`);
    let s = 0;
    for (let j = 0; j < v.length; j++) s += row[j]! * v[j]!;
    return s;
  });
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** c' A c for a square matrix A. */
export function quadraticForm(a: Matrix, c: readonly number[]): number {
  return dot(c, matVec(a, c));
}

export interface QrDecomposition {
  /** Householder vectors (column j stored in v[j], length n − j). */
  v: number[][];
  /** The k × k upper-triangular factor. */
  r: Matrix;
  n: number;
  k: number;
}

/**
 * Householder QR of an n × k matrix (n ≥ k). Throws CollinearityError when a column's remaining norm
 * is below 1e-9 of its original norm (or the column is all zero).
 */
export function householderQr(x: Matrix): QrDecomposition {
  const n = x.length;
  const k = n ? x[0]!.length : 0;
  if (n < k) throw new RangeError(`householderQr: needs at least as many rows (${n}) as columns (${k})`);
  const a = x.map((row) => {
    if (row.length !== k) throw new RangeError('householderQr: rows have different lengths');
    return [...row];
  });
  const colNorm = Array.from({ length: k }, (_, j) => Math.hypot(...a.map((row) => row[j]!)));
  const v: number[][] = [];
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = j; i < n; i++) norm = Math.hypot(norm, a[i]![j]!);
    if (!(norm > 1e-9 * colNorm[j]!) || colNorm[j] === 0) throw new CollinearityError(j);
    const alpha = a[j]![j]! > 0 ? -norm : norm;
    const vj = new Array<number>(n - j);
    for (let i = j; i < n; i++) vj[i - j] = a[i]![j]!;
    vj[0]! -= alpha;
    const vnorm2 = dot(vj, vj);
    for (let c = j; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += vj[i - j]! * a[i]![c]!;
      const f = (2 * s) / vnorm2;
      for (let i = j; i < n; i++) a[i]![c]! -= f * vj[i - j]!;
    }
    v.push(vj);
  }
  const r = zeros(k, k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) r[i]![j] = a[i]![j]!;
  return { v, r, n, k };
}

/** Q'y for the Q of a QR decomposition. */
export function applyQt(qr: QrDecomposition, y: readonly number[]): number[] {
  if (y.length !== qr.n) throw new RangeError(`applyQt: vector length ${y.length} differs from ${qr.n} rows`);
  const out = [...y];
  qr.v.forEach((vj, j) => {
    const vnorm2 = dot(vj, vj);
    let s = 0;
    for (let i = j; i < qr.n; i++) s += vj[i - j]! * out[i]!;
    const f = (2 * s) / vnorm2;
    for (let i = j; i < qr.n; i++) out[i]! -= f * vj[i - j]!;
  });
  return out;
}

/** Solve R b = c for upper-triangular R. */
export function solveUpper(r: Matrix, c: readonly number[]): number[] {
  const k = r.length;
  const b = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = c[i]!;
    for (let j = i + 1; j < k; j++) s -= r[i]![j]! * b[j]!;
    b[i] = s / r[i]![i]!;
  }
  return b;
}

/** The inverse of an upper-triangular matrix. */
export function invertUpper(r: Matrix): Matrix {
  const k = r.length;
  const inv = zeros(k, k);
  for (let col = 0; col < k; col++) {
    const e = new Array<number>(k).fill(0);
    e[col] = 1;
    const x = solveUpper(r, e);
    for (let i = 0; i < k; i++) inv[i]![col] = x[i]!;
  }
  return inv;
}

export interface LeastSquaresFit {
  coefficients: number[];
  fitted: number[];
  residuals: number[];
  /** (X'X)⁻¹ = R⁻¹R⁻ᵀ. */
  xtxInverse: Matrix;
}

/** Ordinary least squares by QR. Throws CollinearityError for a rank-deficient design. */
export function leastSquares(x: Matrix, y: readonly number[]): LeastSquaresFit {
  if (x.length !== y.length) throw new RangeError(`leastSquares: ${x.length} design rows but ${y.length} outcomes`);
  const qr = householderQr(x);
  const qty = applyQt(qr, y);
  const coefficients = solveUpper(qr.r, qty.slice(0, qr.k));
  const fitted = matVec(x, coefficients);
  const residuals = y.map((v, i) => v - fitted[i]!);
  const rInv = invertUpper(qr.r);
  return { coefficients, fitted, residuals, xtxInverse: matMul(rInv, transpose(rInv)) };
}

/** Cholesky factor L (lower) of a symmetric positive-definite matrix. */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let p = 0; p < j; p++) s -= l[i]![p]! * l[j]![p]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`cholesky: matrix is not positive definite (pivot ${i})`);
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

/** Solve A x = b for symmetric positive-definite A. */
export function choleskySolve(a: Matrix, b: readonly number[]): number[] {
  const l = cholesky(a);
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= l[i]![p]! * y[p]!;
    y[i] = s / l[i]![i]!;
  }
  return solveUpper(transpose(l), y);
}

/** Inverse of a symmetric positive-definite matrix. */
export function invertSymmetric(a: Matrix): Matrix {
  const n = a.length;
  const cols = Array.from({ length: n }, (_, j) => {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    return choleskySolve(a, e);
  });
  return transpose(cols);
}
