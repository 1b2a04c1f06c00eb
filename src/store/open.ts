import type { Engine } from './engine.js';
import { DuckDBEngine } from './duckdb/duckdb-engine.js';
import { PooledPostgresEngine } from './postgres/pooled-engine.js';
import { PostgresEngine } from './postgres/postgres-engine.js';

export interface StoreLocation {
  /** A DuckDB file path (or ':memory:'). */
  db?: string;
  /** A PostgreSQL connection string (postgres://user@host:port/database). */
  pg?: string;
}

/** Opens the store a command was pointed at. DuckDB is the default engine. */
export async function openStore(location: StoreLocation): Promise<Engine> {
  if (location.db && location.pg) throw new Error('give one store: --db FILE or --pg postgres://…, not both');
  if (location.pg) return PostgresEngine.open(location.pg);
  if (location.db) return DuckDBEngine.open(location.db);
  throw new Error('no store given: pass --db FILE or --pg postgres://…');
}

/**
 * Opens the store for the server (gpnet serve), where requests arrive concurrently: PostgreSQL
 * through a pool of `poolSize` connections (PooledPostgresEngine), DuckDB as openStore does.
 */
export async function openServingStore(location: StoreLocation, options: { poolSize?: number } = {}): Promise<Engine> {
  if (location.pg && !location.db) return PooledPostgresEngine.open(location.pg, options.poolSize === undefined ? {} : { size: options.poolSize });
  return openStore(location);
}
