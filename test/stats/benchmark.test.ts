import { describe, expect, it } from 'vitest';
import { type BenchmarkOutcome, compareWithBenchmark, compareWithBenchmarkTwoLevels } from '../../src/stats/benchmark.js';
import type { Polarity } from '../../src/stats/polarity.js';
import { Z95, Z998, wilson } from '../../src/stats/proportion.js';
import { expectClose, referenceBlock } from './helpers.js';

interface BenchmarkCase {
  area: string;
  numerator: number;
  denominator: number;
  value: number;
  ci95: [number, number];
  ci99_8: [number, number];
  comparator_value: number;
  polarity: 'high_is_good' | 'low_is_good' | 'no_judgement';
  single_overlap_95: string;
  two_level_95_99_8: string | null;
}

const POLARITY: Record<BenchmarkCase['polarity'], Polarity> = {
  high_is_good: 'high-is-good',
  low_is_good: 'low-is-good',
  no_judgement: 'no-judgement',
};
// fingertips-open calls "Similar" Same; FingertipsNext and gpnet say Similar.
const outcome = (s: string): BenchmarkOutcome => (s === 'Same' ? 'Similar' : (s as BenchmarkOutcome));

describe('benchmark comparison: stats-reference.json fingertips_benchmark', () => {
  const { cases } = referenceBlock<{ cases: BenchmarkCase[] }>('fingertips_benchmark');
  it.each(cases)('area $area ($polarity)', (c) => {
    const ci95 = wilson(c.numerator, c.denominator, Z95)!;
    const ci998 = wilson(c.numerator, c.denominator, Z998)!;
    expectClose(ci95.lower, c.ci95[0], 1e-9, 1e-12, 'ci95 lower');
    expectClose(ci998.upper, c.ci99_8[1], 1e-9, 1e-12, 'ci99.8 upper');
    const input = { value: c.value, ci95, ci99_8: ci998, benchmark: c.comparator_value, polarity: POLARITY[c.polarity] };
    expect(compareWithBenchmark(input).outcome).toBe(outcome(c.single_overlap_95));
    if (c.two_level_95_99_8 !== null) expect(compareWithBenchmarkTwoLevels(input).outcome).toBe(outcome(c.two_level_95_99_8));
  });
});

describe('benchmark comparison: when no comparison is made', () => {
  const base = { value: 0.6, ci95: { lower: 0.5, upper: 0.7 }, benchmark: 0.8, polarity: 'high-is-good' as Polarity };
  it('counts the benchmark on the CI edge as Similar (inclusive)', () => {
    expect(compareWithBenchmark({ ...base, benchmark: 0.7 }).outcome).toBe('Similar');
  });
  it('is Not compared without a CI, value, benchmark or polarity, or below a minimum denominator', () => {
    expect(compareWithBenchmark({ ...base, ci95: null })).toEqual({ outcome: 'Not compared', reason: 'no valid 95% confidence interval' });
    expect(compareWithBenchmark({ ...base, ci95: { lower: Number.NaN, upper: 1 } }).outcome).toBe('Not compared');
    expect(compareWithBenchmark({ ...base, value: null }).outcome).toBe('Not compared');
    expect(compareWithBenchmark({ ...base, benchmark: null }).outcome).toBe('Not compared');
    expect(compareWithBenchmark({ ...base, polarity: 'not-applicable' }).outcome).toBe('Not compared');
    expect(compareWithBenchmark({ ...base, denominator: 8, minimumDenominator: 10 }).reason).toBe('denominator below 10');
    expect(compareWithBenchmark({ ...base, denominator: 10, minimumDenominator: 10 }).outcome).toBe('Worse');
    expect(compareWithBenchmarkTwoLevels(base).reason).toBe('no valid 99.8% confidence interval');
  });
});
