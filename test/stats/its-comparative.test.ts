import { describe, expect, it } from 'vitest';
import { COMPARATIVE_TERMS, type ComparativeItsFit, fitComparativeIts } from '../../src/stats/its-comparative.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

type RefName = '_cons' | '_t' | '_x1989' | '_x_t1989' | '_z' | '_z_t' | '_z_x1989' | '_z_x_t1989';
const NAME: Record<RefName, (typeof COMPARATIVE_TERMS)[number]> = {
  _cons: 'intercept',
  _t: 'time',
  _x1989: 'level_change',
  _x_t1989: 'slope_change',
  _z: 'treated',
  _z_t: 'treated_time',
  _z_x1989: 'treated_level_change',
  _z_x_t1989: 'treated_slope_change',
};
const ref = referenceBlock<{ with_comparator_mean_of_38: Record<RefName, { coef: number; se_newey_lag1_by_panel_stata_adj: number }> }>(
  'its_ols_newey_west_prop99',
).with_comparator_mean_of_38;

const rows = referenceCsv('its-prop99/california_prop99.csv', ';');
const years = Array.from({ length: 31 }, (_, i) => 1970 + i);
const seriesOf = (state: string): number[] =>
  years.map((y) => Number(rows.find((r) => r.State === state && Number(r.Year) === y)!.PacksPerCapita));
const states = [...new Set(rows.map((r) => r.State!))].filter((s) => s !== 'California');
const california = seriesOf('California');
const controls = states.map(seriesOf);
const meanOf38 = years.map((_, t) => controls.reduce((a, s) => a + s[t]!, 0) / controls.length);

function fit(comparators: number[][], lag = 1, horizons: number[] = []): ComparativeItsFit {
  const r = fitComparativeIts(
    { treated: california, comparators, interventionIndex: 19, timeOrigin: 0 },
    { errors: { kind: 'newey-west', lag }, horizons },
  );
  if (r.status !== 'ok') throw new Error(r.reason);
  return r;
}

// HAC: 1e-6 relative (brief); the reference prints 10 significant digits.
const REL = 1e-6;

describe('comparative ITS (Linden multiple-group): stats-reference.json with_comparator_mean_of_38', () => {
  it('has 38 control states', () => expect(controls).toHaveLength(38));
  const m = fit([meanOf38]);
  it.each(Object.keys(NAME) as RefName[])('%s: coefficient and panel-wise Newey–West (lag 1) SE', (name) => {
    const c = m.coefficients.find((x) => x.name === NAME[name])!;
    expectClose(c.estimate, ref[name].coef, REL, 0, `${name} coef`);
    expectClose(c.se, ref[name].se_newey_lag1_by_panel_stata_adj, REL, 0, `${name} se`);
  });
  it('reports the differences in level and slope change (b6, b7) with t(n − k) p-values', () => {
    expect(m.n).toBe(62);
    expect(m.dfResidual).toBe(54);
    expectClose(m.differenceInLevelChange.estimate, -2.8064169725, REL, 0, 'b6');
    expectClose(m.differenceInSlopeChange.estimate, -0.991143471, REL, 0, 'b7');
    expect(m.differenceInSlopeChange.p).toBeGreaterThan(0.05);
    expect(m.differenceInSlopeChange.p).toBeLessThan(0.5);
  });
  it('treated post-trend b1 + b3 + b5 + b7 equals the single-group post trend of California', () => {
    expectClose(m.treatedPostTrend.estimate, -3.2741260265, 1e-9, 0, 'post trend');
  });
  it('stacking all 38 control series gives the same coefficients as their mean (balanced panel)', () => {
    const stacked = fit(controls);
    stacked.coefficients.forEach((c, j) => expectClose(c.estimate, m.coefficients[j]!.estimate, 1e-9, 1e-9, c.name));
    expect(stacked.n).toBe(31 * 39);
  });
  it('difference-in-differences at horizons is b6 + b7·(h − 1)', () => {
    const h = fit([meanOf38], 1, [1, 12]);
    const [e1, e12] = h.effects;
    if (e1?.status !== 'ok' || e12?.status !== 'ok') throw new Error('expected estimable effects');
    expectClose(e1.effect.estimate, h.differenceInLevelChange.estimate, 1e-12, 0, 'h = 1');
    expectClose(e12.effect.estimate, h.differenceInLevelChange.estimate + 11 * h.differenceInSlopeChange.estimate, 1e-12, 0, 'h = 12');
  });
});

describe('comparative ITS: edge cases', () => {
  it('a comparator with too few post periods is not estimable, naming it', () => {
    const short = meanOf38.map((v, i) => (i >= 21 ? null : v));
    const r = fitComparativeIts({ treated: california, comparators: [short], interventionIndex: 19 }, { errors: { kind: 'ols' } });
    expect(r).toEqual({ status: 'not-estimable', reason: 'comparator 1 has 2 usable period(s) after the intervention; at least 3 are needed' });
  });
  it('rejects series of different lengths and an empty comparator list', () => {
    expect(() => fitComparativeIts({ treated: california, comparators: [meanOf38.slice(1)], interventionIndex: 19 }, { errors: { kind: 'ols' } })).toThrow(
      /comparators\[0\] has 30 periods/,
    );
    expect(() => fitComparativeIts({ treated: california, comparators: [], interventionIndex: 19 }, { errors: { kind: 'ols' } })).toThrow(/at least one/);
  });
  it('identical treated and comparator series give zero differences without NaN', () => {
    const r = fitComparativeIts({ treated: meanOf38, comparators: [meanOf38], interventionIndex: 19 }, { errors: { kind: 'newey-west', lag: 1 } });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(Math.abs(r.differenceInLevelChange.estimate)).toBeLessThan(1e-9);
    expect(Number.isNaN(r.differenceInLevelChange.se)).toBe(false);
  });
});
