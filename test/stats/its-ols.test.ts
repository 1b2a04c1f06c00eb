import { describe, expect, it } from 'vitest';
import { durbinWatson, ljungBox } from '../../src/stats/diagnostics.js';
import { type ErrorModel, type SegmentedRegressionFit, fitSegmentedRegression } from '../../src/stats/its-ols.js';
import { invertSymmetric, matMul, matVec, transpose } from '../../src/stats/linear-algebra.js';
import { praisWinsten } from '../../src/stats/prais-winsten.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

type CoefName = '_cons' | '_t' | '_x1989' | '_x_t1989';
interface NwCoef {
  coef: number;
  se: number;
  t: number;
  p_t_df27: number;
}
interface Prop99Ref {
  published_linden_2015_single_group: Record<'_t' | '_x1989' | '_x_t1989', number>;
  single_group: Record<'lag0_stata_n_over_n_minus_k' | 'lag0_no_small_sample_adj' | 'lag1_stata_n_over_n_minus_k' | 'lag1_no_small_sample_adj', Record<CoefName, NwCoef>>;
  classical_ols_se: Record<CoefName, number>;
  durbin_watson: number;
  post_intervention_trend_b1_plus_b3: number;
}

const ref = referenceBlock<Prop99Ref>('its_ols_newey_west_prop99');
const california = referenceCsv('its-prop99/california_prop99.csv', ';')
  .filter((r) => r.State === 'California')
  .sort((a, b) => Number(a.Year) - Number(b.Year));
const years = california.map((r) => Number(r.Year));
const packs = california.map((r) => Number(r.PacksPerCapita));
const NAME: Record<CoefName, string> = { _cons: 'intercept', _t: 'time', _x1989: 'level_change', _x_t1989: 'slope_change' };

// Linden's itsa coding: _t = year − 1970, _x1989 = 1{year ≥ 1989}, _x_t1989 = (year − 1989)·_x1989.
const input = { y: packs, interventionIndex: years.indexOf(1989), timeOrigin: 0 };

function fit(errors: ErrorModel, horizons: number[] = []): SegmentedRegressionFit {
  const r = fitSegmentedRegression(input, { errors, horizons });
  if (r.status !== 'ok') throw new Error(r.reason);
  return r;
}

// HAC/OLS: 1e-6 relative (brief); the reference prints 10 decimals. p-values: 6 significant digits → 1e-5.
const REL = 1e-6;
const P_REL = 1e-5;

describe('segmented OLS with Newey–West SEs: stats-reference.json its_ols_newey_west_prop99 (single group)', () => {
  it('has the 31 years 1970–2000 with the intervention in 1989', () => {
    expect(years).toEqual(Array.from({ length: 31 }, (_, i) => 1970 + i));
    expect(input.interventionIndex).toBe(19);
  });
  const variants = [
    ['lag0_stata_n_over_n_minus_k', 0, true],
    ['lag0_no_small_sample_adj', 0, false],
    ['lag1_stata_n_over_n_minus_k', 1, true],
    ['lag1_no_small_sample_adj', 1, false],
  ] as const;
  it.each(variants)('%s', (key, lag, adjust) => {
    const m = fit({ kind: 'newey-west', lag, smallSampleAdjustment: adjust });
    expect(m.dfResidual).toBe(27);
    for (const [name, e] of Object.entries(ref.single_group[key]) as [CoefName, NwCoef][]) {
      const c = m.coefficients.find((x) => x.name === NAME[name])!;
      expectClose(c.estimate, e.coef, REL, 0, `${name} coef`);
      expectClose(c.se, e.se, REL, 0, `${name} se`);
      expectClose(c.statistic, e.t, REL, 0, `${name} t`);
      expectClose(c.p, e.p_t_df27, P_REL, 0, `${name} p`);
    }
  });
  it("matches Linden's (2015) published coefficients to the 2 dp printed", () => {
    const m = fit({ kind: 'newey-west', lag: 1 });
    const pub = ref.published_linden_2015_single_group;
    expect(m.preTrend.estimate.toFixed(2)).toBe(pub._t.toFixed(2));
    expect(m.levelChange!.estimate.toFixed(2)).toBe(pub._x1989.toFixed(2));
    expect(m.slopeChange!.estimate.toFixed(2)).toBe(pub._x_t1989.toFixed(2));
  });
  it('classical OLS SEs, Durbin–Watson and the post-intervention trend b1 + b3', () => {
    const m = fit({ kind: 'ols' });
    for (const [name, se] of Object.entries(ref.classical_ols_se) as [CoefName, number][]) {
      expectClose(m.coefficients.find((x) => x.name === NAME[name])!.se, se, REL, 0, `${name} classical se`);
    }
    expectClose(m.diagnostics.durbinWatson, ref.durbin_watson, 1e-9, 0, 'Durbin–Watson');
    expectClose(m.postTrend.estimate, ref.post_intervention_trend_b1_plus_b3, 1e-9, 0, 'b1 + b3');
    // Strong positive autocorrelation in the residuals: Ljung–Box rejects white noise.
    expect(m.diagnostics.ljungBox!.p).toBeLessThan(0.01);
  });
});

describe('segmented OLS: effects at horizons and the counterfactual', () => {
  const m = fit({ kind: 'newey-west', lag: 1 }, [1, 5, 12, 15]);
  it('gives b2 + b3·(h − 1) at the h-th post year, equal to fitted − counterfactual', () => {
    const b2 = m.levelChange!.estimate;
    const b3 = m.slopeChange!.estimate;
    const v = m.covariance;
    for (const e of m.effects) {
      if (e.status !== 'ok') throw new Error(e.reason);
      const s = e.horizon - 1;
      expectClose(e.effect.estimate, b2 + b3 * s, 1e-12, 1e-12, `effect at ${e.horizon}`);
      expectClose(e.effect.estimate, e.fitted - e.counterfactual, 1e-12, 1e-12, `fitted − counterfactual at ${e.horizon}`);
      expectClose(e.effect.se, Math.sqrt(v[2]![2]! + s * s * v[3]![3]! + 2 * s * v[2]![3]!), 1e-12, 0, `se at ${e.horizon}`);
      expectClose(e.relativeChange, e.effect.estimate / e.counterfactual, 1e-12, 0, 'relative change');
    }
    expect(m.effects[0]).toMatchObject({ horizon: 1, index: 19, extrapolated: false });
    expect(m.effects[3]).toMatchObject({ horizon: 15, index: 33, extrapolated: true });
  });
  it('the counterfactual continues the pre-1989 line', () => {
    for (const p of m.series) {
      expectClose(p.counterfactual, m.coefficients[0]!.estimate + m.coefficients[1]!.estimate * p.index, 1e-12, 1e-12, `year ${1970 + p.index}`);
      if (p.index < 19) expectClose(p.fitted, p.counterfactual, 1e-12, 1e-12, 'pre-period fit');
    }
  });
});

describe('Prais–Winsten AR(1)', () => {
  const pw = fit({ kind: 'prais-winsten' });
  it('converges, with ρ equal to the lag-1 regression of its own residuals (fixed point)', () => {
    expect(pw.diagnostics.converged).toBe(true);
    const x = Array.from({ length: 31 }, (_, t) => [1, t, t >= 19 ? 1 : 0, t >= 19 ? t - 19 : 0]);
    const direct = praisWinsten(x, packs);
    const e = direct.residuals;
    let num = 0;
    let den = 0;
    for (let t = 1; t < e.length; t++) {
      num += e[t]! * e[t - 1]!;
      den += e[t - 1]! ** 2;
    }
    expectClose(direct.rho, num / den, 1e-8, 0, 'ρ');
    expect(pw.diagnostics.rho).toBeCloseTo(direct.rho, 12);
    // The AR(1) transform whitens the residuals: DW moves from 0.54 towards 2.
    expect(pw.diagnostics.durbinWatsonTransformed!).toBeGreaterThan(pw.diagnostics.durbinWatson! + 0.5);
  });
  it('equals GLS with the AR(1) covariance Σ_ij = ρ^|i−j| at the final ρ (1e-9)', () => {
    const rho = pw.diagnostics.rho!;
    const x = Array.from({ length: 31 }, (_, t) => [1, t, t >= 19 ? 1 : 0, t >= 19 ? t - 19 : 0]);
    const sigma = x.map((_, i) => x.map((__, j) => rho ** Math.abs(i - j)));
    const si = invertSymmetric(sigma);
    const xt = transpose(x);
    const beta = matVec(invertSymmetric(matMul(matMul(xt, si), x)), matVec(matMul(xt, si), packs));
    pw.coefficients.forEach((c, j) => expectClose(c.estimate, beta[j]!, 1e-9, 1e-9, c.name));
  });
  it('recovers ρ and the level change from a simulated AR(1) series', () => {
    let seed = 12345;
    const uniform = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    const gauss = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const n = 400;
    let u = 0;
    const y = Array.from({ length: n }, (_, t) => {
      u = 0.6 * u + gauss();
      return 10 + 0.05 * t + (t >= 200 ? -4 : 0) + (t >= 200 ? 0.02 * (t - 200) : 0) + u;
    });
    const r = fitSegmentedRegression({ y, interventionIndex: 200 }, { errors: { kind: 'prais-winsten' } });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(Math.abs(r.diagnostics.rho! - 0.6)).toBeLessThan(0.1);
    expect(Math.abs(r.levelChange!.estimate + 4) / r.levelChange!.se).toBeLessThan(3);
  });
});

describe('Durbin–Watson and Ljung–Box', () => {
  it('Ljung–Box on an alternating series: Q = 12, p = e^−6 (lag 2)', () => {
    const lb = ljungBox([1, -1, 1, -1, 1, -1], 2)!;
    expectClose(lb.statistic, 12, 1e-13, 0, 'Q');
    expectClose(lb.p, Math.exp(-6), 1e-12, 0, 'p');
    expect(durbinWatson([1, -1, 1, -1])).toBeCloseTo(3, 14);
  });
  it('are null for residuals that are all zero', () => {
    expect(durbinWatson([0, 0, 0])).toBeNull();
    expect(ljungBox([0, 0, 0, 0, 0], 1)).toBeNull();
  });
});

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (Array.isArray(value)) return value.some(hasNaN);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

describe('segmented OLS: edge cases give clear answers', () => {
  it('fewer than 3 periods on a side is not estimable, whatever the error model', () => {
    for (const errors of [{ kind: 'ols' }, { kind: 'newey-west', lag: 1 }, { kind: 'prais-winsten' }] as ErrorModel[]) {
      expect(fitSegmentedRegression({ y: [1, 2, 3, 4, 5, 6], interventionIndex: 2 }, { errors })).toEqual({
        status: 'not-estimable',
        reason: 'the series has 2 usable period(s) before the intervention; at least 3 are needed',
      });
    }
    // Missing periods do not count.
    expect(fitSegmentedRegression({ y: [1, null, 3, 4, 5, 6, 7], interventionIndex: 3 }, { errors: { kind: 'ols' } }).status).toBe('not-estimable');
  });
  it('a constant series: zero effects, zero SEs, null p-values, no NaN', () => {
    for (const errors of [{ kind: 'ols' }, { kind: 'newey-west', lag: 2 }, { kind: 'prais-winsten' }] as ErrorModel[]) {
      const r = fitSegmentedRegression({ y: new Array<number>(20).fill(0.42), interventionIndex: 10 }, { errors, horizons: [5] });
      if (r.status !== 'ok') throw new Error(r.reason);
      expect(Math.abs(r.levelChange!.estimate)).toBeLessThan(1e-12);
      expect(r.levelChange!.se).toBe(0);
      expect(r.levelChange!.p).toBeNull();
      expect(r.diagnostics.durbinWatson).toBeNull();
      expect(r.warnings).toHaveLength(1);
      expect(hasNaN(r)).toBe(false);
    }
  });
  it('a series of 0% or 100% throughout is a constant series too', () => {
    const r = fitSegmentedRegression({ y: new Array<number>(12).fill(1), interventionIndex: 6 }, { errors: { kind: 'newey-west', lag: 1 } });
    expect(r.status === 'ok' && r.slopeChange!.p === null && !hasNaN(r)).toBe(true);
  });
  it('too many seasonal terms for the data is not estimable, naming the term', () => {
    const y = Array.from({ length: 14 }, (_, i) => i + (i % 3));
    const season = Array.from({ length: 14 }, (_, i) => (i % 12) + 1);
    const r = fitSegmentedRegression({ y, interventionIndex: 7, seasonality: { kind: 'dummies', season } }, { errors: { kind: 'ols' } });
    expect(r).toMatchObject({ status: 'not-estimable' });
  });
  it('an excluded transition window, gaps in Newey–West lags, and level-only models', () => {
    const y = Array.from({ length: 30 }, (_, i) => 5 + 0.1 * i + (i >= 15 ? 2 : 0) + Math.sin(i));
    const r = fitSegmentedRegression({ y, interventionIndex: 12, transitionLength: 3, terms: 'level-only' }, { errors: { kind: 'newey-west', lag: 2 }, horizons: [2, 4] });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.n).toBe(27);
    expect(r.slopeChange).toBeNull();
    expect(r.effects.map((e) => e.status)).toEqual(['not-estimable', 'ok']);
    expect(hasNaN(r)).toBe(false);
  });
  it('rejects non-finite values and a bad intervention index, naming the field', () => {
    expect(() => fitSegmentedRegression({ y: [1, 2, Number.NaN, 4, 5, 6, 7], interventionIndex: 3 }, { errors: { kind: 'ols' } })).toThrow(/y\[2\]/);
    expect(() => fitSegmentedRegression({ y: [1, 2, 3], interventionIndex: 9 }, { errors: { kind: 'ols' } })).toThrow(/interventionIndex/);
    expect(() => fitSegmentedRegression({ y: [1, 5, 3, 4, 8, 6, 7], interventionIndex: 3 }, { errors: { kind: 'newey-west', lag: -1 } })).toThrow(/errors\.lag/);
  });
});
