import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataCoverage } from '../../src/indicators/measure-window.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { insertClinicalData } from '../../src/store/load-data.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { type PgServer, startPgServer } from './pg-server.js';

/** The measurement window's coverage query on PostgreSQL: the same coverage as DuckDB, and `measure --pg` refuses a sparse window. */
const root = join(import.meta.dirname, '..', '..');
let server: PgServer;
let pg: PostgresEngine;
let pgUrl = '';

function extract() {
  const x = new ExtractBuilder().organisation('C', 'collaboration').organisation('N', 'network', 'C');
  for (const p of ['P1', 'P2', 'P3']) x.organisation(p, 'practice', 'N');
  for (let id = 1; id <= 6; id++) x.patient(id, '1960-01-01', 'F');
  x.registered(1, 'P1', '1990-03-15').registered(6, 'P1', '2001-01-01', '2001-02-01');
  x.registered(2, 'P2', '1992-07-20', '1993-01-01').registered(3, 'P2', '1995-02-10');
  x.registered(4, 'P3', '1994-05-01', '1996-02-02').registered(5, 'P3', '1996-01-31');
  x.event(1, 'P1', '2014-01-15', 'X');
  return x.build();
}

beforeAll(async () => {
  server = await startPgServer();
  pgUrl = await server.createDatabase('measure_window');
  pg = await PostgresEngine.open(pgUrl);
  await insertClinicalData(pg, extract());
}, 120_000);

afterAll(async () => {
  await pg?.close();
  await server?.stop();
});

describe('the measurement window on PostgreSQL', () => {
  it('reads the same coverage as DuckDB', async () => {
    const duck = await DuckDBEngine.open(':memory:');
    await insertClinicalData(duck, extract());
    const fromDuck = await readDataCoverage(duck);
    await duck.close();
    const fromPg = await readDataCoverage(pg);
    expect(fromPg).toEqual(fromDuck);
    expect(fromPg).toMatchObject({ lastDate: '2014-01-15', lastCompleteMonth: '2013-12', firstFullMonth: '1995-02' });
  });

  it('refuses a sparse --from through the CLI with exit 2, and measures it with --allow-sparse', () => {
    const gpnet = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8' });
    const refused = gpnet('measure', '--pg', pgUrl, '--from', '1994-01', '--to', '1995-06');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--from 1994-01 is before 1995-02, .*P2 \(registrations from 1995-02\), P3 \(registrations from 1994-05\).*--allow-sparse/);
    const allowed = gpnet('measure', '--pg', pgUrl, '--from', '1994-01', '--to', '1995-06', '--allow-sparse', '--period', 'quarter');
    expect(allowed.stderr).toMatch(/^measuring 1994-01 … 1995-06 at 6 quarter ends \(as asked\)/);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/^measured \d+ indicators × 6 quarter ends \(1994-01 … 1995-06\)/);
  });
});
