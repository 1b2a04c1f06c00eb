/**
 * Ordinary least squares with the classical covariance s²(X'X)⁻¹.
 */
import { StatsInputError, requireFinite } from './errors.js';
import { type Matrix, leastSquares } from './linear-algebra.js';

export interface OlsFit {
  coefficients: number[];
  fitted: number[];
  residuals: number[];
  xtxInverse: Matrix;
  n: number;
  k: number;
  dfResidual: number;
  /** Residual sum of squares. */
  rss: number;
  /** s² = RSS/(n − k). */
  sigma2: number;
  /** s²(X'X)⁻¹. */
  classicalCovariance: Matrix;
}

/** Fits y = Xβ + e. Throws CollinearityError for a rank-deficient design and StatsInputError when n ≤ k. */
export function fitOls(x: Matrix, y: readonly number[]): OlsFit {
  const n = y.length;
  const k = n ? x[0]!.length : 0;
  y.forEach((v, i) => requireFinite('fitOls', `y[${i}]`, v));
  if (n <= k) throw new StatsInputError('fitOls', 'y', `has ${n} observations, but ${k} coefficients need at least ${k + 1}`);
  const fit = leastSquares(x, y);
  const rawRss = fit.residuals.reduce((a, e) => a + e * e, 0);
  // A residual sum of squares at rounding-error level (an exact fit, e.g. a constant series) is 0,
  // so that standard errors are exactly 0 rather than noise.
  const rss = rawRss <= 1e-24 * y.reduce((a, v) => a + v * v, 0) ? 0 : rawRss;
  const sigma2 = rss / (n - k);
  return {
    ...fit,
    n,
    k,
    dfResidual: n - k,
    rss,
    sigma2,
    classicalCovariance: fit.xtxInverse.map((row) => row.map((v) => v * sigma2)),
  };
}
