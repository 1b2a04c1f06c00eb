import { describe, expect, it } from 'vitest';
import { assignQuantileGroups, orientGroup, percentile, quantileBounds, quantileGroup } from '../../src/stats/quantiles.js';
import { Z95, wilson } from '../../src/stats/proportion.js';
import { compareCiWithTarget, compareValueWithTarget, compareWithTargetRange, ragAgainstTarget } from '../../src/stats/target.js';
import { referenceBlock } from './helpers.js';

describe('quintiles: stats-reference.json fingertips_quintiles (exact after Fingertips 10 dp rounding)', () => {
  const ref = referenceBlock<{ bounds: number[]; published_test_bounds: number[] }>('fingertips_quintiles');
  const values = Array.from({ length: 50 }, (_, i) => i + 1);
  it('gives the bounds of QuintilesCalculatorTest for 1..50', () => {
    expect(quantileBounds(values, 5)).toEqual(ref.bounds);
    expect(ref.bounds).toEqual(ref.published_test_bounds);
  });
  it('puts a value in the first group whose upper bound it does not exceed, 1 = lowest', () => {
    const b = quantileBounds(values, 5)!;
    expect([1, 10, 11, 50].map((v) => quantileGroup(v, b))).toEqual([1, 1, 2, 5]);
    expect(orientGroup(5, 5, 'high-is-good')).toBe(1);
    expect(orientGroup(5, 5, 'low-is-good')).toBe(5);
  });
  it('matches R quantile(type = 7) for deciles of an uneven set', () => {
    const xs = [3.2, 9.1, 0.4, 7.7, 5.5, 2.2, 8.8, 1.0, 6.6, 4.4, 10.5];
    // R: quantile(xs, 0.1) = 1.0, quantile(xs, 0.35) = 3.2 + 0.5*(4.4 − 3.2) = 3.8
    expect(percentile(xs, 0.1)).toBeCloseTo(1.0, 14);
    expect(percentile(xs, 0.35)).toBeCloseTo(3.8, 14);
    const { bounds, groups } = assignQuantileGroups(xs, 10);
    expect(bounds).toHaveLength(11);
    expect(groups.every((g) => g !== null && g >= 1 && g <= 10)).toBe(true);
  });
  it('has no groups with too few values', () => {
    expect(quantileBounds([1, 2, 3, 4], 5)).toBeNull();
    expect(assignQuantileGroups([1, 2], 10).groups).toEqual([null, null]);
    expect(percentile([], 0.5)).toBeNull();
  });
});

interface TargetCase {
  numerator: number;
  denominator: number;
  value: number;
  'single_target_0.95_value': string;
  'single_target_0.95_using_CIs': string;
  'range_target_0.90_0.95': string;
}

describe('targets: stats-reference.json fingertips_target', () => {
  const { cases } = referenceBlock<{ cases: TargetCase[] }>('fingertips_target');
  it.each(cases)('$numerator/$denominator', (c) => {
    const ci = wilson(c.numerator, c.denominator, Z95);
    const value = c.numerator / c.denominator;
    expect(compareValueWithTarget(value, 0.95, 'high-is-good')).toBe(c['single_target_0.95_value']);
    expect(compareCiWithTarget(ci, 0.95, 'high-is-good')).toBe(c['single_target_0.95_using_CIs']);
    expect(compareWithTargetRange(value, 0.9, 0.95, 'high-is-good')).toBe(c['range_target_0.90_0.95']);
  });
  it('follows fingertips-open for low-is-good (SingleValueTargetComparerTest)', () => {
    expect(compareValueWithTarget(10, 10, 'low-is-good')).toBe('Better');
    expect(compareValueWithTarget(11, 10, 'low-is-good')).toBe('Worse');
    expect(compareCiWithTarget({ lower: 8, upper: 9 }, 10, 'low-is-good')).toBe('Better');
    expect(compareCiWithTarget({ lower: 9, upper: 11 }, 10, 'low-is-good')).toBe('Same');
    expect(compareCiWithTarget({ lower: 11, upper: 12 }, 10, 'low-is-good')).toBe('Worse');
    expect(compareWithTargetRange(5, 10, 20, 'low-is-good')).toBe('Better');
    expect(compareWithTargetRange(20, 10, 20, 'low-is-good')).toBe('Worse');
  });
  it('is Not compared without a value, CI or polarity', () => {
    expect(compareValueWithTarget(null, 1, 'high-is-good')).toBe('Not compared');
    expect(compareCiWithTarget(null, 1, 'high-is-good')).toBe('Not compared');
    expect(compareWithTargetRange(0.5, 0, 1, 'no-judgement')).toBe('Not compared');
    expect(() => compareWithTargetRange(0.5, 1, 0, 'high-is-good')).toThrow(/lower/);
  });
});

describe('RAG against a target with a margin', () => {
  it('rates Met / Near / Not met for high-is-good with an absolute margin', () => {
    const rule = { target: 0.8, polarity: 'high-is-good' as const, margin: 0.05 };
    expect(ragAgainstTarget(0.8, rule)).toBe('Met');
    expect(ragAgainstTarget(0.76, rule)).toBe('Near');
    expect(ragAgainstTarget(0.75, rule)).toBe('Near');
    expect(ragAgainstTarget(0.7, rule)).toBe('Not met');
  });
  it('mirrors for low-is-good and supports a relative margin', () => {
    const rule = { target: 20, polarity: 'low-is-good' as const, margin: 0.1, marginKind: 'relative' as const };
    expect(ragAgainstTarget(19, rule)).toBe('Met');
    expect(ragAgainstTarget(22, rule)).toBe('Near');
    expect(ragAgainstTarget(22.5, rule)).toBe('Not met');
  });
  it('handles 0% and 100%, missing values and bad rules', () => {
    expect(ragAgainstTarget(1, { target: 1, polarity: 'high-is-good', margin: 0 })).toBe('Met');
    expect(ragAgainstTarget(0, { target: 0.5, polarity: 'high-is-good', margin: 0 })).toBe('Not met');
    expect(ragAgainstTarget(null, { target: 0.5, polarity: 'high-is-good', margin: 0.1 })).toBe('Not rated');
    expect(ragAgainstTarget(0.5, { target: 0.5, polarity: 'no-judgement', margin: 0.1 })).toBe('Not rated');
    expect(() => ragAgainstTarget(0.5, { target: 0.5, polarity: 'high-is-good', margin: -1 })).toThrow(/margin/);
  });
});
