import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Engine } from '../../store/engine.js';
import { CsvImportError } from './errors.js';
import { checkHeader } from './header.js';
import { dropStaged, importStaged, stageFile, type FileResult, type StagedFile } from './import-file.js';
import { FILE_SPECS, KNOWN_FILES, type FileSpec } from './layout.js';
import { blankRecordNumbers, newBatchHash, scanFile, type ScannedFile } from './scan-files.js';

/**
 * `gpnet import csv`: imports a folder of CSV files (docs/CSV-LAYOUT.md) as ONE import batch,
 * in ONE transaction: the rows, the rejected rows and the import_batch row are committed
 * together or not at all. An extract whose bytes were imported before (same sha256) is refused.
 */

export interface Rejection {
  file: string;
  line: number;
  field: string | null;
  reason: string;
}

export interface Totals {
  rowsIn: number;
  accepted: number;
  rejected: number;
}

export type ImportSummary =
  | {
      status: 'imported';
      batchId: number;
      checksum: string;
      source: string;
      files: FileResult[];
      totals: Totals;
      seconds: number;
      rowsPerSecond: number;
      /** The first rejections in file order, for the report (all are in rejected_row). */
      firstRejections: Rejection[];
    }
  | { status: 'already-imported'; checksum: string; batchId: number; receivedAt: string; source: string };

export interface ImportOptions {
  /** How many rejections to return in the summary (default 20). */
  showRejections?: number;
  /** Told when each file starts (for progress output). */
  onFile?: (file: string, bytes: number) => void;
  /** Test hook: runs inside the transaction after each file's accepted rows are inserted. */
  afterInsert?: (table: string) => Promise<void>;
  /** Told when the import transaction begins: every file is read, checking and writing start. */
  onTransaction?: () => void;
  /** Where the extract came from, for import_batch.source (default `csv:<absolute folder>`). */
  source?: string;
}

/** What the PostgreSQL path (import-postgres.ts) adds: staging into a scratch store, a given batch id. */
export interface StagedImportOptions extends ImportOptions {
  /** The batch id to give the rows (default: the store's highest import_batch id + 1). */
  batchId?: number;
  /** Runs after the files are staged and before the import transaction (loads reference rows). */
  beforeImport?: (staged: readonly StagedFile[]) => Promise<void>;
}

/** `clinical_events.csv line 17, field date: '2010-13-01' is not a date (YYYY-MM-DD)` */
export function formatRejection(r: Rejection): string {
  return `${r.file} line ${r.line}${r.field ? `, field ${r.field}` : ''}: ${r.reason}`;
}

export interface ExtractFile {
  spec: FileSpec;
  scanned: ScannedFile;
}

/** Finds the known files of the folder; anything else there is an error. */
async function listExtract(dir: string): Promise<{ spec: FileSpec; path: string; size: number }[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new CsvImportError(`cannot read the extract folder ${dir}: ${(err as Error).message}`);
  }
  const names = entries.filter((e) => !e.name.startsWith('.'));
  const unknown = names.filter((e) => !KNOWN_FILES.includes(e.name)).map((e) => e.name);
  if (unknown.length > 0) {
    throw new CsvImportError(
      `${dir}: unknown file${unknown.length > 1 ? 's' : ''} ${unknown.sort().join(', ')}; an extract folder holds only ${KNOWN_FILES.join(', ')} (see docs/CSV-LAYOUT.md)`,
    );
  }
  const present = new Set(names.map((e) => e.name));
  const files = [];
  for (const spec of FILE_SPECS) {
    if (!present.has(spec.file)) continue;
    const path = join(dir, spec.file);
    const info = await stat(path); // follows symbolic links
    if (!info.isFile()) throw new CsvImportError(`${path} is not a file`);
    files.push({ spec, path, size: info.size });
  }
  if (files.length === 0) throw new CsvImportError(`${dir}: no extract files; expected some of ${KNOWN_FILES.join(', ')}`);
  return files;
}

async function findBatch(engine: Engine, checksum: string): Promise<{ id: number; received_at: string; source: string } | undefined> {
  const rows = await engine.all<{ id: number; received_at: string; source: string }>(
    `SELECT id, CAST(received_at AS VARCHAR) AS received_at, source FROM import_batch WHERE checksum = $1 ORDER BY id LIMIT 1`,
    [checksum],
  );
  return rows[0];
}

/** An extract folder read once: its known files with their headers checked, and its checksum. */
export interface ScannedExtract {
  dir: string;
  files: ExtractFile[];
  checksum: string;
  /** When scanning began (performance.now()), so the summary's time covers the whole import. */
  startedAt: number;
}

/** Lists, hashes and checks the headers of an extract folder; nothing is written anywhere. */
export async function scanExtract(dir: string): Promise<ScannedExtract> {
  const startedAt = performance.now();
  const listed = await listExtract(dir);
  const hash = newBatchHash();
  const files: ExtractFile[] = [];
  for (const f of listed) {
    const scanned = await scanFile(f.path, f.spec.file, f.size, hash);
    checkHeader(f.spec, scanned.header);
    files.push({ spec: f.spec, scanned });
  }
  return { dir, files, checksum: hash.digest('hex'), startedAt };
}

export async function importCsvExtract(engine: Engine, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  return importScanned(engine, await scanExtract(dir), options);
}

/** The earlier import of the same bytes, as a refusal, or undefined. */
export async function previousImport(engine: Engine, checksum: string): Promise<Extract<ImportSummary, { status: 'already-imported' }> | undefined> {
  const before = await findBatch(engine, checksum);
  return before ? { status: 'already-imported', checksum, batchId: before.id, receivedAt: before.received_at, source: before.source } : undefined;
}

/** Imports a scanned extract into `engine` (a DuckDB store: the validation SQL is DuckDB's). */
export async function importScanned(engine: Engine, extract: ScannedExtract, options: StagedImportOptions = {}): Promise<ImportSummary> {
  if (engine.dialect !== 'duckdb') throw new Error(`the CSV checks are DuckDB SQL: import into ${engine.dialect} with importIntoStore (import-into-store.ts)`);
  const t0 = extract.startedAt;
  const { files, checksum } = extract;
  const source = options.source ?? `csv:${resolve(extract.dir)}`;

  const before = await previousImport(engine, checksum);
  if (before) return before;

  const present = new Set(files.map((f) => f.spec.file));
  const staged: StagedFile[] = [];
  try {
    for (const f of files) {
      options.onFile?.(f.spec.file, f.scanned.bytes);
      const blankRecords = f.scanned.mayHaveBlankLine ? await blankRecordNumbers(f.scanned.path) : [];
      staged.push(await stageFile(engine, { spec: f.spec, path: f.scanned.path, header: f.scanned.header, hasQuote: f.scanned.hasQuote, blankRecords }));
    }
    if (options.beforeImport) await options.beforeImport(staged);
    const done = await engine.transaction(async (tx) => {
      options.onTransaction?.();
      const again = await findBatch(tx, checksum);
      if (again) return { status: 'already-imported' as const, checksum, batchId: again.id, receivedAt: again.received_at, source: again.source };
      const idRows = options.batchId === undefined ? await tx.all<{ id: number }>(`SELECT coalesce(max(id), 0) + 1 AS id FROM import_batch`) : [];
      const batchId = options.batchId ?? Number(idRows[0]?.id ?? 1);

      const context = {
        batchId,
        hasPatientsFile: present.has('patients.csv'),
        hasOrganisationsFile: present.has('organisations.csv'),
        ...(options.afterInsert ? { afterInsert: options.afterInsert } : {}),
      };
      const results: FileResult[] = [];
      for (const s of staged) results.push(await importStaged(tx, s, context));
      const totals = results.reduce<Totals>(
        (t, r) => ({ rowsIn: t.rowsIn + r.rowsIn, accepted: t.accepted + r.accepted, rejected: t.rejected + r.rejected }),
        { rowsIn: 0, accepted: 0, rejected: 0 },
      );
      const detail = JSON.stringify({ files: results.map((r) => ({ file: r.file, rows_in: r.rowsIn, accepted: r.accepted, rejected: r.rejected })) });
      await tx.run(
        `INSERT INTO import_batch (id, source, checksum, received_at, rows_in, rows_accepted, rows_rejected, detail)
         VALUES ($1, $2, $3, CAST(now() AS TIMESTAMP), $4, $5, $6, $7)`,
        [batchId, source, checksum, totals.rowsIn, totals.accepted, totals.rejected, detail],
      );
      const firstRejections = await tx.all<{ file: string; line: number; field: string | null; reason: string }>(
        `SELECT file, line, field, reason FROM rejected_row WHERE batch_id = $1
         ORDER BY list_position(${`[${FILE_SPECS.map((s) => `'${s.file}'`).join(', ')}]`}, file), line LIMIT ${Math.max(0, Math.floor(options.showRejections ?? 20))}`,
        [batchId],
      );
      return { status: 'imported' as const, batchId, checksum, source, files: results, totals, firstRejections };
    });
    if (done.status !== 'imported') return done;
    // Timed after COMMIT: the figure covers reading, checking, writing and committing.
    const seconds = (performance.now() - t0) / 1000;
    return { ...done, seconds, rowsPerSecond: seconds > 0 ? done.totals.rowsIn / seconds : 0 };
  } finally {
    for (const s of staged) await dropStaged(engine, s).catch(() => undefined);
  }
}
