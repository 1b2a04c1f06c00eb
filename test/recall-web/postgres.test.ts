/**
 * The recall API on a PostgreSQL store (the server deployment): a demo store copied from DuckDB,
 * a practice user reads, logs, batches and marks sent; a network user gets the same counts; the
 * audit log holds the patient counts. Same routes, same answers as on DuckDB.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardData } from '../../src/server/api/dashboard-data.js';
import { createApp } from '../../src/server/app.js';
import { addUser } from '../../src/server/auth/users.js';
import { copyStore } from '../../src/store/copy-store.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { type PgServer, startPgServer } from '../postgres/pg-server.js';
import { Client, PASSWORD } from '../security/fixture.js';
import { buildDemoStore } from '../web/helpers.js';

const PRACTICE = 'SYNP01';
let server: PgServer;
let pg: Engine;
let duck: Engine;
let dir = '';
const apps: Record<'pg' | 'duck', { prac: Client; net: Client }> = {} as never;

async function clientsFor(engine: Engine, key: 'pg' | 'duck'): Promise<void> {
  const data = await DashboardData.load(engine);
  await addUser(engine, { username: 'prac1', role: 'practice', org: PRACTICE, password: PASSWORD });
  await addUser(engine, { username: 'net1', role: 'network', org: 'SYNN1', password: PASSWORD });
  const app = createApp(data, { auth: { mode: 'sign-in' } });
  const prac = new Client(app, '10.8.0.1');
  const net = new Client(app, '10.8.0.2');
  expect((await prac.signIn('prac1')).status).toBe(200);
  expect((await net.signIn('net1')).status).toBe(200);
  apps[key] = { prac, net };
}

beforeAll(async () => {
  const s = buildDemoStore(3000); // enough patients for a worklist of 2 or more (history from 2004)
  dir = s.dir;
  duck = await DuckDBEngine.open(s.db);
  server = await startPgServer();
  pg = await PostgresEngine.open(await server.createDatabase('recall_web'));
  await copyStore(duck, pg);
  await clientsFor(pg, 'pg');
  await clientsFor(duck, 'duck');
}, 300_000);
afterAll(async () => {
  await pg?.close();
  await duck?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;
const post = (c: Client, path: string, body: unknown): Promise<Response> => c.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: JSON.stringify(body) });

describe('recall API on PostgreSQL', () => {
  it('answers as on DuckDB: worklists, logging, batches, counts, audit', async () => {
    const base = `/api/recall/practices/${PRACTICE}`;
    const programmes = await json<{ id: string }[]>(apps.pg.prac.request('/api/recall/programmes'));
    for (const p of programmes) {
      const [a, b] = await Promise.all([json(apps.pg.prac.request(`${base}/worklist?programme=${p.id}`)), json(apps.duck.prac.request(`${base}/worklist?programme=${p.id}`))]);
      expect(a).toEqual(b);
    }
    const lists = await Promise.all(programmes.map(async (p) => ({ id: p.id, rows: (await json<{ rows: { patient_id: number }[] }>(apps.pg.prac.request(`${base}/worklist?programme=${p.id}`))).rows })));
    const best = lists.sort((x, y) => y.rows.length - x.rows.length)[0]!;
    expect(best.rows.length).toBeGreaterThanOrEqual(2);
    const ids = best.rows.slice(0, 2).map((r) => r.patient_id);

    for (const key of ['pg', 'duck'] as const) {
      const c = apps[key].prac;
      expect((await post(c, `${base}/log`, { programme: best.id, patient_ids: [ids[0]], method: 'phone', outcome: 'no_answer', date: '2013-12-02' })).status).toBe(201);
      const created = await json<{ id: number; patients: number }>(post(c, `${base}/batches`, { programme: best.id, method: 'letter', patient_ids: ids }));
      expect(created.patients).toBe(2);
      expect((await post(c, `${base}/batches/${created.id}/sent`, { date: '2013-12-03' })).status).toBe(200);
      const batches = await json<{ id: number; sent_on: string; patients: number; period_end: string }[]>(c.request(`${base}/batches`));
      expect(batches[0]).toMatchObject({ id: created.id, sent_on: '2013-12-03', patients: 2, period_end: '2013-12-31' });
      expect((await c.request(`${base}/batches/${created.id}/batch.csv`)).status).toBe(200);
    }
    const after = await Promise.all([json<{ rows: unknown[] }>(apps.pg.prac.request(`${base}/worklist?programme=${best.id}`)), json<{ rows: unknown[] }>(apps.duck.prac.request(`${base}/worklist?programme=${best.id}`))]);
    expect(after[0]).toEqual(after[1]);
    const first = (after[0].rows as { patient_id: number; unanswered_invitations: number }[]).find((r) => r.patient_id === ids[0]);
    expect(first?.unanswered_invitations).toBe(2);

    const counts = await Promise.all([json(apps.pg.net.request('/api/recall/counts?network=SYNN1')), json(apps.duck.net.request('/api/recall/counts?network=SYNN1'))]);
    expect(counts[0]).toEqual(counts[1]);

    const audit = await pg.all<{ action: string; patient_count: number | null }>(`SELECT action, patient_count FROM audit_log WHERE username = 'prac1' AND action LIKE 'recall-%' ORDER BY occurred_at`);
    expect(audit.filter((r) => r.action === 'recall-worklist-read').length).toBe(programmes.length * 2 + 1);
    expect(audit.filter((r) => r.action === 'recall-batch-sent').map((r) => Number(r.patient_count))).toEqual([2]);
  });
});
