/**
 * Awkward but legitimate series give clear answers, never NaN: constant series, zero denominators,
 * all-zero counts, gaps, short series; and impossible requests give clear errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateReport, runEvaluate } from '../../src/cli/commands/evaluate.js';
import { UserError } from '../../src/cli/errors.js';
import { coefficient, csv, evaluateJson, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

const months = (n: number, from = 2020): string[] =>
  Array.from({ length: n }, (_, i) => `${from + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
/** A deterministic wobble so that fits are not exact. */
const wobble = (i: number): number => Math.sin(1.7 * i) * 2 + Math.cos(0.9 * i);

function file(name: string, header: string[], rows: (string | number)[][]): string {
  return dir.write(name, csv(header, rows));
}

async function userError(options: Parameters<typeof evaluateReport>[0]): Promise<string> {
  try {
    await evaluateReport(options);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('constant series', () => {
  const constant = file('constant.csv', ['period', 'value'], months(24).map((m) => [m, 42]));
  it('OLS: an exact fit, standard errors 0, P values and diagnostics null, a caveat', async () => {
    const r = await evaluateJson({ series: constant, intervention: '2021-01' });
    expect(r.status).toBe('ok');
    expect(coefficient(r, 'baseline_level')).toMatchObject({ se: 0, p: null, statistic: null });
    expect(coefficient(r, 'baseline_level').estimate).toBeCloseTo(42, 10);
    expect(coefficient(r, 'level_change').estimate).toBeCloseTo(0, 10);
    expect(r.diagnostics.durbin_watson).toBeNull();
    expect(r.diagnostics.ljung_box).toBeNull();
    expect(r.caveats.join(' ')).toMatch(/fits the series exactly/);
    const md = await runEvaluate({ series: constant, intervention: '2021-01', format: 'md' });
    expect(md).not.toMatch(/NaN|Infinity|\bundefined \||\| undefined/);
  });
  it('quasi-Poisson on constant counts: dispersion 0, standard errors 0, a caveat', async () => {
    const counts = file('constant-counts.csv', ['period', 'count'], months(24).map((m) => [m, 9]));
    const r = await evaluateJson({ series: counts, intervention: '2021-01', model: 'quasipoisson' });
    expect(r.status).toBe('ok');
    expect(r.diagnostics.dispersion).toBe(0);
    expect(coefficient(r, 'level_change').rate_ratio?.estimate).toBeCloseTo(1, 9);
    expect(coefficient(r, 'level_change').p).toBeNull();
    expect(r.caveats.join(' ')).toMatch(/fits the counts exactly/);
  });
  it('Poisson on all-zero counts is not estimable, with the reason, as JSON and Markdown', async () => {
    const zeros = file('zeros.csv', ['period', 'count'], months(24).map((m) => [m, 0]));
    const r = await evaluateJson({ series: zeros, intervention: '2021-01', model: 'poisson' });
    expect(r.status).toBe('not-estimable');
    expect(r.reason).toBe('every count is zero: there is no rate to model');
    expect(r.coefficients).toEqual([]);
    expect(r.diagnostics.points_before).toBe(12);
    const md = await runEvaluate({ series: zeros, intervention: '2021-01', model: 'poisson', format: 'md' });
    expect(md).toContain('**Not estimable:** every count is zero: there is no rate to model');
  });
});

describe('zero denominators', () => {
  const rows = months(30).map((m, i) => (i === 4 || i === 20 ? [m, 0, 0] : [m, 30 + Math.round(5 * wobble(i)) + (i >= 15 ? 8 : 0), 100]));
  const path = file('zero-denominators.csv', ['period', 'numerator', 'denominator'], rows);
  it('OLS uses the percentage and leaves the zero-denominator months out, naming them', async () => {
    const r = await evaluateJson({ series: path, intervention: '2021-04' });
    expect(r.data.outcome).toBe('percentage: 100 × numerator ÷ denominator');
    expect(r.diagnostics.points_missing).toBe(2);
    expect(r.diagnostics.points_used).toBe(28);
    expect(r.series[4]).toMatchObject({ period: '2020-05', observed: null, used_in_fit: false });
    expect(r.series[5]!.observed).toBe(rows[5]![1]);
    expect(r.caveats).toContain('2 months with a zero or missing denominator (population at risk) were left out: 2020-05, 2021-09');
  });
  it('Poisson uses the numerator as the count and log(denominator) as the offset', async () => {
    const r = await evaluateJson({ series: path, intervention: '2021-04', model: 'quasipoisson' });
    expect(r.status).toBe('ok');
    expect(r.data.outcome).toBe('numerator, as a count');
    expect(r.data.offset).toBe('denominator (its log is the offset)');
    expect(r.data.rate_per).toBe(100);
    expect(r.diagnostics.points_used).toBe(28);
    // With a constant denominator of 100, the rate per 100 equals the count.
    const s = r.series[10]!;
    expect(s.observed_rate).toBeCloseTo(s.observed!, 12);
    expect(r.series[4]).toMatchObject({ observed: null, fitted: null, counterfactual: null, exposure: null, observed_rate: null });
    expect(coefficient(r, 'level_change').rate_ratio!.estimate).toBeGreaterThan(1);
  });
});

describe('short series and misplaced interventions', () => {
  const path = file('short.csv', ['period', 'value'], months(14).map((m, i) => [m, 10 + wobble(i)]));
  it('fewer than 3 points after the intervention is a clear error', async () => {
    expect(await userError({ series: path, intervention: '2021-01' })).toBe(
      `${path} has 2 usable months after the intervention (2021-01 to 2021-02); at least 3 are needed on each side to estimate a level and a trend`,
    );
  });
  it('fewer than 3 points before counts only usable points', async () => {
    const gappy = file('gappy.csv', ['period', 'value'], months(14).map((m, i) => [m, i === 1 || i === 2 ? '' : 10 + wobble(i)]));
    expect(await userError({ series: gappy, intervention: '2020-05' })).toBe(
      `${gappy} has 2 usable months before the intervention (2020-01 to 2020-04); at least 3 are needed on each side to estimate a level and a trend`,
    );
  });
  it('an intervention outside the data, or of the wrong kind, is a clear error', async () => {
    expect(await userError({ series: path, intervention: '2019-06' })).toBe(`the intervention 2019-06 is not after the first period of ${path} (2020-01 to 2021-02): there are no periods before it`);
    expect(await userError({ series: path, intervention: '2021-03' })).toBe(`the intervention 2021-03 leaves no periods of ${path} (2020-01 to 2021-02) after it`);
    expect(await userError({ series: path, intervention: '2020-06..2021-02' })).toBe(
      `the intervention 2020-06..2021-02 leaves no periods of ${path} (2020-01 to 2021-02) after it and its transition window`,
    );
    expect(await userError({ series: path, intervention: '2020' })).toBe(`--intervention '2020' is a year but ${path} is a monthly series; give the intervention as a month (e.g. 2023-04 or 2023-04..2023-06)`);
    expect(await userError({ series: path, intervention: '2020-09..2020-07' })).toBe("--intervention '2020-09..2020-07': the transition window ends (2020-07) before it starts (2020-09)");
    expect(await userError({ series: path, intervention: 'soon' })).toBe("--intervention: 'soon' is not a period: use YYYY-MM (a month), YYYY-MM-DD (a date in the month) or YYYY (a year)");
  });
  it('a short but fittable series is fitted, with caveats about the few points', async () => {
    const r = await evaluateJson({ series: path, intervention: '2020-10', horizons: '3,12' });
    expect(r.status).toBe('ok');
    expect(r.diagnostics.points_after).toBe(5);
    expect(r.caveats).toContain('only 5 months after the intervention: with fewer than 8 points on a side the post-intervention trend is fragile and one unusual month can move it');
    expect(r.caveats.join(' ')).toMatch(/the effect at 12 months lies beyond the last month of the data \(2021-02\)/);
    expect(r.effects.map((e) => e.status === 'ok' && e.extrapolated)).toEqual([false, true]);
  });
  it('a month with no row is a gap, left out and mentioned', async () => {
    const rows = months(30).map((m, i) => [m, 20 + wobble(i) + (i >= 15 ? 3 : 0)]).filter((_, i) => i !== 7);
    const r = await evaluateJson({ series: file('gap.csv', ['period', 'value'], rows), intervention: '2021-04' });
    expect(r.diagnostics.periods_in_range).toBe(30);
    expect(r.diagnostics.points_missing).toBe(1);
    expect(r.series[7]).toMatchObject({ period: '2020-08', observed: null, used_in_fit: false });
    expect(r.caveats).toContain('1 month in the range has no data and was left out');
  });
});

describe('option combinations', () => {
  const values = file('values.csv', ['period', 'value', 'pop'], months(36).map((m, i) => [m, 50 + wobble(i) + (i >= 18 ? -4 : 0), 1000]));
  const yearly = file('yearly.csv', ['period', 'value'], Array.from({ length: 12 }, (_, i) => [2000 + i, 5 + wobble(i)]));
  it.each([
    [{ model: 'poisson' }, `a Poisson model needs counts, but ${values} has only a value column: add a 'count' column, or 'numerator' and 'denominator' columns, or use --model ols`],
    [{ offset: 'pop' }, '--offset is for Poisson models (--model poisson or quasipoisson); a linear model uses the value itself'],
    [{ model: 'poisson', lag: '2' }, '--lag sets the Newey–West lag of a linear model (--model ols); it does not apply to a poisson model'],
    [{ errors: 'classical', lag: '2' }, '--lag is the Newey–West lag; it does not apply with --errors classical'],
    [{ comparatorSeries: yearly }, `the comparator ${yearly} is a yearly series but ${values} is monthly`],
    [{ comparatorSeries: values, seasonal: '2' }, '--seasonal cannot be combined with a comparator: the comparative model has no seasonal terms (the comparator carries the season)'],
    [{ comparatorSeries: values, slopeChange: false }, '--no-slope-change cannot be combined with a comparator: the comparative model always estimates both changes'],
    [{ comparatorSeries: values, errors: 'prais-winsten' }, '--errors prais-winsten is not available with a comparator; use newey-west or classical'],
    [{ seasonal: '7' }, '--seasonal must be from 1 to 6 harmonics, not 7'],
    [{ horizons: '12,x' }, '--horizons must be a comma-separated list of whole numbers, e.g. 12,24'],
    [{ horizons: '0,12' }, '--horizons must be whole numbers ≥ 1 (1 is the first period of the intervention)'],
    [{ model: 'logistic' }, '--model must be ols, poisson or quasipoisson'],
    [{ format: 'html' }, '--format must be json, md or pdf'],
    [{ db: 'x.duckdb' }, 'give either --series FILE.csv or --db FILE with --indicator and --org, not both'],
    [{ org: 'P1' }, '--org is for the store (--db); with --series give a comparator file with --comparator-series'],
  ])('%o', async (extra, expected) => {
    expect(await userError({ series: values, intervention: '2021-07', ...(extra as Record<string, string>) })).toBe(expected);
  });
  it('--seasonal needs a monthly series', async () => {
    expect(await userError({ series: yearly, intervention: '2006', seasonal: '1' })).toBe(`--seasonal needs a monthly series; ${yearly} is yearly`);
  });
  it('nothing to evaluate', async () => {
    expect(await userError({ intervention: '2021-07' })).toBe('nothing to evaluate: give --series FILE.csv, or --db FILE with --indicator ID and --org CODE');
  });
  it('Prais–Winsten reports the AR(1) correlation', async () => {
    const r = await evaluateJson({ series: values, intervention: '2021-07', errors: 'prais-winsten' });
    expect(r.model.method).toBe('Prais–Winsten AR(1) regression');
    expect(r.diagnostics.rho).toBeTypeOf('number');
    expect(Math.abs(r.diagnostics.rho!)).toBeLessThan(1);
    expect(coefficient(r, 'level_change').estimate).toBeLessThan(0);
  });
});
