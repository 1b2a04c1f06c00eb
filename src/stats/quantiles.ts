/**
 * Percentiles (R type 7 / Excel PERCENTILE.INC) and quantile groups (quintiles, deciles) as
 * Fingertips forms them (ValueCategoriesCalculator / QuintilesComparer; statistics.md §2):
 * bounds = [min, P(1/k), …, P((k−1)/k), max], each inner bound rounded to 10 dp to remove floating
 * artefacts; a value's group is the first i (1..k) with value ≤ bounds[i], so group 1 holds the lowest
 * values. orientGroup() turns that into "1 = best" by polarity.
 */
import { StatsInputError, requireFinite } from './errors.js';
import type { Polarity } from './polarity.js';
import { roundAwayFromZero } from './rounding.js';

function sortedFinite(fn: string, values: readonly number[]): number[] {
  values.forEach((v, i) => requireFinite(fn, `values[${i}]`, v));
  return [...values].sort((a, b) => a - b);
}

function type7(sorted: readonly number[], fraction: number): number {
  const h = (sorted.length - 1) * fraction;
  const k = Math.floor(h);
  const d = h - k;
  const lo = sorted[k]!;
  return d === 0 ? lo : lo + d * (sorted[k + 1]! - lo);
}

/** The f-quantile (0 ≤ f ≤ 1) by R's type 7 rule. Null for no values. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (!(fraction >= 0 && fraction <= 1)) throw new StatsInputError('percentile', 'fraction', `must be in [0, 1], got ${fraction}`);
  const sorted = sortedFinite('percentile', values);
  if (sorted.length === 0) return null;
  return type7(sorted, fraction);
}

/**
 * Group bounds for k groups (5 = quintiles, 10 = deciles): k + 1 numbers. Null when there are fewer
 * than k values (Fingertips needs at least 5 for quintiles).
 */
export function quantileBounds(values: readonly number[], groups: number): number[] | null {
  if (!Number.isInteger(groups) || groups < 2) throw new StatsInputError('quantileBounds', 'groups', `must be an integer ≥ 2, got ${groups}`);
  const sorted = sortedFinite('quantileBounds', values);
  if (sorted.length < Math.max(groups, 4)) return null;
  const bounds = [sorted[0]!];
  for (let i = 1; i < groups; i++) bounds.push(roundAwayFromZero(type7(sorted, i / groups), 10));
  bounds.push(sorted[sorted.length - 1]!);
  return bounds;
}

/** The group (1 = lowest values) of one value; null when the value lies outside [min, max]. */
export function quantileGroup(value: number, bounds: readonly number[]): number | null {
  requireFinite('quantileGroup', 'value', value);
  if (bounds.length < 3) throw new StatsInputError('quantileGroup', 'bounds', 'must hold at least 3 numbers');
  if (value < bounds[0]!) return null;
  for (let i = 1; i < bounds.length; i++) if (value <= bounds[i]!) return i;
  return null;
}

/**
 * Re-number a group so that 1 is the best: reversed when high is good. For no-judgement and
 * not-applicable polarities the group is returned as is (1 = lowest).
 */
export function orientGroup(group: number, groups: number, polarity: Polarity): number {
  return polarity === 'high-is-good' ? groups + 1 - group : group;
}

/** Groups for a whole set of values at once (null for values that cannot be grouped). */
export function assignQuantileGroups(values: readonly number[], groups: number): { bounds: number[] | null; groups: (number | null)[] } {
  const bounds = quantileBounds(values, groups);
  return { bounds, groups: values.map((v) => (bounds ? quantileGroup(v, bounds) : null)) };
}
