import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderSocketPath } from '../../src/store/duckdb/holder.js';
import { ROOT, buildSmallStore, startServe, type ServeProcess } from '../web/helpers.js';

/** A DuckDB store held by a running `gpnet serve`: clear messages for every command, and --read-only works. */
let dir = '';
let db = '';

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t };
}

const before: Record<string, string> = {};

beforeAll(() => {
  ({ dir, db } = buildSmallStore({ patients: 2000, from: '2012-01', to: '2013-12' }));
  // What the reading commands print while nobody else has the store open.
  before.export = gpnet('export', 'results', '--db', db, '--format', 'csv', '--org', 'SYNN1').stdout;
  before.recall = gpnet('recall', 'list', '--db', db, '--practice', 'SYNP01', '--programme', 'dm-hba1c', '--format', 'csv').stdout;
  before.evaluate = gpnet('evaluate', '--db', db, '--indicator', 'dm-hba1c-58', '--org', 'SYNC', '--intervention', '2013-01', '--format', 'json').stdout;
  before.project = gpnet('incentives', 'project', '--db', db, '--scheme', join(ROOT, 'schemes', 'copd.yaml'), '--year', '2012', '--format', 'json').stdout;
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('while gpnet serve holds the DuckDB store', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    expect(before.export).toContain('SYNN1');
    expect(before.project).toContain('"networks"');
    server = await startServe(['--db', db, '--open']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a reading command without --read-only: names the server process and its address, and suggests --read-only', () => {
    const r = gpnet('export', 'results', '--db', db, '--format', 'csv');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('IO Error');
    expect(r.stderr).toContain(`the store ${db} is in use by another process`);
    expect(r.stderr).toMatch(new RegExp(`PID ${server.pid}: gpnet serve .*--db ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stderr).toContain(`serving ${server.url}/`);
    expect(r.stderr).toContain(`kill ${server.pid}`);
    expect(r.stderr).toContain(`${server.url}/api/openapi.json`);
    expect(r.stderr).toContain('add --read-only');
  });

  it('a writing command: the same holder, and no --read-only suggestion; recall log fails at once rather than waiting', () => {
    const m = gpnet('measure', '--db', db, '--from', '2013-01');
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(`PID ${server.pid}: gpnet serve`);
    expect(m.stderr).toContain('this command writes to the store');
    expect(m.stderr).not.toContain('--read-only');
    const log = gpnet('recall', 'log', '--db', db, '--practice', 'SYNP01', '--patient', '1', '--programme', 'dm-hba1c', '--method', 'letter');
    expect(log.status).toBe(2);
    expect(log.stderr).toContain(`PID ${server.pid}: gpnet serve`);
    expect(log.ms).toBeLessThan(15_000);
  });

  it('--read-only reading commands work and print what they printed before the server started', () => {
    const exp = gpnet('export', 'results', '--db', db, '--format', 'csv', '--org', 'SYNN1', '--read-only');
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    expect(exp.stdout).toBe(before.export);
    const recall = gpnet('recall', 'list', '--db', db, '--practice', 'SYNP01', '--programme', 'dm-hba1c', '--format', 'csv', '--read-only');
    expect(recall.status).toBe(0);
    expect(recall.stdout).toBe(before.recall);
    const ev = gpnet('evaluate', '--db', db, '--indicator', 'dm-hba1c-58', '--org', 'SYNC', '--intervention', '2013-01', '--format', 'json', '--read-only');
    expect(ev.status).toBe(0);
    expect(ev.stdout).toBe(before.evaluate);
    const project = gpnet('incentives', 'project', '--db', db, '--scheme', join(ROOT, 'schemes', 'copd.yaml'), '--year', '2012', '--format', 'json', '--read-only');
    expect(project.status).toBe(0);
    expect(project.stdout).toBe(before.project);
    const pdf = join(dir, 'report.pdf');
    const report = gpnet('report', '--db', db, '--network', 'SYNN1', '--month', '2013-06', '--out', pdf, '--read-only');
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    rmSync(pdf);
  });

  it('the server goes on serving meanwhile, and no snapshot is left beside the store', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(readdirSync(dir).filter((f) => f.includes('snapshot'))).toEqual([]);
  });

  it('a write through --read-only is refused (incentives calculate stores a version)', () => {
    const r = gpnet('incentives', 'calculate', '--db', db, '--scheme', join(ROOT, 'schemes', 'copd.yaml'), '--year', '2012', '--read-only');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--read-only goes with --dry-run');
  });
});

describe('after the server stops', () => {
  it('its socket is gone and --read-only opens the file itself', () => {
    expect(existsSync(holderSocketPath(db))).toBe(false);
    const r = gpnet('export', 'results', '--db', db, '--format', 'csv', '--org', 'SYNN1', '--read-only');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(before.export);
  });
});

describe('while a process that is not a gpnet server writes the store', () => {
  let holder: ChildProcess;
  beforeAll(async () => {
    const script = `const { DuckDBInstance } = require('@duckdb/node-api'); (async () => { const i = await DuckDBInstance.create(${JSON.stringify(db)}); await i.connect(); process.stdout.write('open\\n'); setInterval(() => {}, 1000); })();`;
    holder = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ok) => holder.stdout!.once('data', () => ok()));
  });
  afterAll(async () => {
    if (holder.exitCode === null) {
      const exited = new Promise((ok) => holder.once('exit', ok));
      holder.kill('SIGTERM');
      await exited;
    }
  });

  it('--read-only cannot help: the message names the process and says to wait', () => {
    const r = gpnet('export', 'results', '--db', db, '--format', 'csv', '--read-only');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`PID ${holder.pid}: ${process.execPath} -e`);
    expect(r.stderr).toContain('wait for it to finish');
    expect(r.stderr).not.toContain('serving');
  });
});
