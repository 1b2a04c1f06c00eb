/**
 * Residual autocorrelation diagnostics for time series regression: Durbin–Watson and Ljung–Box.
 * Residuals are taken in time order.
 */
import { chiSquareUpperTail } from './chi-square.js';
import { StatsInputError } from './errors.js';

/** DW = Σ(e_t − e_{t−1})² / Σe_t². Null when the residuals are all zero (a perfect fit). */
export function durbinWatson(residuals: readonly number[]): number | null {
  const ss = residuals.reduce((a, e) => a + e * e, 0);
  if (residuals.length < 2 || !(ss > 0)) return null;
  let num = 0;
  for (let t = 1; t < residuals.length; t++) num += (residuals[t]! - residuals[t - 1]!) ** 2;
  return num / ss;
}

/** Sample autocorrelation at lag l (mean-centred, as R acf). */
export function autocorrelation(series: readonly number[], lag: number): number | null {
  const n = series.length;
  const mean = series.reduce((a, v) => a + v, 0) / n;
  const c0 = series.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (!(c0 > 0) || lag >= n) return null;
  let c = 0;
  for (let t = lag; t < n; t++) c += (series[t]! - mean) * (series[t - lag]! - mean);
  return c / c0;
}

export interface LjungBox {
  statistic: number;
  lag: number;
  df: number;
  p: number;
}

/** Default lag: min(12, ⌊n/4⌋), at least 1. */
export function defaultLjungBoxLag(n: number): number {
  return Math.max(1, Math.min(12, Math.floor(n / 4)));
}

/**
 * Ljung–Box Q = n(n + 2) Σ_{k=1..h} r_k²/(n − k), p from χ²(h − fitdf) (R Box.test type "Ljung").
 * Null when the residuals are constant or too short for the lag.
 */
export function ljungBox(residuals: readonly number[], lag = defaultLjungBoxLag(residuals.length), fitdf = 0): LjungBox | null {
  const n = residuals.length;
  if (!Number.isInteger(lag) || lag < 1) throw new StatsInputError('ljungBox', 'lag', `must be a whole number ≥ 1, got ${lag}`);
  if (lag >= n || lag - fitdf < 1) return null;
  let q = 0;
  for (let k = 1; k <= lag; k++) {
    const r = autocorrelation(residuals, k);
    if (r === null) return null;
    q += (r * r) / (n - k);
  }
  q *= n * (n + 2);
  const df = lag - fitdf;
  return { statistic: q, lag, df, p: chiSquareUpperTail(q, df) };
}
