import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Engine, Row, SqlParams, SqlValue } from '../engine.js';
import { migrate } from '../migrations.js';
import { checkInsert, insertRowsUnnest, plainRows, redact, runQuery } from './query.js';
import { plainTypes } from './value-types.js';

export { assertIdentifier, redact } from './query.js';

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

  private query(sql: string, params: SqlParams | undefined): Promise<pg.QueryResult> {
    return runQuery(this.client, sql, params);
  }

  /** Without parameters, `sql` may hold several statements (simple query protocol). */
  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.exclusive(() => this.query(sql, params));
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const result = await this.exclusive(() => this.query(sql, params));
    return plainRows<T>(result);
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

  /** Appends rows in batches of INSERT … SELECT FROM unnest(…), in one transaction (see query.ts). */
  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    checkInsert(table, columns, rows);
    await this.transaction((tx) => insertRowsUnnest(tx, this.location, table, columns, rows));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await this.client.end();
  }
}
