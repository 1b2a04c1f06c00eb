/**
 * Ratings against a target.
 *
 * 1. Fingertips target comparers (fingertips-open SingleValueTargetComparer / RangeTargetComparer;
 *    statistics.md §2), returning Better / Same / Worse:
 *    - single limit, by value: high-is-good → value ≥ limit is Better, else Worse (≤ when low is good);
 *    - single limit, using the 95% CI: LCI ≥ limit → Better (Worse when low is good),
 *      UCI < limit → Worse (Better when low is good), otherwise Same;
 *    - range [lower, upper], high-is-good: value < lower → Worse, value ≥ upper → Better, else Same;
 *      low-is-good: value < lower → Better, value ≥ upper → Worse, else Same.
 * 2. The gpnet RAG (DESIGN.md): Met (green) when the target is reached, Near (amber) when within a
 *    configured margin of it, Not met (red) otherwise. Never shown by colour alone, hence the words.
 */
import { StatsInputError, requireFinite } from './errors.js';
import type { Polarity } from './polarity.js';
import type { Interval } from './proportion.js';

export type TargetSignificance = 'Better' | 'Same' | 'Worse' | 'Not compared';

function directional(polarity: Polarity): polarity is 'high-is-good' | 'low-is-good' {
  return polarity === 'high-is-good' || polarity === 'low-is-good';
}

/** Fingertips SingleValueTargetComparer, value against the lower limit. */
export function compareValueWithTarget(value: number | null, limit: number, polarity: Polarity): TargetSignificance {
  requireFinite('compareValueWithTarget', 'limit', limit);
  if (!directional(polarity) || value === null || !Number.isFinite(value)) return 'Not compared';
  if (polarity === 'low-is-good') return value <= limit ? 'Better' : 'Worse';
  return value >= limit ? 'Better' : 'Worse';
}

/** Fingertips SingleValueTargetComparer with UseCIsForLimitComparison. */
export function compareCiWithTarget(ci95: Interval | null, limit: number, polarity: Polarity): TargetSignificance {
  requireFinite('compareCiWithTarget', 'limit', limit);
  if (!directional(polarity) || !ci95 || !Number.isFinite(ci95.lower) || !Number.isFinite(ci95.upper) || ci95.lower > ci95.upper) {
    return 'Not compared';
  }
  if (ci95.lower >= limit) return polarity === 'low-is-good' ? 'Worse' : 'Better';
  if (ci95.upper < limit) return polarity === 'low-is-good' ? 'Better' : 'Worse';
  return 'Same';
}

/** Fingertips RangeTargetComparer. */
export function compareWithTargetRange(value: number | null, lower: number, upper: number, polarity: Polarity): TargetSignificance {
  requireFinite('compareWithTargetRange', 'lower', lower);
  requireFinite('compareWithTargetRange', 'upper', upper);
  if (lower > upper) throw new StatsInputError('compareWithTargetRange', 'lower', `(${lower}) cannot be greater than upper (${upper})`);
  if (!directional(polarity) || value === null || !Number.isFinite(value)) return 'Not compared';
  if (polarity === 'low-is-good') return value < lower ? 'Better' : value >= upper ? 'Worse' : 'Same';
  return value < lower ? 'Worse' : value >= upper ? 'Better' : 'Same';
}

export type Rag = 'Met' | 'Near' | 'Not met' | 'Not rated';

export interface RagRule {
  target: number;
  polarity: Polarity;
  /**
   * Width of the amber band on the "not met" side of the target, in the value's own units
   * (e.g. 0.05 = 5 percentage points for a proportion), or as a fraction of the target when
   * marginKind is 'relative'. 0 means no amber band.
   */
  margin: number;
  marginKind?: 'absolute' | 'relative';
}

/**
 * Met / Near / Not met against a target. high-is-good: value ≥ target → Met; value ≥ target − margin
 * → Near; else Not met (mirrored when low is good). Values without a value or a polarity are
 * "Not rated".
 */
export function ragAgainstTarget(value: number | null, rule: RagRule): Rag {
  requireFinite('ragAgainstTarget', 'target', rule.target);
  requireFinite('ragAgainstTarget', 'margin', rule.margin);
  if (rule.margin < 0) throw new StatsInputError('ragAgainstTarget', 'margin', `must not be negative, got ${rule.margin}`);
  if (!directional(rule.polarity) || value === null || !Number.isFinite(value)) return 'Not rated';
  const width = rule.marginKind === 'relative' ? Math.abs(rule.target) * rule.margin : rule.margin;
  if (rule.polarity === 'high-is-good') {
    if (value >= rule.target) return 'Met';
    return value >= rule.target - width ? 'Near' : 'Not met';
  }
  if (value <= rule.target) return 'Met';
  return value <= rule.target + width ? 'Near' : 'Not met';
}
