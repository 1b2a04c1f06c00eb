import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Engine, Row, SqlParams, SqlValue } from '../engine.js';
import { migrate } from '../migrations.js';
import { plainTypes, plainValue } from './value-types.js';

/** Rows per INSERT … SELECT FROM unnest(…) statement in insertRows. */
const INSERT_BATCH_ROWS = 20_000;

/**
 * The Engine on a PostgreSQL server, through one dedicated connection (a session).
 *
 * One session, like the DuckDB engine's one connection: temporary tables, which the indicator
 * compiler and the generator create, are visible to every later statement. Statements are
 * serialised; transaction() holds the session for its whole duration, so statements from
 * elsewhere wait until it commits or rolls back, while statements issued from inside it
 * (through `tx` or through this engine) join it.
 */
export class PostgresEngine implements Engine {
  readonly dialect = 'postgres' as const;
  /** The tail of the queue of work holding the session. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly insideTransaction = new AsyncLocalStorage<PostgresEngine>();
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly client: pg.Client,
  ) {}

  /** Connects to `url` (postgres://user@host:port/db) and brings the schema up to date. */
  static async open(url: string): Promise<PostgresEngine> {
    const client = new pg.Client({ connectionString: url, types: plainTypes });
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // An idle connection error (server restart) must not crash the process; the next query fails instead.
    client.on('error', () => undefined);
    await client.query("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'");
    const engine = new PostgresEngine(redact(url), client);
    try {
      await migrate(engine);
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  /** Runs `fn` with the session to itself (or at once when already inside our transaction). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the PostgreSQL store ${this.location} is closed`));
    if (this.insideTransaction.getStore() === this) return fn();
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async query(sql: string, params: SqlParams | undefined): Promise<pg.QueryResult> {
    try {
      return params && params.length > 0 ? await this.client.query(sql, params as SqlValue[]) : await this.client.query(sql);
    } catch (err) {
      if (err instanceof Error) err.message = `${err.message}\n  in SQL: ${sql.length > 400 ? `${sql.slice(0, 400)}…` : sql}`;
      throw err;
    }
  }

  /** Without parameters, `sql` may hold several statements (simple query protocol). */
  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.exclusive(() => this.query(sql, params));
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const result = await this.exclusive(() => this.query(sql, params));
    // A multi-statement string yields one result per statement: rows come from the last.
    const last = Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
    return last.rows.map((r: Record<string, unknown>) => {
      const o: Row = {};
      for (const [k, v] of Object.entries(r)) o[k] = plainValue(v);
      return o as T;
    });
  }

  async transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.insideTransaction.getStore() === this) return fn(this);
    return this.exclusive(() =>
      this.insideTransaction.run(this, async () => {
        await this.client.query('BEGIN');
        try {
          const result = await fn(this);
          await this.client.query('COMMIT');
          return result;
        } catch (err) {
          await this.client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    );
  }

  /**
   * Appends rows in batches of INSERT … SELECT FROM unnest($1::type[], …): one array parameter
   * per column, typed from the table's catalog entry, so a batch is one statement however wide.
   */
  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    assertIdentifier(table);
    columns.forEach(assertIdentifier);
    rows.forEach((row, i) => {
      if (row.length !== columns.length) throw new Error(`insert into ${table}: row ${i + 1} has ${row.length} values for ${columns.length} columns`);
    });
    await this.transaction(async (tx) => {
      const types = await tx.all<{ name: string; type: string }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute AS a
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
        [table],
      );
      if (types.length === 0) throw new Error(`insert into ${table}: no such table in ${this.location}`);
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
        await this.query(sql, arrays as unknown as SqlValue[]);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await this.client.end();
  }
}

export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
}

/** The connection string without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}
