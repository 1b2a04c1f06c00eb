import { describe, expect, it } from 'vitest';
import { defineIndicator } from '../../test/fixtures/define.js';
import { ExtractBuilder } from '../../test/fixtures/extract-builder.js';
import type { Codelist } from '../codelists/load.js';
import { DuckDBEngine } from '../store/duckdb/duckdb-engine.js';
import { insertClinicalData } from '../store/load-data.js';
import { computeRaw } from './compile/compute.js';
import { MeasureError, measure } from './measure.js';
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

  it('defaults to the months the data cover', async () => {
    const engine = await store();
    const summary = await measure(engine, { indicators: [REGISTER], codelists: LISTS });
    // Earliest registration 2011-03-10, latest event 2012-02-01.
    expect(summary).toMatchObject({ from: '2011-03', to: '2012-02', periods: 12 });
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
    expect(events).toEqual(['prepare', 'register 1/2', 'reviewed 2/2', 'write']);
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
