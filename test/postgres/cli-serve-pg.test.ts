import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { type PgServer, startPgServer } from './pg-server.js';

// The commands that used to take only --db, on a throwaway PostgreSQL cluster, as a user runs
// them: generate --pg (atomic), users add --pg, serve --pg (pooled, signed in), report --pg,
// incentives statement --pg.
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpnet-cli-serve-pg-'));
const PATIENTS = '2000';
const PASSWORD = 'a long enough password 1';
let server: PgServer;
let pgUrl = '';
const db = join(work, 'same.duckdb');

function gpnet(input: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withPg<T>(url: string, fn: (e: Engine) => Promise<T>): Promise<T> {
  const e = await PostgresEngine.open(url);
  try {
    return await fn(e);
  } finally {
    await e.close();
  }
}

const TABLES = ['organisation', 'benchmark_series', 'patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission', 'import_batch'];

async function counts(e: Engine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await e.all<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]?.n);
  return out;
}

beforeAll(async () => {
  server = await startPgServer();
  pgUrl = await server.createDatabase('cli_serve');
  const g = gpnet('', 'generate', '--patients', PATIENTS, '--seed', '3', '--pg', pgUrl);
  expect(g.stderr).not.toMatch(/error/i);
  expect(g.status).toBe(0);
  expect(g.stdout).toMatch(/^generated synthetic:seed=3,patients=2000 as import batch 1: /);
  // At 2,000 patients the tiny practice SYNP05 has no patients before 2012-04: the window is sparse.
  expect(gpnet('', 'measure', '--pg', pgUrl, '--from', '2010-03', '--to', '2011-03', '--allow-sparse').status).toBe(0);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('gpnet generate --pg', () => {
  it('writes the same rows as gpnet generate --db, and refuses a store that holds patients', async () => {
    expect(gpnet('', 'generate', '--patients', PATIENTS, '--seed', '3', '--db', db).status).toBe(0);
    const duck = await DuckDBEngine.open(db);
    const fromDuck = await counts(duck);
    const sample = 'SELECT patient_id, date, code, value FROM clinical_event ORDER BY patient_id, date, code, value LIMIT 500';
    const duckSample = await duck.all(sample);
    await duck.close();
    await withPg(pgUrl, async (e) => {
      expect(await counts(e)).toEqual(fromDuck);
      expect(fromDuck.clinical_event).toBeGreaterThan(10_000);
      expect(await e.all(sample)).toEqual(duckSample);
    });
    const again = gpnet('', 'generate', '--patients', PATIENTS, '--seed', '3', '--pg', pgUrl);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already holds \d+ patients; pass --force/);
    expect(gpnet('', 'generate', '--patients', PATIENTS, '--db', db, '--pg', pgUrl).stderr).toMatch(/not both/);
  });

  it('leaves nothing behind when the copy fails part-way, and --force replaces a batch with the next one', async () => {
    const url = await server.createDatabase('cli_atomic');
    await withPg(url, (e) =>
      e.run(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'deliberate failure'; END $$;
             CREATE TRIGGER refuse_consultations BEFORE INSERT ON consultation FOR EACH STATEMENT EXECUTE FUNCTION refuse();`),
    );
    const failed = gpnet('', 'generate', '--patients', '400', '--seed', '1', '--pg', url);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/deliberate failure/);
    // Organisations, patients and events were copied before the consultations failed: all rolled back.
    await withPg(url, async (e) => {
      expect(Object.values(await counts(e))).toEqual(TABLES.map(() => 0));
      await e.run('DROP TRIGGER refuse_consultations ON consultation');
    });
    expect(gpnet('', 'generate', '--patients', '400', '--seed', '1', '--pg', url).stdout).toMatch(/as import batch 1:/);
    const forced = gpnet('', 'generate', '--patients', '500', '--seed', '2', '--pg', url, '--force');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/as import batch 2:/);
    await withPg(url, async (e) => {
      expect(await e.all('SELECT DISTINCT batch_id FROM patient')).toEqual([{ batch_id: 2 }]);
      expect(await e.all('SELECT id FROM import_batch ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
      expect((await e.all<{ n: number }>('SELECT count(*) AS n FROM organisation'))[0]?.n).toBeGreaterThan(30);
    });
  });
});

describe('gpnet generate --pg, killed', () => {
  it('leaves nothing behind when the process is killed while copying', async () => {
    const url = await server.createDatabase('cli_killed');
    const scratch = mkdtempSync(join(work, 'tmp-'));
    const child = spawn(process.execPath, [join(root, 'bin', 'gpnet.js'), 'generate', '--patients', '10000', '--seed', '1', '--pg', url], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: scratch },
    });
    let err = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    // Kill it once it has been copying for a moment (the progress lines go to stderr).
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('copying into PostgreSQL')) setTimeout(resolve, 1500);
      });
      child.once('exit', () => reject(new Error(`generate ended before it was killed: ${err}`)));
    });
    const copying = await withPg(url, async (e) => e.all<{ n: number }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'cli_killed' AND state <> 'idle' AND pid <> pg_backend_pid()"));
    expect(copying[0]?.n).toBeGreaterThanOrEqual(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await withPg(url, async (e) => {
      expect(Object.values(await counts(e))).toEqual(TABLES.map(() => 0));
    });
    // The store is usable: the next run writes batch 1 completely.
    const again = gpnet('', 'generate', '--patients', '400', '--seed', '1', '--pg', url);
    expect(again.stdout).toMatch(/as import batch 1:/);
  });
});

describe('gpnet users add --pg and gpnet serve --pg', () => {
  it('adds accounts to the PostgreSQL store', async () => {
    const add = (...a: string[]): number | null => gpnet(`${PASSWORD}\n`, 'users', 'add', '--pg', pgUrl, ...a, '--password-stdin').status;
    expect(add('--username', 'boss', '--role', 'admin')).toBe(0);
    expect(add('--username', 'p01', '--role', 'practice', '--org', 'SYNP01')).toBe(0);
    expect(add('--username', 'n1', '--role', 'network', '--org', 'SYNN1')).toBe(0);
    const dup = gpnet(`${PASSWORD}\n`, 'users', 'add', '--pg', pgUrl, '--username', 'boss', '--role', 'admin', '--password-stdin');
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/already exists/);
    await withPg(pgUrl, async (e) => {
      const rows = await e.all<{ username: string; password_hash: string }>('SELECT username, password_hash FROM app_user ORDER BY username');
      expect(rows.map((r) => r.username)).toEqual(['boss', 'n1', 'p01']);
      for (const r of rows) expect(r.password_hash).toMatch(/^\$argon2id\$/);
    });
  });

  it('serves signed-in users from a connection pool, scoped by role, and audits to PostgreSQL', async () => {
    const bad = gpnet('', 'serve', '--pg', pgUrl, '--pg-pool', '0', '--port', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--pg-pool must be a whole number from 1 to 200/);
    expect(gpnet('', 'serve', '--db', db, '--pg-pool', '4', '--port', '0').stderr).toMatch(/--pg-pool goes with --pg/);
    const child = spawn(process.execPath, [join(root, 'bin', 'gpnet.js'), 'serve', '--pg', pgUrl, '--pg-pool', '4', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /on (http:\/\/[^/\s]+)\//.exec(out);
          if (m) {
            clearInterval(t);
            resolve(m[1] as string);
          }
        }, 50);
        child.once('exit', (code) => {
          clearInterval(t);
          reject(new Error(`gpnet serve exited with ${code}: ${err}`));
        });
      });
      expect(out).not.toContain('secret');
      expect((await fetch(`${base}/api/months`)).status).toBe(401);
      const signIn = async (username: string): Promise<string> => {
        const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
        expect(res.status, username).toBe(200);
        return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
      };
      const [boss, p01, n1] = await Promise.all([signIn('boss'), signIn('p01'), signIn('n1')]);
      const get = async (cookie: string, path: string): Promise<number> => (await fetch(`${base}${path}`, { headers: { cookie } })).status;
      expect(await get(boss, '/')).toBe(200);
      expect(await get(p01, '/practices/SYNP01')).toBe(200);
      expect(await get(p01, '/practices/SYNP02')).toBe(403);
      expect(await get(n1, '/api/alerts?network=SYNN1')).toBe(200);
      expect(await get(n1, '/api/alerts?network=SYNN2')).toBe(403);
      // Concurrent requests, each reading its session and writing audit rows through the pool.
      const paths = ['/api/months', '/api/organisations', '/api/matrix?org=SYNP01', '/practices/SYNP01', '/api/series?org=SYNP01&indicator=dm-hba1c-58'];
      const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => get(p01, paths[i % paths.length] as string)));
      expect(statuses.filter((s) => s !== 200 && s !== 404)).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(32);
      // An admin's upload is imported on its own session while the pool keeps serving reads.
      const me = (await (await fetch(`${base}/api/session`, { headers: { cookie: boss } })).json()) as { csrfToken: string };
      const upload = new FormData();
      upload.append('files', new Blob(['id,birth_date,sex\r\n99000001,1970-05-01,F\r\n99000002,1970-05-01,X\r\n'], { type: 'text/csv' }), 'patients.csv');
      upload.append('files', new Blob(['patient_id,practice,start_date,end_date\r\n99000001,SYNP01,2012-01-01,\r\n'], { type: 'text/csv' }), 'registrations.csv');
      const [imported, ...during] = await Promise.all([
        fetch(`${base}/api/imports`, { method: 'POST', headers: { cookie: boss, 'x-csrf-token': me.csrfToken }, body: upload }),
        ...Array.from({ length: 10 }, () => get(p01, '/api/months')),
      ]);
      expect(during).toEqual(Array.from({ length: 10 }, () => 200));
      const summary = (await imported!.json()) as { status: string; batchId: number; totals: { rowsIn: number; accepted: number; rejected: number } };
      expect(imported!.status, JSON.stringify(summary)).toBe(200);
      expect(summary).toMatchObject({ status: 'imported', batchId: 2, totals: { rowsIn: 3, accepted: 2, rejected: 1 } });
      await withPg(pgUrl, async (e) => {
        expect(await e.all('SELECT id, sex FROM patient WHERE id >= 99000001 ORDER BY id')).toEqual([{ id: 99000001, sex: 'F' }]);
        expect(await e.all('SELECT line, field FROM rejected_row WHERE batch_id = 2')).toEqual([{ line: 3, field: 'sex' }]);
      });
      await withPg(pgUrl, async (e) => {
        const denied = await e.all<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE username = 'p01' AND outcome <> 'allowed' AND route LIKE '/practices/SYNP02%'");
        expect(denied[0]?.n).toBeGreaterThanOrEqual(1);
        const sessions = await e.all<{ n: number }>('SELECT count(*) AS n FROM app_session');
        expect(sessions[0]?.n).toBeGreaterThanOrEqual(3);
      });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('gpnet report --pg and gpnet incentives statement --pg', () => {
  it('render PDFs from the PostgreSQL store', () => {
    const report = join(work, 'report.pdf');
    const r = gpnet('', 'report', '--pg', pgUrl, '--network', 'SYNN1', '--month', '2011-03', '--out', report);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Wrote the 2011-03 feedback report for SYNN1/);
    expect(readFileSync(report).subarray(0, 5).toString()).toBe('%PDF-');
    expect(gpnet('', 'report', '--pg', pgUrl, '--network', 'NOPE', '--out', report).stderr).toMatch(/no network with code NOPE/);
    const statement = join(work, 'statement.pdf');
    const s = gpnet('', 'incentives', 'statement', '--pg', pgUrl, '--scheme', join(root, 'schemes', 'copd.yaml'), '--year', '2010', '--network', 'SYNN1', '--out', statement);
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(/Wrote the payment statement for SYNN1 \(2010\)/);
    expect(readFileSync(statement).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('gpnet demo --pg', () => {
  it('generates, measures and summarises the demo in PostgreSQL', async () => {
    const url = await server.createDatabase('cli_demo');
    const both = gpnet('', 'demo', '--pg', url, '--db', db, '--no-serve');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    const r = gpnet('', 'demo', '--pg', url, '--patients', '600', '--seed', '2', '--no-serve');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Generating 600 synthetic patients into postgres:\/\/postgres@127\.0\.0\.1:\d+\/cli_demo/);
    // The months the study file needs, in whole years (2004–2013).
    expect(r.stdout).toContain(`measured ${loadIndicators(loadCodelists()).length} indicators × 120 months (2004-01 … 2013-12)`);
    expect(r.stdout).toMatch(/Explore further with: gpnet export results --pg URL/);
    await withPg(url, async (e) => {
      expect(await e.all('SELECT count(*) AS n FROM patient')).toEqual([{ n: 600 }]);
      expect((await e.all<{ n: number }>('SELECT count(*) AS n FROM indicator_result'))[0]?.n).toBeGreaterThan(10_000);
    });
  });
});
