/**
 * The chi-square distribution (R pchisq/qchisq) through the incomplete gamma function.
 */
import { gammaDensity, gammaP, gammaQ } from './gamma.js';

function checkDf(fn: string, df: number): void {
  if (!(df >= 0) || !Number.isFinite(df)) throw new RangeError(`${fn}: degrees of freedom must be finite and ≥ 0, got ${df}`);
}

/** P(X ≤ x) for X ~ χ²(df). df = 0 is the point mass at 0, as in R. */
export function chiSquareCdf(x: number, df: number): number {
  checkDf('chiSquareCdf', df);
  if (x <= 0) return df === 0 && x === 0 ? 1 : 0;
  if (df === 0) return 1;
  return gammaP(df / 2, x / 2);
}

/** P(X > x) for X ~ χ²(df), accurate in the upper tail. */
export function chiSquareUpperTail(x: number, df: number): number {
  checkDf('chiSquareUpperTail', df);
  if (x <= 0) return df === 0 && x === 0 ? 0 : 1;
  if (df === 0) return 0;
  return gammaQ(df / 2, x / 2);
}

/** The p-quantile of χ²(df) (R qchisq). qchisq(p, 0) = 0. */
export function chiSquareQuantile(p: number, df: number): number {
  checkDf('chiSquareQuantile', df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`chiSquareQuantile: p must be in [0, 1], got ${p}`);
  if (df === 0 || p === 0) return 0;
  if (p === 1) return Infinity;
  const a = df / 2;
  // Solve P(a, x) = p in the lower half and Q(a, x) = 1 − p in the upper half, so that both
  // tails keep full relative accuracy. Newton steps, safeguarded by a bracketing interval.
  const upperHalf = p > 0.5;
  const target = upperHalf ? 1 - p : p;
  const f = (x: number): number => (upperHalf ? target - gammaQ(a, x) : gammaP(a, x) - target); // increasing in x
  let lo = 0;
  let hi = Math.max(1, a);
  while (f(hi) < 0) {
    lo = hi;
    hi *= 2;
  }
  let x = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const fx = f(x);
    if (fx === 0) break;
    if (fx < 0) lo = x;
    else hi = x;
    const dens = gammaDensity(a, x);
    let next = dens > 0 ? x - fx / dens : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * x || hi - lo <= 1e-15 * hi) {
      x = next;
      break;
    }
    x = next;
  }
  return 2 * x;
}
