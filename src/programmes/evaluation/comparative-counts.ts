/**
 * Comparative interrupted time series for counts — not in src/stats, so written here from its
 * parts (buildSegmentedDesign, fitPoissonGlm, makeEstimate): Linden's multiple-group model on the
 * log-rate scale, a treated and a comparator series stacked:
 *   log E[y] = log(exposure) + b0 + b1·T + b2·X + b3·XT + b4·Z + b5·ZT + b6·ZX + b7·ZXT
 * with Z = 1 for the treated series. exp(b6) is the ratio of the two series' rate ratios at the
 * intervention, exp(b7) the ratio of their changes in trend. As in fitSegmentedCounts: CIs use
 * normal quantiles (Epi::ci.lin); P values are normal for Poisson and t(n − k) for quasi-Poisson,
 * whose covariance is scaled by the Pearson dispersion X²/(n − k) of the stacked fit.
 *
 * The model is fully interacted, so its coefficients equal those of separate fits to each series
 * (b4..b7 are the differences); with plain Poisson errors the standard errors agree too. That is
 * what test/evaluation/comparative-counts.test.ts checks.
 */
import { type Estimate, type RatioEstimate, type Reference, asRatio, linearCombination, makeEstimate } from '../../stats/estimate.js';
import { StatsInputError } from '../../stats/errors.js';
import { COMPARATIVE_TERMS } from '../../stats/its-comparative.js';
import { type SegmentedSpec, buildSegmentedDesign, countSides, sidesProblem } from '../../stats/its-design.js';
import type { CountCoefficient, CountFamily } from '../../stats/its-poisson.js';
import { CollinearityError, type Matrix } from '../../stats/linear-algebra.js';
import { normalTwoSidedP } from '../../stats/normal.js';
import { fitPoissonGlm } from '../../stats/poisson-glm.js';

export interface ComparativeCountInput extends Omit<SegmentedSpec, 'length' | 'seasonality' | 'terms'> {
  treated: readonly (number | null)[];
  comparator: readonly (number | null)[];
  /** Populations at risk (positive), one per period; omit for no offset. */
  treatedExposure?: readonly number[];
  comparatorExposure?: readonly number[];
}

export interface ComparativeCountOptions {
  family: CountFamily;
  horizons?: readonly number[];
  confidence?: number;
}

export type ComparativeCountEffect =
  | { status: 'ok'; horizon: number; index: number; extrapolated: boolean; effect: Estimate; rateRatio: RatioEstimate }
  | { status: 'not-estimable'; horizon: number; index: number; reason: string };

export interface ComparativeCountFit {
  status: 'ok';
  family: CountFamily;
  n: number;
  k: number;
  dfResidual: number;
  confidence: number;
  /** Named as COMPARATIVE_TERMS (intercept … treated_slope_change). */
  coefficients: CountCoefficient[];
  covariance: Matrix;
  deviance: number;
  pearsonChiSquare: number;
  dispersion: number;
  /** Ratio-of-rate-ratio effects at the horizons: b6 + b7·s(h) on the log scale. */
  effects: ComparativeCountEffect[];
  warnings: string[];
}

export type ComparativeCountResult = ComparativeCountFit | { status: 'not-estimable'; reason: string };

export function fitComparativeCounts(input: ComparativeCountInput, options: ComparativeCountOptions): ComparativeCountResult {
  const fn = 'fitComparativeCounts';
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new StatsInputError(fn, 'confidence', `must be strictly between 0 and 1, got ${confidence}`);
  const length = input.treated.length;
  const panels = [
    { label: 'the treated series', counts: input.treated, exposure: input.treatedExposure, z: 1 },
    { label: 'the comparator', counts: input.comparator, exposure: input.comparatorExposure, z: 0 },
  ];
  for (const p of panels) {
    if (p.counts.length !== length) throw new StatsInputError(fn, p.label, `has ${p.counts.length} periods; the treated series has ${length}`);
    p.counts.forEach((v, i) => {
      if (v !== null && !(Number.isFinite(v) && v >= 0)) throw new StatsInputError(fn, `${p.label}[${i}]`, `must be a count ≥ 0 or null, got ${v}`);
    });
    if (p.exposure) {
      if (p.exposure.length !== length) throw new StatsInputError(fn, `${p.label} exposure`, `has ${p.exposure.length} values for ${length} periods`);
      p.exposure.forEach((v, i) => {
        if (!(Number.isFinite(v) && v > 0)) throw new StatsInputError(fn, `${p.label} exposure[${i}]`, `must be a positive number, got ${v}`);
      });
    }
  }
  const design = buildSegmentedDesign({ ...input, length }, fn);
  const x: number[][] = [];
  const y: number[] = [];
  const offset: number[] = [];
  for (const p of panels) {
    const usable = p.counts.map((v, i) => v !== null && !design.inTransition(i));
    const problem = sidesProblem(countSides(design, usable), p.label);
    if (problem) return { status: 'not-estimable', reason: problem };
    let pre = 0;
    let post = 0;
    usable.forEach((ok, i) => {
      if (!ok) return;
      const count = p.counts[i]!;
      if (i < design.interventionIndex) pre += count;
      else post += count;
      const base = design.row(i).slice(0, 4);
      x.push([...base, ...base.map((b) => b * p.z)]);
      y.push(count);
      offset.push(p.exposure ? Math.log(p.exposure[i]!) : 0);
    });
    if (pre === 0) return { status: 'not-estimable', reason: `${p.label} has no events before the intervention, so a rate ratio cannot be estimated` };
    if (post === 0) return { status: 'not-estimable', reason: `${p.label} has no events after the intervention, so a rate ratio cannot be estimated` };
  }
  const k = COMPARATIVE_TERMS.length;
  let fit;
  try {
    fit = fitPoissonGlm(x, y, { offset });
  } catch (e) {
    if (e instanceof CollinearityError) {
      return { status: 'not-estimable', reason: `the terms cannot be separated: '${COMPARATIVE_TERMS[e.column]}' is collinear with the terms before it` };
    }
    throw e;
  }
  if (!fit.converged) return { status: 'not-estimable', reason: `the Poisson model did not converge in ${fit.iterations} iterations` };
  const quasi = options.family === 'quasipoisson';
  if (quasi && fit.dispersion === null) return { status: 'not-estimable', reason: 'no residual degrees of freedom to estimate the dispersion' };
  const warnings: string[] = [];
  const exact = fit.pearsonChiSquare <= 1e-20 * y.reduce((a, v) => a + v, 0);
  const dispersion = exact ? 0 : (fit.dispersion ?? 0);
  if (quasi && dispersion === 0) warnings.push('the model fits the counts exactly: the quasi-Poisson dispersion is 0, so standard errors are 0 and p-values undefined');
  const scale = quasi ? dispersion : 1;
  const covariance = fit.unscaledCovariance.map((row) => row.map((v) => v * scale));
  const ciReference: Reference = { distribution: 'normal' };
  const pReference: Reference = quasi ? { distribution: 't', df: fit.dfResidual } : ciReference;
  const beta = fit.coefficients;
  const coefficients: CountCoefficient[] = COMPARATIVE_TERMS.map((name, j) => {
    const e = makeEstimate(name, beta[j]!, covariance[j]![j]!, ciReference, confidence);
    const withP = makeEstimate(name, e.estimate, e.se * e.se, pReference, confidence);
    return { ...asRatio(e), statistic: withP.statistic, p: withP.p, pNormal: e.statistic === null ? null : normalTwoSidedP(e.statistic) };
  });
  const effects: ComparativeCountEffect[] = (options.horizons ?? []).map((h) => {
    const index = design.interventionIndex + h - 1;
    if (!Number.isInteger(h) || h < 1) return { status: 'not-estimable', horizon: h, index, reason: 'a horizon must be a whole number of periods ≥ 1' };
    if (index < design.postStart) {
      return { status: 'not-estimable', horizon: h, index, reason: `period ${h} after the intervention lies in the excluded transition window` };
    }
    const c = COMPARATIVE_TERMS.map((t) => (t === 'treated_level_change' ? 1 : t === 'treated_slope_change' ? design.slopeTerm(index) : 0));
    const effect = linearCombination(`difference at ${h} periods`, c, beta, covariance, ciReference, confidence);
    const withP = makeEstimate(effect.name, effect.estimate, effect.se * effect.se, pReference, confidence);
    const withPEffect = { ...effect, statistic: withP.statistic, p: withP.p };
    return { status: 'ok', horizon: h, index, extrapolated: index >= length, effect: withPEffect, rateRatio: asRatio(withPEffect) };
  });
  return {
    status: 'ok',
    family: options.family,
    n: fit.n,
    k,
    dfResidual: fit.dfResidual,
    confidence,
    coefficients,
    covariance,
    deviance: fit.deviance,
    pearsonChiSquare: fit.pearsonChiSquare,
    dispersion,
    effects,
    warnings,
  };
}
