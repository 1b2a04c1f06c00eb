/**
 * Invitation letters: the HTML (escaped, one letter per patient, nothing fetched) and
 * `gpnet recall batch create --letters FILE.pdf` printing them with chromium.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lettersHtml } from '../../src/programmes/recall/letters.js';
import type { WorklistRow } from '../../src/programmes/recall/worklist.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData, storeCodelists } from '../../src/store/load-data.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { code, library, programme } from '../recall/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpnet-recall-letters-'));
const db = join(work, 'store.duckdb');

function row(id: number, over: Partial<WorklistRow> = {}): WorklistRow {
  return {
    patient_id: id, nhs_number: '9990000018', name: `Test Patient ${String(id).padStart(6, '0')}`, phone: '07700 900001', birth_date: '1970-01-01', age: '55y',
    programme: 'dm-flu', status: 'overdue', reason: 'no flu vaccination', due_by: null, days_to_due: null, joins_list_on: null, risk: null,
    unanswered_invitations: 0, defaulter: false, last_contact: null, next_action: 'Invite', priority: 3, ...over,
  };
}

beforeAll(async () => {
  const x = new ExtractBuilder().organisation('P1', 'practice');
  for (const id of [1, 2, 3]) x.patient(id, '1970-01-01', 'F').registered(id, 'P1', '2010-01-01').event(id, 'P1', '2015-01-01', code('dm_cod'));
  x.event(1, 'P1', '2025-12-01', code('flu_cod'));
  const engine = await DuckDBEngine.open(db);
  await insertClinicalData(engine, x.build());
  await storeCodelists(engine, library().codelists.values());
  await engine.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('letters', () => {
  it('one escaped letter per patient, with the due date for due-soon patients, and nothing to fetch', () => {
    const html = lettersHtml({
      practiceName: 'Practice <script>alert(1)</script> & Co',
      programme: programme('dm-flu').programme,
      batchId: 7,
      date: '2025-12-31',
      rows: [row(1), row(2, { status: 'due_soon', due_by: '2026-01-31', name: 'Test "Patient" <b>2</b>' })],
    });
    expect(html.match(/<section class="letter"/g)?.length).toBe(2);
    expect(html).not.toContain('<script>');
    expect(html).toContain('Practice &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).toContain('Dear Test &quot;Patient&quot; &lt;b&gt;2&lt;/b&gt;,');
    expect(html).toContain('by 31 January 2026');
    expect(html).toContain('as soon as you can');
    expect(html).toContain('31 December 2025');
    expect(html).toContain('NHS number: 9990000018');
    expect(html).not.toMatch(/https?:|src=|<link/);
  });

  it('gpnet recall batch create --letters writes a PDF of the batch', () => {
    const pdf = join(work, 'letters.pdf');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'recall', 'batch', 'create', '--db', db, '--practice', 'P1', '--programme', 'dm-flu', '--method', 'letter', '--csv', join(work, 'b.csv'), '--letters', pdf], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/batch 1: 2 patients \(letter\) written to .*b\.csv, .*letters\.pdf/);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // Two letters, one A4 portrait page each (595 × 842 points).
    expect(bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(2);
    expect(bytes.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0 0 59[45]\.\d+ 84[12]\.\d+\s*\]/);
    mkdirSync(join(root, 'test-output'), { recursive: true });
    copyFileSync(pdf, join(root, 'test-output', 'recall-letters.pdf'));
  });
});
