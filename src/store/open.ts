import type { Engine } from './engine.js';
import { DuckDBEngine } from './duckdb/duckdb-engine.js';
import { removeSnapshot, requestSnapshot } from './duckdb/holder.js';
import { StoreLockedError } from './duckdb/lock.js';
import { PooledPostgresEngine } from './postgres/pooled-engine.js';
import { PostgresEngine } from './postgres/postgres-engine.js';

export interface StoreLocation {
  /** A DuckDB file path (or ':memory:'). */
  db?: string;
  /** A PostgreSQL connection string (postgres://user@host:port/database). */
  pg?: string;
}

export interface OpenOptions {
  /**
   * Reading only. DuckDB: the file is opened read-only (any write fails). While `gpnet serve` or
   * `gpnet demo` holds the file — DuckDB then lets no other process open it, not even read-only —
   * that process is asked for a consistent snapshot, which is opened read-only in the store's
   * place and removed on close (holder.ts). PostgreSQL has no such lock; the option changes nothing.
   */
  readOnly?: boolean;
}

/**
 * Opens the store a command was pointed at. DuckDB is the default engine. A DuckDB file that
 * another process holds throws StoreLockedError (src/store/duckdb/lock.ts).
 */
export async function openStore(location: StoreLocation, options: OpenOptions = {}): Promise<Engine> {
  if (location.db && location.pg) throw new Error('give one store: --db FILE or --pg postgres://…, not both');
  if (location.pg) return PostgresEngine.open(location.pg);
  if (location.db) return options.readOnly ? openDuckDBReadOnly(location.db) : DuckDBEngine.open(location.db);
  throw new Error('no store given: pass --db FILE or --pg postgres://…');
}

async function openDuckDBReadOnly(db: string): Promise<Engine> {
  try {
    return await DuckDBEngine.open(db, { readOnly: true });
  } catch (err) {
    if (!(err instanceof StoreLockedError) || err.holderReadsOnly) throw err;
    const snapshot = await requestSnapshot(db);
    if (snapshot === null) throw err;
    try {
      return await DuckDBEngine.open(snapshot, { readOnly: true, location: db, onClose: () => removeSnapshot(snapshot) });
    } catch (openErr) {
      removeSnapshot(snapshot);
      throw openErr;
    }
  }
}

/**
 * Opens the store for the server (gpnet serve), where requests arrive concurrently: PostgreSQL
 * through a pool of `poolSize` connections (PooledPostgresEngine), DuckDB as openStore does.
 */
export async function openServingStore(location: StoreLocation, options: { poolSize?: number } = {}): Promise<Engine> {
  if (location.pg && !location.db) return PooledPostgresEngine.open(location.pg, options.poolSize === undefined ? {} : { size: options.poolSize });
  return openStore(location);
}
