import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import type { Engine, Row, SqlParams, SqlValue } from '../engine.js';
import { randomBytes } from 'node:crypto';
import { SCHEMA_VERSION, migrate } from '../migrations.js';
import { lockErrorOf } from './lock.js';

/** Converts a DuckDB JS value to a plain SqlValue (bigint → number, dates → ISO strings). */
function plain(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'bigint': {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new Error(`integer ${value} is too large to read safely`);
      return n;
    }
    default:
      break;
  }
  if (value instanceof Date) return value.toISOString();
  // DuckDB value classes (dates, timestamps, decimals, intervals) print themselves sensibly.
  const maybeDouble = (value as { toDouble?: () => number }).toDouble;
  if (typeof maybeDouble === 'function') return maybeDouble.call(value);
  return String(value);
}

function toDuckParams(params: SqlParams | undefined): DuckDBValue[] | undefined {
  if (!params || params.length === 0) return undefined;
  return params.map((p) => p as DuckDBValue);
}

export class DuckDBEngine implements Engine {
  readonly dialect = 'duckdb' as const;
  private inTransaction = false;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** False for an engine made by connectAgain(): closing it leaves the database open. */
    private readonly ownsInstance = true,
    private readonly onClose?: () => void,
  ) {}

  /**
   * Another connection to the same open database (schema already migrated), with its own
   * transactions and temporary tables; e.g. a long import that must not hold the server's
   * connection. Close it before the engine it came from.
   */
  async connectAgain(): Promise<DuckDBEngine> {
    return new DuckDBEngine(this.location, this.instance, await this.instance.connect(), false);
  }

  /**
   * Opens (creating if needed) a DuckDB file, or ':memory:', and brings its schema up to date.
   * readOnly: opens it for reading only (DuckDB's access_mode READ_ONLY; any write fails) and
   * checks, rather than updates, the schema. A file another process holds throws StoreLockedError.
   * location and onClose: how messages name the store, and what to do after closing (for a
   * snapshot opened in the store's place; see holder.ts).
   */
  static async open(path: string, options: { threads?: number; memoryLimit?: string; readOnly?: boolean; location?: string; onClose?: () => void } = {}): Promise<DuckDBEngine> {
    const config: Record<string, string> = {};
    if (options.threads) config['threads'] = String(options.threads);
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      throw lockErrorOf(err, options.location ?? path) ?? err;
    }
    const connection = await instance.connect();
    const engine = new DuckDBEngine(options.location ?? path, instance, connection, true, options.onClose);
    try {
      if (options.readOnly) await assertSchemaCurrent(engine);
      else await migrate(engine);
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  /**
   * Writes a consistent copy of the whole store to a new DuckDB file at `target` (one
   * transaction on its own connection: COPY FROM DATABASE), while this engine goes on serving.
   */
  async snapshotTo(target: string): Promise<void> {
    const connection = await this.instance.connect();
    const alias = `gpnet_snapshot_${randomBytes(6).toString('hex')}`;
    try {
      const reader = await connection.runAndReadAll('SELECT current_database()');
      const name = String(reader.getRowsJS()[0]?.[0] ?? '');
      await connection.run(`ATTACH '${target.replace(/'/g, "''")}' AS ${alias}`);
      try {
        await connection.run(`COPY FROM DATABASE "${name.replace(/"/g, '""')}" TO ${alias}`);
      } finally {
        await connection.run(`DETACH ${alias}`);
      }
    } finally {
      connection.closeSync();
    }
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    const values = toDuckParams(params);
    if (values) await this.connection.run(sql, values);
    else await this.connection.run(sql);
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const values = toDuckParams(params);
    const reader = values ? await this.connection.runAndReadAll(sql, values) : await this.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const isDate = reader.columnTypes().map((t) => t.typeId === DuckDBTypeId.DATE);
    const rows = reader.getRowsJS();
    return rows.map((r) => {
      const o: Row = {};
      for (let i = 0; i < names.length; i++) {
        const v = r[i];
        o[names[i] as string] = isDate[i] && v instanceof Date ? v.toISOString().slice(0, 10) : plain(v);
      }
      return o as T;
    });
  }

  async transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await fn(this);
      await this.connection.run('COMMIT');
      return result;
    } catch (err) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }

  async insertRows(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    assertIdentifier(table);
    columns.forEach(assertIdentifier);
    const perChunk = Math.max(1, Math.floor(2000 / Math.max(1, columns.length)));
    for (let start = 0; start < rows.length; start += perChunk) {
      const chunk = rows.slice(start, start + perChunk);
      const params: SqlValue[] = [];
      const tuples = chunk.map((row) => {
        if (row.length !== columns.length) throw new Error(`insert into ${table}: row has ${row.length} values for ${columns.length} columns`);
        const marks = row.map((v) => {
          params.push(v);
          return `$${params.length}`;
        });
        return `(${marks.join(', ')})`;
      });
      await this.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
    this.onClose?.();
  }
}

/** A store opened read-only cannot be migrated: it must already have this gpnet's schema. */
async function assertSchemaCurrent(engine: DuckDBEngine): Promise<void> {
  const tables = await engine.all("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations'");
  const version = tables.length === 0 ? 0 : Number((await engine.all<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'))[0]?.v ?? 0);
  if (version < SCHEMA_VERSION) {
    throw new Error(`the store ${engine.location} has schema version ${version}, older than this gpnet's ${SCHEMA_VERSION}; open it once without --read-only (e.g. gpnet measure) to bring it up to date`);
  }
}

export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
}
