import type pg from 'pg';
import type { Engine, Row, SqlParams, SqlValue } from '../engine.js';
import { plainValue } from './value-types.js';

/** Rows per INSERT … SELECT FROM unnest(…) statement in insertRowsUnnest. */
const INSERT_BATCH_ROWS = 20_000;

/** Anything that runs a query: a pg.Client, a checked-out pool client, or a pg.Pool. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

/** Runs one query; a failure names the SQL (shortened) in its message. */
export async function runQuery(on: Queryable, sql: string, params: SqlParams | undefined): Promise<pg.QueryResult> {
  try {
    return params && params.length > 0 ? await on.query(sql, params as SqlValue[]) : await on.query(sql);
  } catch (err) {
    if (err instanceof Error) err.message = `${err.message}\n  in SQL: ${sql.length > 400 ? `${sql.slice(0, 400)}…` : sql}`;
    throw err;
  }
}

/** The rows as plain values; a multi-statement string yields one result per statement: rows come from the last. */
export function plainRows<T extends Row>(result: pg.QueryResult | pg.QueryResult[]): T[] {
  const last = Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
  return last.rows.map((r: Record<string, unknown>) => {
    const o: Row = {};
    for (const [k, v] of Object.entries(r)) o[k] = plainValue(v);
    return o as T;
  });
}

/**
 * Appends rows in batches of INSERT … SELECT FROM unnest($1::type[], …): one array parameter
 * per column, typed from the table's catalog entry, so a batch is one statement however wide.
 * `tx` must be inside a transaction (all batches commit together).
 */
export async function insertRowsUnnest(
  tx: Engine,
  location: string,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
): Promise<void> {
  const types = await tx.all<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute AS a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [table],
  );
  if (types.length === 0) throw new Error(`insert into ${table}: no such table in ${location}`);
  const typeOf = new Map(types.map((t) => [t.name, t.type]));
  const casts = columns.map((c, i) => {
    const type = typeOf.get(c);
    if (!type) throw new Error(`insert into ${table}: no column ${c}`);
    return `$${i + 1}::${type}[]`;
  });
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts.join(', ')})`;
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    const chunk = rows.slice(start, start + INSERT_BATCH_ROWS);
    const arrays = columns.map((_, j) => chunk.map((row) => row[j] ?? null));
    // Each parameter is an array (pg sends it as a PostgreSQL array literal), not a single SqlValue.
    await tx.run(sql, arrays as unknown as SqlValue[]);
  }
}

/** Checks the table, columns and row widths before an insert. */
export function checkInsert(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): void {
  assertIdentifier(table);
  columns.forEach(assertIdentifier);
  rows.forEach((row, i) => {
    if (row.length !== columns.length) throw new Error(`insert into ${table}: row ${i + 1} has ${row.length} values for ${columns.length} columns`);
  });
}

export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
}

/** The connection string without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}
