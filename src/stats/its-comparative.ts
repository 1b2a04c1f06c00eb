/**
 * Comparative interrupted time series: Linden's multiple-group model (Stata Journal 2015;15:480),
 * a treated series against one or more comparator series stacked as panels:
 *   Y = b0 + b1·T + b2·X + b3·XT + b4·Z + b5·ZT + b6·ZX + b7·ZXT
 * with Z = 1 for the treated series. b6 is the difference in level change and b7 the difference in
 * slope change between the treated and comparator series. Standard errors: OLS or Newey–West with
 * lags matched within each panel (Stata `newey` on panel data, n/(n − k), t(n − k) p-values).
 */
import { StatsInputError, requireConfidence } from './errors.js';
import { type Estimate, type Reference, linearCombination, makeEstimate } from './estimate.js';
import { type SegmentedSpec, buildSegmentedDesign, countSides, sidesProblem } from './its-design.js';
import { type HorizonEffectBase } from './its-effects.js';
import { CollinearityError, type Matrix } from './linear-algebra.js';
import { defaultNeweyWestLag, neweyWestCovariance } from './newey-west.js';
import { fitOls } from './ols.js';

export const COMPARATIVE_TERMS = [
  'intercept',
  'time',
  'level_change',
  'slope_change',
  'treated',
  'treated_time',
  'treated_level_change',
  'treated_slope_change',
] as const;

export interface ComparativeItsInput extends Omit<SegmentedSpec, 'length' | 'seasonality' | 'terms'> {
  /** The treated series, one value per period (null = missing). */
  treated: readonly (number | null)[];
  /** One or more comparator series of the same length. */
  comparators: readonly (readonly (number | null)[])[];
}

export interface ComparativeItsOptions {
  errors: { kind: 'ols' } | { kind: 'newey-west'; lag?: number; smallSampleAdjustment?: boolean };
  horizons?: readonly number[];
  confidence?: number;
}

export interface ComparativeItsFit {
  status: 'ok';
  method: string;
  n: number;
  k: number;
  dfResidual: number;
  confidence: number;
  coefficients: Estimate[];
  /** b6: treated minus comparator change in level. */
  differenceInLevelChange: Estimate;
  /** b7: treated minus comparator change in slope. */
  differenceInSlopeChange: Estimate;
  /** Difference between the groups in their pre-intervention trends (b5), a check of comparability. */
  differenceInPreTrend: Estimate;
  /** Post-intervention trend of the treated series (b1 + b3 + b5 + b7). */
  treatedPostTrend: Estimate;
  /** Post-intervention trend of the comparator(s) (b1 + b3). */
  comparatorPostTrend: Estimate;
  /** Difference-in-differences effects at the horizons: b6 + b7·s(h). */
  effects: HorizonEffectBase[];
  covariance: Matrix;
  warnings: string[];
}

export type ComparativeItsResult = ComparativeItsFit | { status: 'not-estimable'; reason: string };

export function fitComparativeIts(input: ComparativeItsInput, options: ComparativeItsOptions): ComparativeItsResult {
  const fn = 'fitComparativeIts';
  const confidence = options.confidence ?? 0.95;
  requireConfidence(fn, confidence);
  if (options.errors.kind === 'newey-west' && options.errors.lag !== undefined && !(Number.isInteger(options.errors.lag) && options.errors.lag >= 0)) {
    throw new StatsInputError(fn, 'errors.lag', `must be a whole number ≥ 0, got ${options.errors.lag}`);
  }
  const length = input.treated.length;
  if (input.comparators.length === 0) throw new StatsInputError(fn, 'comparators', 'must hold at least one comparator series');
  const panels = [input.treated, ...input.comparators];
  panels.forEach((series, p) => {
    const label = p === 0 ? 'treated' : `comparators[${p - 1}]`;
    if (series.length !== length) throw new StatsInputError(fn, label, `has ${series.length} periods; the treated series has ${length}`);
    series.forEach((v, i) => {
      if (v !== null && !Number.isFinite(v)) throw new StatsInputError(fn, `${label}[${i}]`, `must be a finite number or null, got ${v}`);
    });
  });
  const design = buildSegmentedDesign({ ...input, length }, fn);
  for (let p = 0; p < panels.length; p++) {
    const usable = panels[p]!.map((v, i) => v !== null && !design.inTransition(i));
    const problem = sidesProblem(countSides(design, usable), p === 0 ? 'the treated series' : `comparator ${p}`);
    if (problem) return { status: 'not-estimable', reason: problem };
  }
  const x: number[][] = [];
  const y: number[] = [];
  const time: number[] = [];
  const panel: number[] = [];
  panels.forEach((series, p) => {
    const z = p === 0 ? 1 : 0;
    series.forEach((v, i) => {
      if (v === null || design.inTransition(i)) return;
      const base = design.row(i).slice(0, 4);
      x.push([...base, ...base.map((b) => b * z)]);
      y.push(v);
      time.push(i);
      panel.push(p);
    });
  });
  const k = COMPARATIVE_TERMS.length;
  let beta: number[];
  let covariance: Matrix;
  let dfResidual: number;
  let method: string;
  const warnings: string[] = [];
  try {
    const ols = fitOls(x, y);
    beta = ols.coefficients;
    dfResidual = ols.dfResidual;
    if (ols.rss === 0) warnings.push('the model fits the series exactly: standard errors are 0 and p-values are undefined');
    if (options.errors.kind === 'newey-west' && ols.rss > 0) {
      const lag = options.errors.lag ?? defaultNeweyWestLag(length);
      covariance = neweyWestCovariance(x, ols.residuals, ols.xtxInverse, {
        lag,
        smallSampleAdjustment: options.errors.smallSampleAdjustment ?? true,
        time,
        panel,
      });
      method = `OLS with Newey–West standard errors (lag ${lag}, by series)`;
    } else {
      covariance = ols.classicalCovariance;
      method = 'OLS';
    }
  } catch (e) {
    if (e instanceof CollinearityError) {
      return { status: 'not-estimable', reason: `the terms cannot be separated: '${COMPARATIVE_TERMS[e.column]}' is collinear with the terms before it` };
    }
    throw e;
  }
  const reference: Reference = { distribution: 't', df: dfResidual };
  const combo = (name: string, terms: readonly string[]): Estimate =>
    linearCombination(
      name,
      COMPARATIVE_TERMS.map((t) => (terms.includes(t) ? 1 : 0)),
      beta,
      covariance,
      reference,
      confidence,
    );
  const effects: HorizonEffectBase[] = (options.horizons ?? []).map((h) => {
    const index = design.interventionIndex + h - 1;
    if (!Number.isInteger(h) || h < 1) return { status: 'not-estimable', horizon: h, index, reason: 'a horizon must be a whole number of periods ≥ 1' };
    if (index < design.postStart) {
      return { status: 'not-estimable', horizon: h, index, reason: `period ${h} after the intervention lies in the excluded transition window` };
    }
    const c = COMPARATIVE_TERMS.map((t) => (t === 'treated_level_change' ? 1 : t === 'treated_slope_change' ? design.slopeTerm(index) : 0));
    return {
      status: 'ok',
      horizon: h,
      index,
      extrapolated: index >= length,
      effect: linearCombination(`difference at ${h} periods`, c, beta, covariance, reference, confidence),
    };
  });
  return {
    status: 'ok',
    method,
    n: y.length,
    k,
    dfResidual,
    confidence,
    coefficients: COMPARATIVE_TERMS.map((name, j) => makeEstimate(name, beta[j]!, covariance[j]![j]!, reference, confidence)),
    differenceInLevelChange: combo('difference in level change', ['treated_level_change']),
    differenceInSlopeChange: combo('difference in slope change', ['treated_slope_change']),
    differenceInPreTrend: combo('difference in pre-intervention trend', ['treated_time']),
    treatedPostTrend: combo('treated post-intervention trend', ['time', 'slope_change', 'treated_time', 'treated_slope_change']),
    comparatorPostTrend: combo('comparator post-intervention trend', ['time', 'slope_change']),
    effects,
    covariance,
    warnings,
  };
}
