/**
 * What every model fitter receives (the series on its timeline, the intervention, the options) and
 * returns (the model-specific parts of the report), with the small conversions they share.
 */
import type { Estimate, RatioEstimate } from '../../stats/estimate.js';
import type { Seasonality } from '../../stats/seasonality.js';
import type { ResolvedIntervention } from './intervention.js';
import type { Outcome } from './outcome.js';
import { calendarMonth } from './period.js';
import type { CoefficientReport, DiagnosticsReport, EffectReport, ModelFamily, OlsErrors, SeriesPointReport } from './report.js';
import type { TermContext } from './terms.js';
import type { Timeline } from './timeline.js';

export interface FitPlan {
  timeline: Timeline;
  intervention: ResolvedIntervention;
  outcome: Outcome;
  comparator: Outcome | null;
  family: ModelFamily;
  errors: OlsErrors;
  /** Newey–West lag; null for the rule-of-thumb default. */
  lag: number | null;
  seasonalHarmonics: number;
  slopeChange: boolean;
  slopeStart: 0 | 1;
  horizons: number[];
  confidence: number;
}

export type FitDiagnostics = Pick<DiagnosticsReport, 'durbin_watson' | 'ljung_box' | 'residuals' | 'dispersion' | 'deviance' | 'rho' | 'df_residual'>;

export interface FitResult {
  status: 'ok' | 'not-estimable';
  reason?: string;
  method: string;
  neweyWestLag: number | null;
  coefficients: CoefficientReport[];
  derived: CoefficientReport[];
  effects: EffectReport[];
  series: SeriesPointReport[];
  diagnostics: FitDiagnostics;
  /** Messages from the statistics (exact fit, no convergence…), passed on as caveats. */
  warnings: string[];
}

export function notEstimable(reason: string, method: string): FitResult {
  return {
    status: 'not-estimable',
    reason,
    method,
    neweyWestLag: null,
    coefficients: [],
    derived: [],
    effects: [],
    series: [],
    diagnostics: { durbin_watson: null, ljung_box: null, residuals: 'none (no model fitted)', df_residual: 0 },
    warnings: [],
  };
}

export function termContext(plan: FitPlan, scale: TermContext['scale']): TermContext {
  return {
    unit: plan.timeline.periodicity,
    firstPeriod: plan.timeline.label(0),
    firstPostPeriod: plan.intervention.firstPostPeriod,
    slopeStart: plan.slopeStart,
    scale,
  };
}

export function estimateReport(name: string, description: string, e: Estimate): CoefficientReport {
  return { name, description, estimate: e.estimate, se: e.se, statistic: e.statistic, p: e.p, ci_lower: e.lower, ci_upper: e.upper };
}

export function ratioReport(e: RatioEstimate): NonNullable<CoefficientReport['rate_ratio']> {
  return { estimate: e.ratio, ci_lower: e.ratioLower, ci_upper: e.ratioUpper };
}

export function phaseOf(index: number, intervention: ResolvedIntervention): SeriesPointReport['phase'] {
  if (index < intervention.interventionIndex) return 'before';
  return index < intervention.interventionIndex + intervention.transitionLength ? 'transition' : 'after';
}

/** The seasonal terms for a monthly series: harmonics of the calendar month. */
export function seasonalityOf(plan: FitPlan): Seasonality {
  if (plan.seasonalHarmonics === 0) return { kind: 'none' };
  const season = Array.from({ length: plan.timeline.length }, (_, i) => calendarMonth(plan.timeline.periodAt(i)));
  return { kind: 'harmonic', season, harmonics: plan.seasonalHarmonics, period: 12 };
}

export function slopeCodingOf(plan: FitPlan): 'zero-at-first-post' | 'one-at-first-post' {
  return plan.slopeStart === 1 ? 'one-at-first-post' : 'zero-at-first-post';
}

/** Usable (non-missing, outside the transition window) points of a series in time order. */
export function usableIndices(y: readonly (number | null)[], intervention: ResolvedIntervention): number[] {
  return y.flatMap((v, i) => (v !== null && phaseOf(i, intervention) !== 'transition' ? [i] : []));
}
