/**
 * The project's indicator library on a synthetic store: the compiled SQL must agree with the
 * naive evaluator for every definition, practice and period (non-contiguous periods included).
 */
import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { monthEndsBetween } from '../../src/indicators/compile/periods.js';
import { loadIndicators } from '../../src/indicators/load.js';
import type { ClinicalData } from '../../src/model/clinical.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { storeCodelists } from '../../src/store/load-data.js';
import { sortRaw } from './helpers.js';
import { naiveRaw } from './naive.js';
import { buildSyntheticStore } from './synthetic-store.js';

/** The store's contents as plain records (without the noise events, which no codelist holds). */
async function readBack(engine: Engine): Promise<ClinicalData> {
  const all = <T>(sql: string): Promise<T[]> => engine.all(sql) as Promise<T[]>;
  return {
    organisations: await all('SELECT code, name, kind, parent FROM organisation'),
    patients: await all('SELECT id, nhs_number, birth_date, sex, death_date, imd_decile FROM patient'),
    registrations: await all('SELECT patient_id, practice, start_date, end_date FROM registration'),
    events: await all(`SELECT patient_id, practice, date, code, value, unit FROM clinical_event WHERE code NOT LIKE 'NOISE%'`),
    medications: await all('SELECT patient_id, practice, date, dmd_code FROM medication_issue'),
    consultations: [],
    admissions: await all('SELECT patient_id, admitted, discharged, method, icd10 FROM admission'),
  };
}

describe('the indicator library, compiled', () => {
  it('agrees with the naive evaluator on a synthetic store', async () => {
    const codelists = loadCodelists();
    const indicators = loadIndicators(codelists);
    const engine = await DuckDBEngine.open(':memory:', { threads: 2 });
    await storeCodelists(engine, codelists.values());
    await buildSyntheticStore(engine, 700, 3);
    const periods = monthEndsBetween('2017-01', '2024-12').filter((_, i) => i % 4 === 1);
    const actual = sortRaw(await computeRaw(engine, indicators, periods));
    const data = await readBack(engine);
    await engine.close();
    const expected = sortRaw(naiveRaw(data, codelists, indicators, periods));
    const key = (r: (typeof expected)[number]): string => `${r.indicator_id} ${r.practice} ${r.period_end}`;
    expect(actual.map(key)).toEqual(expected.map(key));
    const wrong = expected.filter((e, i) => {
      const a = actual[i];
      return !a || a.denominator !== e.denominator || Math.abs(a.numerator - e.numerator) > 1e-9 * Math.max(1, e.numerator) || Math.abs(a.sum_sq - e.sum_sq) > 1e-9 * Math.max(1, e.sum_sq);
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    // Not a vacuous agreement: most indicators count somebody.
    const counting = new Set(expected.filter((r) => r.numerator > 0).map((r) => r.indicator_id));
    expect(counting.size).toBeGreaterThanOrEqual(indicators.length - 2);
  });
});
