/**
 * Comparative segmented linear regression (src/stats fitComparativeIts, Linden's multiple-group
 * model): the treated series against a comparator series, with Newey–West (by series) or classical
 * standard errors. The counterfactual of the treated series is its own pre-intervention line plus
 * the comparator's change at the intervention (the difference terms switched off).
 */
import { durbinWatson, fitComparativeIts, ljungBox } from '../../stats/index.js';
import { criticalValue, type Estimate } from '../../stats/estimate.js';
import { buildSegmentedDesign } from '../../stats/its-design.js';
import { dot, quadraticForm } from '../../stats/linear-algebra.js';
import { EvaluationInputError } from './errors.js';
import { estimateReport, type FitPlan, type FitResult, notEstimable, phaseOf, slopeCodingOf, termContext, usableIndices } from './fit-plan.js';
import { neweyWestLagFor } from './fit-ols.js';
import type { EffectReport, SeriesPointReport } from './report.js';
import { effectHead } from './report.js';
import { describeComparativeTerm, reportName } from './terms.js';

/** Design row of the stacked model for the treated series (Z = 1) at an index; `on` = false drops the differences at the intervention. */
export function treatedRow(base: readonly number[], on: boolean): number[] {
  const z = [...base];
  if (!on) {
    z[2] = 0;
    z[3] = 0;
  }
  return [...base, ...z];
}

export function fitComparativeOlsModel(plan: FitPlan): FitResult {
  const { outcome, intervention, timeline } = plan;
  const comparator = plan.comparator!;
  if (plan.errors === 'prais-winsten') throw new EvaluationInputError('--errors prais-winsten is not available with a comparator; use newey-west or classical');
  const lag = plan.errors === 'newey-west' ? neweyWestLagFor(plan, usableIndices(outcome.y, intervention).length) : null;
  const result = fitComparativeIts(
    {
      treated: outcome.y,
      comparators: [comparator.y],
      interventionIndex: intervention.interventionIndex,
      transitionLength: intervention.transitionLength,
      timeOrigin: 0,
      slopeCoding: slopeCodingOf(plan),
    },
    { errors: lag !== null ? { kind: 'newey-west', lag } : { kind: 'ols' }, horizons: plan.horizons, confidence: plan.confidence },
  );
  if (result.status !== 'ok') return notEstimable(result.reason, 'comparative segmented linear regression');
  const context = termContext(plan, 'outcome');
  const coefficients = result.coefficients.map((c) => estimateReport(reportName(c.name), describeComparativeTerm(c.name, context), c));
  const derived = [
    estimateReport('treated_post_trend', `treated series: trend per ${timeline.periodicity} after the intervention`, result.treatedPostTrend),
    estimateReport('comparator_post_trend', `comparator: trend per ${timeline.periodicity} after the intervention`, result.comparatorPostTrend),
  ];
  const beta = result.coefficients.map((c: Estimate) => c.estimate);
  const crit = criticalValue({ distribution: 't', df: result.dfResidual }, plan.confidence);
  const design = buildSegmentedDesign({
    length: timeline.length,
    interventionIndex: intervention.interventionIndex,
    transitionLength: intervention.transitionLength,
    timeOrigin: 0,
    slopeCoding: slopeCodingOf(plan),
  });
  const predict = (index: number, on: boolean): { value: number; se: number } => {
    const row = treatedRow(design.row(index).slice(0, 4), on);
    return { value: dot(row, beta), se: Math.sqrt(Math.max(0, quadraticForm(result.covariance, row))) };
  };
  const usedTreated = new Set(usableIndices(outcome.y, intervention));
  const series: SeriesPointReport[] = outcome.y.map((observed, index) => {
    const cf = predict(index, false);
    return {
      period: timeline.label(index),
      phase: phaseOf(index, intervention),
      observed,
      used_in_fit: usedTreated.has(index),
      fitted: predict(index, true).value,
      counterfactual: cf.value,
      counterfactual_lower: cf.value - crit * cf.se,
      counterfactual_upper: cf.value + crit * cf.se,
      comparator: comparator.y[index] ?? null,
    };
  });
  const effects: EffectReport[] = result.effects.map((e) => {
    const period = timeline.label(e.index);
    if (e.status !== 'ok') return { status: 'not-estimable', horizon: e.horizon, period, reason: e.reason };
    const fitted = predict(e.index, true).value;
    const counterfactual = predict(e.index, false).value;
    return {
      ...effectHead(e, period),
      fitted,
      counterfactual,
      relative_change: counterfactual !== 0 ? (fitted - counterfactual) / counterfactual : null,
    };
  });
  const residuals = series.flatMap((s) => (s.used_in_fit && s.observed !== null ? [s.observed - s.fitted!] : []));
  const allZero = residuals.every((r) => r === 0);
  return {
    status: 'ok',
    method: result.method,
    neweyWestLag: lag !== null && result.method.includes('Newey') ? lag : null,
    coefficients,
    derived,
    effects,
    series,
    diagnostics: {
      durbin_watson: allZero ? null : durbinWatson(residuals),
      ljung_box: allZero ? null : ljungBox(residuals),
      residuals: 'residuals of the treated series (points used, in time order)',
      df_residual: result.dfResidual,
    },
    warnings: result.warnings,
  };
}
