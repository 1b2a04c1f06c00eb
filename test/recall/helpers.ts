import { type Codelist, loadCodelists } from '../../src/codelists/load.js';
import type { ClinicalData } from '../../src/model/clinical.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { type LoadedProgramme, loadProgrammes } from '../../src/programmes/recall/load.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';

let cached: { codelists: Map<string, Codelist>; programmes: LoadedProgramme[] } | null = null;

/** The project's codelists, indicators and recall programmes (loaded once per test file). */
export function library(): { codelists: Map<string, Codelist>; programmes: LoadedProgramme[] } {
  if (!cached) {
    const codelists = loadCodelists();
    cached = { codelists, programmes: loadProgrammes(loadIndicators(codelists), codelists) };
  }
  return cached;
}

export function programme(id: string): LoadedProgramme {
  const p = library().programmes.find((x) => x.programme.id === id);
  if (!p) throw new Error(`no programme ${id}`);
  return p;
}

/** A real code of a codelist (the i-th). */
export function code(slug: string, i = 0): string {
  const c = library().codelists.get(slug)?.codes[i]?.code;
  if (!c) throw new Error(`no code ${i} in ${slug}`);
  return c;
}

/** An in-memory store holding `data`, with every project codelist in codelist_code. */
export async function storeOf(data: ClinicalData): Promise<Engine> {
  const engine = await DuckDBEngine.open(':memory:', { threads: 2 });
  await insertClinicalData(engine, data);
  await storeCodelists(engine, library().codelists.values());
  return engine;
}
