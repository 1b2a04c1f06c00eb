/**
 * Comparison of an area's value with a benchmark (England, London, the collaboration), as public
 * health profiles show it (fingertips-open SingleOverlappingCIsForOneCILevelComparer and
 * ...ForTwoCILevelsComparer; statistics.md §2):
 *   - Similar when the benchmark value lies inside the area's 95% CI (inclusive);
 *   - otherwise Better/Worse by the side the value lies on, swapped when low is good;
 *   - two-level: Better/Worse when the benchmark lies between the 95% and 99.8% limits,
 *     Best/Worst beyond the 99.8% limit;
 *   - no-judgement polarity reads Lower/Similar/Higher; not-applicable polarity, a missing or
 *     invalid CI, a missing value or too small a denominator read "Not compared".
 */
import type { Polarity } from './polarity.js';
import type { Interval } from './proportion.js';

export type BenchmarkOutcome = 'Better' | 'Similar' | 'Worse' | 'Best' | 'Worst' | 'Lower' | 'Higher' | 'Not compared';

export interface BenchmarkInput {
  value: number | null;
  ci95: Interval | null;
  /** Needed only for the two-level comparison. */
  ci99_8?: Interval | null;
  benchmark: number | null;
  polarity: Polarity;
  /** The area's denominator; with minimumDenominator, areas below it are not compared. */
  denominator?: number | null;
  minimumDenominator?: number;
}

export interface BenchmarkResult {
  outcome: BenchmarkOutcome;
  /** Why the comparison was not made, when it was not. */
  reason?: string;
}

function validInterval(ci: Interval | null | undefined): ci is Interval {
  return !!ci && Number.isFinite(ci.lower) && Number.isFinite(ci.upper) && ci.lower <= ci.upper;
}

function notCompared(input: BenchmarkInput, needTwoLevels: boolean): BenchmarkResult | null {
  if (input.polarity === 'not-applicable') return { outcome: 'Not compared', reason: 'the indicator has no polarity' };
  if (input.value === null || !Number.isFinite(input.value)) return { outcome: 'Not compared', reason: 'no value' };
  if (input.benchmark === null || !Number.isFinite(input.benchmark)) return { outcome: 'Not compared', reason: 'no benchmark value' };
  if (input.minimumDenominator !== undefined && !((input.denominator ?? 0) >= input.minimumDenominator)) {
    return { outcome: 'Not compared', reason: `denominator below ${input.minimumDenominator}` };
  }
  if (!validInterval(input.ci95)) return { outcome: 'Not compared', reason: 'no valid 95% confidence interval' };
  if (needTwoLevels && !validInterval(input.ci99_8)) return { outcome: 'Not compared', reason: 'no valid 99.8% confidence interval' };
  return null;
}

/** Orient a raw "area is above/below the benchmark" finding by polarity. */
function orient(aboveBenchmark: boolean, polarity: Polarity, strong: boolean): BenchmarkOutcome {
  if (polarity === 'no-judgement') return aboveBenchmark ? 'Higher' : 'Lower';
  const good = polarity === 'high-is-good' ? aboveBenchmark : !aboveBenchmark;
  if (strong) return good ? 'Best' : 'Worst';
  return good ? 'Better' : 'Worse';
}

/** Fingertips comparator method 1: the benchmark against the area's 95% CI. */
export function compareWithBenchmark(input: BenchmarkInput): BenchmarkResult {
  const skip = notCompared(input, false);
  if (skip) return skip;
  const ci = input.ci95!;
  const b = input.benchmark!;
  if (b >= ci.lower && b <= ci.upper) return { outcome: 'Similar' };
  return { outcome: orient(input.value! > b, input.polarity, false) };
}

/** Fingertips comparator method 17: 95% and 99.8% tiers (Best/Worst beyond 99.8%). */
export function compareWithBenchmarkTwoLevels(input: BenchmarkInput): BenchmarkResult {
  const skip = notCompared(input, true);
  if (skip) return skip;
  const ci95 = input.ci95!;
  const ci998 = input.ci99_8!;
  const b = input.benchmark!;
  if (b >= ci95.lower && b <= ci95.upper) return { outcome: 'Similar' };
  const above = input.value! > b;
  const within998 = above ? b >= ci998.lower : b <= ci998.upper;
  return { outcome: orient(above, input.polarity, !within998) };
}
