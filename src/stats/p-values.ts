/**
 * Tail probabilities for test statistics: Student's t (two-sided), F (upper tail) and the normal
 * (re-exported). Computed from the incomplete beta function directly rather than as 1 − CDF, so that
 * very small p-values keep their relative accuracy.
 */
import { incompleteBeta } from './t-distribution.js';

export { normalTwoSidedP } from './normal.js';

/** Two-sided p-value of a t statistic with df degrees of freedom, 2·P(T > |t|). */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t)) throw new RangeError('tTwoSidedP: t is NaN');
  if (!(df > 0)) throw new RangeError(`tTwoSidedP: df must be positive, got ${df}`);
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(F > f) for F ~ F(df1, df2). */
export function fUpperTail(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f)) throw new RangeError('fUpperTail: F is NaN');
  if (!(df1 > 0 && df2 > 0)) throw new RangeError(`fUpperTail: degrees of freedom must be positive, got (${df1}, ${df2})`);
  if (f <= 0) return 1;
  if (!Number.isFinite(f)) return 0;
  return incompleteBeta(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}
