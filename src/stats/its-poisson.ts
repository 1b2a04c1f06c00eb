/**
 * Interrupted time series for counts: Poisson or quasi-Poisson log-linear segmented regression
 * (Lopez Bernal, Cummins & Gasparrini, IJE 2017):
 *   log E[y_t] = log(exposure_t) + b0 + b1·time + b2·level_change + b3·slope_change [+ seasonal]
 * fitted by IRLS. Rate ratios and CIs use normal quantiles (Epi::ci.lin); p-values follow
 * summary.glm (normal for Poisson, t(n − k) for quasi-Poisson, whose SEs are scaled by the Pearson
 * dispersion). Effects at horizons are rate ratios; the counterfactual series is the expected count
 * with the intervention terms switched off.
 */
import { StatsInputError, requireConfidence } from './errors.js';
import { type Estimate, type RatioEstimate, type Reference, asRatio, makeEstimate } from './estimate.js';
import { type SegmentedSpec, buildSegmentedDesign, countSides, sidesProblem } from './its-design.js';
import { type HorizonEffectBase, horizonEffects } from './its-effects.js';
import { CollinearityError, type Matrix, dot, quadraticForm } from './linear-algebra.js';
import { normalTwoSidedP, zForConfidence } from './normal.js';
import { fUpperTail } from './p-values.js';
import { chiSquareUpperTail } from './chi-square.js';
import { fitPoissonGlm } from './poisson-glm.js';

export type CountFamily = 'poisson' | 'quasipoisson';

export interface SegmentedCountInput extends Omit<SegmentedSpec, 'length'> {
  /** Event counts per period (null = missing period). */
  counts: readonly (number | null)[];
  /** Population at risk per period, used as log offset; omit for no offset. */
  exposure?: readonly number[];
}

export interface SegmentedCountOptions {
  family: CountFamily;
  horizons?: readonly number[];
  confidence?: number;
}

export interface CountCoefficient extends RatioEstimate {
  /** Two-sided p-value from the normal distribution (Wald z), whichever family. */
  pNormal: number | null;
}

export type CountHorizonEffect =
  | (Extract<HorizonEffectBase, { status: 'ok' }> & {
      rateRatio: RatioEstimate;
      /** Expected counts at that period, when it lies inside the data (with its exposure). */
      fittedCount: number | null;
      counterfactualCount: number | null;
    })
  | Extract<HorizonEffectBase, { status: 'not-estimable' }>;

export interface CountSeriesPoint {
  index: number;
  observed: number | null;
  usedInFit: boolean;
  fitted: number;
  counterfactual: number;
  counterfactualLower: number;
  counterfactualUpper: number;
}

export interface SegmentedCountFit {
  status: 'ok';
  family: CountFamily;
  n: number;
  k: number;
  dfResidual: number;
  confidence: number;
  coefficients: CountCoefficient[];
  preTrend: CountCoefficient;
  /** Null when the model has no such term (terms: 'slope-only' / 'level-only'). */
  levelChange: CountCoefficient | null;
  slopeChange: CountCoefficient | null;
  effects: CountHorizonEffect[];
  series: CountSeriesPoint[];
  deviance: number;
  pearsonChiSquare: number;
  /** Pearson X²/df; used to scale the SEs for quasi-Poisson. */
  dispersion: number;
  covariance: Matrix;
  iterations: number;
  warnings: string[];
}

export type SegmentedCountResult = SegmentedCountFit | { status: 'not-estimable'; reason: string };

export function fitSegmentedCounts(input: SegmentedCountInput, options: SegmentedCountOptions): SegmentedCountResult {
  const fn = 'fitSegmentedCounts';
  const confidence = options.confidence ?? 0.95;
  requireConfidence(fn, confidence);
  const length = input.counts.length;
  input.counts.forEach((v, i) => {
    if (v !== null && !(Number.isFinite(v) && v >= 0)) throw new StatsInputError(fn, `counts[${i}]`, `must be a count ≥ 0 or null, got ${v}`);
  });
  if (input.exposure) {
    if (input.exposure.length !== length) throw new StatsInputError(fn, 'exposure', `has ${input.exposure.length} values for ${length} periods`);
    input.exposure.forEach((v, i) => {
      if (!(Number.isFinite(v) && v > 0)) throw new StatsInputError(fn, `exposure[${i}]`, `must be a positive number, got ${v}`);
    });
  }
  const design = buildSegmentedDesign({ ...input, length }, fn);
  const usable = input.counts.map((v, i) => v !== null && !design.inTransition(i));
  const problem = sidesProblem(countSides(design, usable));
  if (problem) return { status: 'not-estimable', reason: problem };
  const rows = usable.flatMap((ok, i) => (ok ? [i] : []));
  const k = design.names.length;
  if (rows.length <= k) return { status: 'not-estimable', reason: `${rows.length} usable periods are too few for ${k} coefficients` };
  const y = rows.map((i) => input.counts[i]!);
  const pre = rows.filter((i) => i < design.interventionIndex).reduce((a, i) => a + input.counts[i]!, 0);
  const post = rows.filter((i) => i >= design.postStart).reduce((a, i) => a + input.counts[i]!, 0);
  if (pre === 0 && post === 0) return { status: 'not-estimable', reason: 'every count is zero: there is no rate to model' };
  if (pre === 0) return { status: 'not-estimable', reason: 'there are no events before the intervention, so a rate ratio cannot be estimated' };
  if (post === 0) return { status: 'not-estimable', reason: 'there are no events after the intervention, so a rate ratio cannot be estimated' };
  const logExposure = (i: number): number => (input.exposure ? Math.log(input.exposure[i]!) : 0);

  let fit;
  try {
    fit = fitPoissonGlm(
      rows.map((i) => design.row(i)),
      y,
      { offset: rows.map(logExposure) },
    );
  } catch (e) {
    if (e instanceof CollinearityError) {
      return { status: 'not-estimable', reason: `the terms cannot be separated: '${design.names[e.column]}' is collinear with the terms before it` };
    }
    throw e;
  }
  if (!fit.converged) return { status: 'not-estimable', reason: `the Poisson model did not converge in ${fit.iterations} iterations` };

  const warnings: string[] = [];
  const quasi = options.family === 'quasipoisson';
  // Pearson X² at rounding-error level (a series the model reproduces exactly) counts as 0.
  const exact = fit.pearsonChiSquare <= 1e-20 * y.reduce((a, v) => a + v, 0);
  const dispersion = exact ? 0 : (fit.dispersion ?? 0);
  if (quasi && fit.dispersion === null) return { status: 'not-estimable', reason: 'no residual degrees of freedom to estimate the dispersion' };
  if (quasi && dispersion === 0) warnings.push('the model fits the counts exactly: the quasi-Poisson dispersion is 0, so standard errors are 0 and p-values undefined');
  const scale = quasi ? dispersion : 1;
  const covariance = fit.unscaledCovariance.map((row) => row.map((v) => v * scale));
  const ciReference: Reference = { distribution: 'normal' };
  const pReference: Reference = quasi ? { distribution: 't', df: fit.dfResidual } : ciReference;

  const toCoefficient = (e: Estimate): CountCoefficient => {
    const withP = makeEstimate(e.name, e.estimate, e.se * e.se, pReference, confidence);
    return { ...asRatio(e), statistic: withP.statistic, p: withP.p, pNormal: e.statistic === null ? null : normalTwoSidedP(e.statistic) };
  };
  const beta = fit.coefficients;
  const coefficients = design.names.map((name, j) => toCoefficient(makeEstimate(name, beta[j]!, covariance[j]![j]!, ciReference, confidence)));
  const byName = (name: string): CountCoefficient | null => coefficients[design.names.indexOf(name)] ?? null;
  const z = zForConfidence(confidence);
  const series: CountSeriesPoint[] = input.counts.map((observed, index) => {
    const cf = design.counterfactualRow(index);
    const eta = dot(cf, beta) + logExposure(index);
    const se = Math.sqrt(Math.max(0, quadraticForm(covariance, cf)));
    return {
      index,
      observed,
      usedInFit: usable[index]!,
      fitted: Math.exp(dot(design.row(index), beta) + logExposure(index)),
      counterfactual: Math.exp(eta),
      counterfactualLower: Math.exp(eta - z * se),
      counterfactualUpper: Math.exp(eta + z * se),
    };
  });
  const effects: CountHorizonEffect[] = horizonEffects(design, options.horizons ?? [], length, beta, covariance, ciReference, confidence).map((e) => {
    if (e.status !== 'ok') return e;
    const inside = e.index < length;
    return {
      ...e,
      rateRatio: asRatio(e.effect),
      fittedCount: inside ? series[e.index]!.fitted : null,
      counterfactualCount: inside ? series[e.index]!.counterfactual : null,
    };
  });
  return {
    status: 'ok',
    family: options.family,
    n: fit.n,
    k,
    dfResidual: fit.dfResidual,
    confidence,
    coefficients,
    preTrend: byName('time')!,
    levelChange: byName('level_change'),
    slopeChange: byName('slope_change'),
    effects,
    series,
    deviance: fit.deviance,
    pearsonChiSquare: fit.pearsonChiSquare,
    dispersion,
    covariance,
    iterations: fit.iterations,
    warnings,
  };
}

export interface NestedTest {
  test: 'F' | 'Chisq';
  /** Null when the larger model fits exactly (zero dispersion). */
  statistic: number | null;
  df: [number, number] | [number];
  p: number | null;
}

/**
 * Compare nested count models (R anova(small, large, test = "F" | "Chisq")): for quasi-Poisson
 * F = (ΔD/Δdf)/φ_large on (Δdf, df_large); for Poisson the deviance difference against χ²(Δdf).
 */
export function compareNestedCountModels(small: SegmentedCountFit, large: SegmentedCountFit): NestedTest {
  const ddf = small.dfResidual - large.dfResidual;
  if (!(ddf > 0)) throw new StatsInputError('compareNestedCountModels', 'large', 'must have more coefficients than the small model');
  const dDev = small.deviance - large.deviance;
  if (large.family === 'quasipoisson') {
    if (!(large.dispersion > 0)) return { test: 'F', statistic: null, df: [ddf, large.dfResidual], p: null };
    const f = dDev / ddf / large.dispersion;
    return { test: 'F', statistic: f, df: [ddf, large.dfResidual], p: fUpperTail(f, ddf, large.dfResidual) };
  }
  return { test: 'Chisq', statistic: dDev, df: [ddf], p: chiSquareUpperTail(dDev, ddf) };
}
