/**
 * Poisson log-linear GLM by iteratively reweighted least squares, with an optional offset
 * (log population), as R glm(family = poisson / quasipoisson):
 *   start μ = y + 0.1; working response z = η − offset + (y − μ)/μ; weights μ;
 *   stop when |D − D_old|/(|D| + 0.1) < tolerance (R uses 1e-8; the default here is 1e-12).
 * The covariance is (X'WX)⁻¹; quasi-Poisson scales it by the Pearson dispersion X²/(n − k).
 */
import { StatsInputError, requireFinite, requireNonNegative } from './errors.js';
import { type Matrix, householderQr, applyQt, solveUpper, invertUpper, matMul, transpose, matVec } from './linear-algebra.js';

export interface PoissonGlmOptions {
  /** Offset added to the linear predictor (e.g. log population); default 0. */
  offset?: readonly number[];
  maxIterations?: number;
  tolerance?: number;
}

export interface PoissonGlmFit {
  coefficients: number[];
  /** (X'WX)⁻¹, the Poisson (dispersion 1) covariance. */
  unscaledCovariance: Matrix;
  fitted: number[];
  linearPredictor: number[];
  deviance: number;
  pearsonChiSquare: number;
  /** Pearson X²/(n − k); null when there are no residual degrees of freedom. */
  dispersion: number | null;
  n: number;
  k: number;
  dfResidual: number;
  iterations: number;
  converged: boolean;
}

function deviance(y: readonly number[], mu: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const mi = mu[i]!;
    d += (yi > 0 ? yi * Math.log(yi / mi) : 0) - (yi - mi);
  }
  return 2 * d;
}

export function fitPoissonGlm(x: Matrix, y: readonly number[], options: PoissonGlmOptions = {}): PoissonGlmFit {
  const n = y.length;
  const k = n ? x[0]!.length : 0;
  if (x.length !== n) throw new StatsInputError('fitPoissonGlm', 'x', `has ${x.length} rows for ${n} counts`);
  y.forEach((v, i) => requireNonNegative('fitPoissonGlm', `y[${i}]`, v));
  const offset = options.offset ?? y.map(() => 0);
  if (offset.length !== n) throw new StatsInputError('fitPoissonGlm', 'offset', `has ${offset.length} values for ${n} counts`);
  offset.forEach((v, i) => requireFinite('fitPoissonGlm', `offset[${i}]`, v));
  if (n < k) throw new StatsInputError('fitPoissonGlm', 'y', `has ${n} observations for ${k} coefficients`);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-12;

  let mu = y.map((v) => v + 0.1);
  let eta = mu.map((m) => Math.log(m));
  let dev = deviance(y, mu);
  let coefficients: number[] = new Array<number>(k).fill(0);
  let rInverse: Matrix = [];
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations; ) {
    iterations++;
    const sw = mu.map((m) => Math.sqrt(m));
    const z = eta.map((e, i) => e - offset[i]! + (y[i]! - mu[i]!) / mu[i]!);
    const xw = x.map((row, i) => row.map((v) => v * sw[i]!));
    const qr = householderQr(xw);
    coefficients = solveUpper(qr.r, applyQt(qr, z.map((v, i) => v * sw[i]!)).slice(0, k));
    rInverse = invertUpper(qr.r);
    eta = matVec(x, coefficients).map((v, i) => v + offset[i]!);
    mu = eta.map((e) => Math.exp(e));
    const devNew = deviance(y, mu);
    if (!Number.isFinite(devNew)) break;
    const change = Math.abs(devNew - dev) / (Math.abs(devNew) + 0.1);
    dev = devNew;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  // Covariance at the final fitted values.
  const sw = mu.map((m) => Math.sqrt(m));
  const qr = householderQr(x.map((row, i) => row.map((v) => v * sw[i]!)));
  rInverse = invertUpper(qr.r);
  const unscaledCovariance = matMul(rInverse, transpose(rInverse));
  const pearsonChiSquare = y.reduce((a, yi, i) => a + (yi - mu[i]!) ** 2 / mu[i]!, 0);
  const dfResidual = n - k;
  return {
    coefficients,
    unscaledCovariance,
    fitted: mu,
    linearPredictor: eta,
    deviance: dev,
    pearsonChiSquare,
    dispersion: dfResidual > 0 ? pearsonChiSquare / dfResidual : null,
    n,
    k,
    dfResidual,
    iterations,
    converged,
  };
}
