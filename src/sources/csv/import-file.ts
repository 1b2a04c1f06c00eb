import type { Engine } from '../../store/engine.js';
import { columnChecks, firstProblem, rawLine, typedValue } from './field-checks.js';
import type { FileSpec } from './layout.js';
import { buildLineMap, dropLineMap, recordsToLines, withLines, type LineMapTables } from './line-map.js';
import { dropRaw, readRaw, structuralRejects, type RawTable } from './read-raw.js';
import { addRegistrationOverlaps } from './registration-overlaps.js';
import { tableRules } from './table-rules.js';

/** The counts for one file: rows in = accepted + rejected. */
export interface FileResult {
  file: string;
  table: string;
  rowsIn: number;
  accepted: number;
  rejected: number;
}

export interface StagedFile {
  spec: FileSpec;
  header: readonly string[];
  raw: RawTable;
  map: LineMapTables;
}

/**
 * Reads one file into its raw table and builds its line map, OUTSIDE the import transaction
 * (autocommit). These are connection-local scratch tables, not the store, so this does not
 * weaken the one-transaction rule; it matters for speed: DuckDB scans a table created inside
 * the running transaction (transaction-local storage) with one thread only, and a committed
 * one with all of them, which halves the time of the checks and the inserts on 2 cores.
 */
export async function stageFile(
  engine: Engine,
  file: { spec: FileSpec; path: string; header: readonly string[]; hasQuote: boolean; blankRecords: readonly number[] },
): Promise<StagedFile> {
  const raw = await readRaw(engine, file.spec, file.path, file.header);
  try {
    const columns = file.spec.columns.map((c) => c.name);
    const map = await buildLineMap(engine, { key: raw.key, raw: raw.raw, rejects: raw.rejects, columns, blankRecords: file.blankRecords, hasQuote: file.hasQuote });
    return { spec: file.spec, header: file.header, raw, map };
  } catch (err) {
    await dropRaw(engine, raw).catch(() => undefined);
    throw err;
  }
}

export async function dropStaged(engine: Engine, staged: StagedFile): Promise<void> {
  await dropLineMap(engine, staged.map);
  await dropRaw(engine, staged.raw);
}

export interface FileImportContext {
  batchId: number;
  hasPatientsFile: boolean;
  hasOrganisationsFile: boolean;
  /** Called after this file's accepted rows are inserted (tests inject failures here). */
  afterInsert?: (table: string) => Promise<void>;
}

/**
 * Imports one staged file inside the caller's transaction, set-based:
 *   validate (one SQL pass: first problem per row) → insert the accepted rows
 *   (INSERT … SELECT with casts) → keep the rejected ones, with their lines.
 */
export async function importStaged(tx: Engine, staged: StagedFile, ctx: FileImportContext): Promise<FileResult> {
  const { spec, raw, map } = staged;
  const columns = spec.columns.map((c) => c.name);
  const bad = `csv_bad_${raw.key}`;
  try {
    await findProblems(tx, spec, ctx, raw, bad);
    const badCount = await count(tx, `SELECT count(*) AS n FROM ${bad}`);

    const targetColumns = spec.batchColumn ? [...columns, 'batch_id'] : columns;
    const values = spec.columns.map((c) => typedValue(c, `r.${c.name}`));
    if (spec.batchColumn) values.push(`CAST(${ctx.batchId} AS INTEGER)`);
    const from = badCount === 0 ? `${raw.raw} r` : `${raw.raw} r ANTI JOIN ${bad} b ON r.rowid = b.ord`;
    await tx.run(`INSERT INTO ${spec.table} (${targetColumns.join(', ')}) SELECT ${values.join(', ')} FROM ${from}`);
    if (ctx.afterInsert) await ctx.afterInsert(spec.table);

    if (badCount > 0) await keepRejected(tx, spec, ctx.batchId, raw, map, bad);
    const structural = structuralRejects(raw, staged.header.length);
    await tx.run(
      `INSERT INTO rejected_row (batch_id, file, line, field, reason, raw)
       SELECT $1, $2, line, field, reason, raw FROM (${recordsToLines(map, structural)})`,
      [ctx.batchId, spec.file],
    );
    const rows = await count(tx, `SELECT count(*) AS n FROM ${raw.raw}`);
    const malformed = await count(tx, `SELECT count(DISTINCT line) AS n FROM ${raw.rejects}`);
    await tx.run(`DROP TABLE IF EXISTS ${bad}`);
    return { file: spec.file, table: spec.table, rowsIn: rows + malformed, accepted: rows - badCount, rejected: badCount + malformed };
  } catch (err) {
    // The transaction is failing: its rollback removes the tables it created, and a clean-up
    // error (e.g. "transaction is aborted") must not hide the real one.
    await tx.run(`DROP TABLE IF EXISTS ${bad}`).catch(() => undefined);
    throw err;
  }
}

async function count(tx: Engine, sql: string): Promise<number> {
  const rows = await tx.all<{ n: number }>(sql);
  return Number(rows[0]?.n ?? 0);
}

/** Builds `bad` (ord, field, reason, other_ord): each rejected row with its first problem. */
async function findProblems(tx: Engine, spec: FileSpec, ctx: FileImportContext, raw: RawTable, bad: string): Promise<void> {
  const rules = tableRules(spec.table, { raw: raw.raw, hasPatientsFile: ctx.hasPatientsFile, hasOrganisationsFile: ctx.hasOrganisationsFile });
  const checks = [...spec.columns.flatMap((c) => columnChecks(c, `r.${c.name}`, rules.known[c.name])), ...rules.checks];
  await tx.run(`
CREATE OR REPLACE TEMP TABLE ${bad} AS
SELECT ord, substr(err, 1, strpos(err, chr(31)) - 1) AS field, substr(err, strpos(err, chr(31)) + 1) AS reason, other_ord
FROM (
  SELECT r.rowid AS ord, ${firstProblem(checks)} AS err, ${rules.otherOrd} AS other_ord
  FROM ${raw.raw} r
  ${rules.joins}
) WHERE err IS NOT NULL`);
  if (spec.table === 'registration') await addRegistrationOverlaps(tx, raw.raw, bad);
}

/** Writes the rejected rows with their physical lines, reasons and raw text. */
async function keepRejected(tx: Engine, spec: FileSpec, batchId: number, raw: RawTable, map: LineMapTables, bad: string): Promise<void> {
  const columns = spec.columns.map((c) => c.name);
  const rejected = `SELECT b.ord, b.field, b.reason, b.other_ord, ${rawLine(columns, 'r.')} AS raw FROM ${bad} b JOIN ${raw.raw} r ON r.rowid = b.ord`;
  const others = `SELECT DISTINCT other_ord AS ord FROM ${bad} WHERE other_ord IS NOT NULL`;
  await tx.run(
    `INSERT INTO rejected_row (batch_id, file, line, field, reason, raw)
     SELECT $1, $2, m.line, m.field,
            CASE WHEN o.line IS NULL THEN m.reason ELSE replace(m.reason, '{line}', CAST(o.line AS VARCHAR)) END,
            m.raw
     FROM (${withLines(map, rejected)}) m
     LEFT JOIN (${withLines(map, others)}) o ON o.ord = m.other_ord`,
    [batchId, spec.file],
  );
}
