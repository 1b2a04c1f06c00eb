import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Engine, Row, SqlParams, SqlValue } from '../engine.js';
import { migrate } from '../migrations.js';
import { checkInsert, insertRowsUnnest, plainRows, redact, runQuery } from './query.js';
import { plainTypes } from './value-types.js';

/** The default number of connections in the server's pool (`gpnet serve --pg-pool N`). */
export const DEFAULT_POOL_SIZE = 10;
export const MAX_POOL_SIZE = 200;

/** Session settings every pooled connection starts with (the same as PostgresEngine's). */
const SESSION_OPTIONS = '-c client_min_messages=warning -c TimeZone=UTC -c DateStyle=ISO,YMD';

/**
 * Statements that leave state in the session (temporary tables, SET without LOCAL). Outside a
 * transaction the next statement may run on another pooled connection, which would not see it.
 */
const SESSION_STATE = /(^|;)\s*(CREATE\s+(OR\s+REPLACE\s+)?(TEMP|TEMPORARY)\s|SET\s+(?!LOCAL\s)(SESSION\s+)?[a-z_])/i;
const TEMP_TABLE = /\b(TEMP|TEMPORARY)\b/i;

interface Pinned {
  client: pg.PoolClient;
  /** A statement of the transaction mentioned temporary tables: discard them before release. */
  touchedTemp: boolean;
  /** The transaction has ended: work it left running continues on the pool, not on this connection. */
  done: boolean;
  /** The tail of its statements: one at a time on the connection (pg 9 refuses overlapping queries). */
  queue: Promise<unknown>;
}

/**
 * The Engine on a PostgreSQL server through a pool of connections (pg.Pool), for the server,
 * where requests arrive concurrently: a single session would serialise them.
 *
 * - A statement outside a transaction runs on any free pooled connection, so independent reads
 *   run in parallel (up to the pool size; more wait for a connection).
 * - transaction() checks out one connection for its whole length: every statement of `fn`,
 *   whether issued through `tx` or through this engine, runs on it (found through
 *   AsyncLocalStorage), and a nested transaction() joins it. It commits, or rolls back on error.
 * - Session state does not carry from one statement to the next outside a transaction, so a
 *   statement that would create it there (CREATE TEMP TABLE, SET) is refused with a clear error;
 *   inside a transaction it is allowed, and temporary tables are discarded before the connection
 *   returns to the pool. Session-bound work (the indicator compiler's temporary tables) runs on
 *   PostgresEngine (one session), as `gpnet measure --pg` does.
 */
export class PooledPostgresEngine implements Engine {
  readonly dialect = 'postgres' as const;
  private readonly pinned = new AsyncLocalStorage<Pinned>();
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    readonly size: number,
  ) {}

  /** Connects a pool of up to `size` connections to `url` and brings the schema up to date. */
  static async open(url: string, options: { size?: number } = {}): Promise<PooledPostgresEngine> {
    const size = options.size ?? DEFAULT_POOL_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_POOL_SIZE) throw new Error(`the pool size must be a whole number from 1 to ${MAX_POOL_SIZE} (got ${size})`);
    const pool = new pg.Pool({ connectionString: url, types: plainTypes, max: size, options: SESSION_OPTIONS, idleTimeoutMillis: 30_000 });
    // An idle connection's error (server restart) must not crash the process; the pool drops it.
    pool.on('error', () => undefined);
    const engine = new PooledPostgresEngine(redact(url), pool, size);
    try {
      const probe = await pool.connect();
      probe.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      await migrate(engine);
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  /** Connections open now, idle among them, and requests waiting for one (for tests and health). */
  stats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  private query(sql: string, params: SqlParams | undefined): Promise<pg.QueryResult> {
    if (this.closed) return Promise.reject(new Error(`the PostgreSQL store ${this.location} is closed`));
    const pinned = this.pinned.getStore();
    if (pinned && !pinned.done) {
      if (TEMP_TABLE.test(sql)) pinned.touchedTemp = true;
      const run = (): Promise<pg.QueryResult> => runQuery(pinned.client, sql, params);
      const result = pinned.queue.then(run, run);
      pinned.queue = result.catch(() => undefined);
      return result;
    }
    if (SESSION_STATE.test(sql)) {
      return Promise.reject(
        new Error(`${this.location}: a statement that keeps session state (temporary table or SET) must run inside transaction() on a pooled store\n  in SQL: ${sql.slice(0, 200)}`),
      );
    }
    return runQuery(this.pool, sql, params);
  }

  /** Without parameters, `sql` may hold several statements (simple query protocol). */
  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.query(sql, params);
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return plainRows<T>(await this.query(sql, params));
  }

  async transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.pinned.getStore()?.done === false) return fn(this);
    if (this.closed) throw new Error(`the PostgreSQL store ${this.location} is closed`);
    const client = await this.pool.connect();
    const pinned: Pinned = { client, touchedTemp: false, done: false, queue: Promise.resolve() };
    // A connection whose state is unknown (failed BEGIN, ROLLBACK or DISCARD) is closed, not reused.
    let unusable: Error | undefined;
    try {
      await client.query('BEGIN');
    } catch (err) {
      client.release(asError(err));
      throw err;
    }
    try {
      const result = await this.pinned.run(pinned, () => fn(this));
      await pinned.queue;
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await pinned.queue;
      await client.query('ROLLBACK').catch((e: unknown) => {
        unusable = asError(e);
      });
      throw err;
    } finally {
      pinned.done = true;
      if (!unusable && pinned.touchedTemp) {
        await client.query('DISCARD TEMP').catch((e: unknown) => {
          unusable = asError(e);
        });
      }
      client.release(unusable);
    }
  }

  /** Appends rows in batches of INSERT … SELECT FROM unnest(…), in one transaction (see query.ts). */
  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    checkInsert(table, columns, rows);
    await this.transaction((tx) => insertRowsUnnest(tx, this.location, table, columns, rows));
  }

  /** Closes the pool: idle connections at once, checked-out ones when released. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
