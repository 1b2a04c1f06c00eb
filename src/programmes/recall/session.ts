import { loadCodelists, type Codelist } from '../../codelists/load.js';
import { monthEnd } from '../../indicators/compile/periods.js';
import { loadIndicators } from '../../indicators/load.js';
import { dataMonths } from '../../indicators/measure.js';
import type { Engine } from '../../store/engine.js';
import { type LoadedProgramme, ProgrammeError, loadProgrammes } from './load.js';

/** The programmes with the codelists and indicators they rest on. */
export interface RecallLibrary {
  codelists: Map<string, Codelist>;
  programmes: LoadedProgramme[];
}

export function loadRecallLibrary(dir?: string): RecallLibrary {
  const codelists = loadCodelists();
  const indicators = loadIndicators(codelists);
  return { codelists, programmes: loadProgrammes(indicators, codelists, dir) };
}

export function findProgramme(lib: RecallLibrary, id: string): LoadedProgramme {
  const p = lib.programmes.find((x) => x.programme.id === id);
  if (!p) throw new ProgrammeError(`no recall programme ${id} (one of: ${lib.programmes.map((x) => x.programme.id).join(', ')})`);
  return p;
}

/** The month end of `month` (YYYY-MM), or of the latest month the data cover. */
export async function listDate(engine: Engine, month: string | undefined): Promise<string> {
  if (month !== undefined) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ProgrammeError(`--month must be YYYY-MM, not ${JSON.stringify(month)}`);
    return monthEnd(month);
  }
  return monthEnd((await dataMonths(engine)).to);
}

/** The practice's name; an error if the store has no such practice (the CLI is practice-scoped). */
export async function practiceName(engine: Engine, code: string): Promise<string> {
  const rows = await engine.all<{ name: string }>(`SELECT name FROM organisation WHERE code = $1 AND kind = 'practice'`, [code]);
  const row = rows[0];
  if (!row) throw new ProgrammeError(`no practice ${code} in the store`);
  return row.name;
}

/** Whether the patient has ever been registered at the practice. */
export async function registeredAt(engine: Engine, patientId: number, practice: string): Promise<boolean> {
  const rows = await engine.all('SELECT 1 AS x FROM registration WHERE patient_id = $1 AND practice = $2 LIMIT 1', [patientId, practice]);
  return rows.length > 0;
}
