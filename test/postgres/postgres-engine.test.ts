import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyStore } from '../../src/store/copy-store.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine, SqlValue } from '../../src/store/engine.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { PostgresEngine, redact } from '../../src/store/postgres/postgres-engine.js';
import { type PgServer, postgresBinDir, startPgServer } from './pg-server.js';

/** The PostgreSQL engine against a throwaway server: values, transactions, batches, the copy utility. */
let server: PgServer;
let engine: PostgresEngine;

beforeAll(async () => {
  server = await startPgServer();
  engine = await PostgresEngine.open(await server.createDatabase('engine_test'));
});

afterAll(async () => {
  await engine?.close();
  await server?.stop();
});

describe('PostgresEngine', () => {
  it('migrates the schema on open, once', async () => {
    const rows = await engine.all<{ n: number; v: number }>('SELECT count(*) AS n, max(version) AS v FROM schema_migrations');
    expect(rows).toEqual([{ n: SCHEMA_VERSION, v: SCHEMA_VERSION }]);
    const again = await PostgresEngine.open(server.url.replace(/\/postgres$/, '/engine_test'));
    await again.close();
    expect(await engine.all('SELECT count(*) AS n FROM schema_migrations')).toEqual([{ n: SCHEMA_VERSION }]);
  });

  it('reads values back as the DuckDB engine does', async () => {
    const sql = `SELECT CAST('2024-02-29' AS DATE) AS d, CAST('2024-02-29 13:45:01.5' AS TIMESTAMP) AS ts,
      CAST(9007199254740991 AS BIGINT) AS big, CAST(3 AS INTEGER) AS i, CAST(2.5 AS DOUBLE PRECISION) AS f,
      TRUE AS b, CAST(NULL AS VARCHAR) AS nothing, 'text' AS s, count(*) AS n`;
    const pgRow = (await engine.all(sql))[0];
    const duck = await DuckDBEngine.open(':memory:');
    try {
      const duckRow = (await duck.all(sql.replace('DOUBLE PRECISION', 'DOUBLE')))[0];
      expect(pgRow).toEqual(duckRow);
      expect(pgRow).toEqual({ d: '2024-02-29', ts: '2024-02-29T13:45:01.500Z', big: 9007199254740991, i: 3, f: 2.5, b: true, nothing: null, s: 'text', n: 1 });
    } finally {
      await duck.close();
    }
    expect(await engine.all('SELECT sum(CAST(x AS BIGINT)) AS s FROM (VALUES (1), (2)) AS t(x)')).toEqual([{ s: 3 }]);
    await expect(engine.all('SELECT CAST(9007199254740993 AS BIGINT) AS big')).rejects.toThrow(/too large/);
    await expect(engine.all('SELECT sum(CAST(9007199254740991 AS BIGINT)) AS s FROM (VALUES (1), (2)) AS t(x)')).rejects.toThrow(/too large/);
    expect(await engine.all('SELECT CAST(2.25 AS NUMERIC(5, 2)) AS n, CAST(NULL AS NUMERIC) AS z')).toEqual([{ n: 2.25, z: null }]);
  });

  it('takes positional parameters, and CREATE TEMP TABLE … AS with parameters', async () => {
    await engine.run('CREATE TEMP TABLE t_params AS SELECT $1 AS slug, CAST($2 AS DATE) AS d, x FROM (VALUES (1), (2)) AS v(x) WHERE x >= $3', ['a\'b', '2024-01-31', 2]);
    expect(await engine.all('SELECT * FROM t_params')).toEqual([{ slug: "a'b", d: '2024-01-31', x: 2 }]);
    await engine.run('DROP TABLE t_params');
  });

  it('runs several statements in one run() and returns the last result from all()', async () => {
    await engine.run('CREATE TEMP TABLE t_multi (x INTEGER); INSERT INTO t_multi VALUES (1), (2); INSERT INTO t_multi VALUES (3)');
    expect(await engine.all('SELECT sum(x) AS s FROM t_multi')).toEqual([{ s: 6 }]);
  });

  it('inserts many rows in batches, with nulls, quotes and dates', async () => {
    const rows: SqlValue[][] = [];
    for (let i = 0; i < 45_000; i++) rows.push([i, `P'${i % 7}"`, i % 3 === 0 ? '1999-12-31' : '2020-01-01', `c${i % 11}`, i % 5 === 0 ? null : i / 4]);
    await engine.insertRows('clinical_event', ['patient_id', 'practice', 'date', 'code', 'value'], rows);
    const stats = await engine.all(`SELECT count(*) AS n, count(value) AS nv, sum(value) AS sv, min(practice) AS p, count(*) FILTER (WHERE date = DATE '1999-12-31') AS old FROM clinical_event`);
    const expectedSum = rows.reduce((a, r) => a + (typeof r[4] === 'number' ? r[4] : 0), 0);
    expect(stats).toEqual([{ n: 45_000, nv: 36_000, sv: expectedSum, p: `P'0"`, old: 15_000 }]);
    await expect(engine.insertRows('clinical_event', ['patient_id'], [[1, 2]])).rejects.toThrow(/row 1 has 2 values for 1 columns/);
    await expect(engine.insertRows('no_such_table', ['x'], [[1]])).rejects.toThrow(/no such table/);
    await expect(engine.insertRows('clinical_event; drop', ['x'], [[1]])).rejects.toThrow(/not a safe SQL identifier/);
    await engine.run('DELETE FROM clinical_event');
  });

  it('commits a transaction whole or rolls it back whole', async () => {
    await engine.transaction(async (tx) => {
      await tx.run("INSERT INTO organisation (code, name, kind) VALUES ('A1', 'A', 'practice')");
      await engine.run("INSERT INTO organisation (code, name, kind) VALUES ('A2', 'A', 'practice')");
    });
    await expect(
      engine.transaction(async (tx) => {
        await tx.run("INSERT INTO organisation (code, name, kind) VALUES ('B1', 'B', 'practice')");
        await tx.insertRows('organisation', ['code', 'name', 'kind'], [['B2', 'B', 'practice']]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await engine.all('SELECT code FROM organisation ORDER BY code')).toEqual([{ code: 'A1' }, { code: 'A2' }]);
    await engine.run('DELETE FROM organisation');
  });

  it('keeps statements from elsewhere out of a running transaction', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = engine.transaction(async (t) => {
      await t.run("INSERT INTO organisation (code, name, kind) VALUES ('T1', 'T', 'practice')");
      await gate;
      throw new Error('roll back');
    });
    // Issued while the transaction is open: must wait for it, and so must not see T1 nor be rolled back with it.
    const outside = engine.run("INSERT INTO organisation (code, name, kind) VALUES ('O1', 'O', 'practice')");
    await new Promise((r) => setTimeout(r, 50));
    release();
    await expect(tx).rejects.toThrow('roll back');
    await outside;
    expect(await engine.all('SELECT code FROM organisation ORDER BY code')).toEqual([{ code: 'O1' }]);
    await engine.run('DELETE FROM organisation');
  });

  it('names the SQL in errors and hides passwords in its location', async () => {
    await expect(engine.all('SELECT no_such_column FROM patient')).rejects.toThrow(/no_such_column.*\n\s+in SQL: SELECT no_such_column/s);
    expect(redact('postgres://gp:secret@host:5432/db')).toBe('postgres://gp:***@host:5432/db');
  });

  it('is what openStore gives for a pg location, and fails clearly when the server is unreachable', async () => {
    const store: Engine = await openStore({ pg: server.url });
    try {
      expect(store.dialect).toBe('postgres');
    } finally {
      await store.close();
    }
    await expect(openStore({ pg: 'postgres://nobody:pw@127.0.0.1:1/none' })).rejects.toThrow(/cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    await expect(openStore({ db: ':memory:', pg: server.url })).rejects.toThrow(/not both/);
  });
});

describe('the test server helper', () => {
  it('fails, naming the install script, when the PostgreSQL binaries are missing', () => {
    const saved = process.env['GPNET_PG_BIN'];
    process.env['GPNET_PG_BIN'] = '/nonexistent/postgresql/bin';
    try {
      expect(() => postgresBinDir()).toThrow(/scripts\/install-test-deps\.sh/);
    } finally {
      if (saved === undefined) delete process.env['GPNET_PG_BIN'];
      else process.env['GPNET_PG_BIN'] = saved;
    }
  });
});

describe('copyStore', () => {
  it('copies every table from DuckDB to PostgreSQL, row for row, and refuses a non-empty target', async () => {
    const duck = await DuckDBEngine.open(':memory:');
    const target = await PostgresEngine.open(await server.createDatabase('copy_test'));
    try {
      await duck.run("INSERT INTO organisation (code, name, kind, parent, synthetic) VALUES ('N1', 'Net', 'network', NULL, TRUE), ('P1', 'Prac ''one''', 'practice', 'N1', TRUE)");
      await duck.run("INSERT INTO patient (id, nhs_number, birth_date, sex, death_date, imd_decile) SELECT i, NULL, DATE '1950-01-01' + CAST(i % 20000 AS INTEGER), CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, NULL, CAST(i % 10 + 1 AS SMALLINT) FROM range(1, 7001) AS t(i)");
      await duck.run("INSERT INTO clinical_event (patient_id, practice, date, code, value, unit) SELECT i % 7000 + 1, 'P1', DATE '2020-01-01' + CAST(i % 1000 AS INTEGER), 'c' || (i % 13), CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7.0 END, NULL FROM range(0, 12345) AS t(i)");
      await duck.run("INSERT INTO import_batch VALUES (1, 'test', 'abc', TIMESTAMP '2024-01-02 03:04:05', 1, 1, 0, NULL)");
      const copied = await copyStore(duck, target, { batchRows: 5000 });
      expect(copied).toMatchObject({ organisation: 2, patient: 7000, clinical_event: 12345, import_batch: 1, registration: 0 });
      for (const [table, order] of [
        ['organisation', 'code'],
        ['patient', 'id'],
        ['clinical_event', 'patient_id, date, code, value'],
        ['import_batch', 'id'],
      ] as const) {
        expect(await target.all(`SELECT * FROM ${table} ORDER BY ${order}`), table).toEqual(await duck.all(`SELECT * FROM ${table} ORDER BY ${order}`));
      }
      await expect(copyStore(duck, target, { tables: ['patient'] })).rejects.toThrow(/already holds 7000 rows/);
      await copyStore(duck, target, { tables: ['patient'], replace: true });
      expect(await target.all('SELECT count(*) AS n FROM patient')).toEqual([{ n: 7000 }]);
    } finally {
      await duck.close();
      await target.close();
    }
  });
});
