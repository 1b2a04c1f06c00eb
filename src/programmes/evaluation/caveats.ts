/**
 * Plain-words warnings about one evaluation: short series, gaps, autocorrelation left in the
 * residuals, overdispersion, extrapolated effects, comparators that did not track the treated
 * series. They read as sentences a commissioner can act on.
 */
import type { FitPlan, FitResult } from './fit-plan.js';
import { periodicityWord } from './period.js';
import type { DiagnosticsReport } from './report.js';

/** Fewer points than this on a side makes trend estimates fragile (Penfold & Zhang 2013 suggest at least 8). */
export const FEW_POINTS = 8;

function fmtP(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toPrecision(2)}`;
}

function listPeriods(labels: readonly string[]): string {
  return labels.length <= 6 ? labels.join(', ') : `${labels.slice(0, 5).join(', ')} and ${labels.length - 5} more`;
}

export function caveatsFor(plan: FitPlan, fit: FitResult, d: DiagnosticsReport, comparatorLabel: string | null): string[] {
  const out: string[] = [];
  const unit = plan.timeline.periodicity;
  const label = (i: number): string => plan.timeline.label(i);
  for (const [side, n] of [['before', d.points_before], ['after', d.points_after]] as const) {
    if (n < FEW_POINTS) {
      out.push(`only ${n} ${periodicityWord(unit, n)} ${side} the intervention: with fewer than ${FEW_POINTS} points on a side the ${side === 'before' ? 'pre-intervention trend' : 'post-intervention trend'} is fragile and one unusual ${unit} can move it`);
    }
  }
  if (plan.comparator && d.comparator_points_after !== undefined && d.comparator_points_before !== undefined) {
    for (const [side, n] of [['before', d.comparator_points_before], ['after', d.comparator_points_after]] as const) {
      if (n < FEW_POINTS) out.push(`the comparator has only ${n} ${periodicityWord(unit, n)} ${side} the intervention`);
    }
  }
  if (plan.outcome.noDenominator.length > 0) {
    const n = plan.outcome.noDenominator.length;
    out.push(`${n} ${periodicityWord(unit, n)} with a zero or missing denominator (population at risk) ${n === 1 ? 'was' : 'were'} left out: ${listPeriods(plan.outcome.noDenominator.map(label))}`);
  }
  const gaps = d.points_missing - plan.outcome.noDenominator.length;
  if (gaps > 0) out.push(`${gaps} ${periodicityWord(unit, gaps)} in the range ${gaps === 1 ? 'has' : 'have'} no data and ${gaps === 1 ? 'was' : 'were'} left out`);
  if (plan.intervention.transitionLength > 0) {
    const n = plan.intervention.transitionLength;
    out.push(`the ${n} ${periodicityWord(unit, n)} of the transition window ${plan.intervention.start}..${plan.intervention.transitionEnd} ${n === 1 ? 'was' : 'were'} left out of the fit; the level change is measured at ${plan.intervention.firstPostPeriod}`);
  }
  if (fit.status !== 'ok') return [...out, ...fit.warnings];

  const lb = d.ljung_box;
  if (lb && lb.p < 0.05) {
    const handled =
      plan.family === 'ols' && !plan.comparator && plan.errors === 'prais-winsten'
        ? 'the Prais–Winsten fit models first-order autocorrelation, but more structure may remain'
        : plan.family === 'ols' && fit.neweyWestLag !== null
          ? `the Newey–West standard errors allow for it up to lag ${fit.neweyWestLag}; if it runs longer, raise --lag`
          : plan.family === 'ols'
            ? 'the classical standard errors ignore it, so they are too small: use --errors newey-west or prais-winsten'
            : 'the standard errors of this count model ignore it and may be too small';
    const seasonal = unit === 'month' && plan.seasonalHarmonics === 0 && !plan.comparator ? '; if the outcome is seasonal, try --seasonal 2' : '';
    out.push(`residual autocorrelation remains (Ljung–Box p ${fmtP(lb.p)} at lag ${lb.lag}): ${handled}${seasonal}`);
  } else if (d.durbin_watson !== null && (d.durbin_watson < 1.5 || d.durbin_watson > 2.5) && !lb) {
    out.push(`the Durbin–Watson statistic (${d.durbin_watson.toFixed(2)}) suggests autocorrelated residuals`);
  }
  if (plan.family === 'poisson' && d.dispersion !== undefined && d.dispersion > 1.5) {
    out.push(`the counts vary ${d.dispersion.toFixed(1)} times more than a Poisson model allows (overdispersion): its standard errors are too small; use --model quasipoisson`);
  }
  if (plan.family !== 'ols' && plan.outcome.y.some((v) => v !== null && !Number.isInteger(v))) {
    out.push('some counts are not whole numbers; a Poisson model treats them as counts all the same');
  }
  const extrapolated = fit.effects.filter((e) => e.status === 'ok' && e.extrapolated);
  if (extrapolated.length > 0) {
    out.push(
      `the effect${extrapolated.length === 1 ? '' : 's'} at ${extrapolated.map((e) => `${e.horizon} ${periodicityWord(unit, e.horizon)}`).join(' and ')} ${extrapolated.length === 1 ? 'lies' : 'lie'} beyond the last ${unit} of the data (${label(plan.timeline.length - 1)}): ${extrapolated.length === 1 ? 'it is an extrapolation' : 'they are extrapolations'} of the fitted trends`,
    );
  }
  const preTrendDiff = fit.coefficients.find((c) => c.name === 'difference_in_pre_trend');
  if (preTrendDiff && preTrendDiff.p !== null && preTrendDiff.p < 0.05) {
    out.push(
      `the treated series and ${comparatorLabel ?? 'the comparator'} had different trends before the intervention (difference p ${fmtP(preTrendDiff.p)}): the comparator may not show what would have happened without it`,
    );
  }
  return [...out, ...fit.warnings];
}
