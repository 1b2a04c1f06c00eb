/**
 * The outreach log: outcomes move patients as expected, adjustments take them off the list,
 * three unanswered invitations make a defaulter, and concurrent logging loses nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOutreach, readOutreach } from '../../src/programmes/recall/outreach.js';
import { type WorklistRow, buildWorklist } from '../../src/programmes/recall/worklist.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { ConnectionEngine } from './connection-engine.js';
import { code, library, programme, storeOf } from './helpers.js';

const R = '2025-12-31';
const P = 'P1';
const x = new ExtractBuilder().organisation(P, 'practice');
for (const id of [1, 2, 3, 4, 5]) x.patient(id, '1970-01-01', 'F').registered(id, P, '2010-01-01').event(id, P, '2015-01-01', code('dm_cod'));

let engine: Engine;
beforeAll(async () => {
  engine = await storeOf(x.build());
});
afterAll(async () => engine?.close());

async function rows(): Promise<Map<number, WorklistRow>> {
  const list = await buildWorklist(engine, programme('dm-care-plan'), { practice: P, R, codelists: library().codelists });
  return new Map(list.rows.map((r) => [r.patient_id, r]));
}

const entry = { practice: P, programme: 'dm-care-plan' };

describe('outreach log', () => {
  it('starts with every patient overdue and the programme action', async () => {
    const r = await rows();
    expect([...r.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(r.get(1)?.next_action).toBe('Invite for diabetes annual review (care planning appointment)');
    expect(r.get(1)?.unanswered_invitations).toBe(0);
  });

  it('an unanswered invitation asks for a reminder; three make a defaulter', async () => {
    await logOutreach(engine, [{ ...entry, patient_id: 1, date: '2025-10-01', method: 'letter' }]);
    let r = (await rows()).get(1);
    expect(r?.unanswered_invitations).toBe(1);
    expect(r?.next_action).toBe('Reminder (invitation 2): Invite for diabetes annual review (care planning appointment)');
    expect(r?.last_contact).toBe('2025-10-01 letter');
    await logOutreach(engine, [
      { ...entry, patient_id: 1, date: '2025-11-01', method: 'sms' },
      { ...entry, patient_id: 1, date: '2025-12-01', method: 'phone', outcome: 'no_answer' },
    ]);
    r = (await rows()).get(1);
    expect(r?.unanswered_invitations).toBe(3);
    expect(r?.defaulter).toBe(true);
    expect(r?.next_action).toMatch(/^Defaulter \(3 invitations unanswered\)/);
  });

  it('an answer resets the count; booked and declined set the next action', async () => {
    await logOutreach(engine, [{ ...entry, patient_id: 1, date: '2025-12-10', method: 'phone', outcome: 'booked' }]);
    const r = (await rows()).get(1);
    expect(r?.unanswered_invitations).toBe(0);
    expect(r?.defaulter).toBe(false);
    expect(r?.next_action).toBe('Booked: check attendance and that the activity is coded');
    await logOutreach(engine, [{ ...entry, patient_id: 2, date: '2025-12-10', method: 'phone', outcome: 'declined' }]);
    expect((await rows()).get(2)?.next_action).toBe('Declined: discuss with a clinician; record informed dissent if confirmed');
    await logOutreach(engine, [{ ...entry, patient_id: 4, date: '2025-12-11', method: 'phone', outcome: 'wrong_number' }]);
    expect((await rows()).get(4)?.next_action).toBe('Wrong number: update contact details, then write');
  });

  it('a personalised care adjustment takes the patient off the list (counted as adjusted); old entries do not count', async () => {
    await logOutreach(engine, [{ ...entry, patient_id: 3, date: '2025-12-12', adjustment: 'informed_dissent' }]);
    await logOutreach(engine, [{ ...entry, patient_id: 5, date: '2024-06-01', adjustment: 'unsuitable' }]); // over 12 months before R
    const list = await buildWorklist(engine, programme('dm-care-plan'), { practice: P, R, codelists: library().codelists });
    expect(list.rows.map((r) => r.patient_id).sort()).toEqual([1, 2, 4, 5]);
    expect(list.counts.adjusted_in_log).toBe(1);
    expect(list.counts.overdue).toBe(5); // the KPI still counts them until the adjustment is coded
    expect(list.rows.length + list.counts.adjusted_in_log).toBe(list.counts.denominator - list.counts.numerator);
    // Another programme's list is not affected.
    const flu = await buildWorklist(engine, programme('dm-flu'), { practice: P, R, codelists: library().codelists });
    expect(flu.rows.map((r) => r.patient_id).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects entries with nothing to log or bad values, and writes nothing', async () => {
    const before = (await readOutreach(engine, P, 'dm-care-plan', '2000-01-01')).length;
    await expect(logOutreach(engine, [{ ...entry, patient_id: 1, date: '2025-12-01' }])).rejects.toThrow(/method, an outcome or an adjustment/);
    await expect(
      logOutreach(engine, [
        { ...entry, patient_id: 1, date: '2025-12-01', method: 'sms' },
        { ...entry, patient_id: 1, date: '2025-13-01', method: 'sms' },
      ]),
    ).rejects.toThrow(/date/);
    expect((await readOutreach(engine, P, 'dm-care-plan', '2000-01-01')).length).toBe(before);
  });

  it('two concurrent async loggers on one connection lose nothing', async () => {
    const before = (await readOutreach(engine, P, 'dm-flu', '2000-01-01')).length;
    const logger = (patient: number) =>
      Promise.all(Array.from({ length: 40 }, (_, i) => logOutreach(engine, [{ practice: P, programme: 'dm-flu', patient_id: patient, date: '2025-11-01', method: 'sms', note: `n${i}` }])));
    await Promise.all([logger(1), logger(2)]);
    const after = await readOutreach(engine, P, 'dm-flu', '2000-01-01');
    expect(after.length - before).toBe(80);
    expect(new Set(after.map((e) => e.id)).size).toBe(after.length);
  });
});

describe('two clients on one DuckDB file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gpnet-recall-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two connections logging at once (each its own transactions) lose nothing', async () => {
    const file = join(dir, 'two.duckdb');
    await (await DuckDBEngine.open(file)).close(); // create and migrate
    const instance = await DuckDBInstance.create(file);
    const a = new ConnectionEngine(file, await instance.connect());
    const b = new ConnectionEngine(file, await instance.connect());
    try {
      const logger = (e: Engine, patient: number) => async () => {
        for (let i = 0; i < 30; i++) {
          await logOutreach(e, [
            { practice: P, programme: 'mmr1', patient_id: patient, date: '2025-11-01', method: 'letter', note: `${i}a` },
            { practice: P, programme: 'mmr1', patient_id: patient, date: '2025-11-02', outcome: 'no_answer', note: `${i}b` },
          ]);
        }
      };
      await Promise.all([logger(a, 1)(), logger(b, 2)()]);
      const rows = await a.all<{ patient_id: number; n: number }>('SELECT patient_id, count(*)::INTEGER AS n FROM recall_outreach GROUP BY patient_id ORDER BY patient_id');
      expect(rows.map((r) => [Number(r.patient_id), Number(r.n)])).toEqual([
        [1, 60],
        [2, 60],
      ]);
    } finally {
      await a.close();
      await b.close();
      instance.closeSync();
    }
  });
});
