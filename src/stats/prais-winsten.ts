/**
 * Prais–Winsten regression with AR(1) errors, iterated to convergence as Stata's `prais` does
 * (default rho type "regress": ρ = Σ e_t e_{t−1} / Σ e_{t−1}²):
 *   first observation (and the first after any gap): y*_t = √(1 − ρ²)·y_t, x*_t = √(1 − ρ²)·x_t;
 *   others: y*_t = y_t − ρ·y_{t−1}, x*_t = x_t − ρ·x_{t−1};
 * then OLS on the transformed data, whose classical covariance is reported.
 */
import { StatsInputError } from './errors.js';
import { type Matrix, matVec } from './linear-algebra.js';
import { fitOls } from './ols.js';

export interface PraisWinstenOptions {
  /** Time value per row (default row number); rows must be in time order. */
  time?: readonly number[];
  maxIterations?: number;
  /** Convergence on |Δρ| (default 1e-10). */
  tolerance?: number;
}

export interface PraisWinstenFit {
  coefficients: number[];
  covariance: Matrix;
  rho: number;
  iterations: number;
  converged: boolean;
  /** Residuals y − Xβ on the original scale. */
  residuals: number[];
  /** Residuals of the transformed regression (approximately white noise). */
  transformedResiduals: number[];
  fitted: number[];
  n: number;
  k: number;
  dfResidual: number;
  sigma2: number;
}

function estimateRho(e: readonly number[], hasPrev: readonly boolean[]): number {
  let num = 0;
  let den = 0;
  for (let t = 1; t < e.length; t++) {
    if (!hasPrev[t]) continue;
    num += e[t]! * e[t - 1]!;
    den += e[t - 1]! * e[t - 1]!;
  }
  return den > 0 ? num / den : 0;
}

export function praisWinsten(x: Matrix, y: readonly number[], options: PraisWinstenOptions = {}): PraisWinstenFit {
  const n = y.length;
  const time = options.time ?? y.map((_, i) => i);
  if (x.length !== n || time.length !== n) throw new StatsInputError('praisWinsten', 'x/time', `must have one row per outcome (${n})`);
  for (let t = 1; t < n; t++) {
    if (!(time[t]! > time[t - 1]!)) throw new StatsInputError('praisWinsten', 'time', `must be strictly increasing (row ${t})`);
  }
  const hasPrev = time.map((v, t) => t > 0 && v - time[t - 1]! === 1);
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;
  let ols = fitOls(x, y);
  let rho = 0;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const residuals = y.map((v, i) => v - matVec([x[i]!], ols.coefficients)[0]!);
    // Keep ρ strictly inside (−1, 1) so that the first-observation transform stays defined.
    const next = Math.max(-0.999999, Math.min(0.999999, estimateRho(residuals, hasPrev)));
    const transform = (row: readonly number[], prev: readonly number[] | undefined, first: boolean): number[] =>
      first ? row.map((v) => v * Math.sqrt(1 - next * next)) : row.map((v, j) => v - next * prev![j]!);
    const xs = x.map((row, t) => transform(row, x[t - 1], !hasPrev[t]));
    const ys = y.map((v, t) => transform([v], [y[t - 1] ?? 0], !hasPrev[t])[0]!);
    ols = fitOls(xs, ys);
    const delta = Math.abs(next - rho);
    rho = next;
    if (delta < tolerance) {
      converged = true;
      iterations++;
      break;
    }
  }
  const fitted = matVec(x, ols.coefficients);
  return {
    coefficients: ols.coefficients,
    covariance: ols.classicalCovariance,
    rho,
    iterations,
    converged,
    residuals: y.map((v, i) => v - fitted[i]!),
    transformedResiduals: ols.residuals,
    fitted,
    n,
    k: ols.k,
    dfResidual: ols.dfResidual,
    sigma2: ols.sigma2,
  };
}
