import { type Engine, type Row, type SqlValue, scalar } from './engine.js';

/**
 * Copies table rows from one store to another (e.g. a DuckDB file into PostgreSQL), in batches,
 * all in one transaction on the target: the target ends with every copied row or none of them.
 * Both stores must have the same schema (both are migrated on open); the target tables must be
 * empty unless `replace` is given, in which case their rows are deleted first.
 */
export interface CopyOptions {
  /** Tables to copy (default: every base table of the source except schema_migrations). */
  tables?: readonly string[];
  /** Rows per batch (default 50,000). */
  batchRows?: number;
  /** Delete the target tables' rows first instead of refusing when they hold any. */
  replace?: boolean;
  onTable?: (event: { table: string; rows: number; seconds: number }) => void;
}

export class CopyError extends Error {}

const SKIPPED = new Set(['schema_migrations']);

async function baseTables(engine: Engine): Promise<string[]> {
  const rows = await engine.all<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.name).filter((n) => /^[a-z_][a-z0-9_]*$/.test(n) && !SKIPPED.has(n));
}

async function columnsOf(engine: Engine, table: string): Promise<string[]> {
  const rows = await engine.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const bad = rows.find((r) => !/^[a-z_][a-z0-9_]*$/.test(r.name));
  if (bad) throw new CopyError(`table ${table}: column ${JSON.stringify(bad.name)} is not a plain identifier`);
  return rows.map((r) => r.name);
}

/**
 * Reads one batch. DuckDB: by rowid range (a cheap scan of that range). PostgreSQL: ordered by
 * every column, LIMIT/OFFSET — correct (a total order), slower for big tables.
 */
function batchQuery(source: Engine, table: string, columns: readonly string[], batchRows: number, batch: number): { sql: string; params: SqlValue[] } {
  const list = columns.join(', ');
  if (source.dialect === 'duckdb') {
    return { sql: `SELECT ${list} FROM ${table} WHERE rowid >= $1 AND rowid < $2 ORDER BY rowid`, params: [batch * batchRows, (batch + 1) * batchRows] };
  }
  return { sql: `SELECT ${list} FROM ${table} ORDER BY ${columns.map((_, i) => i + 1).join(', ')} LIMIT $1 OFFSET $2`, params: [batchRows, batch * batchRows] };
}

/** Copies the rows; returns the number copied per table. */
export async function copyStore(source: Engine, target: Engine, options: CopyOptions = {}): Promise<Record<string, number>> {
  const batchRows = options.batchRows ?? 50_000;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new CopyError(`batchRows must be a positive integer, not ${batchRows}`);
  const sourceTables = await baseTables(source);
  const targetTables = new Set(await baseTables(target));
  const tables = options.tables ?? sourceTables;
  for (const t of tables) {
    if (!sourceTables.includes(t)) throw new CopyError(`table ${t} is not in the source store ${source.location}`);
    if (!targetTables.has(t)) throw new CopyError(`table ${t} is not in the target store ${target.location} (is its schema older?)`);
  }
  const copied: Record<string, number> = {};
  await target.transaction(async (tx) => {
    for (const table of tables) {
      const t0 = performance.now();
      const columns = await columnsOf(source, table);
      const targetColumns = new Set(await columnsOf(tx, table));
      const missing = columns.filter((c) => !targetColumns.has(c));
      if (missing.length) throw new CopyError(`table ${table}: the target ${target.location} has no column ${missing.join(', ')}`);
      const existing = Number(await scalar(tx, `SELECT count(*) AS n FROM ${table}`));
      if (existing > 0) {
        if (!options.replace) throw new CopyError(`table ${table} in the target ${target.location} already holds ${existing} rows`);
        await tx.run(`DELETE FROM ${table}`);
      }
      const total = Number(await scalar(source, `SELECT count(*) AS n FROM ${table}`));
      const batches = source.dialect === 'duckdb' ? Math.ceil((Number(await scalar(source, `SELECT coalesce(max(rowid) + 1, 0) FROM ${table}`)) || 0) / batchRows) : Math.ceil(total / batchRows);
      let rows = 0;
      // Read the next batch from the source while the current one is written to the target.
      const read = (b: number): Promise<Row[]> => {
        const q = batchQuery(source, table, columns, batchRows, b);
        return source.all(q.sql, q.params);
      };
      let next: Promise<Row[]> | undefined = batches > 0 ? read(0) : undefined;
      for (let b = 0; b < batches && next; b++) {
        const got: Row[] = await next;
        next = b + 1 < batches ? read(b + 1) : undefined;
        // A failed prefetch is reported when awaited, not as an unhandled rejection meanwhile.
        next?.catch(() => undefined);
        if (got.length === 0) continue;
        await tx.insertRows(table, columns, got.map((r) => columns.map((c) => r[c] ?? null)));
        rows += got.length;
      }
      if (rows !== total) throw new CopyError(`table ${table}: copied ${rows} rows but the source holds ${total}`);
      copied[table] = rows;
      options.onTable?.({ table, rows, seconds: (performance.now() - t0) / 1000 });
    }
  });
  return copied;
}
