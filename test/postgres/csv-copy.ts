import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';

/**
 * A fast bulk copy for big test runs only: DuckDB writes each table to a CSV file and the
 * PostgreSQL server reads it with server-side COPY FROM (needs superuser and the server on this
 * machine, as the throwaway test cluster is). src/store/copy-store.ts is the general path, and
 * the one the conformance test at the default size uses.
 */
export async function copyViaCsv(duck: DuckDBEngine, target: Engine, tables: readonly string[]): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'gpnet-pgcopy-'));
  chmodSync(dir, 0o755); // the server runs as the postgres user and must read the files
  const copied: Record<string, number> = {};
  try {
    for (const table of tables) {
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
      const columns = (await duck.all<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table])).map((r) => r.name);
      const file = join(dir, `${table}.csv`);
      await duck.run(`COPY (SELECT ${columns.join(', ')} FROM ${table}) TO '${file}' (HEADER, DELIMITER ',')`);
      chmodSync(file, 0o644);
      await target.run(`COPY ${table} (${columns.join(', ')}) FROM '${file}' WITH (FORMAT csv, HEADER true)`);
      const n = await target.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      copied[table] = n[0]?.n ?? 0;
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return copied;
}
