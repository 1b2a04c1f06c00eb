/**
 * List ↔ indicator consistency on a generated store (20,000 patients): for every practice and
 * programme, the patients the list puts overdue are exactly the indicator's denominator minus
 * its numerator at the same month end — both as computeRaw gives it and as stored in
 * indicator_result by `measure`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { measure } from '../../src/indicators/measure.js';
import { type PatientStatus, patientStatus } from '../../src/indicators/compile/patient-status.js';
import { buildWorklist } from '../../src/programmes/recall/worklist.js';
import { listDate } from '../../src/programmes/recall/session.js';
import { generateSynthetic } from '../../src/sources/synthetic/generate.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { storeCodelists } from '../../src/store/load-data.js';
import { library } from './helpers.js';

let engine: Engine;
let R: string;
let practices: string[];

beforeAll(async () => {
  engine = await DuckDBEngine.open(':memory:', { threads: 2 });
  await generateSynthetic(engine, { patients: 20_000, seed: 7 }, { codelists: library().codelists });
  await storeCodelists(engine, library().codelists.values());
  R = await listDate(engine, undefined);
  // The KPI as the dashboards read it: stored indicator_result rows for the month.
  await measure(engine, { indicators: library().programmes.map((p) => p.indicator), codelists: library().codelists, from: R.slice(0, 7), to: R.slice(0, 7) });
  practices = (await engine.all<{ code: string }>(`SELECT code FROM organisation WHERE kind = 'practice' ORDER BY code`)).map((r) => r.code);
}, 120_000);
afterAll(async () => engine?.close());

describe('worklists agree with the indicators on a generated store', () => {
  it('for every practice and programme: overdue = denominator − numerator, patient by patient in SQL', async () => {
    expect(practices.length).toBeGreaterThan(10);
    let listed = 0;
    const perProgramme = new Map<string, { overdue: number; numerator: number }>();
    for (const p of library().programmes) {
      const raw = new Map((await computeRaw(engine, [p.indicator], [R])).map((r) => [r.practice, r]));
      const stored = new Map(
        (
          await engine.all<{ org_code: string; numerator: number; denominator: number }>(
            `SELECT org_code, numerator, denominator FROM indicator_result WHERE indicator_id = $1 AND org_kind = 'practice' AND period_end = CAST($2 AS DATE)`,
            [p.indicator.definition.id, R],
          )
        ).map((r) => [r.org_code, r]),
      );
      const byPractice = new Map<string, PatientStatus[]>();
      for (const s of await patientStatus(engine, p.indicator, null, R)) byPractice.set(s.practice, [...(byPractice.get(s.practice) ?? []), s]);
      for (const practice of practices) {
        const statuses = byPractice.get(practice) ?? [];
        const kpi = raw.get(practice);
        const overdue = statuses.filter((s) => s.inDenominator && !s.inNumerator).length;
        listed += overdue;
        const t = perProgramme.get(p.programme.id) ?? { overdue: 0, numerator: 0 };
        perProgramme.set(p.programme.id, { overdue: t.overdue + overdue, numerator: t.numerator + statuses.filter((s) => s.inNumerator).length });
        const kept = stored.get(practice);
        expect({ programme: p.programme.id, practice, overdue }).toEqual({ programme: p.programme.id, practice, overdue: (kept?.denominator ?? 0) - (kept?.numerator ?? 0) });
        expect({ programme: p.programme.id, practice, overdue, numerator: statuses.filter((s) => s.inNumerator).length }).toEqual({
          programme: p.programme.id,
          practice,
          overdue: (kpi?.denominator ?? 0) - (kpi?.numerator ?? 0),
          numerator: kpi?.numerator ?? 0,
        });
      }
    }
    expect(listed).toBeGreaterThan(1000); // the lists are not trivially empty
    // Every programme (the childhood ones included) has patients on its list and patients who meet it.
    for (const p of library().programmes) {
      const t = perProgramme.get(p.programme.id);
      expect({ programme: p.programme.id, listed: (t?.overdue ?? 0) > 0, met: (t?.numerator ?? 0) > 0 }).toEqual({ programme: p.programme.id, listed: true, met: true });
    }
  }, 120_000);

  it('the built worklists of a practice list exactly those patients, each once', async () => {
    for (const practice of [practices[practices.length - 1] as string]) {
      for (const p of library().programmes) {
        const list = await buildWorklist(engine, p, { practice, R, codelists: library().codelists });
        const overdue = list.rows.filter((r) => r.status === 'overdue').map((r) => r.patient_id);
        const expected = (await patientStatus(engine, p.indicator, practice, R)).filter((s) => s.inDenominator && !s.inNumerator).map((s) => s.patient_id);
        expect(new Set(overdue).size).toBe(overdue.length);
        expect([...overdue].sort((a, b) => a - b)).toEqual(expected);
        expect(list.counts.overdue).toBe(overdue.length);
        // Due-soon patients are not in the denominator-minus-numerator now.
        const due = new Set(list.rows.filter((r) => r.status === 'due_soon').map((r) => r.patient_id));
        expect(expected.filter((id) => due.has(id))).toEqual([]);
      }
    }
  }, 120_000);
});
