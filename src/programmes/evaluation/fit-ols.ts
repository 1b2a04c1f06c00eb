/**
 * Single-series segmented linear regression (src/stats fitSegmentedRegression): OLS coefficients
 * with Newey–West, Prais–Winsten or classical standard errors.
 */
import { fitSegmentedRegression, type ErrorModel } from '../../stats/index.js';
import { defaultNeweyWestLag } from '../../stats/newey-west.js';
import { estimateReport, type FitPlan, type FitResult, notEstimable, phaseOf, seasonalityOf, slopeCodingOf, termContext, usableIndices } from './fit-plan.js';
import type { EffectReport, SeriesPointReport } from './report.js';
import { effectHead } from './report.js';
import { describeTerm, reportName } from './terms.js';

/** The Newey–West lag that will be used: the one asked for, or floor(4(n/100)^(2/9)) of the points used. */
export function neweyWestLagFor(plan: FitPlan, pointsUsed: number): number {
  return plan.lag ?? defaultNeweyWestLag(pointsUsed);
}

export function fitOlsModel(plan: FitPlan): FitResult {
  const { outcome, intervention, timeline } = plan;
  const lag = plan.errors === 'newey-west' ? neweyWestLagFor(plan, usableIndices(outcome.y, intervention).length) : null;
  const errors: ErrorModel =
    lag !== null ? { kind: 'newey-west', lag } : plan.errors === 'prais-winsten' ? { kind: 'prais-winsten' } : { kind: 'ols' };
  const result = fitSegmentedRegression(
    {
      y: outcome.y,
      interventionIndex: intervention.interventionIndex,
      transitionLength: intervention.transitionLength,
      timeOrigin: 0,
      slopeCoding: slopeCodingOf(plan),
      seasonality: seasonalityOf(plan),
      terms: plan.slopeChange ? 'level-and-slope' : 'level-only',
    },
    { errors, horizons: plan.horizons, confidence: plan.confidence },
  );
  if (result.status !== 'ok') return notEstimable(result.reason, 'segmented linear regression');
  const context = termContext(plan, 'outcome');
  const coefficients = result.coefficients.map((c) => estimateReport(reportName(c.name), describeTerm(c.name, context), c));
  const derived = [estimateReport('post_trend', `trend per ${timeline.periodicity} after the intervention (pre_trend + slope_change)`, result.postTrend)];
  const effects: EffectReport[] = result.effects.map((e) => {
    const period = timeline.label(e.index);
    if (e.status !== 'ok') return { status: 'not-estimable', horizon: e.horizon, period, reason: e.reason };
    return {
      ...effectHead(e, period),
      fitted: e.fitted,
      counterfactual: e.counterfactual,
      relative_change: e.relativeChange,
    };
  });
  const series: SeriesPointReport[] = result.series.map((s) => ({
    period: timeline.label(s.index),
    phase: phaseOf(s.index, intervention),
    observed: s.observed,
    used_in_fit: s.usedInFit,
    fitted: s.fitted,
    counterfactual: s.counterfactual,
    counterfactual_lower: s.counterfactualLower,
    counterfactual_upper: s.counterfactualUpper,
  }));
  const d = result.diagnostics;
  return {
    status: 'ok',
    method: result.method,
    neweyWestLag: plan.errors === 'newey-west' && result.method.includes('Newey') ? lag : null,
    coefficients,
    derived,
    effects,
    series,
    diagnostics: {
      durbin_watson: d.durbinWatson,
      ljung_box: d.ljungBox,
      residuals: 'OLS residuals of the points used, in time order',
      ...(d.rho !== undefined ? { rho: d.rho } : {}),
      df_residual: result.dfResidual,
    },
    warnings: result.warnings,
  };
}
