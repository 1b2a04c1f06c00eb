import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openAsBlob, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/server/auth/users.js';
import type { ImportJob, ImportPhase } from '../../src/server/imports/import-service.js';
import { importCsvExtract } from '../../src/sources/csv/import-csv.js';
import { importIntoStore } from '../../src/sources/csv/import-into-store.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { incompleteBatches } from '../../src/store/integrity.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { counts, STORE_TABLES } from '../import/helpers.js';
import { type PgServer, startPgServer } from '../postgres/pg-server.js';

/**
 * Crash safety of imports through the server (issue 5): a real server process (the compiled
 * startServer, as `gpnet serve` runs it) receives an extract upload from a signed-in admin and
 * is killed with SIGKILL while the import is in progress — at several moments, on a DuckDB
 * store and on a throwaway PostgreSQL. The store must then hold the batch fully or not at all,
 * and a fresh import of the same extract must succeed.
 *
 * "In progress" is checked, not assumed: the server's progress route must report the phase
 * right before the kill, the upload's request must never be answered, and on PostgreSQL a
 * second connection sees the import's open transaction (its lock on import_batch) and, in the
 * writing phase, the table files grown by rows not yet committed.
 *
 * Needs dist/ (`npm run build`; `npm test` builds first).
 */
const DIST = (p: string): string => pathToFileURL(resolve('dist', p)).href;
const PASSWORD = 'correct horse battery staple';
const work = mkdtempSync(join(tmpdir(), 'gpnet-killsrv-'));
let pgServer: PgServer | undefined;
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await pgServer?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A deterministic extract: `patients` patients, one registration each, `events` events each, some rejected. */
function writeBigExtract(dir: string, patients: number, events: number): void {
  mkdirSync(dir, { recursive: true });
  const p = ['id,birth_date,sex'];
  const r = ['patient_id,practice,start_date,end_date'];
  const e = ['patient_id,practice,date,code,value,unit'];
  for (let i = 1; i <= patients; i++) {
    p.push(`${i},19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10},${i % 2 ? 'F' : 'M'}`);
    r.push(`${i},KP00${1 + (i % 2)},2000-01-01,`);
    for (let j = 0; j < events; j++) {
      const k = i * events + j;
      e.push(`${i},KP00${1 + (i % 2)},2010-0${1 + (j % 9)}-1${j % 10},${k % 997 === 5 ? '4405400X' : '44054006'},${k % 3 ? '' : (i % 97) / 10},${k % 3 ? '' : 'mmol/L'}`);
    }
  }
  writeFileSync(join(dir, 'patients.csv'), `${p.join('\n')}\n`);
  writeFileSync(join(dir, 'registrations.csv'), `${r.join('\n')}\n`);
  writeFileSync(join(dir, 'clinical_events.csv'), `${e.join('\n')}\n`);
}

const BASE = join(work, 'base');
const BIG = join(work, 'big');
mkdirSync(BASE);
writeFileSync(join(BASE, 'organisations.csv'), 'code,name,kind,parent\nKN01,Network,network,\nKP001,Practice one,practice,KN01\nKP002,Practice two,practice,KN01\n');

type Store = { db: string } | { pg: string };
type Counts = Record<string, number>;

async function openEngine(store: Store): Promise<Engine> {
  return 'db' in store ? DuckDBEngine.open(store.db) : PostgresEngine.open(store.pg);
}

/** A store holding an admin account and the base batch (the organisations). */
async function prepareStore(store: Store): Promise<Counts> {
  const engine = await openEngine(store);
  try {
    await addUser(engine, { username: 'admin', role: 'admin', password: PASSWORD });
    const base = await importIntoStore(engine, BASE);
    expect(base.status).toBe('imported');
    return await counts(engine);
  } finally {
    await engine.close();
  }
}

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** Starts the compiled server on the store in a child process (sign-in required, loopback, a free port). */
async function startChild(store: Store): Promise<Running> {
  const script = `
    const { openStore } = await import(${JSON.stringify(DIST('store/open.js'))});
    const { startServer } = await import(${JSON.stringify(DIST('server/start.js'))});
    const { PostgresEngine } = await import(${JSON.stringify(DIST('store/postgres/postgres-engine.js'))});
    const store = ${JSON.stringify(store)};
    const engine = await openStore(store);
    const imports = store.pg ? { openStore: () => PostgresEngine.open(store.pg) } : undefined;
    const server = await startServer(engine, { port: 0, host: '127.0.0.1', pdf: false, access: 'sign-in', imports });
    process.stdout.write('LISTENING ' + server.url + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    void exited.then(() => reject(new Error(`the server exited while starting: ${err}`)));
  });
  return { child, url, exited };
}

async function stopChild(r: Running): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await r.exited;
}

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(url: string): Promise<Session> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Uploads the extract's files (streamed from disk); resolves with the answer or the network error. */
async function upload(url: string, s: Session, dir: string): Promise<{ status: number; body: unknown } | { error: string }> {
  const form = new FormData();
  for (const name of readdirSync(dir).sort()) form.append('files', await openAsBlob(join(dir, name), { type: 'text/csv' }), name);
  try {
    const res = await fetch(`${url}/api/imports`, { method: 'POST', body: form, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    return { status: res.status, body: await res.json() };
  } catch (err) {
    return { error: err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err) };
  }
}

async function jobs(url: string, s: Session): Promise<ImportJob[]> {
  const res = await fetch(`${url}/api/imports`, { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as ImportJob[];
}

/** Polls the progress route until the running import reaches `phase`; fails if it finished first. */
async function waitForPhase(url: string, s: Session, phase: ImportPhase, current?: string, timeoutMs = 60_000): Promise<ImportJob> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  while (Date.now() < deadline) {
    const job = (await jobs(url, s))[0];
    if (job) {
      seen.add(job.phase);
      if (job.phase === phase && (current === undefined || job.current === current)) return job;
      if (job.finishedAt !== null) throw new Error(`the import ended (${job.phase}, ${job.error ?? ''}) before reaching ${phase}; phases seen: ${[...seen].join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`no import reached ${phase} within ${timeoutMs} ms; phases seen: ${[...seen].join(', ')}`);
}

const add = (a: Counts, b: Counts): Counts => Object.fromEntries(STORE_TABLES.map((t) => [t, (a[t] ?? 0) + (b[t] ?? 0)]));

/** What a clean import of the big extract adds, per table (the CLI importer, a fresh store). */
async function cleanImportCounts(): Promise<{ added: Counts; totals: unknown }> {
  const ref = await DuckDBEngine.open(':memory:');
  try {
    await importCsvExtract(ref, BASE);
    const before = await counts(ref);
    const s = await importCsvExtract(ref, BIG);
    if (s.status !== 'imported') throw new Error('the reference import was refused');
    const after = await counts(ref);
    return { added: Object.fromEntries(STORE_TABLES.map((t) => [t, (after[t] ?? 0) - (before[t] ?? 0)])), totals: s.totals };
  } finally {
    await ref.close();
  }
}

/** The store after a kill: exactly `before`, or exactly `before` + one clean batch; never anything between. */
async function checkAllOrNothing(engine: Engine, before: Counts, added: Counts): Promise<'absent' | 'present'> {
  const now = await counts(engine);
  expect(await incompleteBatches(engine)).toEqual([]);
  for (const t of STORE_TABLES.filter((t) => t !== 'organisation' && t !== 'import_batch')) {
    const orphans = await engine.all<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE batch_id NOT IN (SELECT id FROM import_batch)`);
    expect({ table: t, orphans: Number(orphans[0]?.n) }).toEqual({ table: t, orphans: 0 });
  }
  if (now['import_batch'] === before['import_batch']) {
    expect(now).toEqual(before);
    return 'absent';
  }
  expect(now).toEqual(add(before, added));
  return 'present';
}

describe('a server killed (SIGKILL) in the middle of an import', () => {
  let clean: { added: Counts; totals: unknown };

  beforeAll(async () => {
    // Big enough that reading, checking and writing each last a good fraction of a second.
    writeBigExtract(BIG, 60_000, 5);
    clean = await cleanImportCounts();
    expect(clean.added['clinical_event']).toBeGreaterThan(290_000);
    expect(clean.added['rejected_row']).toBeGreaterThan(250);
  }, 120_000);

  /** After the kills: a fresh server imports the same upload as one clean batch. */
  const importsCleanly = async (store: Store): Promise<void> => {
    const server = await startChild(store);
    try {
      const s = await signIn(server.url);
      expect(await upload(server.url, s, BIG)).toMatchObject({ status: 200, body: { status: 'imported', totals: clean.totals } });
    } finally {
      await stopChild(server);
    }
  };

  it('on DuckDB: leaves the batch fully absent or fully present at each kill moment, then imports cleanly', async () => {
    const db = join(work, 'store.duckdb');
    const before = await prepareStore({ db });
    const outcomes: string[] = [];
    for (const phase of ['reading', 'checking'] as const) {
      const server = await startChild({ db });
      const s = await signIn(server.url);
      const answer = upload(server.url, s, BIG);
      const job = await waitForPhase(server.url, s, phase);
      server.child.kill('SIGKILL');
      await server.exited;
      expect(job.phase).toBe(phase);
      expect(job.finishedAt).toBeNull();
      expect(await answer).toHaveProperty('error'); // the upload was never answered
      const engine = await DuckDBEngine.open(db);
      try {
        outcomes.push(`${phase}: ${await checkAllOrNothing(engine, before, clean.added)}`);
      } finally {
        await engine.close();
      }
    }
    // Killed inside the transaction, the batch must be absent (a commit cannot have happened).
    expect(outcomes).toEqual(['reading: absent', 'checking: absent']);

    await importsCleanly({ db });
    const engine = await DuckDBEngine.open(db);
    try {
      expect(await counts(engine)).toEqual(add(before, clean.added));
    } finally {
      await engine.close();
    }
  }, 300_000);

  it('on PostgreSQL: the same, with the open transaction seen from a second connection before each kill', async () => {
    pgServer = await startPgServer();
    const pg = await pgServer.createDatabase('killed_import');
    const before = await prepareStore({ pg });
    const monitor = await PostgresEngine.open(pg);
    const importLocks = async (): Promise<number> =>
      Number(
        (
          await monitor.all<{ n: number }>(
            `SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'import_batch' AND l.mode = 'ExclusiveLock' AND l.granted`,
          )
        )[0]?.n,
      );
    const eventsBytes = async (): Promise<number> => Number((await monitor.all<{ n: number }>(`SELECT pg_relation_size('clinical_event') AS n`))[0]?.n);
    try {
      const outcomes: string[] = [];
      for (const phase of ['checking', 'writing'] as const) {
        const sizeBefore = await eventsBytes();
        const server = await startChild({ pg });
        const s = await signIn(server.url);
        const answer = upload(server.url, s, BIG);
        // Writing: once the clinical events (the bulk of the rows) are being written.
        const job = await waitForPhase(server.url, s, phase, phase === 'writing' ? 'clinical_event' : undefined);
        // Evidence from outside the server that the import's transaction is open (and, when
        // writing, that rows are in the table files but not committed), right before the kill.
        const locks = await importLocks();
        const grown = (await eventsBytes()) - sizeBefore;
        server.child.kill('SIGKILL');
        await server.exited;
        expect(job.finishedAt).toBeNull();
        expect(locks).toBe(1);
        if (phase === 'writing') expect(grown).toBeGreaterThan(0);
        expect(await answer).toHaveProperty('error');
        // PostgreSQL rolls back when it notices the client is gone; wait for that.
        const deadline = Date.now() + 60_000;
        while ((await importLocks()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(await importLocks()).toBe(0);
        outcomes.push(`${phase}: ${await checkAllOrNothing(monitor, before, clean.added)}`);
      }
      expect(outcomes).toEqual(['checking: absent', 'writing: absent']);

      await importsCleanly({ pg });
      expect(await counts(monitor)).toEqual(add(before, clean.added));
    } finally {
      await monitor.close();
    }
  }, 300_000);
});
