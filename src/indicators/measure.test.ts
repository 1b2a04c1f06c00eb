import { describe, expect, it } from 'vitest';
import { defineIndicator } from '../../test/fixtures/define.js';
import { ExtractBuilder } from '../../test/fixtures/extract-builder.js';
import type { Codelist } from '../codelists/load.js';
import { DuckDBEngine } from '../store/duckdb/duckdb-engine.js';
import { insertClinicalData } from '../store/load-data.js';
import { computeRaw } from './compile/compute.js';
import { MeasureError, SparseWindowError, measure } from './measure.js';
import { finaliseResults } from './results.js';

const LISTS = new Map<string, Codelist>([
  ['dx', { slug: 'dx', title: 'dx', system: 'snomedct', version: 'v1', codes: [{ code: 'DX', term: null }] }],
  ['ev', { slug: 'ev', title: 'ev', system: 'snomedct', version: 'v1', codes: [{ code: 'EV', term: null }] }],
]);

const REGISTER = defineIndicator('register', { kind: 'count', population: { on_register: { codelist: 'dx' } } }, LISTS);
const REVIEWED = defineIndicator(
  'reviewed',
  {
    kind: 'proportion',
    population: { on_register: { codelist: 'dx' } },
    numerator: { has_event: { codelist: 'ev', window: { months: 12 } } },
    target: { value: 50, direction: 'higher', amber_margin: 10 },
  },
  LISTS,
);
const INDICATORS = [REGISTER, REVIEWED];

function extract() {
  const x = new ExtractBuilder().organisation('C', 'collaboration').organisation('N1', 'network', 'C').organisation('P1', 'practice', 'N1').organisation('P2', 'practice', 'N1');
  for (let id = 1; id <= 6; id++) x.patient(id, '1960-05-05', id % 2 ? 'F' : 'M').registered(id, id <= 4 ? 'P1' : 'P2', '2011-03-10');
  x.event(1, 'P1', '2011-06-01', 'DX').event(2, 'P1', '2011-06-01', 'DX').event(5, 'P2', '2011-09-01', 'DX');
  x.event(1, 'P1', '2011-07-01', 'EV').event(5, 'P2', '2012-02-01', 'EV');
  return x.build();
}

async function store(): Promise<DuckDBEngine> {
  const engine = await DuckDBEngine.open(':memory:');
  await insertClinicalData(engine, extract());
  return engine;
}

describe('measure', () => {
  it('stores finalised results for practices, networks and the collaboration, as computed', async () => {
    const engine = await store();
    const summary = await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-11', to: '2012-02' });
    expect(summary).toMatchObject({ indicators: 2, indicatorIds: ['register', 'reviewed'], periods: 4, from: '2011-11', to: '2012-02' });
    const stored = await engine.all(
      `SELECT indicator_id, org_kind, org_code, strftime(period_end, '%Y-%m-%d') AS period_end, numerator, denominator, value, ci_low, ci_high, target, rag, definition_hash, codelist_versions
       FROM indicator_result ORDER BY ALL`,
    );
    const periods = ['2011-11-30', '2011-12-31', '2012-01-31', '2012-02-29'];
    const organisations = extract().organisations;
    const expected = finaliseResults(await computeRaw(engine, INDICATORS, periods), INDICATORS, organisations);
    expect(summary.rows).toBe(expected.length);
    // Every value survives the bulk write exactly.
    const key = (r: object): string => {
      const o = r as Record<string, unknown>;
      return `${o['indicator_id']}|${o['org_code']}|${o['period_end']}`;
    };
    expect(stored.map(key).sort()).toEqual(expected.map(key).sort());
    const byKey = new Map(stored.map((r) => [key(r), r]));
    for (const e of expected) expect(byKey.get(key(e))).toEqual({ ...e });
    // 2012-01-31: P1 has 1 and 2 on the register, 1 reviewed → 50% (green against 50).
    expect(byKey.get('reviewed|P1|2012-01-31')).toMatchObject({ numerator: 1, denominator: 2, value: 50, rag: 'green', org_kind: 'practice' });
    expect(byKey.get('reviewed|N1|2012-02-29')).toMatchObject({ numerator: 2, denominator: 3, org_kind: 'network' });
    expect(byKey.get('register|C|2012-02-29')).toMatchObject({ numerator: 3, denominator: 6, org_kind: 'collaboration' });
    const defs = await engine.all('SELECT id, definition_hash FROM indicator_definition ORDER BY id');
    expect(defs).toEqual([
      { id: 'register', definition_hash: REGISTER.hash },
      { id: 'reviewed', definition_hash: REVIEWED.hash },
    ]);
    await engine.close();
  });

  it('replaces results for the measured indicators and months only', async () => {
    const engine = await store();
    await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-11', to: '2012-02' });
    const before = await engine.all('SELECT count(*) AS n FROM indicator_result');
    await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2012-01', to: '2012-03', indicatorIds: ['reviewed'] });
    const counts = await engine.all(
      `SELECT indicator_id, strftime(period_end, '%Y-%m') AS month, count(*) AS n FROM indicator_result GROUP BY ALL ORDER BY ALL`,
    );
    // 4 rows a month: P1, P2, N1, C. 'register' keeps Nov–Feb; 'reviewed' keeps Nov–Dec and gains March.
    expect(counts.map((c) => `${c['indicator_id']} ${c['month']} ${c['n']}`)).toEqual([
      'register 2011-11 4',
      'register 2011-12 4',
      'register 2012-01 4',
      'register 2012-02 4',
      'reviewed 2011-11 4',
      'reviewed 2011-12 4',
      'reviewed 2012-01 4',
      'reviewed 2012-02 4',
      'reviewed 2012-03 4',
    ]);
    expect(before).toEqual([{ n: 32 }]);
    await engine.close();
  });

  it('defaults to the last 96 complete months of data, starting no earlier than every practice has registrations', async () => {
    const engine = await store();
    const windows: string[] = [];
    const summary = await measure(engine, {
      indicators: [REGISTER],
      codelists: LISTS,
      onProgress: (e) => {
        if (e.phase === 'window') windows.push(`${e.window.from} ${e.window.to} ${e.periods}: ${e.window.reason}`);
      },
    });
    // Registrations from 2011-03-10 at both practices; the latest event is 2012-02-01, so February 2012 is incomplete.
    expect(summary).toMatchObject({ from: '2011-03', to: '2012-01', periods: 11, period: 'month' });
    expect(windows).toEqual([
      '2011-03 2012-01 11: the last 11 complete months of data, from 2011-03, the first month in which every practice has registrations; --from/--to to choose',
    ]);
    await engine.close();
  });

  it('refuses a window starting before every practice has registrations, unless sparse windows are allowed', async () => {
    const engine = await store();
    await expect(measure(engine, { indicators: [REGISTER], codelists: LISTS, from: '2010-12', to: '2011-06' })).rejects.toThrow(SparseWindowError);
    await expect(measure(engine, { indicators: [REGISTER], codelists: LISTS, from: '2010-12', to: '2011-06' })).rejects.toThrow(
      /--from 2010-12 is before 2011-03, the first month in which every practice has registrations: 2 practices have none in 2010-12: P1 \(registrations from 2011-03\), P2 .*--allow-sparse/,
    );
    expect(await engine.all('SELECT count(*) AS n FROM indicator_result')).toEqual([{ n: 0 }]);
    const summary = await measure(engine, { indicators: [REGISTER], codelists: LISTS, from: '2010-12', to: '2011-06', allowSparse: true });
    expect(summary).toMatchObject({ from: '2010-12', to: '2011-06', periods: 7 });
    await engine.close();
  });

  it('measures only at quarter ends or QOF / calendar year ends, with the values of those month ends', async () => {
    const engine = await store();
    await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-03', to: '2012-12' });
    const monthly = await engine.all(
      `SELECT indicator_id, org_code, strftime(period_end, '%Y-%m-%d') AS period_end, numerator, denominator, value, rag FROM indicator_result ORDER BY ALL`,
    );
    const ends = async (): Promise<string[]> =>
      (await engine.all<{ d: string }>(`SELECT DISTINCT strftime(period_end, '%Y-%m-%d') AS d FROM indicator_result ORDER BY d`)).map((r) => r.d);

    const q = await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-03', to: '2012-12', period: 'quarter' });
    expect(q).toMatchObject({ periods: 8, period: 'quarter' });
    // The window is replaced as a whole: only the quarter ends are left in it.
    expect(await ends()).toEqual(['2011-03-31', '2011-06-30', '2011-09-30', '2011-12-31', '2012-03-31', '2012-06-30', '2012-09-30', '2012-12-31']);
    const quarterly = await engine.all(
      `SELECT indicator_id, org_code, strftime(period_end, '%Y-%m-%d') AS period_end, numerator, denominator, value, rag FROM indicator_result ORDER BY ALL`,
    );
    expect(quarterly).toEqual(monthly.filter((r) => ['03', '06', '09', '12'].includes(String(r['period_end']).slice(5, 7))));

    const y = await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-03', to: '2012-12', period: 'year' });
    expect(y).toMatchObject({ periods: 2, period: 'year', yearBasis: 'qof' });
    expect(await ends()).toEqual(['2011-03-31', '2012-03-31']);
    const c = await measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-03', to: '2012-12', period: 'year', yearBasis: 'calendar' });
    expect(c).toMatchObject({ periods: 2, yearBasis: 'calendar' });
    expect(await ends()).toEqual(['2011-12-31', '2012-12-31']);
    await expect(measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2011-04', to: '2012-02', period: 'year' })).rejects.toThrow(
      /the window 2011-04 … 2012-02 holds no QOF year \(ending in March\) end/,
    );
    await engine.close();
  });

  it('reports progress per indicator', async () => {
    const engine = await store();
    const events: string[] = [];
    await measure(engine, {
      indicators: INDICATORS,
      codelists: LISTS,
      from: '2012-01',
      to: '2012-01',
      onProgress: (e) => events.push(e.phase === 'indicator' ? `${e.id} ${e.done}/${e.total}` : e.phase),
    });
    expect(events).toEqual(['window', 'prepare', 'register 1/2', 'reviewed 2/2', 'write']);
    await engine.close();
  });

  it('rejects unknown indicators, bad months and empty stores with clear messages', async () => {
    const engine = await store();
    await expect(measure(engine, { indicators: INDICATORS, codelists: LISTS, indicatorIds: ['nope'] })).rejects.toThrow(
      new MeasureError('unknown indicator nope; known: register, reviewed'),
    );
    await expect(measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2012-13', to: '2013-01' })).rejects.toThrow(/from: not a month \(YYYY-MM\): "2012-13"/);
    await expect(measure(engine, { indicators: INDICATORS, codelists: LISTS, from: '2013-01', to: '2012-01' })).rejects.toThrow(/2013-01 is after the last month 2012-01/);
    await engine.close();
    const empty = await DuckDBEngine.open(':memory:');
    await expect(measure(empty, { indicators: INDICATORS, codelists: LISTS })).rejects.toThrow(/has no registrations/);
    await empty.close();
  });
});
