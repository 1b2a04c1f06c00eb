import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { PooledPostgresEngine } from '../../src/store/postgres/pooled-engine.js';
import { type PgServer, startPgServer } from './pg-server.js';

/** The pooled PostgreSQL engine (the server's): parallel reads, one connection per transaction, rollback. */
let server: PgServer;
let url = '';
let engine: PooledPostgresEngine;
const POOL = 4;

beforeAll(async () => {
  server = await startPgServer();
  url = await server.createDatabase('pooled_test');
  engine = await PooledPostgresEngine.open(url, { size: POOL });
  await engine.run('CREATE TABLE pool_t (id INTEGER PRIMARY KEY, label VARCHAR)');
});

afterAll(async () => {
  await engine?.close();
  await server?.stop();
});

type Pid = { pid: number };

describe('PooledPostgresEngine', () => {
  it('migrates the schema on open, and reads values as PostgresEngine does', async () => {
    expect(await engine.all('SELECT count(*) AS n FROM schema_migrations')).toEqual([{ n: SCHEMA_VERSION }]);
    expect(await engine.all("SELECT CAST('2024-02-29' AS DATE) AS d, CAST(7 AS BIGINT) AS b, current_setting('TimeZone') AS tz")).toEqual([
      { d: '2024-02-29', b: 7, tz: 'UTC' },
    ]);
  });

  it('runs concurrent reads in parallel, on different connections', async () => {
    const sleep = 0.4;
    const t0 = performance.now();
    const rows = await Promise.all(Array.from({ length: POOL }, () => engine.all<Pid>(`SELECT pg_backend_pid() AS pid FROM pg_sleep(${sleep})`)));
    const seconds = (performance.now() - t0) / 1000;
    const pids = new Set(rows.map((r) => r[0]?.pid));
    expect(pids.size).toBe(POOL);
    // Serialised, four sleeps would take 1.6 s; in parallel, one sleep and some overhead.
    expect(seconds).toBeLessThan(sleep * 2.5);
    expect(engine.stats().total).toBeLessThanOrEqual(POOL);
  });

  it('queues reads beyond the pool size instead of failing', async () => {
    const rows = await Promise.all(Array.from({ length: POOL * 5 }, (_, i) => engine.all<{ i: number }>('SELECT $1::int AS i FROM pg_sleep(0.02)', [i])));
    expect(rows.map((r) => r[0]?.i)).toEqual(Array.from({ length: POOL * 5 }, (_, i) => i));
    expect(engine.stats().total).toBeLessThanOrEqual(POOL);
  });

  it("runs every statement of a transaction on one connection, whether through tx, the engine, or nested", async () => {
    const seen = await engine.transaction(async (tx) => {
      const pids: number[] = [];
      const pid = async (e: { all: typeof engine.all }): Promise<void> => {
        const r = await e.all<Pid>('SELECT pg_backend_pid() AS pid');
        pids.push(r[0]?.pid ?? -1);
      };
      await pid(tx);
      await Promise.all([pid(tx), pid(engine), pid(tx), pid(engine)]);
      await engine.transaction(async (inner) => pid(inner));
      await tx.insertRows('pool_t', ['id', 'label'], [[1, 'one'], [2, 'two']]);
      const txid = await tx.all<{ x: string }>('SELECT CAST(txid_current() AS VARCHAR) AS x');
      const again = await engine.all<{ x: string }>('SELECT CAST(txid_current() AS VARCHAR) AS x');
      expect(again).toEqual(txid);
      return pids;
    });
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(1);
    expect(await engine.all('SELECT id, label FROM pool_t ORDER BY id')).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
  });

  it("keeps a transaction's uncommitted rows from other connections, which are not blocked by it", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let inserted: () => void = () => undefined;
    const written = new Promise<void>((r) => (inserted = r));
    const tx = engine.transaction(async (t) => {
      await t.run("INSERT INTO pool_t (id, label) VALUES (10, 'pending')");
      inserted();
      await gate;
    });
    await written;
    // Outside the transaction: another connection, which does not see the row yet and does not wait.
    expect(await engine.all('SELECT count(*) AS n FROM pool_t WHERE id = 10')).toEqual([{ n: 0 }]);
    release();
    await tx;
    expect(await engine.all('SELECT count(*) AS n FROM pool_t WHERE id = 10')).toEqual([{ n: 1 }]);
  });

  it('rolls back everything a failed transaction wrote, and returns its connection to the pool', async () => {
    const before = await engine.all('SELECT count(*) AS n FROM pool_t');
    await expect(
      engine.transaction(async (tx) => {
        await tx.run("INSERT INTO pool_t (id, label) VALUES (20, 'gone')");
        await engine.insertRows('pool_t', ['id', 'label'], [[21, 'gone too']]);
        throw new Error('deliberate');
      }),
    ).rejects.toThrow('deliberate');
    await expect(
      engine.transaction(async (tx) => {
        await tx.run("INSERT INTO pool_t (id, label) VALUES (22, 'gone')");
        await tx.run("INSERT INTO pool_t (id, label) VALUES (1, 'duplicate key')");
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await engine.all('SELECT count(*) AS n FROM pool_t')).toEqual(before);
    expect(await engine.all('SELECT count(*) AS n FROM pool_t WHERE id >= 20')).toEqual([{ n: 0 }]);
    // Every connection is back: POOL concurrent reads still run.
    const rows = await Promise.all(Array.from({ length: POOL }, () => engine.all<Pid>('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.1)')));
    expect(rows).toHaveLength(POOL);
    expect(engine.stats().waiting).toBe(0);
  });

  it('allows temporary tables inside a transaction (discarded at its end) and refuses them outside one', async () => {
    const n = await engine.transaction(async (tx) => {
      await tx.run('CREATE TEMP TABLE pool_tmp AS SELECT x FROM generate_series(1, 5) AS g(x)');
      return (await engine.all<{ n: number }>('SELECT count(*) AS n FROM pool_tmp'))[0]?.n;
    });
    expect(n).toBe(5);
    // Discarded before the connection went back to the pool: no connection still has it.
    const left = await Promise.all(Array.from({ length: POOL }, () => engine.all<{ t: string | null }>("SELECT CAST(to_regclass('pg_temp.pool_tmp') AS VARCHAR) AS t FROM pg_sleep(0.05)")));
    expect(left.map((r) => r[0]?.t)).toEqual(Array.from({ length: POOL }, () => null));
    await expect(engine.run('CREATE TEMP TABLE pool_tmp2 (x INTEGER)')).rejects.toThrow(/session state.*transaction\(\)/s);
    await expect(engine.run("SET work_mem = '8MB'")).rejects.toThrow(/session state/);
    await expect(engine.run('SELECT 1; CREATE TEMPORARY TABLE pool_tmp3 (x INTEGER)')).rejects.toThrow(/session state/);
    await expect(engine.run("SELECT 1;\n  set search_path = public")).rejects.toThrow(/session state/);
    await engine.transaction((tx) => tx.run("SET LOCAL work_mem = '8MB'"));
  });

  it('names the server without its password when it cannot connect, and refuses a bad pool size', async () => {
    const dead = url.replace(/postgres@127\.0\.0\.1:\d+/, 'postgres:secret@127.0.0.1:1');
    await expect(PooledPostgresEngine.open(dead)).rejects.toThrow(/cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\//);
    await expect(PooledPostgresEngine.open(url, { size: 0 })).rejects.toThrow(/pool size/);
  });

  it('refuses work after close', async () => {
    const other = await PooledPostgresEngine.open(url, { size: 2 });
    expect(await other.all('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await other.close();
    await expect(other.all('SELECT 1 AS one')).rejects.toThrow(/closed/);
    await expect(other.transaction(async () => 1)).rejects.toThrow(/closed/);
  });
});
