/**
 * One estimated quantity with its standard error, test statistic, p-value and confidence interval,
 * built the same way everywhere. A zero standard error (a series fitted exactly, e.g. a constant
 * series) gives statistic and p-value null rather than NaN or ±∞.
 */
import { normalTwoSidedP, zForConfidence } from './normal.js';
import { tTwoSidedP } from './p-values.js';
import { tQuantile } from './t-distribution.js';

export type Reference = { distribution: 't'; df: number } | { distribution: 'normal' };

export interface Estimate {
  name: string;
  estimate: number;
  se: number;
  /** t or z statistic; null when se = 0. */
  statistic: number | null;
  /** Two-sided p-value; null when se = 0. */
  p: number | null;
  lower: number;
  upper: number;
}

export function criticalValue(reference: Reference, confidence: number): number {
  return reference.distribution === 't' ? tQuantile(1 - (1 - confidence) / 2, reference.df) : zForConfidence(confidence);
}

export function makeEstimate(name: string, estimate: number, variance: number, reference: Reference, confidence: number): Estimate {
  const se = Math.sqrt(Math.max(0, variance));
  const crit = criticalValue(reference, confidence);
  if (!(se > 0)) return { name, estimate, se: 0, statistic: null, p: null, lower: estimate, upper: estimate };
  const statistic = estimate / se;
  const p = reference.distribution === 't' ? tTwoSidedP(statistic, reference.df) : normalTwoSidedP(statistic);
  return { name, estimate, se, statistic, p, lower: estimate - crit * se, upper: estimate + crit * se };
}

/** A linear combination c'β with variance c'Vc. */
export function linearCombination(
  name: string,
  c: readonly number[],
  beta: readonly number[],
  covariance: readonly (readonly number[])[],
  reference: Reference,
  confidence: number,
): Estimate {
  let est = 0;
  let variance = 0;
  for (let i = 0; i < c.length; i++) {
    if (c[i] === 0) continue;
    est += c[i]! * beta[i]!;
    for (let j = 0; j < c.length; j++) variance += c[i]! * c[j]! * covariance[i]![j]!;
  }
  return makeEstimate(name, est, variance, reference, confidence);
}

/** An estimate on the log scale reported as a ratio (rate ratio): exp of estimate and limits. */
export interface RatioEstimate extends Estimate {
  ratio: number;
  ratioLower: number;
  ratioUpper: number;
}

export function asRatio(e: Estimate): RatioEstimate {
  return { ...e, ratio: Math.exp(e.estimate), ratioLower: Math.exp(e.lower), ratioUpper: Math.exp(e.upper) };
}
