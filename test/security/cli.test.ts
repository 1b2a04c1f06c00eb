import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { buildDemoStore, ROOT } from '../web/helpers.js';

let dir = '';
let db = '';

beforeAll(() => {
  const s = buildDemoStore(400);
  dir = s.dir;
  db = s.db;
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function gpnet(input: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `gpnet serve`, returns its URL (or the error output when it exits first). */
async function serve(...args: string[]): Promise<{ url: string | null; stderr: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gpnet.js'), 'serve', '--db', db, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string | null>((resolve) => {
    const t = setInterval(() => {
      const m = /on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
    }, 50);
    child.once('exit', () => {
      clearInterval(t);
      resolve(null);
    });
  });
  return { url, stderr: err, stop: () => child.kill('SIGTERM') };
}

describe('gpnet users add', () => {
  it('adds users with argon2id hashes, checks the role\'s organisation, and never stores the password', async () => {
    const pw = 'a long enough password 1';
    expect(gpnet(`${pw}\n`, 'users', 'add', '--db', db, '--username', 'boss', '--role', 'admin', '--password-stdin').status).toBe(0);
    const bad = gpnet(`${pw}\n`, 'users', 'add', '--db', db, '--username', 'p1', '--role', 'practice', '--password-stdin');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--org is required/);
    const wrongKind = gpnet(`${pw}\n`, 'users', 'add', '--db', db, '--username', 'p1', '--role', 'practice', '--org', 'SYNN1', '--password-stdin');
    expect(wrongKind.stderr).toMatch(/is a network, but the practice role needs a practice/);
    const unknown = gpnet(`${pw}\n`, 'users', 'add', '--db', db, '--username', 'p1', '--role', 'network', '--org', 'NOPE', '--password-stdin');
    expect(unknown.stderr).toMatch(/no such organisation/);
    expect(gpnet('short\n', 'users', 'add', '--db', db, '--username', 'p2', '--role', 'commissioner', '--password-stdin').stderr).toMatch(/at least 12/);
    expect(gpnet(`${pw}\n`, 'users', 'add', '--db', db, '--username', 'boss', '--role', 'admin', '--password-stdin').stderr).toMatch(/already exists/);
    expect(gpnet(`${pw}\n`, 'users', 'add', '--db', db, '--username', 'x', '--role', 'root', '--password-stdin').stderr).toMatch(/--role must be one of/);
    const engine = await DuckDBEngine.open(db);
    try {
      const rows = await engine.all('SELECT username, role, password_hash FROM app_user');
      expect(rows).toHaveLength(1);
      expect(String(rows[0]!.password_hash)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(String(rows[0]!.password_hash)).not.toContain(pw);
    } finally {
      await engine.close();
    }
  });
});

describe('gpnet serve', () => {
  it('requires sign-in by default', async () => {
    const s = await serve();
    try {
      expect(s.url).not.toBeNull();
      expect((await fetch(`${s.url}/api/months`)).status).toBe(401);
      const signIn = await fetch(`${s.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'boss', password: 'a long enough password 1' }) });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${s.url}/api/months`, { headers: { cookie } })).status).toBe(200);
      const page = await (await fetch(`${s.url}/`, { headers: { cookie } })).text();
      expect(page).toContain('Signed in as <strong>boss</strong>');
      expect(page).not.toContain('Open demo');
    } finally {
      s.stop();
    }
  });

  it('--open: no sign-in, an open-demo banner on every page, loopback only', async () => {
    const refused = gpnet('', 'serve', '--db', db, '--port', '0', '--open', '--host', '0.0.0.0');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/loopback/);
    const s = await serve('--open');
    try {
      expect(s.url).not.toBeNull();
      expect((await fetch(`${s.url}/api/months`)).status).toBe(200);
      for (const path of ['/', '/networks/SYNN1', '/practices/SYNP01', '/about/alerts', '/no-such-page']) {
        expect(await (await fetch(`${s.url}${path}`)).text(), path).toContain('<strong>Open demo</strong>');
      }
    } finally {
      s.stop();
    }
  });

  it('--open refuses a store holding non-synthetic data', async () => {
    const engine = await DuckDBEngine.open(db);
    await engine.run("UPDATE organisation SET synthetic = FALSE WHERE code = 'SYNP01'");
    await engine.close();
    const refused = gpnet('', 'serve', '--db', db, '--port', '0', '--open');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/synthetic data only/);
  });
});
