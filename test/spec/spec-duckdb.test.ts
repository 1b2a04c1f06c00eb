import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { computeRawReference } from '../../src/indicators/reference/index.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { caseFiles, loadCase } from './case-file.js';
import { rawDifferences } from './compare-raw.js';

/**
 * The spec cases on DuckDB (compiled SQL): each must give exactly the expected rows, and the
 * same rows as the reference engine. One in-memory database per case.
 */
const codelists = loadCodelists();
const files = caseFiles();

describe('spec cases on DuckDB', () => {
  it('finds the case files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    const c = loadCase(file, codelists);
    it(`${c.name}: ${c.description}`, async () => {
      const engine = await DuckDBEngine.open(':memory:');
      try {
        await insertClinicalData(engine, c.data);
        await storeCodelists(engine, codelists.values());
        const got = await computeRaw(engine, [c.indicator], c.periods);
        const reference = computeRawReference(c.data, [c.indicator], c.periods, codelists);
        expect({
          'expected vs duckdb': rawDifferences(c.expected, got, { expected: 'expected', got: 'duckdb' }),
          'reference vs duckdb': rawDifferences(reference, got, { expected: 'reference', got: 'duckdb' }),
        }).toEqual({ 'expected vs duckdb': [], 'reference vs duckdb': [] });
      } finally {
        await engine.close();
      }
    });
  }
});
