/**
 * Series mode reproduces Lopez Bernal, Cummins & Gasparrini's Sicily smoking-ban models
 * (stats-reference.json its_sicily) through the command handler, from a CSV built from
 * shared/data/reference/its-sicily/sicily.csv.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../../src/cli/commands/evaluate.js';
import { coefficient, evaluateJson, expectClose, referenceBlock, sicilyCsv, tempDir } from './helpers.js';

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
const ref = referenceBlock<Record<'model1_poisson' | 'model2_quasipoisson' | 'model3_quasipoisson_seasonal' | 'model4_level_and_slope_change', ModelRef>>('its_sicily');

const REL = 1e-6;
const dir = tempDir();
afterAll(() => dir.remove());
const file = dir.write('sicily.csv', sicilyCsv());
const base = { series: file, intervention: '2005-01', offset: 'stdpop' } as const;

/** The rate ratio of a report term against R's term, 1e-6 relative. */
function expectRateRatio(report: Awaited<ReturnType<typeof evaluateJson>>, name: string, r: CoefRef): void {
  const c = coefficient(report, name);
  expectClose(c.estimate, r.coef, REL, 0, `${name} coef`);
  expectClose(c.se, r.se, REL, 0, `${name} se`);
  expectClose(c.rate_ratio?.estimate, r.rr, REL, 0, `${name} RR`);
  expectClose(c.rate_ratio?.ci_lower, r.rr_lower95, REL, 0, `${name} RR lower`);
  expectClose(c.rate_ratio?.ci_upper, r.rr_upper95, REL, 0, `${name} RR upper`);
}

describe('evaluate --series sicily.csv (Lopez Bernal et al. 2017)', () => {
  it('model 1: Poisson step change, RR 0.894 (0.865 to 0.925)', async () => {
    const r = await evaluateJson({ ...base, model: 'poisson', slopeChange: false });
    const m = ref.model1_poisson;
    expect(r.status).toBe('ok');
    expect(r.data.periodicity).toBe('month');
    expect(r.data.first_period).toBe('2002-01');
    expect(r.data.last_period).toBe('2006-11');
    expect(r.model.intervention.first_post_period).toBe('2005-01');
    expect(r.coefficients.map((c) => c.name)).toEqual(['baseline_level', 'pre_trend', 'level_change']);
    expectRateRatio(r, 'level_change', m.coefficients.smokban!);
    expectRateRatio(r, 'pre_trend', m.coefficients.time!);
    expectClose(coefficient(r, 'level_change').p, m.coefficients.smokban!.p_normal, 1e-5, 0, 'p');
    // The report's time starts at 0 in the first month; R's at 1, so R's intercept is one month earlier.
    expectClose(coefficient(r, 'baseline_level').estimate, m.coefficients['(Intercept)']!.coef + m.coefficients.time!.coef, REL, 0, 'baseline');
    expect(r.diagnostics.df_residual).toBe(m.df_residual);
    expectClose(r.diagnostics.deviance, m.deviance, REL, 0, 'deviance');
    expectClose(r.diagnostics.dispersion, m.pearson_dispersion, REL, 0, 'dispersion');
    expect(r.diagnostics.points_before).toBe(36);
    expect(r.diagnostics.points_after).toBe(23);
    expect(r.caveats.join(' ')).toMatch(/overdispersion.*quasipoisson/);
  });

  it('model 2: quasi-Poisson, SEs scaled by the dispersion and t(56) P values', async () => {
    const r = await evaluateJson({ ...base, model: 'quasipoisson', slopeChange: false });
    const m = ref.model2_quasipoisson;
    expectRateRatio(r, 'level_change', m.coefficients.smokban!);
    expectClose(coefficient(r, 'level_change').p, m.coefficients.smokban!['p_t_df56']!, 1e-5, 0, 'p');
    expect(r.caveats.join(' ')).not.toMatch(/overdispersion/);
  });

  it('model 3: quasi-Poisson with 2 seasonal harmonics, RR 0.885 (0.839 to 0.933)', async () => {
    const r = await evaluateJson({ ...base, model: 'quasipoisson', slopeChange: false, seasonal: '2' });
    const m = ref.model3_quasipoisson_seasonal;
    expect(r.coefficients.map((c) => c.name)).toEqual(['baseline_level', 'pre_trend', 'level_change', 'sin1', 'sin2', 'cos1', 'cos2']);
    for (const name of ['sin1', 'sin2', 'cos1', 'cos2']) expectRateRatio(r, name, m.coefficients[name]!);
    expectRateRatio(r, 'level_change', m.coefficients.smokban!);
    expectClose(coefficient(r, 'level_change').p, m.coefficients.smokban!['p_t_df52']!, 1e-5, 0, 'p');
    expectClose(r.diagnostics.dispersion, m.pearson_dispersion, REL, 0, 'dispersion');
  });

  it('model 4: level and slope change coded as I(time − 36):smokban (--slope-start 1)', async () => {
    const r = await evaluateJson({ ...base, model: 'quasipoisson', seasonal: '2', slopeStart: '1', horizons: '1,12' });
    const m = ref.model4_level_and_slope_change;
    expectRateRatio(r, 'level_change', m.coefficients.smokban!);
    expectRateRatio(r, 'slope_change', m.coefficients['smokban:I(time-36)']!);
    expectRateRatio(r, 'pre_trend', m.coefficients.time!);
    expect(r.diagnostics.df_residual).toBe(m.df_residual);
    // Effect at horizon h: level_change + slope_change·h (slope_change is h in the h-th month).
    const [h1, h12] = r.effects;
    if (h1?.status !== 'ok' || h12?.status !== 'ok') throw new Error('expected estimable effects');
    const b2 = m.coefficients.smokban!.coef;
    const b3 = m.coefficients['smokban:I(time-36)']!.coef;
    expectClose(h1.rate_ratio?.estimate, Math.exp(b2 + b3), REL, 0, 'RR at 1 month');
    expectClose(h12.rate_ratio?.estimate, Math.exp(b2 + 12 * b3), REL, 0, 'RR at 12 months');
    expect(h12.period).toBe('2005-12');
    expect(h12.extrapolated).toBe(false);
    // The counterfactual at 12 months over the fitted value is 1/RR.
    expectClose(h12.counterfactual! / h12.fitted!, 1 / h12.rate_ratio!.estimate, 1e-9, 0, 'counterfactual');
  });

  it('reports the counterfactual series as expected counts and rates per 1,000 of the offset', async () => {
    const r = await evaluateJson({ ...base, model: 'quasipoisson', slopeChange: false });
    expect(r.series).toHaveLength(59);
    expect(r.data.rate_per).toBe(1000);
    const first = r.series[0]!;
    expect(first).toMatchObject({ period: '2002-01', phase: 'before', observed: 728, used_in_fit: true, exposure: 379875.3 });
    expectClose(first.observed_rate, (1000 * 728) / 379875.3, 1e-12, 0, 'observed rate');
    // Before the intervention the counterfactual is the fit; after it, the fit is the counterfactual × RR.
    expectClose(first.counterfactual, first.fitted!, 1e-12, 0, 'pre');
    const post = r.series[40]!;
    expect(post.phase).toBe('after');
    expectClose(post.fitted! / post.counterfactual!, coefficient(r, 'level_change').rate_ratio!.estimate, 1e-9, 0, 'post');
    expect(post.counterfactual_lower!).toBeLessThan(post.counterfactual!);
    expect(post.counterfactual_upper!).toBeGreaterThan(post.counterfactual!);
  });

  it('prints a Markdown report with the effect table', async () => {
    const md = await runEvaluate({ ...base, model: 'quasipoisson', slopeChange: false, seasonal: '2', format: 'md' });
    expect(md).toMatch(/^# Impact evaluation: /);
    expect(md).toContain('## Effect of the intervention');
    const row = md.split('\n').find((l) => l.startsWith('| `level_change`'));
    expect(row).toBeDefined();
    expect(row).toContain('0.8851 (0.8394 to 0.9332)');
    expect(md).toContain('## Diagnostics');
    expect(md).toContain('## Series');
    expect(md).not.toMatch(/NaN|undefined/);
  });
});
