import { ONE, ZERO, clamp01, compare, div, fromMeasured, ratio, sub, type Ratio } from './ratio.js';
import type { Component } from './scheme.js';

/**
 * The payment rules. Achievement is compared with thresholds exactly (as ratios), so 95% met
 * exactly is met, with no floating-point doubt.
 *
 * - all_or_nothing: the whole component is earned when achievement reaches the target
 *   (at or above it when higher is better, at or below it when lower is better), else nothing.
 * - sliding_scale: nothing at or beyond the worse threshold, everything at or beyond the better
 *   one, linearly in between (as QOF pays points between its lower and upper thresholds):
 *   higher is better: (a − lower) / (upper − lower); lower is better: (upper − a) / (upper − lower).
 * - floor: achievement worse than the floor (below it when higher is better, above it when lower
 *   is better) claws back the floor's share of the component's part of the advance.
 */
export type Status = 'met' | 'partial' | 'not_met' | 'missing';

/**
 * A network's achievement as an exact ratio in the indicator's own units (percent for a
 * proportion). A proportion is taken from its integer numerator and denominator, exactly;
 * other kinds from the stored value rounded to six decimals. Null when there is no value.
 */
export function achievementOf(kind: string, row: { numerator: number; denominator: number; value: number | null }): Ratio | null {
  if (kind === 'proportion') {
    if (!(row.denominator > 0)) return null;
    if (Number.isSafeInteger(row.numerator) && Number.isSafeInteger(row.denominator)) return ratio(100n * BigInt(row.numerator), BigInt(row.denominator));
  }
  if (row.value === null || !Number.isFinite(row.value)) return null;
  return fromMeasured(row.value);
}

/** The share (0 to 1) of the component's performance pot earned at achievement `a`. */
export function earnedFraction(component: Pick<Component, 'rule' | 'direction'>, a: Ratio): Ratio {
  const { rule, direction } = component;
  if (rule.type === 'all_or_nothing') {
    const c = compare(a, rule.target.exact);
    return (direction === 'higher' ? c >= 0 : c <= 0) ? ONE : ZERO;
  }
  const span = sub(rule.upper.exact, rule.lower.exact);
  const gained = direction === 'higher' ? sub(a, rule.lower.exact) : sub(rule.upper.exact, a);
  return clamp01(div(gained, span));
}

export function isBelowFloor(component: Pick<Component, 'floor' | 'direction'>, a: Ratio): boolean {
  if (!component.floor) return false;
  const c = compare(a, component.floor.value.exact);
  return component.direction === 'higher' ? c < 0 : c > 0;
}

export function statusOf(fraction: Ratio | null): Status {
  if (!fraction) return 'missing';
  if (compare(fraction, ONE) === 0) return 'met';
  if (compare(fraction, ZERO) === 0) return 'not_met';
  return 'partial';
}

/** A one-line description, e.g. "sliding scale 50 → 90 (higher is better); floor 40: claw back 50% of the advance part". */
export function describeRule(component: Pick<Component, 'rule' | 'direction' | 'floor'>, formatShare: (bp: number) => string): string {
  const { rule, direction, floor } = component;
  const better = direction === 'higher' ? 'higher is better' : 'lower is better';
  const main =
    rule.type === 'all_or_nothing'
      ? `all or nothing at ${direction === 'higher' ? '≥' : '≤'} ${rule.target.value}`
      : direction === 'higher'
        ? `sliding scale: nothing at ≤ ${rule.lower.value}, all at ≥ ${rule.upper.value}`
        : `sliding scale: all at ≤ ${rule.lower.value}, nothing at ≥ ${rule.upper.value}`;
  const fl = floor ? `; ${direction === 'higher' ? 'below' : 'above'} ${floor.value.value} claw back ${formatShare(floor.clawback)} of its advance part` : '';
  return `${main} (${better})${fl}`;
}
