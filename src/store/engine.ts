/**
 * The Engine interface: the one narrow boundary between gpnet and a SQL database.
 * DuckDB (embedded, the default) implements it now; PostgreSQL (server) will implement the
 * same interface. Everything above the store speaks only this interface and plain rows.
 *
 * Parameters are positional: `$1`, `$2`, … in both dialects. SQL is never built from user
 * strings; user-supplied values always travel as parameters.
 */
export type Dialect = 'duckdb' | 'postgres';

/** A plain value as read back from the store: dates as 'YYYY-MM-DD', timestamps ISO strings. */
export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;
export type SqlParams = readonly SqlValue[];

export interface Engine {
  readonly dialect: Dialect;
  /** A short description for messages, e.g. the file path. */
  readonly location: string;
  /** Runs one or more statements that return nothing of interest. */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs `fn` in one transaction: everything it wrote is committed, or nothing is. */
  transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T>;
  /** Appends rows to a table (columns in the given order). For fixtures and small loads. */
  insertRows(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
  close(): Promise<void>;
}

/** First column of the first row, or null. */
export async function scalar(engine: Engine, sql: string, params?: SqlParams): Promise<SqlValue> {
  const rows = await engine.all(sql, params);
  const first = rows[0];
  if (!first) return null;
  const key = Object.keys(first)[0];
  return key === undefined ? null : (first[key] ?? null);
}
