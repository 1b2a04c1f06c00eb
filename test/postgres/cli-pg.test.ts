import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgServer, startPgServer } from './pg-server.js';

// `gpnet copy` a generated DuckDB store into PostgreSQL, then `gpnet measure` and `gpnet export
// results` against it (--pg), as a user runs them: the exported results equal those of the same data measured in DuckDB (--db).
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpnet-cli-pg-'));
let server: PgServer;
let pgUrl = '';
const db = join(work, 'cli.duckdb');

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  server = await startPgServer();
  pgUrl = await server.createDatabase('cli_pg');
  expect(gpnet('generate', '--patients', '3000', '--seed', '5', '--db', db).status).toBe(0);
  const copied = gpnet('copy', '--db', db, '--to-pg', pgUrl);
  expect(copied.stderr).toBe('');
  expect(copied.stdout).toMatch(/^copied [\d,]+ rows from /);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the CLI on a PostgreSQL store', () => {
  it('measures and exports the same results as on DuckDB', () => {
    expect(gpnet('measure', '--pg', pgUrl, '--from', '2011-01', '--to', '2011-03').status).toBe(0);
    expect(gpnet('measure', '--db', db, '--from', '2011-01', '--to', '2011-03').status).toBe(0);
    const fromPg = gpnet('export', 'results', '--pg', pgUrl, '--format', 'csv');
    const fromDuck = gpnet('export', 'results', '--db', db, '--format', 'csv');
    expect(fromPg.status).toBe(0);
    const lines = fromPg.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    // Counts are exact; means and intervals may differ in the last bits (summation order), so
    // compare every field to 9 significant digits.
    const round = (csv: string): string[] =>
      csv
        .trim()
        .split('\n')
        .map((l) => l.replace(/-?\d+\.\d+(e-?\d+)?/g, (x) => Number(x).toPrecision(9)));
    expect(round(fromPg.stdout)).toEqual(round(fromDuck.stdout));
  });

  it('refuses to copy into a store that already holds data', () => {
    const again = gpnet('copy', '--db', db, '--to-pg', pgUrl);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/replace|not empty|holds/i);
  });

  it('refuses both stores at once, a non-postgres URL, and a missing DuckDB file', () => {
    const both = gpnet('measure', '--db', db, '--pg', pgUrl);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    const bad = gpnet('export', 'results', '--pg', 'mysql://x', '--format', 'csv');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/postgres:\/\//);
    const none = gpnet('export', 'results', '--format', 'csv');
    expect(none.stderr).toMatch(/--db FILE .* or --pg/);
  });
});
