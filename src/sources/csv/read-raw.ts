import type { Engine } from '../../store/engine.js';
import { lit } from './field-checks.js';
import type { FileSpec } from './layout.js';

/**
 * Reads one CSV file into a temporary table of VARCHAR columns with DuckDB's parallel CSV
 * reader. The dialect is fixed (no sniffing): comma, '"' quote, '""' escape, header row.
 * Records the reader cannot split into the header's number of fields (too many or too few
 * fields, a quote that is never closed, invalid UTF-8, an over-long line) do not stop the
 * read: DuckDB skips them and writes them to a reject table (`store_rejects`), with their
 * record number and raw text, from which they become rejected rows like any other.
 *
 * The raw table has every column of the layout, in layout order; optional columns missing
 * from the file are NULL. Its rowids follow the file's order, contiguously: one CREATE TABLE AS
 * keeps the reader's order (DuckDB preserves insertion order by default); see line-map.ts.
 */
export interface RawTable {
  key: string;
  raw: string;
  rejects: string;
  rejectScans: string;
}

export async function readRaw(tx: Engine, spec: FileSpec, path: string, header: readonly string[]): Promise<RawTable> {
  const key = spec.table;
  const t: RawTable = { key, raw: `csv_raw_${key}`, rejects: `csv_rej_${key}`, rejectScans: `csv_rejscan_${key}` };
  await dropRaw(tx, t);
  // Header names were checked against the layout, so they are safe identifiers here.
  const columns = header.map((h) => `${lit(h)}: 'VARCHAR'`).join(', ');
  const present = new Set(header);
  const select = spec.columns.map((c) => (present.has(c.name) ? c.name : `CAST(NULL AS VARCHAR) AS ${c.name}`)).join(', ');
  await tx.run(
    `CREATE TEMP TABLE ${t.raw} AS SELECT ${select} FROM read_csv($1,
       auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
       columns = {${columns}},
       store_rejects = true, rejects_table = ${lit(t.rejects)}, rejects_scan = ${lit(t.rejectScans)})`,
    [path],
  );
  return t;
}

export async function dropRaw(tx: Engine, t: RawTable): Promise<void> {
  for (const name of [t.raw, t.rejects, t.rejectScans]) await tx.run(`DROP TABLE IF EXISTS ${name}`);
}

/**
 * The raw text of a malformed record. DuckDB's csv_line may carry the line break that ends
 * the record, and after an empty line also the one before it; neither is part of the row.
 */
export const RAW_REJECT_TEXT = `trim(csv_line, chr(13) || chr(10))`;
const RAW = RAW_REJECT_TEXT;

/**
 * The malformed records of the reject table, one per record: `record` (DuckDB's record
 * number), field (or NULL when the whole row is at fault), a reason in plain words and the
 * raw text.
 */
export function structuralRejects(t: RawTable, fieldCount: number): string {
  const found = `regexp_extract(error_message, 'Found: ([0-9]+)', 1)`;
  return `
SELECT line AS record,
  CASE WHEN error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS') THEN NULL ELSE column_name END AS field,
  CASE error_type
    WHEN 'TOO MANY COLUMNS' THEN 'has ' || ${found} || ' fields; the header has ${fieldCount}'
    WHEN 'MISSING COLUMNS' THEN 'has ' || ${found} || ' fields; the header has ${fieldCount}'
    WHEN 'UNQUOTED VALUE' THEN 'bad quoting: a quoted field has text after its closing quote, or its quote is never closed'
    WHEN 'INVALID ENCODING' THEN 'is not valid UTF-8 text'
    WHEN 'LINE SIZE OVER MAXIMUM' THEN 'is longer than the longest line allowed (2 MB)'
    ELSE 'cannot be read: ' || error_message
  END
  || CASE WHEN contains(${RAW}, chr(10))
       THEN ' (this row spans ' || (1 + length(${RAW}) - length(replace(${RAW}, chr(10), ''))) || ' lines)'
       ELSE '' END AS reason,
  ${RAW} AS raw
FROM (SELECT line, arg_min(error_type, byte_position) AS error_type, arg_min(error_message, byte_position) AS error_message,
             arg_min(column_name, byte_position) AS column_name, arg_min(csv_line, byte_position) AS csv_line
      FROM ${t.rejects} GROUP BY line)`;
}
