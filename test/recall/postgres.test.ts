/**
 * The recall layer on PostgreSQL (the server's store): the same worklists as on DuckDB, and the
 * outreach log and batches (sequences, RETURNING, transactions) work there too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientStatus } from '../../src/indicators/compile/patient-status.js';
import { createBatch, markBatchSent } from '../../src/programmes/recall/batch.js';
import { logOutreach, readOutreach } from '../../src/programmes/recall/outreach.js';
import { buildWorklist } from '../../src/programmes/recall/worklist.js';
import type { Engine } from '../../src/store/engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { type PgServer, startPgServer } from '../postgres/pg-server.js';
import { P, R, recallFixture } from './fixture.js';
import { library, programme, storeOf } from './helpers.js';

let server: PgServer;
let pgEngine: PostgresEngine;
let duck: Engine;

beforeAll(async () => {
  server = await startPgServer();
  pgEngine = await PostgresEngine.open(await server.createDatabase('recall_test'));
  const data = recallFixture();
  await insertClinicalData(pgEngine, data);
  await storeCodelists(pgEngine, library().codelists.values());
  duck = await storeOf(data);
}, 120_000);

afterAll(async () => {
  await pgEngine?.close();
  await duck?.close();
  await server?.stop();
});

describe('recall on PostgreSQL', () => {
  it('patient status and worklists equal DuckDB’s for every programme', async () => {
    for (const p of library().programmes) {
      expect(await patientStatus(pgEngine, p.indicator, P, R)).toEqual(await patientStatus(duck, p.indicator, P, R));
      const opts = { practice: P, R, codelists: library().codelists };
      expect((await buildWorklist(pgEngine, p, opts)).rows).toEqual((await buildWorklist(duck, p, opts)).rows);
    }
  }, 120_000);

  it('logs, batches and marks sent', async () => {
    const p = programme('dm-flu');
    await logOutreach(pgEngine, [{ practice: P, programme: 'dm-flu', patient_id: 902, date: '2025-11-01', method: 'letter' }]);
    const list = await buildWorklist(pgEngine, p, { practice: P, R, codelists: library().codelists });
    const id = await createBatch(pgEngine, list, list.rows, 'sms');
    expect(await markBatchSent(pgEngine, id, '2025-12-20')).toBe(list.rows.length);
    const log = await readOutreach(pgEngine, P, 'dm-flu', '2025-01-01');
    expect(log.map((e) => [e.patient_id, e.method, e.batch_id])).toEqual([[902, 'letter', null], ...list.rows.map((r) => r.patient_id).sort((a, b) => a - b).map((pid) => [pid, 'sms', id])]);
    const after = await buildWorklist(pgEngine, p, { practice: P, R, codelists: library().codelists });
    expect(after.rows.find((r) => r.patient_id === 902)?.unanswered_invitations).toBe(2);
  });
});
