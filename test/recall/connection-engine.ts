import { type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Engine, Row, SqlParams } from '../../src/store/engine.js';

/**
 * A second client on the same DuckDB database: an Engine over its own connection of a shared
 * instance (DuckDBEngine owns exactly one connection). For the concurrent-logging test only.
 */
export class ConnectionEngine implements Engine {
  readonly dialect = 'duckdb' as const;
  private inTransaction = false;
  constructor(
    readonly location: string,
    private readonly connection: DuckDBConnection,
  ) {}

  async run(sql: string, params?: SqlParams): Promise<void> {
    if (params && params.length) await this.connection.run(sql, params as DuckDBValue[]);
    else await this.connection.run(sql);
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const reader = params && params.length ? await this.connection.runAndReadAll(sql, params as DuckDBValue[]) : await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as unknown as T[];
  }

  async transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const out = await fn(this);
      await this.connection.run('COMMIT');
      return out;
    } catch (err) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }

  async insertRows(): Promise<void> {
    throw new Error('not needed');
  }

  async close(): Promise<void> {
    this.connection.closeSync();
  }
}
