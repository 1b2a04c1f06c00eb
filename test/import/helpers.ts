import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Engine } from '../../src/store/engine.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Writes an extract folder: file name → exact text (UTF-8) or bytes. */
export function writeExtract(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gpnet-csv-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Lines joined with LF and a final LF. */
export const csv = (...lines: string[]): string => `${lines.join('\n')}\n`;

export const STORE_TABLES = ['organisation', 'patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission', 'import_batch', 'rejected_row'] as const;

export async function counts(db: Engine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of STORE_TABLES) {
    const rows = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
    out[t] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

/** A checksum-stable fingerprint of every row of the store's tables. */
export async function snapshot(db: Engine): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of STORE_TABLES) {
    const rows = await db.all<{ h: string | null }>(`SELECT CAST(sum(hash(x)) AS VARCHAR) AS h FROM (SELECT ${t} AS x FROM ${t})`);
    out[t] = String(rows[0]?.h ?? 'empty');
  }
  return out;
}

export interface RejectedRow {
  file: string;
  line: number;
  field: string | null;
  reason: string;
  raw: string | null;
}

export async function rejected(db: Engine, batchId?: number): Promise<RejectedRow[]> {
  return db.all<RejectedRow & Record<string, string | number | null>>(
    `SELECT file, line, field, reason, raw FROM rejected_row ${batchId === undefined ? '' : 'WHERE batch_id = $1'} ORDER BY file, line`,
    batchId === undefined ? [] : [batchId],
  );
}

/** Valid NHS number from nine digits (modulus 11), or null when that stem has none. */
export function nhsNumber(stem: string): string | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(stem[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? null : `${stem}${check}`;
}

export const ORGS = csv('code,name,kind,parent', 'ZZN01,Network one,network,', 'ZZP001,Practice one,practice,ZZN01', 'ZZP002,Practice two,practice,ZZN01');
