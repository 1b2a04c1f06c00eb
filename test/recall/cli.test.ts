/**
 * The recall CLI as a user runs it (bin/gpnet.js → dist/; `npm test` builds first), including two
 * processes logging to one DuckDB file at the same time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { parseCsv } from '../../src/util/csv.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { code, library } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'gpnet.js');
const work = mkdtempSync(join(tmpdir(), 'gpnet-recall-cli-'));
const db = join(work, 'store.duckdb');

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function gpnetAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

beforeAll(async () => {
  const x = new ExtractBuilder().organisation('P1', 'practice').organisation('P2', 'practice');
  // Latest data month: December 2025 (the default --month).
  for (const id of [1, 2, 3]) x.patient(id, '1970-01-01', 'F').registered(id, 'P1', '2010-01-01').event(id, 'P1', '2015-01-01', code('dm_cod'));
  x.event(1, 'P1', '2025-12-01', code('flu_cod'));
  x.patient(9, '1970-01-01', 'M').registered(9, 'P2', '2010-01-01').event(9, 'P2', '2015-01-01', code('dm_cod'));
  const engine = await DuckDBEngine.open(db);
  await insertClinicalData(engine, x.build());
  await storeCodelists(engine, library().codelists.values());
  await engine.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('gpnet recall', () => {
  it('programmes --format json lists each programme and its indicator', () => {
    const r = gpnet('recall', 'programmes', '--format', 'json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; indicator: string }[];
    expect(rows.map((p) => [p.id, p.indicator])).toEqual(library().programmes.map((p) => [p.programme.id, p.indicator.definition.id]));
    expect(rows.map((p) => p.indicator)).toEqual(
      expect.arrayContaining(['mmr1-by-2', 'dm-care-plan', 'dm-retinal-screening', 'dm-bp-chol', 'dm-hba1c-58', 'copd-review', 'copd-pr-referral', 'copd-flu', 'dm-flu', 'cvd-statin', 'mi-review-3-weeks']),
    );
  });

  it('list is practice-scoped and prints csv and json', () => {
    const csv = gpnet('recall', 'list', '--db', db, '--practice', 'P1', '--programme', 'dm-flu', '--format', 'csv');
    expect(csv.status).toBe(0);
    const rows = parseCsv(csv.stdout);
    expect(rows.slice(1).map((r) => r[2])).toEqual(['2', '3']); // patient 1 vaccinated; patient 9 is at P2
    const json = JSON.parse(gpnet('recall', 'list', '--db', db, '--practice', 'P1', '--programme', 'dm-flu', '--format', 'json').stdout) as { period_end: string; counts: { overdue: number } };
    expect(json.period_end).toBe('2025-12-31');
    expect(json.counts.overdue).toBe(2);
    const bad = gpnet('recall', 'list', '--db', db, '--practice', 'NOPE', '--programme', 'dm-flu');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no practice NOPE/);
    expect(gpnet('recall', 'list', '--db', db, '--practice', 'P1', '--programme', 'nope').stderr).toMatch(/no recall programme nope/);
  });

  it('log records an outcome for a patient of the practice only; an adjustment takes them off the list', () => {
    const other = gpnet('recall', 'log', '--db', db, '--practice', 'P1', '--patient', '9', '--programme', 'dm-flu', '--method', 'sms');
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/never been registered at P1/);
    expect(gpnet('recall', 'log', '--db', db, '--practice', 'P1', '--patient', '2', '--programme', 'dm-flu', '--method', 'fax').stderr).toMatch(/--method must be one of letter, sms, phone, opportunistic/);
    const ok = gpnet('recall', 'log', '--db', db, '--practice', 'P1', '--patient', '2', '--programme', 'dm-flu', '--adjustment', 'informed_dissent', '--date', '2025-12-15');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/record a dmpcadec_cod code in the clinical system/);
    const rows = parseCsv(gpnet('recall', 'list', '--db', db, '--practice', 'P1', '--programme', 'dm-flu', '--format', 'csv').stdout);
    expect(rows.slice(1).map((r) => r[2])).toEqual(['3']);
  });

  it('batch create writes CSV and SMS outbox; batch sent logs the invitations', () => {
    const csvFile = join(work, 'batch.csv');
    const smsFile = join(work, 'sms.csv');
    const made = gpnet('recall', 'batch', 'create', '--db', db, '--practice', 'P1', '--programme', 'dm-care-plan', '--method', 'sms', '--csv', csvFile, '--sms', smsFile);
    expect(made.status).toBe(0);
    const id = /batch (\d+):/.exec(made.stdout)?.[1] as string;
    expect(parseCsv(readFileSync(csvFile, 'utf8')).length).toBe(4);
    expect(parseCsv(readFileSync(smsFile, 'utf8'))[1]).toEqual(['', '07700 900001', 'Dear Test Patient 000001, your diabetes annual review is due. Please call Fixture practice P1 to book an appointment.']);
    const wrong = gpnet('recall', 'batch', 'sent', '--db', db, '--practice', 'P2', '--batch', id);
    expect(wrong.stderr).toMatch(/belongs to another practice/);
    const sent = gpnet('recall', 'batch', 'sent', '--db', db, '--practice', 'P1', '--batch', id, '--date', '2025-12-20');
    expect(sent.stdout).toMatch(/3 invitations logged/);
    const list = JSON.parse(gpnet('recall', 'list', '--db', db, '--practice', 'P1', '--programme', 'dm-care-plan', '--format', 'json').stdout) as { rows: { unanswered_invitations: number }[] };
    expect(list.rows.map((r) => r.unanswered_invitations)).toEqual([1, 1, 1]);
  });

  it('two processes logging to one DuckDB file at once lose nothing (the second waits for the file lock)', async () => {
    const logs = (patient: string) => async () => {
      for (let i = 0; i < 2; i++) {
        const r = await gpnetAsync(['recall', 'log', '--db', db, '--practice', 'P1', '--patient', patient, '--programme', 'copd-flu', '--method', 'phone', '--outcome', 'no_answer', '--date', '2025-12-0' + (i + 1)]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
    };
    await Promise.all([logs('1')(), logs('3')()]);
    const engine = await DuckDBEngine.open(db);
    try {
      const rows = await engine.all<{ patient_id: number; n: number }>(`SELECT patient_id, count(*) AS n FROM recall_outreach WHERE programme = 'copd-flu' GROUP BY patient_id ORDER BY patient_id`);
      expect(rows.map((r) => [Number(r.patient_id), Number(r.n)])).toEqual([
        [1, 2],
        [3, 2],
      ]);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('a log command waits while another process holds the store, then writes', async () => {
    const holder = await DuckDBEngine.open(db); // this test process holds the file lock
    const pending = gpnetAsync(['recall', 'log', '--db', db, '--practice', 'P1', '--patient', '3', '--programme', 'mi-review', '--method', 'letter', '--date', '2025-12-05']);
    await new Promise((r) => setTimeout(r, 2500));
    const before = await holder.all(`SELECT * FROM recall_outreach WHERE programme = 'mi-review'`);
    await holder.close();
    const r = await pending;
    expect(before).toEqual([]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const engine = await DuckDBEngine.open(db);
    try {
      expect((await engine.all(`SELECT patient_id FROM recall_outreach WHERE programme = 'mi-review'`)).length).toBe(1);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
