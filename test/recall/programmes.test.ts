/**
 * Every programme: patients on each side of each rule are, or are not, on the list, with the
 * right status, reason and due-by date (R = 2025-12-31, practice P1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { patientStatus } from '../../src/indicators/compile/patient-status.js';
import { evaluatePatient } from '../../src/indicators/reference/evaluate-patient.js';
import { codeSetsOf, indexClinicalData } from '../../src/indicators/reference/patient-record.js';
import { type Worklist, type WorklistRow, buildWorklist } from '../../src/programmes/recall/worklist.js';
import type { Engine } from '../../src/store/engine.js';
import { P, R, recallFixture } from './fixture.js';
import { library, storeOf } from './helpers.js';

const data = recallFixture();
let engine: Engine;
const lists = new Map<string, Worklist>();

beforeAll(async () => {
  engine = await storeOf(data);
  for (const p of library().programmes) lists.set(p.programme.id, await buildWorklist(engine, p, { practice: P, R, codelists: library().codelists }));
}, 60_000);
afterAll(async () => engine?.close());

function rowsOf(programmeId: string, from: number, to: number): Map<number, WorklistRow> {
  const list = lists.get(programmeId);
  if (!list) throw new Error(`no list ${programmeId}`);
  return new Map(list.rows.filter((r) => r.patient_id >= from && r.patient_id <= to).map((r) => [r.patient_id, r]));
}

type Expect = [id: number, status: 'overdue' | 'due_soon', reason: string, dueBy: string | null];

/** Exactly these patients of the id range are listed, with these statuses, reasons and dates. */
function expectList(programmeId: string, from: number, to: number, expected: Expect[]): void {
  const rows = rowsOf(programmeId, from, to);
  expect([...rows.keys()].sort((a, b) => a - b)).toEqual(expected.map((e) => e[0]).sort((a, b) => a - b));
  for (const [id, status, reason, dueBy] of expected) {
    const row = rows.get(id);
    expect({ id, status: row?.status, reason: row?.reason, due_by: row?.due_by }).toEqual({ id, status, reason, due_by: dueBy });
  }
}

describe('recall programmes: who is on each list, why and by when', () => {
  it('mmr1: not given before 2 is overdue; children approaching 2 are due soon, the nearest first', () => {
    expectList('mmr1', 100, 199, [
      [102, 'overdue', 'MMR1 not given before age 2 (turned 2 on 2025-06-15)', '2025-06-14'],
      [103, 'overdue', 'MMR1 not given before age 2 (turned 2 on 2025-06-15)', '2025-06-14'],
      [104, 'due_soon', 'MMR1 not given; turns 2 on 2026-01-20', '2026-01-19'],
      [105, 'due_soon', 'MMR1 not given; turns 2 on 2026-12-10', '2026-12-09'],
    ]);
    const order = lists.get('mmr1')?.rows.map((r) => r.patient_id) ?? [];
    expect(order.slice(0, 1)).toEqual([104]);
    expect(rowsOf('mmr1', 104, 104).get(104)?.priority).toBe(1);
    expect(rowsOf('mmr1', 104, 104).get(104)?.days_to_due).toBe(19);
  });

  it('mmr2: two doses between 1 and 5; a dose before the first birthday or after the fifth does not count', () => {
    expectList('mmr2', 1200, 1299, [
      [1202, 'overdue', 'MMR2 not given before age 5 (turned 5 on 2025-06-15)', '2025-06-14'],
      [1203, 'overdue', 'MMR2 not given before age 5 (turned 5 on 2025-06-15; none recorded between age 1 and 5)', '2025-06-14'],
      [1204, 'overdue', 'MMR2 not given before age 5 (turned 5 on 2025-06-15)', '2025-06-14'],
      [1205, 'overdue', 'MMR2 not given before age 5 (turned 5 on 2025-06-15)', '2025-06-14'],
      [1206, 'due_soon', 'MMR2 not given; turns 5 on 2026-03-04', '2026-03-03'],
      [1207, 'due_soon', 'MMR2 not given; turns 5 on 2027-08-20', '2027-08-19'],
      [1211, 'due_soon', 'MMR2 not given; turns 5 on 2026-01-10 (none recorded between age 1 and 5)', '2026-01-09'],
    ]);
    const rows = rowsOf('mmr2', 1200, 1299);
    expect(rows.get(1207)?.joins_list_on).toBe('2027-08-31');
    expect(rows.get(1211)?.priority).toBe(1); // turns 5 within 31 days
    expect(rows.get(1206)?.priority).toBe(4);
    expect(rows.get(1202)?.next_action).toBe('Invite for MMR2 (with the pre-school booster) at the practice nurse immunisation clinic');
  });

  it('dtap-ipv-hib: three doses before the first birthday; the reason counts the doses when more than one is missing', () => {
    expectList('dtap-ipv-hib', 1300, 1399, [
      [1302, 'overdue', 'third DTaP/IPV/Hib dose not given before age 1 (turned 1 on 2025-06-10)', '2025-06-09'],
      [1303, 'overdue', 'third DTaP/IPV/Hib dose not given before age 1 (turned 1 on 2025-06-10; none recorded before age 1)', '2025-06-09'],
      [1304, 'overdue', 'third DTaP/IPV/Hib dose not given before age 1 (turned 1 on 2025-06-10; 1 of 3 recorded before age 1)', '2025-06-09'],
      [1305, 'overdue', 'third DTaP/IPV/Hib dose not given before age 1 (turned 1 on 2025-06-10)', '2025-06-09'],
      [1306, 'due_soon', 'third DTaP/IPV/Hib dose not given; turns 1 on 2026-01-15', '2026-01-14'],
      [1308, 'due_soon', 'third DTaP/IPV/Hib dose not given; turns 1 on 2026-05-20', '2026-05-19'],
      [1311, 'due_soon', 'third DTaP/IPV/Hib dose not given; turns 1 on 2026-08-15 (1 of 3 recorded before age 1)', '2026-08-14'],
    ]);
    const rows = rowsOf('dtap-ipv-hib', 1300, 1399);
    expect(rows.get(1311)?.joins_list_on).toBe('2026-08-31');
    expect(lists.get('dtap-ipv-hib')?.rows[0]?.patient_id).toBe(1306);
    expect(rows.get(1306)?.priority).toBe(1);
  });

  it('pcv-booster and hib-menc-booster: a dose between the 1st and 2nd birthdays', () => {
    expectList('pcv-booster', 1400, 1499, [
      [1402, 'overdue', 'PCV booster not given before age 2 (turned 2 on 2025-05-10)', '2025-05-09'],
      [1403, 'overdue', 'PCV booster not given before age 2 (turned 2 on 2025-05-10)', '2025-05-09'],
      [1404, 'overdue', 'PCV booster not given before age 2 (turned 2 on 2025-05-10)', '2025-05-09'],
      [1406, 'due_soon', 'PCV booster not given; turns 2 on 2026-01-25', '2026-01-24'],
      [1407, 'due_soon', 'PCV booster not given; turns 2 on 2026-12-20', '2026-12-19'],
    ]);
    expect(rowsOf('pcv-booster', 1407, 1407).get(1407)?.joins_list_on).toBe('2026-12-31');
    expect(rowsOf('pcv-booster', 1406, 1406).get(1406)?.priority).toBe(1);
    expectList('hib-menc-booster', 1500, 1599, [
      [1502, 'overdue', 'Hib/MenC booster not given before age 2 (turned 2 on 2025-05-10)', '2025-05-09'],
      [1503, 'overdue', 'Hib/MenC booster not given before age 2 (turned 2 on 2025-05-10)', '2025-05-09'],
      [1504, 'due_soon', 'Hib/MenC booster not given; turns 2 on 2026-02-10', '2026-02-09'],
    ]);
    expect(rowsOf('hib-menc-booster', 1504, 1504).get(1504)?.priority).toBe(4);
    expect(rowsOf('hib-menc-booster', 1502, 1502).get(1502)?.next_action).toBe('Invite for the one-year boosters (Hib/MenC, with PCV and MMR1) at the practice nurse immunisation clinic');
  });

  it('dm-hba1c: missing or above target; declined, new diagnoses, new registrations and resolved leave the list', () => {
    expectList('dm-hba1c', 200, 299, [
      [202, 'overdue', 'latest HbA1c 70 on 2025-06-01 (target: at most 58)', null],
      [203, 'overdue', 'latest HbA1c 80 on 2025-06-01 (target: at most 58)', null],
      [204, 'overdue', 'no HbA1c in the last 12 months (last on 2024-11-15)', '2025-11-14'],
      [205, 'due_soon', 'HbA1c due by 2026-01-19 (last on 2025-01-20)', '2026-01-19'],
    ]);
    const rows = rowsOf('dm-hba1c', 200, 299);
    expect(rows.get(203)?.risk).toBe('latest HbA1c above 75 mmol/mol (80 on 2025-06-01)');
    expect(rows.get(203)?.priority).toBe(2);
    expect(rows.get(202)?.risk).toBeNull();
    expect(rows.get(202)?.next_action).toBe('Book a review of glucose-lowering treatment');
    expect(rows.get(204)?.next_action).toBe('Invite for HbA1c blood test');
  });

  it('dm-care-plan: lapsed and never; a new registrant counts from the month end their exclusion ends', () => {
    expectList('dm-care-plan', 300, 399, [
      [302, 'overdue', 'no diabetes care plan in the last 12 months (last on 2024-10-01)', '2025-09-30'],
      [303, 'overdue', 'no diabetes care plan in the last 12 months (none recorded)', null],
      [304, 'due_soon', 'diabetes care plan due by 2026-01-14 (last on 2025-01-15)', '2026-01-14'],
      [305, 'due_soon', 'no diabetes care plan in the last 12 months (none recorded); counts against the indicator from 2026-01-31', '2026-01-31'],
    ]);
  });

  it('dm-retinal-screening: 15 months', () => {
    expectList('dm-retinal-screening', 400, 499, [[402, 'overdue', 'no retinal screening in the last 15 months (last on 2024-09-01)', '2025-11-30']]);
  });

  it('dm-bp-chol: each value separately; missing values worded together', () => {
    expectList('dm-bp-chol', 500, 599, [
      [502, 'overdue', 'latest systolic blood pressure 150 on 2025-06-01 (target: at most 140)', null],
      [503, 'overdue', 'no systolic blood pressure, diastolic blood pressure and total cholesterol in the last 15 months (none recorded)', null],
      [504, 'overdue', 'latest systolic blood pressure 165 on 2025-06-01 (target: at most 140)', null],
    ]);
    expect(rowsOf('dm-bp-chol', 504, 504).get(504)?.risk).toBe('latest systolic blood pressure 160 mmHg or more (165 on 2025-06-01)');
    expect(rowsOf('dm-bp-chol', 503, 503).get(503)?.next_action).toBe('Invite for blood pressure check and cholesterol blood test');
  });

  it('copd-review: a review or a care plan in 12 months', () => {
    expectList('copd-review', 600, 699, [[603, 'overdue', 'no COPD review or COPD care plan in the last 12 months (last on 2024-11-01)', '2025-10-31']]);
  });

  it('copd-pr-referral: MRC 3+ without a later referral', () => {
    expectList('copd-pr-referral', 700, 799, [
      [702, 'overdue', 'no pulmonary rehabilitation referral within 365 days of MRC grade 3 or worse on 2025-03-01', '2026-03-01'],
      [704, 'overdue', 'no pulmonary rehabilitation referral within 365 days of MRC grade 3 or worse on 2025-03-01', '2026-03-01'],
    ]);
  });

  it('copd-flu and dm-flu: vaccination or vaccine issued in 12 months', () => {
    expectList('copd-flu', 800, 899, [[803, 'overdue', 'no flu vaccination or flu vaccine in the last 12 months (last on 2024-10-01)', '2025-09-30']]);
    expectList('dm-flu', 900, 999, [[902, 'overdue', 'no flu vaccination or flu vaccine in the last 12 months (none recorded)', null]]);
  });

  it('cvd-statin: a statin issued in 6 months', () => {
    expectList('cvd-statin', 1000, 1099, [
      [1002, 'overdue', 'no statin issued in the last 6 months (last issued on 2025-03-01)', '2025-08-31'],
      [1003, 'overdue', 'no statin issued in the last 6 months (none recorded)', null],
      [1004, 'due_soon', 'statin prescription due by 2026-01-14 (last issued on 2025-07-15)', '2026-01-14'],
      [1005, 'due_soon', 'no statin issued in the last 6 months (none recorded); counts against the indicator from 2026-01-31', '2026-01-31'],
    ]);
  });

  it('mi-review: within 21 days of hospital discharge; a recent discharge is due soon; still in hospital is not listed', () => {
    expectList('mi-review', 1100, 1199, [
      [1102, 'overdue', 'no post-MI review within 21 days of hospital discharge on 2025-10-01', '2025-10-22'],
      [1103, 'due_soon', 'post-MI review due by 2026-01-10 (hospital discharge on 2025-12-20)', '2026-01-10'],
      [1104, 'overdue', 'no post-MI review within 21 days of hospital discharge on 2025-10-01', '2025-10-22'],
    ]);
  });

  it('every list: overdue rows = denominator − numerator of computeRaw, and SQL status = reference engine per patient', async () => {
    const codes = codeSetsOf(library().codelists);
    const records = indexClinicalData(data);
    for (const p of library().programmes) {
      const list = lists.get(p.programme.id) as Worklist;
      const [raw] = (await computeRaw(engine, [p.indicator], [R])).filter((r) => r.practice === P);
      const overdue = list.rows.filter((r) => r.status === 'overdue').length;
      expect({ programme: p.programme.id, overdue }).toEqual({ programme: p.programme.id, overdue: (raw?.denominator ?? 0) - (raw?.numerator ?? 0) });
      const sql = new Map((await patientStatus(engine, p.indicator, P, R)).map((s) => [s.patient_id, s]));
      for (const record of records.values()) {
        const e = evaluatePatient(p.indicator.definition, record, R, codes);
        const s = sql.get(record.patient.id);
        expect({ p: p.programme.id, id: record.patient.id, pop: s !== undefined, num: s?.inNumerator ?? false, excl: s?.excluded ?? false }).toEqual({
          p: p.programme.id,
          id: record.patient.id,
          pop: e.inPopulation,
          num: e.inNumerator,
          excl: e.excluded,
        });
      }
    }
  });
});
