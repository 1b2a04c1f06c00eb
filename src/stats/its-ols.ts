/**
 * Interrupted time series by segmented linear regression (Wagner et al. 2002; Linden 2015):
 *   y_t = b0 + b1·time + b2·level_change + b3·slope_change [+ seasonal terms] + e_t
 * with standard errors from classical OLS, Newey–West HAC (Bartlett, lag L, n/(n − k), t(n − k)
 * p-values — Stata `newey`/`itsa`), or a Prais–Winsten AR(1) fit. Reports pre-trend, level change,
 * slope change, post-intervention trend (b1 + b3), effects at chosen horizons, the fitted and
 * counterfactual series, and residual diagnostics (Durbin–Watson, Ljung–Box).
 *
 * Series with fewer than 3 usable periods on either side, or whose design is collinear, return
 * status 'not-estimable' with the reason instead of numbers.
 */
import { durbinWatson, ljungBox, type LjungBox } from './diagnostics.js';
import { StatsInputError, requireConfidence } from './errors.js';
import { type Estimate, type Reference, criticalValue, linearCombination, makeEstimate } from './estimate.js';
import { type SegmentedSpec, buildSegmentedDesign, countSides, sidesProblem } from './its-design.js';
import { type HorizonEffectBase, horizonEffects } from './its-effects.js';
import { CollinearityError, type Matrix, dot, quadraticForm } from './linear-algebra.js';
import { defaultNeweyWestLag, neweyWestCovariance } from './newey-west.js';
import { fitOls } from './ols.js';
import { praisWinsten } from './prais-winsten.js';

export type ErrorModel =
  | { kind: 'ols' }
  | { kind: 'newey-west'; /** Default floor(4(n/100)^(2/9)). */ lag?: number; smallSampleAdjustment?: boolean }
  | { kind: 'prais-winsten' };

export interface SegmentedRegressionInput extends Omit<SegmentedSpec, 'length'> {
  /** The outcome per period, in time order and equally spaced; null marks a missing period. */
  y: readonly (number | null)[];
}

export interface SegmentedRegressionOptions {
  errors: ErrorModel;
  /** Periods after the intervention at which to report the effect (e.g. [12, 24]). */
  horizons?: readonly number[];
  confidence?: number;
  ljungBoxLag?: number;
}

export interface SeriesPoint {
  index: number;
  observed: number | null;
  usedInFit: boolean;
  fitted: number;
  counterfactual: number;
  counterfactualLower: number;
  counterfactualUpper: number;
}

export type OlsHorizonEffect =
  | (Extract<HorizonEffectBase, { status: 'ok' }> & { fitted: number; counterfactual: number; relativeChange: number | null })
  | Extract<HorizonEffectBase, { status: 'not-estimable' }>;

export interface SegmentedRegressionFit {
  status: 'ok';
  method: string;
  n: number;
  k: number;
  dfResidual: number;
  confidence: number;
  coefficients: Estimate[];
  preTrend: Estimate;
  /** Null when the model has no such term (terms: 'slope-only' / 'level-only'). */
  levelChange: Estimate | null;
  slopeChange: Estimate | null;
  postTrend: Estimate;
  effects: OlsHorizonEffect[];
  series: SeriesPoint[];
  covariance: Matrix;
  diagnostics: {
    durbinWatson: number | null;
    ljungBox: LjungBox | null;
    /** Prais–Winsten only. */
    rho?: number;
    durbinWatsonTransformed?: number | null;
    converged?: boolean;
  };
  warnings: string[];
}

export type SegmentedRegressionResult = SegmentedRegressionFit | { status: 'not-estimable'; reason: string };

export function fitSegmentedRegression(input: SegmentedRegressionInput, options: SegmentedRegressionOptions): SegmentedRegressionResult {
  const fn = 'fitSegmentedRegression';
  const confidence = options.confidence ?? 0.95;
  requireConfidence(fn, confidence);
  input.y.forEach((v, i) => {
    if (v !== null && !Number.isFinite(v)) throw new StatsInputError(fn, `y[${i}]`, `must be a finite number or null, got ${v}`);
  });
  if (options.errors.kind === 'newey-west' && options.errors.lag !== undefined && !(Number.isInteger(options.errors.lag) && options.errors.lag >= 0)) {
    throw new StatsInputError(fn, 'errors.lag', `must be a whole number ≥ 0, got ${options.errors.lag}`);
  }
  const length = input.y.length;
  const design = buildSegmentedDesign({ ...input, length }, fn);
  const usable = input.y.map((v, i) => v !== null && !design.inTransition(i));
  const problem = sidesProblem(countSides(design, usable));
  if (problem) return { status: 'not-estimable', reason: problem };

  const rows = usable.flatMap((ok, i) => (ok ? [i] : []));
  const x = rows.map((i) => design.row(i));
  const y = rows.map((i) => input.y[i]!);
  const k = design.names.length;
  if (rows.length <= k) return { status: 'not-estimable', reason: `${rows.length} usable periods are too few for ${k} coefficients` };

  const warnings: string[] = [];
  let beta: number[];
  let covariance: Matrix;
  let dfResidual: number;
  let method: string;
  const diagnostics: SegmentedRegressionFit['diagnostics'] = { durbinWatson: null, ljungBox: null };
  try {
    const ols = fitOls(x, y);
    dfResidual = ols.dfResidual;
    if (options.errors.kind === 'prais-winsten' && ols.rss > 0) {
      const pw = praisWinsten(x, y, { time: rows });
      beta = pw.coefficients;
      covariance = pw.covariance;
      method = 'Prais–Winsten AR(1) regression';
      diagnostics.rho = pw.rho;
      diagnostics.converged = pw.converged;
      diagnostics.durbinWatsonTransformed = durbinWatson(pw.transformedResiduals);
      if (!pw.converged) warnings.push('Prais–Winsten iterations did not converge; rho is the last iterate');
    } else if (options.errors.kind === 'newey-west' && ols.rss > 0) {
      const lag = options.errors.lag ?? defaultNeweyWestLag(rows.length);
      beta = ols.coefficients;
      covariance = neweyWestCovariance(x, ols.residuals, ols.xtxInverse, {
        lag,
        smallSampleAdjustment: options.errors.smallSampleAdjustment ?? true,
        time: rows,
      });
      method = `OLS with Newey–West standard errors (lag ${lag})`;
    } else {
      beta = ols.coefficients;
      covariance = ols.classicalCovariance;
      method = options.errors.kind === 'ols' ? 'OLS' : `OLS (${options.errors.kind} not applied: exact fit)`;
    }
    if (ols.rss === 0) {
      warnings.push('the model fits the series exactly (e.g. a constant series): standard errors are 0 and p-values are undefined');
      beta = ols.coefficients;
      covariance = ols.classicalCovariance; // all zeros
    } else {
      diagnostics.durbinWatson = durbinWatson(ols.residuals);
      diagnostics.ljungBox = ljungBox(ols.residuals, options.ljungBoxLag ?? undefined, 0);
    }
  } catch (e) {
    if (e instanceof CollinearityError) {
      return { status: 'not-estimable', reason: `the terms cannot be separated: '${design.names[e.column]}' is collinear with the terms before it` };
    }
    throw e;
  }

  const reference: Reference = { distribution: 't', df: dfResidual };
  const coefficients = design.names.map((name, j) => makeEstimate(name, beta[j]!, covariance[j]![j]!, reference, confidence));
  const crit = criticalValue(reference, confidence);
  const series: SeriesPoint[] = input.y.map((observed, index) => {
    const cf = design.counterfactualRow(index);
    const cfValue = dot(cf, beta);
    const cfSe = Math.sqrt(Math.max(0, quadraticForm(covariance, cf)));
    return {
      index,
      observed,
      usedInFit: usable[index]!,
      fitted: dot(design.row(index), beta),
      counterfactual: cfValue,
      counterfactualLower: cfValue - crit * cfSe,
      counterfactualUpper: cfValue + crit * cfSe,
    };
  });
  const effects: OlsHorizonEffect[] = horizonEffects(design, options.horizons ?? [], length, beta, covariance, reference, confidence).map((e) => {
    if (e.status !== 'ok') return e;
    const counterfactual = dot(design.counterfactualRow(e.index), beta);
    return {
      ...e,
      fitted: dot(design.row(e.index), beta),
      counterfactual,
      relativeChange: counterfactual !== 0 ? e.effect.estimate / counterfactual : null,
    };
  });
  const weights = (name: string): number[] => design.names.map((n) => (n === name ? 1 : 0));
  const term = (name: string, label: string): Estimate | null =>
    design.names.includes(name) ? linearCombination(label, weights(name), beta, covariance, reference, confidence) : null;
  const postTrendWeights = design.names.map((n) => (n === 'time' || n === 'slope_change' ? 1 : 0));
  return {
    status: 'ok',
    method,
    n: rows.length,
    k,
    dfResidual,
    confidence,
    coefficients,
    preTrend: linearCombination('pre-intervention trend', weights('time'), beta, covariance, reference, confidence),
    levelChange: term('level_change', 'level change'),
    slopeChange: term('slope_change', 'slope change'),
    postTrend: linearCombination('post-intervention trend', postTrendWeights, beta, covariance, reference, confidence),
    effects,
    series,
    covariance,
    diagnostics,
    warnings,
  };
}
