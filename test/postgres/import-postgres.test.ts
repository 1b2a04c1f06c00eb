import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvExtract, type ImportSummary } from '../../src/sources/csv/import-csv.js';
import { importCsvExtractToPostgres } from '../../src/sources/csv/import-postgres.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine, Row } from '../../src/store/engine.js';
import { PostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { ORGS, STORE_TABLES, csv, nhsNumber, writeExtract } from '../import/helpers.js';
import { type PgServer, startPgServer } from './pg-server.js';

/**
 * `import csv` into PostgreSQL gives the same batch as into DuckDB: the same summary, the same
 * accepted rows and the same rejected rows (file, line, field, reason, raw), row for row,
 * including the checks against rows already in the store (a first batch is imported into both).
 */
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpnet-pgimp-'));
let server: PgServer;

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  server = await startPgServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const FIRST = {
  'organisations.csv': ORGS,
  'patients.csv': csv('id,nhs_number,birth_date,sex,death_date,imd_decile', `1,${nhsNumber('943476591')},1950-01-31,F,,3`, '2,,1961-02-28,M,2024-03-01,', '3,,2019-07-04,U,,10'),
  'registrations.csv': csv('patient_id,practice,start_date,end_date', '1,ZZP001,2000-01-01,2012-06-01', '1,ZZP002,2012-06-01,', '2,ZZP001,1990-01-01,2024-03-01', '3,ZZP002,2019-07-04,'),
  'clinical_events.csv': csv('patient_id,practice,date,code,value,unit', '1,ZZP002,2015-03-01,44054006,,', '1,ZZP002,2016-03-01,1000731000000107,53.5,mmol/mol'),
};

/** Every kind of problem, and references to what the first batch stored. */
const SECOND = {
  'organisations.csv': csv('code,name,kind,parent', 'ZZN02,Network two,network,', 'ZZP001,Again,practice,ZZN01', 'ZZP003,Practice three,practice,ZZN02', 'ZZP009,Practice nine,practice,ZZN77', 'ZZP003,Duplicate,practice,'),
  'patients.csv': csv(
    'id,nhs_number,birth_date,sex,death_date,imd_decile',
    '2,,1961-02-28,M,,', // already in the store
    '10,9434765918,1960-01-01,M,,', // check digit wrong
    '11,,1970-02-30,M,,', // no such day
    '12,,1970-02-03,X,,', // bad sex
    '13,,1990-01-01,U,1980-01-01,', // death before birth
    '14,,1990-01-01,F,,', // ok
    '123456789012345678,,1990-01-01,F,,7', // ok, an 18-digit id
    '14,,1991-01-01,F,,', // duplicate
    '15,"",1992-02-02,"U",,', // quoted
  ),
  'registrations.csv': csv(
    'patient_id,practice,start_date,end_date',
    '1,ZZP001,2011-01-01,2013-01-01', // overlaps the stored registrations of patient 1
    '1,ZZP001,1995-01-01,2000-01-01', // ends the day the stored one starts: ok
    '14,ZZP003,2001-01-01,', // practice new in this extract
    '14,ZZP003,2005-01-01,', // overlaps line 4
    '123456789012345678,ZZP002,2001-01-01,2002-01-01',
    '14,ZZP404,2010-01-01,', // unknown practice
    '42,ZZP001,2010-01-01,', // unknown patient
    '14,ZZN01,2011-01-01,', // a network is not a practice
    '3,ZZP002,2010-01-01,2019-07-04', // ends the day the stored one starts: ok
  ),
  'clinical_events.csv': csv(
    'patient_id,practice,date,code,value,unit',
    '1,ZZP001,2010-13-01,44054006,,',
    '1,ZZP001,2010-12-01,4405400X,,',
    '01,ZZP001,2010-12-01,44054006,,',
    '11,ZZP001,2010-12-01,44054006,,', // patient 11 was rejected
    '123456789012345678,ZZP002,2010-12-01,1000731000000107,0.1,mmol/mol',
    '2,ZZP002,2010-12-01,44054006,-1.5e-7,',
    '1,ZZP001,2010-12-01,44054006,high,',
    '1,ZZP001,2010-12-01,44054006,1,2,3', // too many fields
    '"1,ZZP001,2010-12-01,44054006,,', // quote never closed
  ),
  'medication_issues.csv': csv('patient_id,practice,date,dmd_code', '1,ZZP001,2010-12-01,abc', '14,ZZP003,2010-12-01,320000009'),
  'consultations.csv': csv('patient_id,practice,date,clinician,mode', '1,ZZP001,2010-12-01,  ,video', '15,ZZP002,2010-12-01,"Dr Smith, J",telephone', '1,ZZP001,2010-12-01,C1,fax'),
  'admissions.csv': csv('patient_id,admitted,discharged,method,icd10', '1,2020-01-05,2020-01-01,emergency,I21.9', '14,2020-01-05,,elective,E11', '1,2020-01-05,,elective,I2'),
};

/** A table's rows in a fixed order, with ids as text (18 digits do not fit a double). */
async function rowsOf(db: Engine, table: string): Promise<Row[]> {
  const cols = await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const names = cols.map((c) => c.name).filter((n) => n !== 'received_at');
  const list = names.map((n) => (n === 'id' || n === 'patient_id' ? `CAST(${n} AS VARCHAR) AS ${n}` : n)).join(', ');
  return db.all(`SELECT ${list} FROM ${table} ORDER BY ${names.map((_, i) => `${i + 1} NULLS FIRST`).join(', ')}`);
}

function withoutTiming(s: ImportSummary): unknown {
  if (s.status !== 'imported') return s;
  const { seconds: _s, rowsPerSecond: _r, ...rest } = s;
  return rest;
}

describe('import csv into PostgreSQL', () => {
  let pg: PostgresEngine;
  let duck: DuckDBEngine;
  const firstDir = writeExtract(FIRST);
  const secondDir = writeExtract(SECOND);

  beforeAll(async () => {
    pg = await PostgresEngine.open(await server.createDatabase('import_api'));
    duck = await DuckDBEngine.open(':memory:');
  });
  afterAll(async () => {
    await pg?.close();
    await duck?.close();
  });

  it('gives the same summaries and the same accepted and rejected rows as a DuckDB import', async () => {
    for (const dir of [firstDir, secondDir]) {
      const inDuck = await importCsvExtract(duck, dir);
      const inPg = await importCsvExtractToPostgres(pg, dir);
      expect(inPg.status).toBe('imported');
      expect(withoutTiming(inPg)).toEqual(withoutTiming(inDuck));
    }
    const second = await importCsvExtractToPostgres(pg, secondDir);
    expect(second.status).toBe('already-imported');
    for (const table of STORE_TABLES) expect({ table, rows: await rowsOf(pg, table) }).toEqual({ table, rows: await rowsOf(duck, table) });

    // The comparison is not vacuous: the second batch has both kinds of row, in most tables.
    const perTable = await pg.all<{ t: string; n: number }>(
      `SELECT 'rejected' AS t, count(*) AS n FROM rejected_row WHERE batch_id = 2
       UNION ALL SELECT 'patient', count(*) FROM patient WHERE batch_id = 2
       UNION ALL SELECT 'registration', count(*) FROM registration WHERE batch_id = 2
       UNION ALL SELECT 'clinical_event', count(*) FROM clinical_event WHERE batch_id = 2
       UNION ALL SELECT 'organisation', count(*) FROM organisation ORDER BY 1`,
    );
    expect(Object.fromEntries(perTable.map((r) => [r.t, Number(r.n)]))).toEqual({ clinical_event: 2, organisation: 5, patient: 3, registration: 4, rejected: 26 });
    const reasons = (await pg.all<{ reason: string }>(`SELECT reason FROM rejected_row WHERE batch_id = 2`)).map((r) => r.reason);
    expect(reasons).toContain("organisation 'ZZP001' is already in the store");
    expect(reasons).toContain('patient id 2 is already in the store');
    expect(reasons).toContain('overlaps a registration already in the store: ZZP001 from 2000-01-01, ended 2012-06-01');
    expect(reasons).toContain('overlaps the registration on line 4: ZZP003 from 2001-01-01, still open');
  });

  it('lets only one of two simultaneous imports of the same files through (the other waits for the lock, then is refused)', async () => {
    const url = await server.createDatabase('import_race');
    // Opened one after the other: the first open creates the schema.
    const a = await PostgresEngine.open(url);
    const b = await PostgresEngine.open(url);
    const monitor = await PostgresEngine.open(url);
    try {
      const dir = writeExtract({ 'organisations.csv': ORGS, 'patients.csv': csv('id,birth_date,sex', '1,2000-01-01,F', '2,2001-01-01,M') });
      let inside!: () => void;
      const aInside = new Promise<void>((r) => (inside = r));
      let sawWaiter = false;
      const first = importCsvExtractToPostgres(a, dir, {
        // Holds the first import inside its transaction until the second is seen waiting for the lock.
        afterInsert: async (table) => {
          if (table !== 'patient') return;
          inside();
          for (let i = 0; i < 200 && !sawWaiter; i++) {
            const waiting = await monitor.all<{ n: number }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
            sawWaiter = Number(waiting[0]?.n) === 1;
            if (!sawWaiter) await new Promise((r) => setTimeout(r, 25));
          }
        },
      });
      await aInside;
      const second = importCsvExtractToPostgres(b, dir); // passes the early checksum check: nothing is committed yet
      const [r1, r2] = await Promise.all([first, second]);
      expect(sawWaiter).toBe(true);
      expect([r1.status, r2.status]).toEqual(['imported', 'already-imported']);
      expect(await monitor.all('SELECT count(*) AS n FROM patient')).toEqual([{ n: 2 }]);
      expect(await monitor.all('SELECT id FROM import_batch')).toEqual([{ id: 1 }]);
    } finally {
      await Promise.all([a.close(), b.close(), monitor.close()]);
    }
  });

  it('writes nothing when the PostgreSQL transaction fails part-way', async () => {
    const before = await Promise.all(STORE_TABLES.map((t) => rowsOf(pg, t)));
    const dir = writeExtract({ 'patients.csv': csv('id,birth_date,sex', '500,2000-01-01,F'), 'clinical_events.csv': csv('patient_id,practice,date,code', '500,ZZP001,2020-01-01,44054006') });
    await expect(
      importCsvExtractToPostgres(pg, dir, {
        onWrite: (table) => {
          if (table === 'clinical_event') throw new Error('injected failure after writing clinical events');
        },
      }),
    ).rejects.toThrow('injected failure');
    expect(await Promise.all(STORE_TABLES.map((t) => rowsOf(pg, t)))).toEqual(before);
    const ok = await importCsvExtractToPostgres(pg, dir);
    expect(ok.status === 'imported' && ok.totals).toEqual({ rowsIn: 2, accepted: 2, rejected: 0 });
  });
});

describe('gpnet import csv --pg (the built CLI)', () => {
  it('prints the same table as --db, refuses a re-import with exit code 3, and refuses bad store options', async () => {
    const url = await server.createDatabase('import_cli');
    const db = join(work, 'cli.duckdb');
    const strip = (out: string): string => out.replace(/committed in [\d.]+ s \([\d,]+ rows\/s\)/, 'committed');
    for (const dir of [writeExtract(FIRST), writeExtract(SECOND)]) {
      const viaPg = gpnet('import', 'csv', '--pg', url, dir);
      const viaDuck = gpnet('import', 'csv', '--db', db, dir);
      expect(viaPg.stderr).toBe('');
      expect(viaPg.status).toBe(0);
      expect(strip(viaPg.stdout)).toBe(strip(viaDuck.stdout));
      const again = gpnet('import', 'csv', '--pg', url, dir);
      expect(again.status).toBe(3);
      expect(again.stderr).toMatch(/already imported as batch \d .*nothing was written/);
    }
    const both = gpnet('import', 'csv', '--pg', url, '--db', db, work);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/give one store/);
    const badUrl = gpnet('import', 'csv', '--pg', 'mysql://x:secret@h/db', work);
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).not.toContain('secret');
  }, 120_000);
});
