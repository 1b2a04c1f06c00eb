import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBEngine } from '../../store/duckdb/duckdb-engine.js';
import type { Engine, SqlValue } from '../../store/engine.js';
import type { StagedFile } from './import-file.js';
import { importScanned, previousImport, scanExtract, type ImportOptions, type ImportSummary } from './import-csv.js';
import { FILE_SPECS } from './layout.js';

/**
 * `gpnet import csv --pg URL DIR`: the same importer, with PostgreSQL as the store.
 *
 * The validation is DuckDB SQL (set-based, see import-file.ts), so it runs in a scratch DuckDB
 * file in a private temp folder, and PostgreSQL receives only its outcome. Everything happens
 * inside ONE PostgreSQL transaction, which first takes an EXCLUSIVE lock on import_batch (so two
 * imports never interleave) and re-checks the checksum:
 *   1. the scratch store is given the PostgreSQL rows the checks look at (every organisation;
 *      the patients the extract names; the registrations of the patients in registrations.csv,
 *      for the overlap check), so references are checked against PostgreSQL's store exactly as
 *      the DuckDB importer checks them against its own;
 *   2. the importer runs in the scratch store with PostgreSQL's next batch id;
 *   3. the accepted rows, the rejected rows and the import_batch row are copied into PostgreSQL,
 *      and the transaction commits: all of the batch or none of it.
 * The scratch folder is deleted afterwards, whatever happened.
 */

/** Rows per read from the scratch store (and per insertRows call). */
const TRANSFER_ROWS = 50_000;
/** Ids per `= ANY($1)` lookup in PostgreSQL. */
const LOOKUP_IDS = 50_000;

export interface PostgresImportOptions extends ImportOptions {
  /** Told as rows are written into PostgreSQL (for progress reports). */
  onWrite?: (table: string, rows: number) => void;
}

export async function importCsvExtractToPostgres(target: Engine, dir: string, options: PostgresImportOptions = {}): Promise<ImportSummary> {
  if (target.dialect !== 'postgres') throw new Error(`importCsvExtractToPostgres needs a PostgreSQL store, not ${target.dialect}`);
  const extract = await scanExtract(dir);
  const before = await previousImport(target, extract.checksum);
  if (before) return before;

  const work = await mkdtemp(join(tmpdir(), 'gpnet-pgimport-'));
  let scratch: DuckDBEngine | undefined;
  try {
    scratch = await DuckDBEngine.open(join(work, 'scratch.duckdb'));
    const duck = scratch;
    const done = await target.transaction(async (tx) => {
      await tx.run('LOCK TABLE import_batch IN EXCLUSIVE MODE');
      const again = await previousImport(tx, extract.checksum);
      if (again) return again;
      const idRows = await tx.all<{ id: number }>('SELECT coalesce(max(id), 0) + 1 AS id FROM import_batch');
      const batchId = Number(idRows[0]?.id ?? 1);
      const summary = await importScanned(duck, extract, {
        ...options,
        batchId,
        beforeImport: (staged) => loadReferences(tx, duck, staged),
      });
      if (summary.status !== 'imported') throw new Error(`the scratch store refused the import (${summary.status}); it should be empty`);
      await transferBatch(duck, tx, batchId, options.onWrite);
      return summary;
    });
    if (done.status !== 'imported') return done;
    const seconds = (performance.now() - extract.startedAt) / 1000;
    return { ...done, seconds, rowsPerSecond: seconds > 0 ? done.totals.rowsIn / seconds : 0 };
  } finally {
    await scratch?.close().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** The ids (as canonical text) of the patients a staged file names. */
function patientIdColumn(staged: StagedFile): string | undefined {
  if (staged.spec.table === 'organisation') return undefined;
  return staged.spec.table === 'patient' ? 'id' : 'patient_id';
}

async function distinctIds(scratch: Engine, raws: readonly { raw: string; column: string }[]): Promise<string[]> {
  if (raws.length === 0) return [];
  const union = raws.map((r) => `SELECT try_cast(${r.column} AS BIGINT) AS id FROM ${r.raw}`).join(' UNION ');
  const rows = await scratch.all<{ id: string }>(`SELECT CAST(id AS VARCHAR) AS id FROM (${union}) WHERE id IS NOT NULL ORDER BY 1`);
  return rows.map((r) => r.id);
}

/** Copies rows of a PostgreSQL query, run once per chunk of ids (`$1` is a bigint[]), into a scratch table. */
async function copyByIds(source: Engine, scratch: Engine, ids: readonly string[], sql: string, table: string, columns: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += LOOKUP_IDS) {
    const chunk = ids.slice(i, i + LOOKUP_IDS);
    const rows = await source.all(sql, [`{${chunk.join(',')}}`]);
    await scratch.insertRows(table, columns, rows.map((r) => columns.map((c) => r[c] ?? null)));
  }
}

const PATIENT_COLUMNS = ['id', 'nhs_number', 'birth_date', 'sex', 'death_date', 'imd_decile'] as const;
const REGISTRATION_COLUMNS = ['patient_id', 'practice', 'start_date', 'end_date'] as const;
const ORGANISATION_COLUMNS = ['code', 'name', 'kind', 'parent', 'synthetic', 'list_size_reference'] as const;

/**
 * Gives the scratch store the rows of PostgreSQL's store that the checks read (table-rules.ts,
 * registration-overlaps.ts). Ids travel as text, so 18-digit ids survive. The copied rows keep
 * no batch id: only the rows this import adds carry it, which is how they are told apart.
 */
async function loadReferences(pg: Engine, scratch: Engine, staged: readonly StagedFile[]): Promise<void> {
  const orgs = await pg.all(`SELECT ${ORGANISATION_COLUMNS.join(', ')} FROM organisation ORDER BY code`);
  await scratch.insertRows('organisation', ORGANISATION_COLUMNS, orgs.map((r) => ORGANISATION_COLUMNS.map((c) => r[c] ?? null)));

  const named = staged.flatMap((s) => {
    const column = patientIdColumn(s);
    return column ? [{ raw: s.raw.raw, column }] : [];
  });
  const patientIds = await distinctIds(scratch, named);
  await copyByIds(
    pg,
    scratch,
    patientIds,
    `SELECT CAST(id AS VARCHAR) AS id, nhs_number, birth_date, sex, death_date, imd_decile FROM patient WHERE id = ANY($1::bigint[])`,
    'patient',
    PATIENT_COLUMNS,
  );
  const registrations = staged.filter((s) => s.spec.table === 'registration').map((s) => ({ raw: s.raw.raw, column: 'patient_id' }));
  const registered = await distinctIds(scratch, registrations);
  await copyByIds(
    pg,
    scratch,
    registered,
    `SELECT CAST(patient_id AS VARCHAR) AS patient_id, practice, start_date, end_date FROM registration WHERE patient_id = ANY($1::bigint[])`,
    'registration',
    REGISTRATION_COLUMNS,
  );
  await scratch.run(`CREATE OR REPLACE TEMP TABLE csv_pg_known_org AS SELECT code FROM organisation`);
}

async function columnsOf(engine: Engine, table: string): Promise<string[]> {
  const rows = await engine.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.name);
}

/**
 * Copies one query's rows (every column read as text, so big integers and doubles arrive
 * exactly) from the scratch store into PostgreSQL, in file order.
 */
async function transferRows(scratch: Engine, pg: Engine, table: string, where: string, params: SqlValue[], onWrite?: (table: string, rows: number) => void): Promise<number> {
  const columns = await columnsOf(scratch, table);
  const range = await scratch.all<{ lo: number | null; hi: number | null }>(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${table} WHERE ${where}`, params);
  const lo = range[0]?.lo;
  const hi = range[0]?.hi;
  if (lo === null || lo === undefined || hi === null || hi === undefined) return 0;
  const list = columns.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ');
  let written = 0;
  for (let start = lo; start <= hi; start += TRANSFER_ROWS) {
    const rows = await scratch.all(`SELECT ${list} FROM ${table} WHERE rowid >= ${start} AND rowid < ${start + TRANSFER_ROWS} AND (${where}) ORDER BY rowid`, params);
    if (rows.length === 0) continue;
    await pg.insertRows(table, columns, rows.map((r) => columns.map((c) => r[c] ?? null)));
    written += rows.length;
    onWrite?.(table, written);
  }
  return written;
}

/** Writes the batch — new organisations, accepted rows, rejected rows, import_batch last — into PostgreSQL. */
async function transferBatch(scratch: Engine, pg: Engine, batchId: number, onWrite?: (table: string, rows: number) => void): Promise<void> {
  for (const spec of FILE_SPECS) {
    if (spec.batchColumn) await transferRows(scratch, pg, spec.table, 'batch_id = $1', [batchId], onWrite);
    else await transferRows(scratch, pg, spec.table, 'code NOT IN (SELECT code FROM csv_pg_known_org)', [], onWrite);
  }
  await transferRows(scratch, pg, 'rejected_row', 'batch_id = $1', [batchId], onWrite);
  const copied = await transferRows(scratch, pg, 'import_batch', 'id = $1', [batchId], onWrite);
  if (copied !== 1) throw new Error(`the scratch store holds ${copied} import_batch rows for batch ${batchId}, not 1`);
}
