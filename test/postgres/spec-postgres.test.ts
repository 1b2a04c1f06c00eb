import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { caseFiles, loadCase } from '../spec/case-file.js';
import { rawDifferences } from '../spec/compare-raw.js';
import { SUM_TOLERANCE, clearClinicalData } from './conformance.js';
import { type PgServer, startPgServer } from './pg-server.js';

/**
 * Every spec case on PostgreSQL (compiled SQL, PostgreSQL dialect): exactly the expected rows,
 * and the same rows as DuckDB. One PostgreSQL database for the file, emptied between cases.
 */
const codelists = loadCodelists();
const files = caseFiles();
let server: PgServer;
let pgEngine: PostgresEngine;

beforeAll(async () => {
  server = await startPgServer();
  pgEngine = await PostgresEngine.open(await server.createDatabase('spec_cases'));
  await storeCodelists(pgEngine, codelists.values());
});

afterAll(async () => {
  await pgEngine?.close();
  await server?.stop();
});

describe('spec cases on PostgreSQL', () => {
  it('finds the case files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    const c = loadCase(file, codelists);
    it(`${c.name}: ${c.description}`, async () => {
      await clearClinicalData(pgEngine);
      await insertClinicalData(pgEngine, c.data);
      const got = await computeRaw(pgEngine, [c.indicator], c.periods);
      const duck = await DuckDBEngine.open(':memory:');
      let duckRows;
      try {
        await insertClinicalData(duck, c.data);
        await storeCodelists(duck, codelists.values());
        duckRows = await computeRaw(duck, [c.indicator], c.periods);
      } finally {
        await duck.close();
      }
      expect({
        'expected vs postgres': rawDifferences(c.expected, got, { expected: 'expected', got: 'postgres' }),
        'duckdb vs postgres': rawDifferences(duckRows, got, { expected: 'duckdb', got: 'postgres' }, SUM_TOLERANCE),
      }).toEqual({ 'expected vs postgres': [], 'duckdb vs postgres': [] });
      expect(got.length).toBe(duckRows.length);
    });
  }
});
