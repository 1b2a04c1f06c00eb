/**
 * `gpnet evaluate --period quarter|year`: a monthly series taken to quarter or year ends (the value
 * at the period's last month end), in series-file mode and store mode; intervention months stand
 * for the period containing them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateReport, runEvaluateCommand } from '../../src/cli/commands/evaluate.js';
import { UserError } from '../../src/cli/errors.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { EvaluationReport } from '../../src/programmes/evaluation/index.js';
import { csv, evaluateJson, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

/** Months 2008-01 … 2016-12: a trend, a wobble, and a step of +8 from April 2012. */
const MONTHS = 108;
function month(i: number): string {
  return `${2008 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
function valueAt(i: number): number {
  return 40 + 0.1 * i + 2 * Math.sin(1.7 * i) + (i >= 51 ? 8 + 0.05 * (i - 51) : 0);
}
const monthly = dir.write('monthly.csv', csv(['period', 'value'], Array.from({ length: MONTHS }, (_, i) => [month(i), valueAt(i)])));

/** The same values at the period ends, as an ordinary yearly file with one made-up year per period (equally spaced, as the periods are). */
function equallySpaced(months: number[]): string {
  return dir.write(`spaced-${months[0]}-${months.length}.csv`, csv(['period', 'value'], months.map((i, k) => [1900 + k, valueAt(i)])));
}

function sameFit(a: EvaluationReport, b: EvaluationReport): void {
  expect(a.status).toBe('ok');
  expect(a.coefficients.map((c) => c.name)).toEqual(b.coefficients.map((c) => c.name));
  a.coefficients.forEach((c, j) => {
    expect(c.estimate).toBeCloseTo(b.coefficients[j]!.estimate, 9);
    expect(c.se).toBeCloseTo(b.coefficients[j]!.se, 9);
  });
}

async function userError(options: Parameters<typeof evaluateReport>[0], deps = {}): Promise<string> {
  try {
    await runEvaluateCommand(options, deps);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

const quarterEnds = Array.from({ length: MONTHS }, (_, i) => i).filter((i) => i % 3 === 2);
const marches = Array.from({ length: MONTHS }, (_, i) => i).filter((i) => i % 12 === 2);
const decembers = Array.from({ length: MONTHS }, (_, i) => i).filter((i) => i % 12 === 11);

describe('evaluate --series FILE --period', () => {
  it('quarter: fits the quarter-end values, labels quarters, and maps an intervention month to its quarter', async () => {
    const r = await evaluateJson({ series: monthly, intervention: '2012-05', period: 'quarter' });
    expect(r.data).toMatchObject({ periodicity: 'quarter', first_period: '2008-Q1', last_period: '2016-Q4' });
    expect(r.model.intervention).toMatchObject({ start: '2012-Q2', first_post_period: '2012-Q2' });
    expect(r.model.time_unit).toBe('quarter');
    expect(r.diagnostics).toMatchObject({ periods_in_range: 36, points_before: 17, points_after: 19 });
    // Effects at 4 and 8 quarters by default.
    expect(r.effects.map((e) => e.horizon)).toEqual([4, 8]);
    // The model sees exactly the quarter-end values, equally spaced.
    const k = quarterEnds.findIndex((i) => i >= 51);
    sameFit(r, await evaluateJson({ series: equallySpaced(quarterEnds), intervention: String(1900 + k) }));
    // The quarter's label or any month in it give the same intervention.
    sameFit(await evaluateJson({ series: monthly, intervention: '2012-Q2', period: 'quarter' }), r);
    sameFit(await evaluateJson({ series: monthly, intervention: '2012-04-01', period: 'quarter' }), r);
  });

  it('year: QOF years end in March and are labelled 2011/12; calendar years end in December', async () => {
    const qof = await evaluateJson({ series: monthly, intervention: '2012-04', period: 'year' });
    expect(qof.data).toMatchObject({ periodicity: 'year', first_period: '2007/08', last_period: '2015/16' });
    expect(qof.model.intervention).toMatchObject({ start: '2012/13' });
    expect(qof.series.map((s) => s.period)).toEqual(['2007/08', '2008/09', '2009/10', '2010/11', '2011/12', '2012/13', '2013/14', '2014/15', '2015/16']);
    sameFit(qof, await evaluateJson({ series: equallySpaced(marches), intervention: '1905' }));
    sameFit(await evaluateJson({ series: monthly, intervention: '2012/13', period: 'year' }), qof);
    const calendar = await evaluateJson({ series: monthly, intervention: '2012-06', period: 'year', yearBasis: 'calendar' });
    expect(calendar.data).toMatchObject({ first_period: '2008', last_period: '2016' });
    expect(calendar.model.intervention).toMatchObject({ start: '2012' });
    sameFit(calendar, await evaluateJson({ series: equallySpaced(decembers), intervention: '1904' }));
  });

  it('leaves a period whose last month is missing as a gap', async () => {
    const holed = dir.write(
      'holed.csv',
      csv(['period', 'value'], Array.from({ length: MONTHS }, (_, i) => i).filter((i) => i !== 20).map((i) => [month(i), valueAt(i)])),
    );
    const r = await evaluateJson({ series: holed, intervention: '2012-05', period: 'quarter' });
    expect(r.diagnostics).toMatchObject({ periods_in_range: 36, points_missing: 1, points_before: 16 });
  });

  it('refuses what it cannot do, by name', async () => {
    const yearly = dir.write('yearly.csv', csv(['period', 'value'], [2001, 2002, 2003, 2004, 2005, 2006, 2007].map((y, i) => [y, 10 + i])));
    expect(await userError({ series: yearly, intervention: '2004', period: 'quarter' })).toBe(
      `--period quarter takes a monthly series to quarter ends; ${yearly} is yearly already (leave --period out)`,
    );
    expect(await userError({ series: monthly, intervention: '2012', period: 'year' })).toBe(
      "--intervention: '2012' is not a QOF year: write 2009/10 (April 2009 to March 2010) or a month such as 2009-06",
    );
    expect(await userError({ series: monthly, intervention: '2012-Q2', period: 'quarter', seasonal: '2' })).toBe(`--seasonal needs a monthly series; ${monthly} is quarterly`);
    expect(await userError({ series: monthly, intervention: '2012-05', period: 'week' })).toMatch(/--period: 'week' is not a period: use month, quarter or year/);
    expect(await userError({ series: monthly, intervention: '2012-05', yearBasis: 'calendar' })).toBe('--year-basis is for --period year');
    expect(await userError({ study: 'tower-hamlets', db: 'x.duckdb', period: 'quarter' })).toBe("--period is not used with --study: the study file sets each outcome's period");
  });
});

describe('evaluate --db --period', () => {
  it('takes the stored monthly results to quarter ends, as the same numbers in a file', async () => {
    const store = await DuckDBEngine.open(':memory:');
    try {
      await store.insertRows('organisation', ['code', 'name', 'kind', 'parent'], [['P1', 'Practice One', 'practice', null]]);
      await store.insertRows('indicator_definition', ['id', 'definition_hash', 'definition_json', 'codelist_versions', 'loaded_at'], [
        ['bp', 'h', JSON.stringify({ id: 'bp', title: 'BP', kind: 'proportion' }), '{}', '2024-01-01 00:00:00'],
      ]);
      const end = (i: number): string => {
        const [y, m] = month(i).split('-').map(Number) as [number, number];
        return `${month(i)}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
      };
      await store.insertRows(
        'indicator_result',
        ['indicator_id', 'org_kind', 'org_code', 'period_end', 'numerator', 'denominator', 'value', 'definition_hash', 'codelist_versions', 'computed_at'],
        Array.from({ length: MONTHS }, (_, i) => ['bp', 'practice', 'P1', end(i), valueAt(i) * 10, 1000, valueAt(i), 'h', '{}', '2024-01-01 00:00:00']),
      );
      const r = await evaluateJson({ db: ':memory:', indicator: 'bp', org: 'P1', intervention: '2012-05', period: 'quarter' }, { store });
      expect(r.data).toMatchObject({ source: 'store', periodicity: 'quarter', first_period: '2008-Q1', last_period: '2016-Q4' });
      sameFit(r, await evaluateJson({ series: monthly, intervention: '2012-05', period: 'quarter' }));
    } finally {
      await store.close();
    }
  });
});
