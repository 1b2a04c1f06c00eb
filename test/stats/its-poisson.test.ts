import { describe, expect, it } from 'vitest';
import { type SegmentedCountFit, type SegmentedCountInput, compareNestedCountModels, fitSegmentedCounts } from '../../src/stats/its-poisson.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

interface CoefRef {
  coef: number;
  se: number;
  rr: number;
  rr_lower95: number;
  rr_upper95: number;
  p_normal: number;
  [pT: `p_t_df${number}`]: number;
}
interface ModelRef {
  coefficients: Record<string, CoefRef>;
  deviance: number;
  pearson_dispersion: number;
  df_residual: number;
}
interface SicilyRef {
  model1_poisson: ModelRef;
  model2_quasipoisson: ModelRef;
  model3_quasipoisson_seasonal: ModelRef;
  model4_level_and_slope_change: ModelRef & { anova_F_model3_vs_model4: { F: number; df: [number, number]; p: number } };
}

const ref = referenceBlock<SicilyRef>('its_sicily');
const sicily = referenceCsv('its-sicily/sicily.csv').map((r) => ({
  month: Number(r.month),
  aces: Number(r.aces),
  time: Number(r.time),
  smokban: Number(r.smokban),
  stdpop: Number(r.stdpop),
}));

// R's names → gpnet's design names.
const NAME: Record<string, string> = {
  '(Intercept)': 'intercept',
  smokban: 'level_change',
  time: 'time',
  'smokban:I(time-36)': 'slope_change',
  sin1: 'sin1',
  sin2: 'sin2',
  cos1: 'cos1',
  cos2: 'cos2',
};

// Tolerances: GLM/IRLS 1e-6 relative on coefficients, SEs, RRs, deviance and dispersion (brief;
// the reference is printed to 12 decimals); p-values are printed to 6 significant digits → 1e-5.
const GLM_REL = 1e-6;
const P_REL = 1e-5;

const base: SegmentedCountInput = {
  counts: sicily.map((r) => r.aces),
  exposure: sicily.map((r) => r.stdpop),
  interventionIndex: sicily.findIndex((r) => r.smokban === 1),
  timeOrigin: 1, // time = 1..59 as in the paper
  slopeCoding: 'one-at-first-post', // I(time − 36):smokban is 1 in the first month of the ban
};
const seasonal = { kind: 'harmonic' as const, season: sicily.map((r) => r.month), harmonics: 2, period: 12 };

function fit(input: SegmentedCountInput, family: 'poisson' | 'quasipoisson', horizons: number[] = []): SegmentedCountFit {
  const r = fitSegmentedCounts(input, { family, horizons });
  if (r.status !== 'ok') throw new Error(r.reason);
  return r;
}

function checkModel(model: SegmentedCountFit, expected: ModelRef, pKey: 'p_normal' | `p_t_df${number}`): void {
  expect(model.dfResidual).toBe(expected.df_residual);
  expectClose(model.deviance, expected.deviance, GLM_REL, 0, 'deviance');
  expectClose(model.dispersion, expected.pearson_dispersion, GLM_REL, 0, 'Pearson dispersion');
  expect(Object.keys(expected.coefficients)).toHaveLength(model.coefficients.length);
  for (const [rName, e] of Object.entries(expected.coefficients)) {
    const c = model.coefficients.find((x) => x.name === NAME[rName]);
    expect(c, rName).toBeDefined();
    expectClose(c!.estimate, e.coef, GLM_REL, 0, `${rName} coef`);
    expectClose(c!.se, e.se, GLM_REL, 0, `${rName} se`);
    expectClose(c!.ratio, e.rr, GLM_REL, 0, `${rName} RR`);
    expectClose(c!.ratioLower, e.rr_lower95, GLM_REL, 0, `${rName} RR lower`);
    expectClose(c!.ratioUpper, e.rr_upper95, GLM_REL, 0, `${rName} RR upper`);
    expectClose(c!.pNormal, e.p_normal, P_REL, 1e-300, `${rName} p (normal)`);
    expectClose(c!.p, e[pKey]!, P_REL, 1e-300, `${rName} p (${pKey})`);
  }
}

describe('ITS, Poisson/quasi-Poisson: stats-reference.json its_sicily (Lopez Bernal et al. 2017)', () => {
  it('model 1: Poisson, level change — reproduces the published RR 0.894 (0.865–0.925)', () => {
    const m = fit({ ...base, terms: 'level-only' }, 'poisson');
    checkModel(m, ref.model1_poisson, 'p_normal');
    const l = m.levelChange!;
    expect([l.ratio, l.ratioLower, l.ratioUpper].map((v) => v.toFixed(3))).toEqual(['0.894', '0.865', '0.925']);
  });
  it('model 2: quasi-Poisson (SE × √dispersion, t(56) p-values)', () => {
    checkModel(fit({ ...base, terms: 'level-only' }, 'quasipoisson'), ref.model2_quasipoisson, 'p_t_df56');
  });
  it('model 3: quasi-Poisson + harmonic(month, 2, 12) — reproduces the published RR 0.885 (0.839–0.933)', () => {
    const m = fit({ ...base, terms: 'level-only', seasonality: seasonal }, 'quasipoisson');
    checkModel(m, ref.model3_quasipoisson_seasonal, 'p_t_df52');
    const l = m.levelChange!;
    expect([l.ratio, l.ratioLower, l.ratioUpper].map((v) => v.toFixed(3))).toEqual(['0.885', '0.839', '0.933']);
    expectClose(Math.exp(12 * m.preTrend.estimate), 1.066807596881, GLM_REL, 0, 'trend RR per year');
  });
  it('model 4: + slope change, and the F test of model 3 against model 4', () => {
    const m3 = fit({ ...base, terms: 'level-only', seasonality: seasonal }, 'quasipoisson');
    const m4 = fit({ ...base, seasonality: seasonal }, 'quasipoisson');
    checkModel(m4, ref.model4_level_and_slope_change, 'p_t_df51');
    const f = compareNestedCountModels(m3, m4);
    const e = ref.model4_level_and_slope_change.anova_F_model3_vs_model4;
    expect(f.df).toEqual(e.df);
    expectClose(f.statistic, e.F, GLM_REL, 0, 'F');
    expectClose(f.p, e.p, P_REL, 0, 'p');
  });
});

describe('ITS counts: effects at horizons and the counterfactual', () => {
  const m4 = fit({ ...base, seasonality: seasonal }, 'quasipoisson', [12, 23, 24, 36]);
  it('gives RR = exp(level + s·slope) at the h-th month of the ban, equal to fitted/counterfactual', () => {
    const level = m4.levelChange!.estimate;
    const slope = m4.slopeChange!.estimate;
    const [h12, h23, h24, h36] = m4.effects;
    if (h12?.status !== 'ok' || h23?.status !== 'ok' || h24?.status !== 'ok' || h36?.status !== 'ok') throw new Error('expected estimable effects');
    expectClose(h12.rateRatio.ratio, Math.exp(level + 12 * slope), 1e-12, 0, 'RR at 12 months');
    expectClose(h12.rateRatio.ratio, h12.fittedCount! / h12.counterfactualCount!, 1e-12, 0, 'fitted/counterfactual at 12');
    expectClose(h23.rateRatio.ratio, h23.fittedCount! / h23.counterfactualCount!, 1e-12, 0, 'fitted/counterfactual at 23 (last month)');
    expect(h23.extrapolated).toBe(false);
    expect(h24.extrapolated).toBe(true); // the series ends 23 months into the ban
    expect(h24.fittedCount).toBeNull();
    expect(h36.rateRatio.ratioLower).toBeLessThan(h36.rateRatio.ratio);
    // The interval widens as the horizon moves away from the data.
    expect(h36.rateRatio.se).toBeGreaterThan(h12.rateRatio.se);
  });
  it('counterfactual equals the fit before the ban and exceeds it after (the ban lowered the rate)', () => {
    for (const p of m4.series.slice(0, 36)) expectClose(p.counterfactual, p.fitted, 1e-12, 0, `month ${p.index}`);
    for (const p of m4.series.slice(36)) expect(p.counterfactual).toBeGreaterThan(p.fitted);
    for (const p of m4.series) expect(p.counterfactualLower < p.counterfactual && p.counterfactual < p.counterfactualUpper).toBe(true);
  });
  it('month dummies give a model as good as or better than 2 harmonics (11 extra terms)', () => {
    const dummies = fit({ ...base, terms: 'level-only', seasonality: { kind: 'dummies', season: sicily.map((r) => r.month) } }, 'quasipoisson');
    expect(dummies.coefficients.map((c) => c.name).slice(3)).toEqual(Array.from({ length: 11 }, (_, i) => `season${i + 2}`));
    expect(dummies.dfResidual).toBe(59 - 14);
    expect(dummies.deviance).toBeLessThan(ref.model3_quasipoisson_seasonal.deviance);
  });
});

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (Array.isArray(value)) return value.some(hasNaN);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

describe('ITS counts: edge cases give clear answers', () => {
  const n = 24;
  const flat = { interventionIndex: 12, exposure: Array.from({ length: n }, () => 1000) };
  it('too few periods on a side', () => {
    const r = fitSegmentedCounts({ counts: [5, 6, 7, 8, 9, 10], interventionIndex: 4 }, { family: 'poisson' });
    expect(r).toEqual({ status: 'not-estimable', reason: 'the series has 2 usable period(s) after the intervention; at least 3 are needed' });
    const r2 = fitSegmentedCounts({ counts: [5, 6, 7, 8, 9, 10, 11], interventionIndex: 2 }, { family: 'poisson' });
    expect(r2.status).toBe('not-estimable');
  });
  it('all-zero counts, and no events on one side', () => {
    expect(fitSegmentedCounts({ ...flat, counts: new Array<number>(n).fill(0) }, { family: 'poisson' })).toMatchObject({
      status: 'not-estimable',
      reason: 'every count is zero: there is no rate to model',
    });
    const none = [...new Array<number>(12).fill(4), ...new Array<number>(12).fill(0)];
    expect(fitSegmentedCounts({ ...flat, counts: none }, { family: 'poisson' })).toMatchObject({ status: 'not-estimable' });
  });
  it('a constant series: no change, zero quasi-Poisson dispersion, p-values null, no NaN anywhere', () => {
    const r = fitSegmentedCounts({ ...flat, counts: new Array<number>(n).fill(7) }, { family: 'quasipoisson', horizons: [6] });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(Math.abs(r.levelChange!.estimate)).toBeLessThan(1e-10);
    expect(r.dispersion).toBeLessThan(1e-20);
    expect(r.levelChange!.p).toBeNull();
    expect(r.warnings[0]).toMatch(/fits the counts exactly/);
    expect(hasNaN(r)).toBe(false);
  });
  it('a transition window is left out of the fit, and horizons inside it are not estimable', () => {
    const counts = Array.from({ length: n }, (_, i) => 50 + i + (i >= 14 ? -10 : 0));
    const r = fitSegmentedCounts({ ...flat, counts, transitionLength: 2 }, { family: 'poisson', horizons: [1, 3] });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.n).toBe(22);
    expect(r.series.filter((p) => !p.usedInFit).map((p) => p.index)).toEqual([12, 13]);
    expect(r.effects[0]).toMatchObject({ status: 'not-estimable', horizon: 1 });
    expect(r.effects[1]).toMatchObject({ status: 'ok', horizon: 3, index: 14 });
  });
  it('rejects negative counts and non-positive exposure, naming the period', () => {
    expect(() => fitSegmentedCounts({ ...flat, counts: [...new Array<number>(23).fill(1), -1] }, { family: 'poisson' })).toThrow(/counts\[23\]/);
    expect(() => fitSegmentedCounts({ counts: new Array<number>(n).fill(1), interventionIndex: 12, exposure: [0, ...new Array<number>(23).fill(1)] }, { family: 'poisson' })).toThrow(/exposure\[0\]/);
  });
});
