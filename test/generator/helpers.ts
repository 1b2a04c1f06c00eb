import { loadCodelists } from '../../src/codelists/load.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { storeCodelists } from '../../src/store/load-data.js';
import { generateSynthetic, type GenerateSummary } from '../../src/sources/synthetic/generate.js';

export const CODELISTS = loadCodelists();

/** A fresh in-memory store with a generated population and the codelists loaded. */
export async function generatedStore(patients: number, seed: number): Promise<{ db: Engine; summary: GenerateSummary }> {
  const db = await DuckDBEngine.open(':memory:');
  const summary = await generateSynthetic(db, { patients, seed }, { codelists: CODELISTS });
  await storeCodelists(db, CODELISTS.values());
  return { db, summary };
}

export async function num(db: Engine, sql: string, params: readonly (string | number)[] = []): Promise<number> {
  const rows = await db.all(sql, params);
  const first = rows[0];
  if (!first) throw new Error(`no rows from ${sql}`);
  return Number(Object.values(first)[0]);
}

/** Order-independent fingerprint of a table's content: row count and a sum of row hashes. */
export async function tableChecksum(db: Engine, table: string, columns: readonly string[]): Promise<string> {
  const rows = await db.all<{ n: number; h: string }>(`SELECT count(*) AS n, coalesce(sum(hash(${columns.join(', ')})), 0)::VARCHAR AS h FROM ${table}`);
  return `${rows[0]?.n}:${rows[0]?.h}`;
}

export const TABLE_COLUMNS: Record<string, readonly string[]> = {
  organisation: ['code', 'name', 'kind', 'parent', 'synthetic', 'list_size_reference'],
  patient: ['id', 'nhs_number', 'birth_date', 'sex', 'death_date', 'imd_decile'],
  registration: ['patient_id', 'practice', 'start_date', 'end_date'],
  clinical_event: ['patient_id', 'practice', 'date', 'code', 'value', 'unit'],
  medication_issue: ['patient_id', 'practice', 'date', 'dmd_code'],
  consultation: ['patient_id', 'practice', 'date', 'clinician', 'mode'],
  admission: ['patient_id', 'admitted', 'discharged', 'method', 'icd10'],
  benchmark_series: ['benchmark', 'indicator_id', 'period_end', 'numerator', 'denominator', 'value'],
};

export async function storeChecksums(db: Engine): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [t, cols] of Object.entries(TABLE_COLUMNS)) out[t] = await tableChecksum(db, t, cols);
  return out;
}
