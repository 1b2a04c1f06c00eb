/**
 * The impact evaluation of one series: checks the request, lays the series (and any comparator)
 * on a common timeline, places the intervention, picks the outcome, fits the model the user asked
 * for and assembles the report with its diagnostics and caveats.
 */
import { caveatsFor } from './caveats.js';
import { EvaluationInputError } from './errors.js';
import { fitComparativeCountModel } from './fit-comparative-counts.js';
import { fitComparativeOlsModel } from './fit-comparative-ols.js';
import { fitCountModel } from './fit-counts.js';
import { fitOlsModel } from './fit-ols.js';
import { type FitPlan, type FitResult, phaseOf } from './fit-plan.js';
import { parseIntervention, resolveIntervention } from './intervention.js';
import { selectOutcome } from './outcome.js';
import { periodicityWord, type Periodicity } from './period.js';
import type { DataReport, DiagnosticsReport, EvaluationReport, ModelFamily, OlsErrors } from './report.js';
import type { InputSeries } from './series.js';
import { timelineOf } from './timeline.js';

export interface EvaluationOptions {
  family: ModelFamily;
  /** OLS standard errors; null for the default (Newey–West). */
  errors: OlsErrors | null;
  /** Newey–West lag; null for floor(4(n/100)^(2/9)). */
  lag: number | null;
  /** Number of seasonal harmonics of the calendar month (0 = none). */
  seasonalHarmonics: number;
  slopeChange: boolean;
  /** Value of slope_change in the first period after the intervention: 0 (Linden) or 1 (Lopez Bernal et al.). */
  slopeStart: 0 | 1;
  /** Periods after the intervention at which to report the effect; null for the default. */
  horizons: number[] | null;
  confidence?: number;
}

export interface EvaluationInput {
  series: InputSeries;
  comparator: InputSeries | null;
  /** YYYY-MM, YYYY-MM..YYYY-MM, YYYY or YYYY..YYYY. */
  intervention: string;
  options: EvaluationOptions;
  /** How the data were found, for the report. */
  source: Pick<DataReport, 'source'> & Partial<Pick<DataReport, 'db' | 'indicator' | 'org'>>;
}

export const MIN_POINTS_PER_SIDE = 3;

export const DEFAULT_HORIZONS: Record<Periodicity, number[]> = { month: [12, 24], quarter: [4, 8], year: [1, 5] };

function checkOptions(input: EvaluationInput): void {
  const { options: o, series, comparator } = input;
  if (o.family !== 'ols' && o.errors !== null) throw new EvaluationInputError(`--errors is for linear models (--model ols); a ${o.family} model has its own standard errors`);
  if (o.family !== 'ols' && o.lag !== null) throw new EvaluationInputError(`--lag sets the Newey–West lag of a linear model (--model ols); it does not apply to a ${o.family} model`);
  if (o.lag !== null && o.errors !== null && o.errors !== 'newey-west') throw new EvaluationInputError(`--lag is the Newey–West lag; it does not apply with --errors ${o.errors}`);
  if (o.seasonalHarmonics > 0 && series.periodicity !== 'month') throw new EvaluationInputError(`--seasonal needs a monthly series; ${series.label} is ${series.periodicity}ly`);
  if (!Number.isInteger(o.seasonalHarmonics) || o.seasonalHarmonics < 0 || o.seasonalHarmonics > 6) {
    throw new EvaluationInputError(`--seasonal must be a whole number of harmonics from 1 to 6, not ${o.seasonalHarmonics}`);
  }
  if (comparator) {
    if (comparator.periodicity !== series.periodicity) {
      throw new EvaluationInputError(`the comparator ${comparator.label} is a ${comparator.periodicity}ly series but ${series.label} is ${series.periodicity}ly`);
    }
    if (o.seasonalHarmonics > 0) throw new EvaluationInputError('--seasonal cannot be combined with a comparator: the comparative model has no seasonal terms (the comparator carries the season)');
    if (!o.slopeChange) throw new EvaluationInputError('--no-slope-change cannot be combined with a comparator: the comparative model always estimates both changes');
  }
  for (const h of o.horizons ?? []) {
    if (!Number.isInteger(h) || h < 1) throw new EvaluationInputError(`--horizons must be whole numbers of ${periodicityWord(series.periodicity, 2)} ≥ 1, not ${h}`);
  }
}

function countSides(y: readonly (number | null)[], plan: Pick<FitPlan, 'intervention'>): { before: number; after: number; transition: number } {
  let before = 0;
  let after = 0;
  let transition = 0;
  y.forEach((v, i) => {
    const phase = phaseOf(i, plan.intervention);
    if (phase === 'transition') transition++;
    else if (v !== null) {
      if (phase === 'before') before++;
      else after++;
    }
  });
  return { before, after, transition };
}

function requireSides(y: readonly (number | null)[], plan: Pick<FitPlan, 'intervention' | 'timeline'>, label: string): void {
  const sides = countSides(y, plan);
  const { timeline, intervention } = plan;
  const last = timeline.length - 1;
  const postStart = intervention.interventionIndex + intervention.transitionLength;
  for (const [side, n, from, to] of [
    ['before', sides.before, 0, intervention.interventionIndex - 1],
    ['after', sides.after, postStart, last],
  ] as const) {
    if (n < MIN_POINTS_PER_SIDE) {
      const span = from === to ? timeline.label(from) : `${timeline.label(from)} to ${timeline.label(to)}`;
      throw new EvaluationInputError(
        `${label} has ${n} usable ${periodicityWord(timeline.periodicity, n)} ${side} the intervention (${span}); at least ${MIN_POINTS_PER_SIDE} are needed on each side to estimate a level and a trend`,
      );
    }
  }
}

function fitModel(plan: FitPlan): FitResult {
  if (plan.comparator) return plan.family === 'ols' ? fitComparativeOlsModel(plan) : fitComparativeCountModel(plan);
  return plan.family === 'ols' ? fitOlsModel(plan) : fitCountModel(plan);
}

/** The model in one line, e.g. "y = baseline_level + pre_trend·t + level_change·after + slope_change·s + error". */
function equation(plan: FitPlan): string {
  const t = plan.timeline.periodicity;
  const lhs = plan.family === 'ols' ? 'y =' : plan.outcome.exposure ? 'log E[count] = log(offset) +' : 'log E[count] =';
  const s = `s (${t}s since the intervention, ${plan.slopeStart} in ${plan.intervention.firstPostPeriod})`;
  const terms = [
    'baseline_level',
    `pre_trend·t (${t}s since ${plan.timeline.label(0)})`,
    `level_change·after (1 from ${plan.intervention.firstPostPeriod})`,
    ...(plan.slopeChange ? [`slope_change·${s}`] : []),
    ...(plan.seasonalHarmonics > 0 ? [`${plan.seasonalHarmonics} sine–cosine pair${plan.seasonalHarmonics > 1 ? 's' : ''} of the calendar month`] : []),
  ];
  if (plan.comparator) {
    terms.push('treated·(difference_in_baseline_level + difference_in_pre_trend·t + difference_in_level_change·after + difference_in_slope_change·s), treated = 1 for the treated series and 0 for the comparator');
  }
  return `${lhs} ${terms.join(' + ')}${plan.family === 'ols' ? ' + error' : ''}`;
}

export function evaluateSeries(input: EvaluationInput): EvaluationReport {
  checkOptions(input);
  const { series, comparator, options: o } = input;
  const timeline = timelineOf(series);
  const intervention = resolveIntervention(parseIntervention(input.intervention, series.periodicity, series.label, series.reporting), timeline, series.label);
  const outcome = selectOutcome(series, o.family, timeline);
  const comparatorOutcome = comparator ? selectOutcome(comparator, o.family, timeline) : null;
  const plan: FitPlan = {
    timeline,
    intervention,
    outcome,
    comparator: comparatorOutcome,
    family: o.family,
    errors: o.errors ?? 'newey-west',
    lag: o.lag,
    seasonalHarmonics: o.seasonalHarmonics,
    slopeChange: o.slopeChange,
    slopeStart: o.slopeStart,
    horizons: o.horizons ?? DEFAULT_HORIZONS[timeline.periodicity],
    confidence: o.confidence ?? 0.95,
  };
  if (comparatorOutcome && comparator) {
    const covered = comparatorOutcome.y.filter((v) => v !== null).length;
    if (covered === 0) {
      throw new EvaluationInputError(`the comparator ${comparator.label} has no values in the periods of ${series.label} (${timeline.label(0)} to ${timeline.label(timeline.length - 1)})`);
    }
  }
  requireSides(outcome.y, plan, series.label);
  if (comparatorOutcome && comparator) requireSides(comparatorOutcome.y, plan, `the comparator ${comparator.label}`);

  const fit = fitModel(plan);
  const sides = countSides(outcome.y, plan);
  const comparatorSides = comparatorOutcome ? countSides(comparatorOutcome.y, plan) : null;
  const diagnostics: DiagnosticsReport = {
    periods_in_range: timeline.length,
    points_before: sides.before,
    points_after: sides.after,
    points_in_transition: sides.transition,
    points_missing: outcome.y.filter((v, i) => v === null && phaseOf(i, intervention) !== 'transition').length,
    points_used: sides.before + sides.after,
    ...(comparatorSides ? { comparator_points_before: comparatorSides.before, comparator_points_after: comparatorSides.after } : {}),
    ...fit.diagnostics,
  };
  const errors = o.family === 'ols' ? plan.errors : null;
  const report: EvaluationReport = {
    gpnet: 'evaluate',
    status: fit.status,
    ...(fit.reason ? { reason: fit.reason } : {}),
    data: {
      ...input.source,
      series: series.label,
      comparator: comparator?.label ?? null,
      periodicity: timeline.periodicity,
      first_period: timeline.label(0),
      last_period: timeline.label(timeline.length - 1),
      outcome: outcome.description,
      offset: outcome.exposureDescription,
      rate_per: outcome.exposure ? (outcome.ratePer ?? 1) : null,
    },
    model: {
      family: o.family,
      comparative: comparator !== null,
      method: fit.method,
      errors,
      newey_west_lag: fit.neweyWestLag,
      intervention: {
        start: intervention.start,
        transition_end: intervention.transitionEnd,
        first_post_period: intervention.firstPostPeriod,
        transition_periods: intervention.transitionLength,
      },
      slope_change: o.slopeChange,
      slope_start: o.slopeStart,
      seasonal_harmonics: o.seasonalHarmonics,
      time_unit: timeline.periodicity,
      confidence: plan.confidence,
      equation: equation(plan),
    },
    coefficients: fit.coefficients,
    derived: fit.derived,
    effects: fit.effects,
    diagnostics,
    caveats: caveatsFor(plan, fit, diagnostics, comparator?.label ?? null),
    series: fit.series,
  };
  return report;
}
