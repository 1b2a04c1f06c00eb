import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { dataMonths, measure } from '../../src/indicators/measure.js';
import { generateSynthetic } from '../../src/sources/synthetic/generate.js';
import { copyStore } from '../../src/store/copy-store.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine, Row, SqlValue } from '../../src/store/engine.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { SUM_TOLERANCE } from './conformance.js';
import { copyViaCsv } from './csv-copy.js';
import { type PgServer, startPgServer } from './pg-server.js';

/**
 * The demo scenario at a test size: the synthetic generator's output (20,000 patients, DuckDB),
 * copied table by table into PostgreSQL, then every indicator measured over 12 months on both
 * engines: indicator_result must be identical row for row (all but computed_at).
 */
/** 20,000 by default; GPNET_PG_PATIENTS=100000 (say) runs the same comparison bigger and prints the timings. */
const PATIENTS = patientsFromEnv(process.env['GPNET_PG_PATIENTS']);

function patientsFromEnv(text: string | undefined): number {
  if (text === undefined || text === '') return 20_000;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 200) throw new Error(`GPNET_PG_PATIENTS must be a whole number ≥ 200, not ${JSON.stringify(text)}`);
  return n;
}
const codelists = loadCodelists();
const indicators = loadIndicators(codelists);
let server: PgServer;
let duck: DuckDBEngine;
let pgEngine: PostgresEngine;
const timings: Record<string, number> = {};
let copied: Record<string, number> = {};

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[label] = Math.round(performance.now() - t0) / 1000;
  }
}

/**
 * Equal values: text, dates and counts exactly; fractional numbers (means, confidence limits)
 * within SUM_TOLERANCE relative, because the engines add doubles in different orders.
 */
function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) {
    return Math.abs(a - b) <= SUM_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

const DATA_TABLES = ['organisation', 'patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission', 'benchmark_series', 'import_batch'];

const RESULT_COLUMNS = 'indicator_id, org_kind, org_code, period_end, numerator, denominator, value, ci_low, ci_high, target, rag, definition_hash, codelist_versions';
const results = (engine: Engine): Promise<Row[]> => engine.all(`SELECT ${RESULT_COLUMNS} FROM indicator_result ORDER BY indicator_id, org_code, period_end`);

beforeAll(async () => {
  server = await startPgServer();
  duck = await DuckDBEngine.open(':memory:', { threads: 2 });
  pgEngine = await PostgresEngine.open(await server.createDatabase('synthetic'));
  await timed('generate (DuckDB)', () => generateSynthetic(duck, { patients: PATIENTS, seed: 1, force: false }, { codelists }));
  // The general copy (copyStore) by default; GPNET_PG_COPY=csv uses server-side COPY for big runs.
  copied = await timed('copy DuckDB → PostgreSQL', () =>
    process.env['GPNET_PG_COPY'] === 'csv' ? copyViaCsv(duck, pgEngine, DATA_TABLES) : copyStore(duck, pgEngine),
  );
  await timed('ANALYZE (PostgreSQL)', () => pgEngine.run('ANALYZE'));
  const size = await pgEngine.all<{ mb: number }>('SELECT round(pg_database_size(current_database()) / 1048576.0) AS mb');
  timings['PostgreSQL database MB'] = size[0]?.mb ?? 0;
}, Math.max(300_000, PATIENTS * 5));

afterAll(async () => {
  console.log(`synthetic ${PATIENTS} patients, rows copied ${JSON.stringify(copied)}, timings in seconds: ${JSON.stringify(timings)}`);
  await duck?.close();
  await pgEngine?.close();
  await server?.stop();
});

describe(`the synthetic scenario at ${PATIENTS.toLocaleString('en-GB')} patients on DuckDB and PostgreSQL`, () => {
  it('holds the same rows in every table after the copy', async () => {
    for (const table of DATA_TABLES) {
      const sql = `SELECT count(*) AS n FROM ${table}`;
      expect(await pgEngine.all(sql), table).toEqual(await duck.all(sql));
    }
    expect((await pgEngine.all('SELECT count(*) AS n FROM patient'))[0]?.['n']).toBeGreaterThanOrEqual(PATIENTS * 0.9);
  });

  it(`measures all ${indicators.length} indicators over 12 months with identical results`, { timeout: Math.max(120_000, PATIENTS * 3) }, async () => {
    const { to } = await dataMonths(duck);
    const [y, m] = to.split('-').map(Number) as [number, number];
    const fromDate = new Date(Date.UTC(y, m - 12, 1));
    const from = `${fromDate.getUTCFullYear()}-${String(fromDate.getUTCMonth() + 1).padStart(2, '0')}`;
    const duckSummary = await timed('measure (DuckDB)', () => measure(duck, { indicators, codelists, from, to }));
    const pgSummary = await timed('measure (PostgreSQL)', () => measure(pgEngine, { indicators, codelists, from, to }));
    expect(pgSummary.periods).toBe(12);
    expect(pgSummary.rows).toBe(duckSummary.rows);
    expect(duckSummary.rows).toBeGreaterThan(indicators.length * 12);
    const duckRows = await results(duck);
    const pgRows = await results(pgEngine);
    expect(pgRows.length).toBe(duckRows.length);
    const differences: string[] = [];
    for (let i = 0; i < duckRows.length && differences.length < 20; i++) {
      const a = duckRows[i] as Row;
      const b = pgRows[i] as Row;
      const unequal = Object.keys(a).filter((k) => !sameValue(a[k] ?? null, b[k] ?? null));
      if (unequal.length) differences.push(`${JSON.stringify(a)}\n  differs on PostgreSQL in ${unequal.map((k) => `${k}: ${b[k]}`).join(', ')}`);
    }
    expect(differences).toEqual([]);
  });
});
