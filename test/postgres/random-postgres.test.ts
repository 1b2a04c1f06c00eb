import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { type LoadedIndicator, loadIndicators } from '../../src/indicators/load.js';
import { monthEndsBetween } from '../../src/indicators/reference/index.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { caseFiles, loadCase } from '../spec/case-file.js';
import { rawDifferences } from '../spec/compare-raw.js';
import { randomPopulation } from '../spec/random-population.js';
import { SUM_TOLERANCE, clearClinicalData } from './conformance.js';
import { type PgServer, startPgServer } from './pg-server.js';

/**
 * The seeded random populations of the spec suite through DuckDB and PostgreSQL, compared row
 * for row on every indicator in indicators/ and every spec-case definition.
 */
const codelists = loadCodelists();
const projectIndicators = loadIndicators(codelists);
const specIndicators: LoadedIndicator[] = caseFiles().map((f) => loadCase(f, codelists).indicator);
const all = [...projectIndicators, ...specIndicators];
const periods = monthEndsBetween('2023-01-31', '2024-12-31');
let server: PgServer;
let pgEngine: PostgresEngine;

beforeAll(async () => {
  server = await startPgServer();
  pgEngine = await PostgresEngine.open(await server.createDatabase('random_populations'));
  await storeCodelists(pgEngine, codelists.values());
});

afterAll(async () => {
  await pgEngine?.close();
  await server?.stop();
});

describe('DuckDB vs PostgreSQL on generated populations', () => {
  it('has project indicators to compare', () => {
    expect(projectIndicators.length).toBeGreaterThan(0);
  });

  for (const seed of [20240331, 7]) {
    it(`seed ${seed}: ${all.length} definitions × ${periods.length} month ends agree row for row`, async () => {
      const data = randomPopulation(
        all.map((i) => i.definition),
        codelists,
        { seed },
      );
      await clearClinicalData(pgEngine);
      await insertClinicalData(pgEngine, data);
      const pgRows = await computeRaw(pgEngine, all, periods);
      const duck = await DuckDBEngine.open(':memory:', { threads: 2 });
      let duckRows;
      try {
        await insertClinicalData(duck, data);
        await storeCodelists(duck, codelists.values());
        duckRows = await computeRaw(duck, all, periods);
      } finally {
        await duck.close();
      }
      expect(duckRows.length).toBeGreaterThan(all.length * periods.length);
      const differences = rawDifferences(duckRows, pgRows, { expected: 'duckdb', got: 'postgres' }, SUM_TOLERANCE);
      expect({ count: differences.length, first: differences.slice(0, 40) }).toEqual({ count: 0, first: [] });
      expect(pgRows.length).toBe(duckRows.length);
    });
  }
});
