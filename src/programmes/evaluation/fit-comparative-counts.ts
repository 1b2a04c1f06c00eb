/**
 * The comparative count model (./comparative-counts.ts) as report parts: coefficients with rate
 * ratios, ratio-of-rate-ratio effects at the horizons, and the treated series' expected counts with
 * and without the difference at the intervention.
 */
import { durbinWatson, ljungBox } from '../../stats/index.js';
import { buildSegmentedDesign } from '../../stats/its-design.js';
import { dot, quadraticForm } from '../../stats/linear-algebra.js';
import { zForConfidence } from '../../stats/normal.js';
import { fitComparativeCounts } from './comparative-counts.js';
import { countCombination, exposureForFit, familyLabel, pearsonResiduals } from './fit-counts.js';
import { treatedRow } from './fit-comparative-ols.js';
import { estimateReport, type FitPlan, type FitResult, notEstimable, phaseOf, ratioReport, slopeCodingOf, termContext, usableIndices } from './fit-plan.js';
import type { CoefficientReport, EffectReport, SeriesPointReport } from './report.js';
import { effectHead } from './report.js';
import { describeComparativeTerm, reportName } from './terms.js';

export function fitComparativeCountModel(plan: FitPlan): FitResult {
  const { outcome, intervention, timeline } = plan;
  const comparator = plan.comparator!;
  const family = plan.family === 'quasipoisson' ? 'quasipoisson' : 'poisson';
  const treatedExposure = exposureForFit(outcome.exposure);
  const comparatorExposure = exposureForFit(comparator.exposure);
  const result = fitComparativeCounts(
    {
      treated: outcome.y,
      comparator: comparator.y,
      ...(treatedExposure ? { treatedExposure } : {}),
      ...(comparatorExposure ? { comparatorExposure } : {}),
      interventionIndex: intervention.interventionIndex,
      transitionLength: intervention.transitionLength,
      timeOrigin: 0,
      slopeCoding: slopeCodingOf(plan),
    },
    { family, horizons: plan.horizons, confidence: plan.confidence },
  );
  const method = `comparative ${familyLabel(family)}${outcome.exposure ? ' with log offset' : ''}`;
  if (result.status !== 'ok') return notEstimable(result.reason, method);
  const context = termContext(plan, 'log');
  const coefficients: CoefficientReport[] = result.coefficients.map((c) => ({
    ...estimateReport(reportName(c.name), describeComparativeTerm(c.name, context), c),
    rate_ratio: ratioReport(c),
  }));
  const beta = result.coefficients.map((c) => c.estimate);
  const pReference = family === 'quasipoisson' ? ({ distribution: 't', df: result.dfResidual } as const) : ({ distribution: 'normal' } as const);
  const weights = (terms: readonly string[]): number[] => result.coefficients.map((c) => (terms.includes(c.name) ? 1 : 0));
  const unit = timeline.periodicity;
  const derived = [
    countCombination('treated_post_trend', `treated series: change in the log rate per ${unit} after the intervention`, weights(['time', 'slope_change', 'treated_time', 'treated_slope_change']), beta, result.covariance, pReference, plan.confidence),
    countCombination('comparator_post_trend', `comparator: change in the log rate per ${unit} after the intervention`, weights(['time', 'slope_change']), beta, result.covariance, pReference, plan.confidence),
  ];
  const design = buildSegmentedDesign({
    length: timeline.length,
    interventionIndex: intervention.interventionIndex,
    transitionLength: intervention.transitionLength,
    timeOrigin: 0,
    slopeCoding: slopeCodingOf(plan),
  });
  const z = zForConfidence(plan.confidence);
  const logExposure = (i: number): number => (treatedExposure && i < timeline.length ? Math.log(treatedExposure[i]!) : 0);
  const known = (i: number): boolean => i < timeline.length && (!outcome.exposure || outcome.exposure[i] !== null);
  const predict = (index: number, on: boolean): { eta: number; se: number } => {
    const row = treatedRow(design.row(index).slice(0, 4), on);
    return { eta: dot(row, beta) + logExposure(index), se: Math.sqrt(Math.max(0, quadraticForm(result.covariance, row))) };
  };
  const used = new Set(usableIndices(outcome.y, intervention));
  const ratePer = outcome.exposure ? (outcome.ratePer ?? 1) : null;
  const series: SeriesPointReport[] = outcome.y.map((observed, index) => {
    const on = predict(index, true);
    const off = predict(index, false);
    const ok = known(index);
    const point: SeriesPointReport = {
      period: timeline.label(index),
      phase: phaseOf(index, intervention),
      observed,
      used_in_fit: used.has(index),
      fitted: ok ? Math.exp(on.eta) : null,
      counterfactual: ok ? Math.exp(off.eta) : null,
      counterfactual_lower: ok ? Math.exp(off.eta - z * off.se) : null,
      counterfactual_upper: ok ? Math.exp(off.eta + z * off.se) : null,
      comparator: comparator.y[index] ?? null,
    };
    if (!treatedExposure || ratePer === null) return point;
    const scale = ratePer / treatedExposure[index]!;
    return {
      ...point,
      exposure: outcome.exposure![index] ?? null,
      observed_rate: observed !== null && ok ? observed * scale : null,
      fitted_rate: Math.exp(on.eta) * scale,
      counterfactual_rate: Math.exp(off.eta) * scale,
      counterfactual_rate_lower: Math.exp(off.eta - z * off.se) * scale,
      counterfactual_rate_upper: Math.exp(off.eta + z * off.se) * scale,
    };
  });
  const effects: EffectReport[] = result.effects.map((e) => {
    const period = timeline.label(e.index);
    if (e.status !== 'ok') return { status: 'not-estimable', horizon: e.horizon, period, reason: e.reason };
    const inside = known(e.index);
    return {
      ...effectHead(e, period),
      rate_ratio: ratioReport(e.rateRatio),
      fitted: inside ? Math.exp(predict(e.index, true).eta) : null,
      counterfactual: inside ? Math.exp(predict(e.index, false).eta) : null,
      relative_change: e.rateRatio.ratio - 1,
    };
  });
  const fitted = outcome.y.map((_, i) => Math.exp(predict(i, true).eta));
  const residuals = pearsonResiduals(
    outcome.y,
    fitted,
    outcome.y.map((_, i) => used.has(i)),
  );
  return {
    status: 'ok',
    method,
    neweyWestLag: null,
    coefficients,
    derived,
    effects,
    series,
    diagnostics: {
      durbin_watson: durbinWatson(residuals),
      ljung_box: ljungBox(residuals),
      residuals: 'Pearson residuals of the treated series (points used, in time order)',
      dispersion: result.dispersion,
      deviance: result.deviance,
      df_residual: result.dfResidual,
    },
    warnings: result.warnings,
  };
}
