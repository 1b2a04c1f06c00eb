/**
 * The pieces of a study outcome's evaluation that do not need the store: which periods of the
 * window fall before, inside or after the phase-in, whether a comparative ITS can be fitted, and
 * the comparative before/after estimate (difference in differences) with its confidence interval.
 */
import { normalTwoSidedP } from '../../stats/normal.js';

export type Phase = 'before' | 'transition' | 'after';

function monthIndex(dateOrMonth: string): number {
  const [y, m] = dateOrMonth.slice(0, 7).split('-').map(Number) as [number, number];
  return y * 12 + m - 1;
}

/**
 * Where a period sits against the phase-in, by its value date (the period's last month end, where
 * the reporting-period model puts a quarter's or year's value): before the phase-in's first month,
 * inside it (a transition period, left out of the fit), or after its last month.
 */
export function phaseOfPeriodEnd(periodEnd: string, phaseIn: { from: string; to: string }): Phase {
  const m = monthIndex(periodEnd);
  if (m < monthIndex(phaseIn.from)) return 'before';
  if (m > monthIndex(phaseIn.to)) return 'after';
  return 'transition';
}

export interface WindowSides {
  before: string[];
  transition: string[];
  after: string[];
}

export function windowSides(periodEnds: readonly string[], phaseIn: { from: string; to: string }): WindowSides {
  const out: WindowSides = { before: [], transition: [], after: [] };
  for (const e of periodEnds) out[phaseOfPeriodEnd(e, phaseIn)].push(e);
  return out;
}

export const MIN_ITS_PERIODS = 3;

export type StudyMethod = 'comparative ITS' | 'comparative before/after';

/**
 * The comparative ITS needs 3 periods on each side of the phase-in; otherwise the outcome is
 * estimated before/after: from the last period before the phase-in (or, when the window starts
 * inside it, the window's first period) to the window's last period.
 */
export function chooseMethod(sides: WindowSides): StudyMethod {
  return sides.before.length >= MIN_ITS_PERIODS && sides.after.length >= MIN_ITS_PERIODS ? 'comparative ITS' : 'comparative before/after';
}

export function beforeAfterPeriods(periodEnds: readonly string[], sides: WindowSides): { from: string; to: string; from_is_before_phase_in: boolean } | null {
  const to = periodEnds[periodEnds.length - 1];
  const from = sides.before[sides.before.length - 1] ?? periodEnds[0];
  if (!to || !from || from >= to) return null;
  return { from, to, from_is_before_phase_in: sides.before.length > 0 };
}

/** One observation with what its sampling variance needs. */
export interface Observed {
  value: number;
  numerator: number;
  denominator: number;
  /** The standard error of a mean (from its stored confidence interval), when known. */
  se?: number | null;
}

export type VarianceKind = 'binomial' | 'poisson' | 'mean';

/**
 * Sampling variance of a value: binomial for a percentage (100² p(1−p)/n), Poisson for a rate or
 * prevalence per `per` (per² k/n²), and the mean's squared standard error for a mean.
 */
export function samplingVariance(o: Observed, kind: VarianceKind, per: number): number | null {
  if (o.denominator <= 0) return null;
  if (kind === 'binomial') {
    const p = o.numerator / o.denominator;
    return (per * per * p * (1 - p)) / o.denominator;
  }
  if (kind === 'poisson') return (per * per * o.numerator) / (o.denominator * o.denominator);
  return o.se === null || o.se === undefined ? null : o.se * o.se;
}

export interface DiffInDiff {
  estimate: number;
  ci_lower: number;
  ci_upper: number;
  p: number | null;
  se: number;
  treated_change: number;
  comparator_change: number;
}

/**
 * (treated after − treated before) − (comparator after − comparator before), its standard error
 * the square root of the four sampling variances summed (the four values treated as independent),
 * a normal 95% interval and a two-sided P value.
 */
export function differenceInDifferences(
  treated: { before: Observed; after: Observed },
  comparator: { before: Observed; after: Observed },
  kind: VarianceKind,
  per: number,
  z = 1.959963984540054,
): DiffInDiff | null {
  const vars = [treated.before, treated.after, comparator.before, comparator.after].map((o) => samplingVariance(o, kind, per));
  if (vars.some((v) => v === null)) return null;
  const se = Math.sqrt((vars as number[]).reduce((a, b) => a + b, 0));
  const treatedChange = treated.after.value - treated.before.value;
  const comparatorChange = comparator.after.value - comparator.before.value;
  const estimate = treatedChange - comparatorChange;
  return {
    estimate,
    ci_lower: estimate - z * se,
    ci_upper: estimate + z * se,
    p: se > 0 ? normalTwoSidedP(estimate / se) : null,
    se,
    treated_change: treatedChange,
    comparator_change: comparatorChange,
  };
}
