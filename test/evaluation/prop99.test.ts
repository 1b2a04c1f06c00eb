/**
 * Series mode reproduces Linden's (2015) Proposition 99 models (stats-reference.json
 * its_ols_newey_west_prop99) through the command handler: California's cigarette sales per capita,
 * 1970–2000, intervention 1989, OLS with Newey–West (lag 1) standard errors; and the comparative
 * model with the mean of the 38 other states as the comparator series.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../../src/cli/commands/evaluate.js';
import { coefficient, evaluateJson, expectClose, prop99Csvs, referenceBlock, tempDir } from './helpers.js';

interface Coef {
  coef: number;
  se: number;
  p_t_df27: number;
}
type Single = Record<'_cons' | '_t' | '_x1989' | '_x_t1989', Coef>;
interface Prop99Ref {
  single_group: Record<'lag0_stata_n_over_n_minus_k' | 'lag1_stata_n_over_n_minus_k', Single>;
  classical_ols_se: Record<'_cons' | '_t' | '_x1989' | '_x_t1989', number>;
  durbin_watson: number;
  post_intervention_trend_b1_plus_b3: number;
  with_comparator_mean_of_38: Record<string, { coef: number; se_newey_lag1_by_panel_stata_adj: number }>;
}
const ref = referenceBlock<Prop99Ref>('its_ols_newey_west_prop99');
const REL = 1e-6;
const NAMES = { _cons: 'baseline_level', _t: 'pre_trend', _x1989: 'level_change', _x_t1989: 'slope_change' } as const;

const dir = tempDir();
afterAll(() => dir.remove());
const files = prop99Csvs();
const california = dir.write('california.csv', files.california);
const comparator = dir.write('mean-of-38.csv', files.comparator);

describe('evaluate --series california.csv --intervention 1989 (Linden 2015)', () => {
  it.each([
    ['1', 'lag1_stata_n_over_n_minus_k'],
    ['0', 'lag0_stata_n_over_n_minus_k'],
  ] as const)('OLS with Newey–West lag %s: coefficients, SEs and P values', async (lag, block) => {
    const r = await evaluateJson({ series: california, intervention: '1989', lag });
    expect(r.status).toBe('ok');
    expect(r.data.periodicity).toBe('year');
    expect(r.model.newey_west_lag).toBe(Number(lag));
    expect(r.diagnostics.df_residual).toBe(27);
    for (const [stata, name] of Object.entries(NAMES)) {
      const c = coefficient(r, name);
      const e = ref.single_group[block][stata as keyof Single];
      expectClose(c.estimate, e.coef, REL, 0, `${name} coef`);
      expectClose(c.se, e.se, REL, 0, `${name} se`);
      expectClose(c.p, e.p_t_df27, 1e-5, 0, `${name} p`);
      expect(c.rate_ratio).toBeUndefined();
    }
    expectClose(r.diagnostics.durbin_watson, ref.durbin_watson, REL, 0, 'Durbin–Watson');
    expectClose(coefficient(r, 'post_trend').estimate, ref.post_intervention_trend_b1_plus_b3, REL, 0, 'post trend');
  });

  it('the default lag is floor(4(n/100)^(2/9)) = 3 for 31 years', async () => {
    const r = await evaluateJson({ series: california, intervention: '1989' });
    expect(r.model.newey_west_lag).toBe(3);
    expect(r.model.method).toBe('OLS with Newey–West standard errors (lag 3)');
  });

  it('--errors classical gives the classical OLS standard errors', async () => {
    const r = await evaluateJson({ series: california, intervention: '1989', errors: 'classical' });
    for (const [stata, name] of Object.entries(NAMES)) {
      expectClose(coefficient(r, name).se, ref.classical_ols_se[stata as keyof Single], REL, 0, `${name} se`);
    }
    expect(r.model.newey_west_lag).toBeNull();
    expect(r.caveats.join(' ')).toMatch(/residual autocorrelation remains .*classical standard errors ignore it/);
  });

  it('effects at 1 and 5 years (the yearly default) are level_change + slope_change·(h − 1)', async () => {
    const r = await evaluateJson({ series: california, intervention: '1989', lag: '1' });
    const [h1, h5] = r.effects;
    if (h1?.status !== 'ok' || h5?.status !== 'ok') throw new Error('expected estimable effects');
    const b2 = ref.single_group.lag1_stata_n_over_n_minus_k._x1989.coef;
    const b3 = ref.single_group.lag1_stata_n_over_n_minus_k._x_t1989.coef;
    expect([h1.period, h5.period]).toEqual(['1989', '1993']);
    expectClose(h1.estimate, b2, REL, 0, 'h = 1');
    expectClose(h5.estimate, b2 + 4 * b3, REL, 0, 'h = 5');
    expectClose(h5.fitted! - h5.counterfactual!, h5.estimate, 1e-9, 0, 'fitted − counterfactual');
    expectClose(h5.relative_change, h5.estimate / h5.counterfactual!, 1e-9, 0, 'relative change');
    const s1993 = r.series.find((s) => s.period === '1993')!;
    expectClose(s1993.counterfactual, h5.counterfactual!, 1e-12, 0, 'series counterfactual');
  });

  it('a comparator series (mean of the other 38 states) gives the differences in level and slope change', async () => {
    const r = await evaluateJson({ series: california, comparatorSeries: comparator, intervention: '1989', lag: '1' });
    const w = ref.with_comparator_mean_of_38;
    const names: Record<string, string> = {
      _cons: 'baseline_level',
      _t: 'pre_trend',
      _x1989: 'level_change',
      _x_t1989: 'slope_change',
      _z: 'difference_in_baseline_level',
      _z_t: 'difference_in_pre_trend',
      _z_x1989: 'difference_in_level_change',
      _z_x_t1989: 'difference_in_slope_change',
    };
    expect(r.model.comparative).toBe(true);
    expect(r.coefficients.map((c) => c.name)).toEqual(Object.values(names));
    for (const [stata, name] of Object.entries(names)) {
      const c = coefficient(r, name);
      expectClose(c.estimate, w[stata]!.coef, REL, 0, `${name} coef`);
      expectClose(c.se, w[stata]!.se_newey_lag1_by_panel_stata_adj, REL, 0, `${name} se`);
    }
    expect(r.diagnostics.df_residual).toBe(54);
    expect(r.diagnostics.comparator_points_before).toBe(19);
    expectClose(coefficient(r, 'treated_post_trend').estimate, ref.post_intervention_trend_b1_plus_b3, 1e-9, 0, 'treated post trend');
    // The counterfactual is California's own line plus the comparator's change; the fit is California's own segmented line.
    const s2000 = r.series.find((s) => s.period === '2000')!;
    const [h1] = r.effects;
    if (h1?.status !== 'ok') throw new Error('expected an estimable effect');
    expectClose(h1.estimate, w._z_x1989!.coef, REL, 0, 'difference at 1 year');
    expect(s2000.comparator).toBeCloseTo(Number(files.comparator.trim().split('\n').at(-1)!.split(',')[1]), 9);
    const b = (k: string): number => w[k]!.coef;
    expectClose(s2000.fitted, b('_cons') + b('_z') + 30 * (b('_t') + b('_z_t')) + b('_x1989') + b('_z_x1989') + 11 * (b('_x_t1989') + b('_z_x_t1989')), REL, 0, 'fitted 2000');
    expectClose(s2000.counterfactual, b('_cons') + b('_z') + 30 * (b('_t') + b('_z_t')) + b('_x1989') + 11 * b('_x_t1989'), REL, 0, 'counterfactual 2000');
  });

  it('a transition window 1989..1990 is left out of the fit', async () => {
    const r = await evaluateJson({ series: california, intervention: '1989..1990', lag: '1' });
    expect(r.model.intervention).toEqual({ start: '1989', transition_end: '1990', first_post_period: '1991', transition_periods: 2 });
    expect(r.diagnostics.points_in_transition).toBe(2);
    expect(r.diagnostics.points_used).toBe(29);
    expect(r.series.filter((s) => s.phase === 'transition').map((s) => [s.period, s.used_in_fit])).toEqual([
      ['1989', false],
      ['1990', false],
    ]);
    expect(r.effects[0]).toMatchObject({ status: 'not-estimable', horizon: 1, period: '1989' });
    expect(r.caveats.join(' ')).toMatch(/transition window 1989\.\.1990 were left out/);
  });

  it('prints the comparative model as Markdown', async () => {
    const md = await runEvaluate({ series: california, comparatorSeries: comparator, intervention: '1989', lag: '1', format: 'md' });
    expect(md).toContain('Compared with: ');
    expect(md).toMatch(/\| `difference_in_level_change` \| .* \| -2\.806 \|/);
    expect(md).toContain('| Period | Phase | Observed | Comparator |');
  });
});
