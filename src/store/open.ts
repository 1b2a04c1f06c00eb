import type { Engine } from './engine.js';
import { DuckDBEngine } from './duckdb/duckdb-engine.js';

export interface StoreLocation {
  /** A DuckDB file path (or ':memory:'). */
  db?: string;
}

/** Opens the store a command was pointed at. DuckDB is the default engine. */
export async function openStore(location: StoreLocation): Promise<Engine> {
  if (location.db) return DuckDBEngine.open(location.db);
  throw new Error('no store given: pass --db FILE');
}
