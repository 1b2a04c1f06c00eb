/**
 * Newey–West heteroskedasticity- and autocorrelation-consistent covariance (statistics.md §3):
 *   S = Σ_t u_t u_t' + Σ_{l=1..L} w_l Σ_t (u_t u_{t−l}' + u_{t−l} u_t'),  u_t = x_t e_t,
 *   w_l = 1 − l/(L + 1) (Bartlett),  V = (X'X)⁻¹ S (X'X)⁻¹ · n/(n − k)  (Stata newey; R
 *   sandwich::NeweyWest(lag = L, prewhite = FALSE, adjust = TRUE)).
 * Lagged pairs are matched on the time value within a panel, so gaps (missing periods, an excluded
 * transition window) contribute nothing, and panels (comparative ITS) never cross.
 */
import { StatsInputError } from './errors.js';
import { type Matrix, matMul, zeros } from './linear-algebra.js';

export interface NeweyWestOptions {
  /** Maximum lag L (0 gives White's heteroskedasticity-robust covariance). */
  lag: number;
  /** Multiply by n/(n − k) as Stata does (default true). */
  smallSampleAdjustment?: boolean;
  /** Time value of each row (default: the row number). */
  time?: readonly number[];
  /** Panel of each row (default: one panel). */
  panel?: readonly (string | number)[];
}

/** The Newey–West rule-of-thumb lag floor(4(n/100)^(2/9)). */
export function defaultNeweyWestLag(n: number): number {
  return Math.max(0, Math.floor(4 * (n / 100) ** (2 / 9)));
}

export function neweyWestCovariance(x: Matrix, residuals: readonly number[], xtxInverse: Matrix, options: NeweyWestOptions): Matrix {
  const n = x.length;
  const k = n ? x[0]!.length : 0;
  const { lag } = options;
  if (!Number.isInteger(lag) || lag < 0) throw new StatsInputError('neweyWestCovariance', 'lag', `must be a whole number ≥ 0, got ${lag}`);
  if (residuals.length !== n) throw new StatsInputError('neweyWestCovariance', 'residuals', `has ${residuals.length} values for ${n} rows`);
  const time = options.time ?? x.map((_, i) => i);
  const panel = options.panel ?? x.map(() => 0);
  if (time.length !== n || panel.length !== n) throw new StatsInputError('neweyWestCovariance', 'time/panel', `must have one value per row (${n})`);
  const u = x.map((row, i) => row.map((v) => v * residuals[i]!));
  const s = zeros(k, k);
  const addOuter = (a: readonly number[], b: readonly number[], w: number): void => {
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) s[p]![q]! += w * (a[p]! * b[q]! + b[p]! * a[q]!);
  };
  for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) s[p]![q]! += u[i]![p]! * u[i]![q]!;
  if (lag > 0) {
    const rowAt = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = `${String(panel[i])}\u0000${time[i]}`;
      if (rowAt.has(key)) throw new StatsInputError('neweyWestCovariance', 'time', `repeats ${time[i]} within panel ${String(panel[i])}`);
      rowAt.set(key, i);
    }
    for (let i = 0; i < n; i++) {
      for (let l = 1; l <= lag; l++) {
        const j = rowAt.get(`${String(panel[i])}\u0000${time[i]! - l}`);
        if (j !== undefined) addOuter(u[i]!, u[j]!, 1 - l / (lag + 1));
      }
    }
  }
  const v = matMul(matMul(xtxInverse, s), xtxInverse);
  const adjust = options.smallSampleAdjustment ?? true;
  if (adjust && n > k) {
    const f = n / (n - k);
    return v.map((row) => row.map((x2) => x2 * f));
  }
  return v;
}
