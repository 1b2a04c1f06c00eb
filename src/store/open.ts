import type { Engine } from './engine.js';
import { DuckDBEngine } from './duckdb/duckdb-engine.js';
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
