import type { Engine } from '../../store/engine.js';
import { RAW_REJECT_TEXT } from './read-raw.js';

/**
 * Physical line numbers for rows read by DuckDB's read_csv.
 *
 * DuckDB gives no line number for the rows it returns, but it keeps them in file order (the
 * raw table is filled by one CREATE TABLE AS, so rowid - first rowid is the row's ordinal), and its
 * reject table gives, for each malformed record, a *record number*: the header is record 1,
 * and every line break outside quotes starts the next record, empty lines included (DuckDB
 * skips empty lines in its output but still counts them). Two facts turn an ordinal into the
 * physical line a person sees in an editor:
 *
 *   1. gaps: record numbers that are not rows of the raw table — the header (1), empty lines
 *      (found by the JS pass, scan-files.ts) and malformed records (the reject table).
 *      Row k (0-based ordinal) is record k + 1 + (number of gaps before it).
 *   2. line breaks inside quoted fields: each one pushes every later record one physical
 *      line further down. They are counted from the values themselves (and from the reject
 *      table's raw text for malformed records), only in files that contain a '"' at all.
 *
 * Both tables are tiny in a normal file (one gap: the header; no quoted line breaks), and the
 * mapping is applied only to the rows that need a line number: rejected rows and the rows
 * their reasons point at. Accepted rows never need one.
 */
export interface LineMapTables {
  gaps: string;
  breaks: string | null;
  /** The raw table's first rowid, as SQL text: ordinal = rowid - base. */
  base: string;
}

/**
 * The first rowid of a raw table. Outside a transaction DuckDB numbers a new table's rows
 * from 0; inside one (the import's case) rows live in transaction-local storage, numbered
 * contiguously from a large offset (2^55 and up). Either way ordinal = rowid - base. The value
 * is read back as text because it does not fit a JavaScript number.
 */
export async function firstRowid(tx: Engine, raw: string): Promise<string> {
  const rows = await tx.all<{ base: string }>(`SELECT CAST(coalesce(min(rowid), 0) AS VARCHAR) AS base FROM ${raw}`);
  const base = rows[0]?.base ?? '0';
  if (!/^[0-9]+$/.test(base)) throw new Error(`unexpected rowid ${base} in ${raw}`);
  return base;
}

export async function buildLineMap(
  tx: Engine,
  opts: { key: string; raw: string; rejects: string; columns: readonly string[]; blankRecords: readonly number[]; hasQuote: boolean },
): Promise<LineMapTables> {
  const base = await firstRowid(tx, opts.raw);
  const gaps = `csv_gaps_${opts.key}`;
  const blanks = `csv_blank_${opts.key}`;
  await tx.run(`CREATE OR REPLACE TEMP TABLE ${blanks} (record BIGINT)`);
  for (let i = 0; i < opts.blankRecords.length; i += 1000) {
    const part = opts.blankRecords.slice(i, i + 1000);
    await tx.run(`INSERT INTO ${blanks} VALUES ${part.map((_, j) => `($${j + 1})`).join(', ')}`, part);
  }
  // t = number of raw rows before the gap; i = gaps so far (consecutive gaps share a t).
  await tx.run(`
CREATE OR REPLACE TEMP TABLE ${gaps} AS
WITH g AS (SELECT 1::BIGINT AS record UNION SELECT record FROM ${blanks} UNION SELECT DISTINCT line FROM ${opts.rejects}),
     n AS (SELECT record, row_number() OVER (ORDER BY record) AS i FROM g)
SELECT record - i AS t, max(i) AS i FROM n GROUP BY ALL`);
  await tx.run(`DROP TABLE ${blanks}`);
  if (!opts.hasQuote) return { gaps, breaks: null, base };

  const breaks = `csv_breaks_${opts.key}`;
  const joined = `concat(${opts.columns.join(', ')})`;
  // Per column (no string building) for the scan of every row; concat only for the few hits.
  const anyBreak = opts.columns.map((c) => `contains(${c}, chr(10))`).join(' OR ');
  const nlCount = (s: string): string => `(length(${s}) - length(replace(${s}, chr(10), '')))`;
  const rejectText = RAW_REJECT_TEXT;
  await tx.run(`
CREATE OR REPLACE TEMP TABLE ${breaks} AS
WITH rows_with_breaks AS (
  SELECT rowid - ${base} AS ord, ${nlCount(joined)} AS n FROM ${opts.raw} WHERE ${anyBreak}
), recs AS (
  SELECT r.ord + 1 + g.i AS record, r.n FROM rows_with_breaks r ASOF JOIN ${gaps} g ON r.ord >= g.t
  UNION ALL
  SELECT line AS record, n FROM (SELECT DISTINCT line, ${nlCount(rejectText)} AS n FROM ${opts.rejects}) WHERE n > 0
)
SELECT record, sum(n) OVER (ORDER BY record) AS before_next FROM recs`);
  return { gaps, breaks, base };
}

/**
 * SQL for a query adding `line` to the rows of `source`, whose column `ord` holds rowids of
 * the raw table. The result has every column of source plus record and line.
 */
export function withLines(map: LineMapTables, source: string): string {
  const ordinal = `(s.ord - ${map.base})`;
  const records = `SELECT s.*, ${ordinal} + 1 + g.i AS record FROM (${source}) s ASOF JOIN ${map.gaps} g ON ${ordinal} >= g.t`;
  return recordsToLines(map, records);
}

/** SQL adding `line` to rows that already carry a DuckDB record number in column `record`. */
export function recordsToLines(map: LineMapTables, source: string): string {
  if (!map.breaks) return `SELECT x.*, x.record AS line FROM (${source}) x`;
  return `SELECT x.*, x.record + coalesce(b.before_next, 0) AS line FROM (${source}) x ASOF LEFT JOIN ${map.breaks} b ON x.record > b.record`;
}

export async function dropLineMap(tx: Engine, map: LineMapTables): Promise<void> {
  await tx.run(`DROP TABLE IF EXISTS ${map.gaps}`);
  if (map.breaks) await tx.run(`DROP TABLE IF EXISTS ${map.breaks}`);
}
