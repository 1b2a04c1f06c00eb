import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { loadIndicators, type LoadedIndicator } from '../../src/indicators/load.js';
import { computeRawReference, monthEndsBetween } from '../../src/indicators/reference/index.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { caseFiles, loadCase } from './case-file.js';
import { rawDifferences } from './compare-raw.js';
import { randomPopulation } from './random-population.js';

/**
 * Generated populations through both engines, compared row for row on every indicator in
 * indicators/ and every spec-case definition (which between them use every rule of the language).
 */
const codelists = loadCodelists();
const projectIndicators = loadIndicators(codelists);
const specIndicators: LoadedIndicator[] = caseFiles().map((f) => loadCase(f, codelists).indicator);
const all = [...projectIndicators, ...specIndicators];
const periods = monthEndsBetween('2023-01-31', '2024-12-31');

describe('reference engine vs DuckDB on generated populations', () => {
  it('has project indicators to compare (indicators/ must not be empty)', () => {
    expect(projectIndicators.length, 'indicators/ holds no definitions, so the engines cannot be compared on them').toBeGreaterThan(0);
  });

  for (const seed of [20240331, 7]) {
    it(`seed ${seed}: ${all.length} definitions × ${periods.length} month ends agree row for row`, async () => {
      const data = randomPopulation(
        all.map((i) => i.definition),
        codelists,
        { seed },
      );
      const reference = computeRawReference(data, all, periods, codelists);
      const engine = await DuckDBEngine.open(':memory:', { threads: 2 });
      try {
        await insertClinicalData(engine, data);
        await storeCodelists(engine, codelists.values());
        const duck = await computeRaw(engine, all, periods);
        expect(reference.length).toBeGreaterThan(all.length * periods.length);
        const differences = rawDifferences(reference, duck, { expected: 'reference', got: 'duckdb' });
        // Show the first 40 in full, and how many there are in all.
        expect({ count: differences.length, first: differences.slice(0, 40) }).toEqual({ count: 0, first: [] });
      } finally {
        await engine.close();
      }
    });
  }
});
