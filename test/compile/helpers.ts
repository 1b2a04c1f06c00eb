import type { Codelist } from '../../src/codelists/load.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import type { LoadedIndicator } from '../../src/indicators/load.js';
import type { RawResult } from '../../src/indicators/results.js';
import type { ClinicalData } from '../../src/model/clinical.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';

/** Test codelists from slug → codes (version 'test'). */
export function codelists(lists: Record<string, string[]>, system: Codelist['system'] = 'snomedct'): Map<string, Codelist> {
  return new Map(
    Object.entries(lists).map(([slug, codes]) => [slug, { slug, title: slug, system, version: 'test', codes: codes.map((code) => ({ code, term: null })) }]),
  );
}

/** An in-memory store holding `data`, with the codelists in codelist_code. */
export async function storeWith(data: ClinicalData, lists: ReadonlyMap<string, Codelist>): Promise<Engine> {
  const engine = await DuckDBEngine.open(':memory:', { threads: 2 });
  await insertClinicalData(engine, data);
  await storeCodelists(engine, lists.values());
  return engine;
}

export function sortRaw(rows: readonly RawResult[]): RawResult[] {
  return [...rows].sort(
    (a, b) => a.indicator_id.localeCompare(b.indicator_id) || a.period_end.localeCompare(b.period_end) || a.practice.localeCompare(b.practice),
  );
}

/** computeRaw on a fresh store of `data`, sorted. */
export async function compute(data: ClinicalData, lists: ReadonlyMap<string, Codelist>, indicators: LoadedIndicator[], periods: string[]): Promise<RawResult[]> {
  const engine = await storeWith(data, lists);
  try {
    return sortRaw(await computeRaw(engine, indicators, periods));
  } finally {
    await engine.close();
  }
}

/** One indicator's rows as `practice period: numerator/denominator` strings, for readable expectations. */
export function brief(rows: readonly RawResult[], indicatorId?: string): string[] {
  return sortRaw(rows)
    .filter((r) => !indicatorId || r.indicator_id === indicatorId)
    .map((r) => `${r.practice} ${r.period_end}: ${r.numerator}/${r.denominator}`);
}
