/**
 * Mean with a Student-t confidence interval, as PHEindicatormethods phe_mean:
 * mean ± |qt((1 − conf)/2, n − 1)| · sd/√n, with sd on n − 1 degrees of freedom.
 */
import { requireConfidence, requireFinite } from './errors.js';
import { tQuantile } from './t-distribution.js';

export type MeanCi =
  | { status: 'ok'; n: number; mean: number; sd: number; lower: number; upper: number; confidence: number; method: "Student's t-distribution" }
  | { status: 'not-computable'; n: number; mean: number | null; reason: string };

export function meanCi(values: readonly number[], confidence = 0.95): MeanCi {
  requireConfidence('meanCi', confidence);
  values.forEach((v, i) => requireFinite('meanCi', `values[${i}]`, v));
  const n = values.length;
  if (n === 0) return { status: 'not-computable', n, mean: null, reason: 'no values' };
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n === 1) return { status: 'not-computable', n, mean, reason: 'a confidence interval needs at least 2 values' };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return { status: 'ok', n, mean, sd, lower: mean - half, upper: mean + half, confidence, method: "Student's t-distribution" };
}
