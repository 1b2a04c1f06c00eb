/**
 * Confidence intervals for a Poisson count, and crude rates built on them, as PHEindicatormethods
 * computes them (byars_lower/upper, poisson exact via qchisq, phe_rate; statistics.md §1):
 *   exact:  L = qchisq(α/2, 2x)/2,  U = qchisq(1 − α/2, 2x + 2)/2
 *   Byar's: L = x(1 − 1/(9x) − z/(3√x))³,  U = (x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³
 *   phe_rate: exact for x < 10, Byar's for x ≥ 10; limits / denominator × multiplier.
 */
import { chiSquareQuantile } from './chi-square.js';
import { StatsInputError, requireConfidence, requireFinite, requireNonNegative } from './errors.js';
import { zForConfidence } from './normal.js';
import type { Interval } from './proportion.js';

export type PoissonMethod = 'Exact' | 'Byars';

/** Exact (Garwood) interval for a Poisson count x at the given confidence (e.g. 0.95). */
export function exactPoissonInterval(x: number, confidence = 0.95): Interval {
  requireNonNegative('exactPoissonInterval', 'count', x);
  requireConfidence('exactPoissonInterval', confidence);
  const alpha = 1 - confidence;
  return {
    lower: chiSquareQuantile(alpha / 2, 2 * x) / 2,
    upper: chiSquareQuantile(1 - alpha / 2, 2 * x + 2) / 2,
  };
}

/**
 * Byar's approximation for a Poisson count x. For very small counts the lower formula can go below
 * zero (e.g. x = 1 at 99.8%); it is floored at 0 — use exactPoissonInterval for small counts.
 */
export function byarsInterval(x: number, confidence = 0.95): Interval {
  requireNonNegative('byarsInterval', 'count', x);
  requireConfidence('byarsInterval', confidence);
  const z = zForConfidence(confidence);
  const lower = x === 0 ? 0 : x * (1 - 1 / (9 * x) - z / (3 * Math.sqrt(x))) ** 3;
  const x1 = x + 1;
  const upper = x1 * (1 - 1 / (9 * x1) + z / (3 * Math.sqrt(x1))) ** 3;
  return { lower: Math.max(0, lower), upper };
}

/** The count interval that phe_rate uses: exact below 10 events, Byar's from 10. */
export function poissonCountInterval(x: number, confidence = 0.95): Interval & { method: PoissonMethod } {
  return x < 10 ? { ...exactPoissonInterval(x, confidence), method: 'Exact' } : { ...byarsInterval(x, confidence), method: 'Byars' };
}

export interface RateWithCi {
  count: number;
  denominator: number;
  multiplier: number;
  value: number;
  lower: number;
  upper: number;
  confidence: number;
  method: PoissonMethod;
}

/**
 * A crude rate x/n × multiplier with its phe_rate interval. Returns null when the denominator is 0
 * (no population: there is no rate to show).
 */
export function crudeRateCi(count: number, denominator: number, multiplier = 100000, confidence = 0.95): RateWithCi | null {
  requireNonNegative('crudeRateCi', 'count', count);
  requireNonNegative('crudeRateCi', 'denominator', denominator);
  requireFinite('crudeRateCi', 'multiplier', multiplier);
  if (multiplier <= 0) throw new StatsInputError('crudeRateCi', 'multiplier', `must be positive, got ${multiplier}`);
  if (denominator === 0) return null;
  const ci = poissonCountInterval(count, confidence);
  return {
    count,
    denominator,
    multiplier,
    value: (count / denominator) * multiplier,
    lower: (ci.lower / denominator) * multiplier,
    upper: (ci.upper / denominator) * multiplier,
    confidence,
    method: ci.method,
  };
}
