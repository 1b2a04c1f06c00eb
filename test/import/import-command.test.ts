import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_ALREADY_IMPORTED, register } from '../../src/cli/commands/import.js';
import { UserError } from '../../src/cli/errors.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { ORGS, csv, writeExtract } from './helpers.js';

/** The command module on its own program (the lead's e2e tests run bin/gpnet.js). */
async function runCli(args: string[]): Promise<{ out: string; err: string }> {
  const program = new Command().exitOverride();
  register(program);
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    await program.parseAsync(['node', 'gpnet', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { out, err };
}

describe('gpnet import csv (command module)', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'gpnet-cli-'));
    process.exitCode = undefined;
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  it('prints the per-file table with totals, the rejections, and refuses a re-import with exit code 3', async () => {
    const db = join(work, 'store.duckdb');
    const dir = writeExtract({
      'organisations.csv': ORGS,
      'patients.csv': csv('id,birth_date,sex', '1,1950-01-01,F', '2,1950-01-01,Q'),
      'clinical_events.csv': csv('patient_id,practice,date,code', '1,ZZP001,2010-13-01,44054006', '1,ZZP001,2010-12-01,44054006'),
    });
    const first = await runCli(['import', 'csv', '--db', db, dir]);
    expect(process.exitCode ?? 0).toBe(0);
    const lines = first.out.split('\n');
    expect(lines[0]).toMatch(/^file\s+rows in\s+accepted\s+rejected$/);
    expect(lines).toContainEqual(expect.stringMatching(/^patients\.csv\s+2\s+1\s+1$/));
    expect(lines).toContainEqual(expect.stringMatching(/^clinical_events\.csv\s+2\s+1\s+1$/));
    expect(lines).toContainEqual(expect.stringMatching(/^total\s+7\s+5\s+2$/));
    expect(first.out).toContain('import batch 1 committed');
    expect(first.out).toContain("  patients.csv line 3, field sex: 'Q' is not a sex code (F, M or U)");
    expect(first.out).toContain("  clinical_events.csv line 2, field date: '2010-13-01' is not a date (YYYY-MM-DD)");

    const again = await runCli(['import', 'csv', '--db', db, dir]);
    expect(process.exitCode).toBe(EXIT_ALREADY_IMPORTED);
    expect(again.out).toBe('');
    expect(again.err).toMatch(/already imported as batch 1 .*nothing was written/);

    const store = await DuckDBEngine.open(db);
    try {
      expect(await store.all('SELECT count(*) AS n FROM import_batch')).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('turns a bad extract into a user error (exit code 2 in main)', async () => {
    const dir = writeExtract({ 'patients.txt': 'x\n' });
    await expect(runCli(['import', 'csv', '--db', join(work, 's.duckdb'), dir])).rejects.toThrow(UserError);
  });
});
