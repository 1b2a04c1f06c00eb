/**
 * `gpnet demo --calibration [--db FILE | --pg URL] [--format md|json]`: the demo's calibration
 * table — every published value of the study file beside the demo collaboration's value at the
 * published date (docs/GENERATOR.md, "Calibration to the published values"). Generates the demo
 * store when it is empty and measures the months the study needs when they are missing, as
 * `gpnet demo` does, but never serves the dashboard.
 */
import { measure } from '../../indicators/measure.js';
import { calibrationTable, renderCalibrationMarkdown } from '../../programmes/evaluation/calibration.js';
import { missingResults, neededMonths } from '../../programmes/evaluation/study-evaluate.js';
import { studyOutcomes, type Study } from '../../programmes/study.js';
import { generateIntoPostgres } from '../../sources/synthetic/generate-into-postgres.js';
import { generateSynthetic } from '../../sources/synthetic/generate.js';
import type { Engine } from '../../store/engine.js';
import { scalar } from '../../store/engine.js';
import { UserError } from '../errors.js';
import type { loadIndicatorLibrary } from '../indicator-library.js';

type IndicatorLibrary = ReturnType<typeof loadIndicatorLibrary>;

/** The months `gpnet demo` measures: whole years covering every month the study needs, and at least 2005–2013. */
export function studyMeasureRange(study: Study): { from: string; to: string } {
  const months = studyOutcomes(study).flatMap((o) => neededMonths(o.outcome)).sort();
  const first = months[0] ?? '2005-01';
  const last = months[months.length - 1] ?? '2013-12';
  return { from: `${Math.min(Number(first.slice(0, 4)), 2005)}-01`, to: `${Math.max(Number(last.slice(0, 4)), 2013)}-12` };
}

export interface CalibrationRun {
  store: Engine;
  study: Study;
  library: IndicatorLibrary;
  patients: number;
  seed: number;
  format: 'md' | 'json';
  /** Progress lines (stderr), so that stdout holds only the table. */
  log: (line: string) => void;
}

export async function demoCalibration(run: CalibrationRun): Promise<string> {
  const { store, study, library } = run;
  const patientsInStore = Number(await scalar(store, 'SELECT count(*) FROM patient'));
  if (patientsInStore === 0) {
    run.log(`Generating ${run.patients.toLocaleString('en-GB')} synthetic patients into ${store.location} …`);
    const generate = store.dialect === 'postgres' ? generateIntoPostgres : generateSynthetic;
    await generate(store, { patients: run.patients, seed: run.seed, force: false }, { codelists: library.codelists });
  }
  const orgs = await store.all<{ code: string }>("SELECT code FROM organisation WHERE kind = 'collaboration' ORDER BY code");
  if (orgs.length !== 1) throw new UserError(`${store.location} holds ${orgs.length} collaborations; the calibration table is for the demo store (one collaboration)`);
  const org = orgs[0]!.code;
  const defined = new Set(library.indicators.map((i) => i.definition.id));
  const missing = await missingResults(store, study, org, (id) => defined.has(id));
  if (missing.length > 0) {
    const results = Number(await scalar(store, 'SELECT count(*) FROM indicator_result'));
    const months = missing.flatMap((m) => m.months).sort();
    const range = results === 0 ? studyMeasureRange(study) : { from: months[0]!, to: months[months.length - 1]! };
    run.log(`Measuring every indicator at every month end, ${range.from} … ${range.to} …`);
    await measure(store, { indicators: library.indicators, codelists: library.codelists, from: range.from, to: range.to, allowSparse: true });
  }
  const table = await calibrationTable(store, study, org);
  return run.format === 'json' ? `${JSON.stringify(table, null, 2)}\n` : renderCalibrationMarkdown(table);
}
