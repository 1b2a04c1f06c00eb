/**
 * The result of an impact evaluation, exactly as `gpnet evaluate --format json` prints it
 * (snake_case keys). Numbers are never NaN or infinite: what cannot be computed is null, with the
 * reason in `caveats` or `reason`.
 */
import type { Periodicity } from './period.js';

export type ModelFamily = 'ols' | 'poisson' | 'quasipoisson';
export type OlsErrors = 'newey-west' | 'prais-winsten' | 'classical';

export interface RatioReport {
  estimate: number;
  ci_lower: number;
  ci_upper: number;
}

export interface CoefficientReport {
  /** baseline_level, pre_trend, level_change, slope_change, sin1…, difference_in_…, post_trend … */
  name: string;
  /** What it means, in plain words. */
  description: string;
  estimate: number;
  se: number;
  /** t or z statistic; null when the standard error is 0. */
  statistic: number | null;
  /** Two-sided P value; null when the standard error is 0. */
  p: number | null;
  ci_lower: number;
  ci_upper: number;
  /** Poisson models: exp(estimate) with its CI (a rate ratio). */
  rate_ratio?: RatioReport;
}

export type EffectReport =
  | {
      status: 'ok';
      horizon: number;
      period: string;
      /** True when the period lies after the last period of the data. */
      extrapolated: boolean;
      /** OLS: the difference fitted − counterfactual; Poisson: the log rate ratio. */
      estimate: number;
      se: number;
      p: number | null;
      ci_lower: number;
      ci_upper: number;
      rate_ratio?: RatioReport;
      /** Modelled outcome with and without the intervention at that period (null when not defined). */
      fitted: number | null;
      counterfactual: number | null;
      /** (fitted − counterfactual) / counterfactual; null when the counterfactual is 0 or unknown. */
      relative_change: number | null;
    }
  | { status: 'not-estimable'; horizon: number; period: string; reason: string };

/** The fields every estimable effect shares: which period, and the estimate with its interval. */
export function effectHead(
  e: { horizon: number; extrapolated: boolean; effect: { estimate: number; se: number; p: number | null; lower: number; upper: number } },
  period: string,
): { status: 'ok'; horizon: number; period: string; extrapolated: boolean; estimate: number; se: number; p: number | null; ci_lower: number; ci_upper: number } {
  const { effect } = e;
  return {
    status: 'ok',
    horizon: e.horizon,
    period,
    extrapolated: e.extrapolated,
    estimate: effect.estimate,
    se: effect.se,
    p: effect.p,
    ci_lower: effect.lower,
    ci_upper: effect.upper,
  };
}

export interface SeriesPointReport {
  period: string;
  phase: 'before' | 'transition' | 'after';
  observed: number | null;
  used_in_fit: boolean;
  /** The model's value with the intervention (for Poisson: the expected count). */
  fitted: number | null;
  /** The model's value had the intervention not happened, with its confidence interval. */
  counterfactual: number | null;
  counterfactual_lower: number | null;
  counterfactual_upper: number | null;
  /** Comparative models: the comparator's observed value. */
  comparator?: number | null;
  /** Poisson models with an offset: the population at risk and the rates per `rate_per`. */
  exposure?: number | null;
  observed_rate?: number | null;
  fitted_rate?: number;
  counterfactual_rate?: number;
  counterfactual_rate_lower?: number;
  counterfactual_rate_upper?: number;
}

export interface DiagnosticsReport {
  periods_in_range: number;
  points_before: number;
  points_after: number;
  points_in_transition: number;
  /** Periods in the range with no usable outcome (missing, or a zero denominator). */
  points_missing: number;
  points_used: number;
  comparator_points_before?: number;
  comparator_points_after?: number;
  durbin_watson: number | null;
  ljung_box: { statistic: number; lag: number; df: number; p: number } | null;
  /** Which residuals the autocorrelation diagnostics use. */
  residuals: string;
  /** Poisson models: Pearson χ² / residual df (1 for a pure Poisson variation). */
  dispersion?: number;
  deviance?: number;
  /** Prais–Winsten: the estimated AR(1) correlation of the errors. */
  rho?: number;
  df_residual: number;
}

export interface DataReport {
  source: 'csv' | 'store';
  /** The series file, or "indicator X for ORG" for the store. */
  series: string;
  comparator: string | null;
  periodicity: Periodicity;
  first_period: string;
  last_period: string;
  /** What the model's outcome is, e.g. "percentage: 100 × numerator ÷ denominator". */
  outcome: string;
  /** Poisson models: what the offset is (log of it enters the model), else null. */
  offset: string | null;
  /** Poisson models with an offset: rates in the series are per this many units of the offset. */
  rate_per: number | null;
  db?: string;
  indicator?: string;
  org?: string;
}

export interface ModelReport {
  family: ModelFamily;
  comparative: boolean;
  /** The fitting method as the statistics module names it. */
  method: string;
  errors: OlsErrors | null;
  newey_west_lag: number | null;
  intervention: {
    start: string;
    /** Last period of the transition window, or null for a single intervention period. */
    transition_end: string | null;
    first_post_period: string;
    transition_periods: number;
  };
  slope_change: boolean;
  /** Value of the slope_change term in the first period after the intervention (0 or 1). */
  slope_start: number;
  seasonal_harmonics: number;
  time_unit: Periodicity;
  confidence: number;
  /** The model in one line. */
  equation: string;
}

export interface EvaluationReport {
  gpnet: 'evaluate';
  status: 'ok' | 'not-estimable';
  /** Why the model could not be fitted (status not-estimable). */
  reason?: string;
  data: DataReport;
  model: ModelReport;
  coefficients: CoefficientReport[];
  /** Combinations of coefficients, e.g. the post-intervention trend. */
  derived: CoefficientReport[];
  effects: EffectReport[];
  diagnostics: DiagnosticsReport;
  caveats: string[];
  series: SeriesPointReport[];
}
