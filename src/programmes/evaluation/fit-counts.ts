/**
 * Single-series Poisson / quasi-Poisson segmented regression (src/stats fitSegmentedCounts), with
 * the log of the population at risk as offset. Coefficients are on the log-rate scale and come with
 * rate ratios; the series are expected counts (and rates per `ratePer` of the population at risk).
 */
import { durbinWatson, fitSegmentedCounts, ljungBox } from '../../stats/index.js';
import { type Estimate, type Reference, asRatio, linearCombination, makeEstimate } from '../../stats/estimate.js';
import { estimateReport, type FitPlan, type FitResult, notEstimable, phaseOf, ratioReport, seasonalityOf, slopeCodingOf, termContext } from './fit-plan.js';
import type { CoefficientReport, EffectReport, SeriesPointReport } from './report.js';
import { effectHead } from './report.js';
import { describeTerm, reportName } from './terms.js';

/** Exposure for the statistics: the population at risk, or 1 where it is unknown (those periods are not fitted). */
export function exposureForFit(exposure: readonly (number | null)[] | null): number[] | undefined {
  return exposure ? exposure.map((v) => v ?? 1) : undefined;
}

/** Pearson residuals (y − μ)/√μ of the points used, in time order. */
export function pearsonResiduals(observed: readonly (number | null)[], fitted: readonly number[], used: readonly boolean[]): number[] {
  return observed.flatMap((y, i) => (used[i] && y !== null ? [(y - fitted[i]!) / Math.sqrt(fitted[i]!)] : []));
}

export function familyLabel(family: 'poisson' | 'quasipoisson'): string {
  return family === 'poisson' ? 'Poisson regression' : 'quasi-Poisson regression (standard errors scaled by the Pearson dispersion)';
}

/**
 * A combination of log-scale coefficients reported like the statistics module reports a
 * coefficient: normal-quantile CI (Epi::ci.lin), P value from the normal (Poisson) or t(df)
 * (quasi-Poisson, as summary.glm).
 */
export function countCombination(
  name: string,
  description: string,
  weights: readonly number[],
  beta: readonly number[],
  covariance: readonly (readonly number[])[],
  pReference: Reference,
  confidence: number,
): CoefficientReport {
  const e: Estimate = linearCombination(name, weights, beta, covariance, { distribution: 'normal' }, confidence);
  const withP = makeEstimate(name, e.estimate, e.se * e.se, pReference, confidence);
  return { ...estimateReport(name, description, { ...e, statistic: withP.statistic, p: withP.p }), rate_ratio: ratioReport(asRatio(e)) };
}

export function fitCountModel(plan: FitPlan): FitResult {
  const { outcome, intervention, timeline } = plan;
  const family = plan.family === 'quasipoisson' ? 'quasipoisson' : 'poisson';
  const exposure = exposureForFit(outcome.exposure);
  const result = fitSegmentedCounts(
    {
      counts: outcome.y,
      ...(exposure ? { exposure } : {}),
      interventionIndex: intervention.interventionIndex,
      transitionLength: intervention.transitionLength,
      timeOrigin: 0,
      slopeCoding: slopeCodingOf(plan),
      seasonality: seasonalityOf(plan),
      terms: plan.slopeChange ? 'level-and-slope' : 'level-only',
    },
    { family, horizons: plan.horizons, confidence: plan.confidence },
  );
  const method = `${familyLabel(family)}${outcome.exposure ? ' with log offset' : ''}`;
  if (result.status !== 'ok') return notEstimable(result.reason, method);
  const context = termContext(plan, 'log');
  const coefficients: CoefficientReport[] = result.coefficients.map((c) => ({
    ...estimateReport(reportName(c.name), describeTerm(c.name, context), c),
    rate_ratio: ratioReport(c),
  }));
  const ratePer = outcome.exposure ? (outcome.ratePer ?? 1) : null;
  const known = (i: number): boolean => !outcome.exposure || outcome.exposure[i] !== null;
  const effects: EffectReport[] = result.effects.map((e) => {
    const period = timeline.label(e.index);
    if (e.status !== 'ok') return { status: 'not-estimable', horizon: e.horizon, period, reason: e.reason };
    const inside = e.index < timeline.length && known(e.index);
    const fitted = inside ? e.fittedCount : null;
    const counterfactual = inside ? e.counterfactualCount : null;
    return {
      ...effectHead(e, period),
      rate_ratio: ratioReport(e.rateRatio),
      fitted,
      counterfactual,
      // The relative change in the expected rate is the rate ratio − 1, whatever the exposure.
      relative_change: e.rateRatio.ratio - 1,
    };
  });
  const series: SeriesPointReport[] = result.series.map((s) => {
    const point: SeriesPointReport = {
      period: timeline.label(s.index),
      phase: phaseOf(s.index, intervention),
      observed: s.observed,
      used_in_fit: s.usedInFit,
      fitted: known(s.index) ? s.fitted : null,
      counterfactual: known(s.index) ? s.counterfactual : null,
      counterfactual_lower: known(s.index) ? s.counterfactualLower : null,
      counterfactual_upper: known(s.index) ? s.counterfactualUpper : null,
    };
    if (!outcome.exposure || !exposure || ratePer === null) return point;
    const e = exposure[s.index]!;
    const scale = ratePer / e;
    return {
      ...point,
      exposure: outcome.exposure[s.index] ?? null,
      observed_rate: s.observed !== null && known(s.index) ? s.observed * scale : null,
      fitted_rate: s.fitted * scale,
      counterfactual_rate: s.counterfactual * scale,
      counterfactual_rate_lower: s.counterfactualLower * scale,
      counterfactual_rate_upper: s.counterfactualUpper * scale,
    };
  });
  const residuals = pearsonResiduals(
    outcome.y,
    result.series.map((s) => s.fitted),
    result.series.map((s) => s.usedInFit),
  );
  return {
    status: 'ok',
    method,
    neweyWestLag: null,
    coefficients,
    derived: plan.slopeChange
      ? [
          countCombination(
            'post_trend',
            `change in the log rate per ${timeline.periodicity} after the intervention (pre_trend + slope_change; rate_ratio per ${timeline.periodicity})`,
            result.coefficients.map((c) => (c.name === 'time' || c.name === 'slope_change' ? 1 : 0)),
            result.coefficients.map((c) => c.estimate),
            result.covariance,
            family === 'quasipoisson' ? { distribution: 't', df: result.dfResidual } : { distribution: 'normal' },
            plan.confidence,
          ),
        ]
      : [],
    effects,
    series,
    diagnostics: {
      durbin_watson: durbinWatson(residuals),
      ljung_box: ljungBox(residuals),
      residuals: 'Pearson residuals of the points used, in time order',
      dispersion: result.dispersion,
      deviance: result.deviance,
      df_residual: result.dfResidual,
    },
    warnings: result.warnings,
  };
}
