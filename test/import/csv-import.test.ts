import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvImportError } from '../../src/sources/csv/errors.js';
import { formatRejection, importCsvExtract, type ImportSummary } from '../../src/sources/csv/import-csv.js';
import { KNOWN_FILES } from '../../src/sources/csv/layout.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { ORGS, counts, csv, nhsNumber, rejected, snapshot, writeExtract } from './helpers.js';

type Imported = Extract<ImportSummary, { status: 'imported' }>;

function imported(s: ImportSummary): Imported {
  if (s.status !== 'imported') throw new Error(`expected an import, got ${s.status}`);
  return s;
}

const VALID = {
  'organisations.csv': ORGS,
  'patients.csv': csv(
    'id,nhs_number,birth_date,sex,death_date,imd_decile',
    `1,${nhsNumber('943476591')},1950-01-31,F,,3`,
    '2,,1961-02-28,M,2024-03-01,',
    '3,,2019-07-04,U,,10',
  ),
  'registrations.csv': csv('patient_id,practice,start_date,end_date', '1,ZZP001,2000-01-01,2012-06-01', '1,ZZP002,2012-06-01,', '2,ZZP001,1990-01-01,2024-03-01', '3,ZZP002,2019-07-04,'),
  'clinical_events.csv': csv(
    'patient_id,practice,date,code,value,unit',
    '1,ZZP002,2015-03-01,44054006,,',
    '1,ZZP002,2016-03-01,1000731000000107,53.5,mmol/mol',
    '2,ZZP001,2020-01-02,GPNET-DMCP-001,,',
    '"3","ZZP002","2020-05-05","38341003","",""',
  ),
  'medication_issues.csv': csv('patient_id,practice,date,dmd_code', '1,ZZP002,2016-04-01,10294811000001100', '2,ZZP001,2020-02-02,320000009'),
  'consultations.csv': csv('patient_id,practice,date,clinician,mode', '1,ZZP002,2016-04-01,C12,face_to_face', '3,ZZP002,2020-06-01,"Dr Smith, J",telephone'),
  'admissions.csv': csv('patient_id,admitted,discharged,method,icd10', '2,2023-05-01,2023-05-09,emergency,I21.9', '1,2021-01-01,,elective,E11'),
};

describe('gpnet import csv', () => {
  let db: DuckDBEngine;
  beforeEach(async () => {
    db = await DuckDBEngine.open(':memory:');
  });
  afterEach(async () => {
    await db.close();
  });

  it('imports a valid extract: every row lands typed, with its batch, and the batch is recorded', async () => {
    const dir = writeExtract(VALID);
    const s = imported(await importCsvExtract(db, dir));
    expect(s.totals).toEqual({ rowsIn: 20, accepted: 20, rejected: 0 });
    expect(s.files.map((f) => [f.file, f.rowsIn, f.accepted, f.rejected])).toEqual([
      ['organisations.csv', 3, 3, 0],
      ['patients.csv', 3, 3, 0],
      ['registrations.csv', 4, 4, 0],
      ['clinical_events.csv', 4, 4, 0],
      ['medication_issues.csv', 2, 2, 0],
      ['consultations.csv', 2, 2, 0],
      ['admissions.csv', 2, 2, 0],
    ]);
    expect(await counts(db)).toEqual({
      organisation: 3,
      patient: 3,
      registration: 4,
      clinical_event: 4,
      medication_issue: 2,
      consultation: 2,
      admission: 2,
      import_batch: 1,
      rejected_row: 0,
    });
    expect(await db.all('SELECT id, nhs_number, birth_date, sex, death_date, imd_decile, batch_id FROM patient ORDER BY id')).toEqual([
      { id: 1, nhs_number: '9434765919', birth_date: '1950-01-31', sex: 'F', death_date: null, imd_decile: 3, batch_id: s.batchId },
      { id: 2, nhs_number: null, birth_date: '1961-02-28', sex: 'M', death_date: '2024-03-01', imd_decile: null, batch_id: s.batchId },
      { id: 3, nhs_number: null, birth_date: '2019-07-04', sex: 'U', death_date: null, imd_decile: 10, batch_id: s.batchId },
    ]);
    expect(await db.all('SELECT patient_id, code, value, unit FROM clinical_event ORDER BY date')).toEqual([
      { patient_id: 1, code: '44054006', value: null, unit: null },
      { patient_id: 1, code: '1000731000000107', value: 53.5, unit: 'mmol/mol' },
      { patient_id: 2, code: 'GPNET-DMCP-001', value: null, unit: null },
      { patient_id: 3, code: '38341003', value: null, unit: null },
    ]);
    expect(await db.all(`SELECT clinician FROM consultation WHERE mode = 'telephone'`)).toEqual([{ clinician: 'Dr Smith, J' }]);
    expect(await db.all('SELECT code, kind, parent, synthetic FROM organisation ORDER BY code')).toEqual([
      { code: 'ZZN01', kind: 'network', parent: null, synthetic: false },
      { code: 'ZZP001', kind: 'practice', parent: 'ZZN01', synthetic: false },
      { code: 'ZZP002', kind: 'practice', parent: 'ZZN01', synthetic: false },
    ]);

    // The checksum is sha256 over (name NUL size NUL bytes) of each file, in layout order.
    const h = createHash('sha256');
    for (const name of KNOWN_FILES) {
      const bytes = readFileSync(join(dir, name));
      h.update(`${name}\0${bytes.length}\0`);
      h.update(bytes);
    }
    const batch = await db.all('SELECT id, source, checksum, rows_in, rows_accepted, rows_rejected, received_at IS NOT NULL AS has_time FROM import_batch');
    expect(batch).toEqual([{ id: s.batchId, source: `csv:${dir}`, checksum: h.digest('hex'), rows_in: 20, rows_accepted: 20, rows_rejected: 0, has_time: true }]);
    expect(s.checksum).toBe(batch[0]?.['checksum']);
  });

  it('rejects every kind of bad field with file, line, field and reason, and keeps the raw row', async () => {
    const dir = writeExtract({
      'organisations.csv': csv('code,name,kind,parent', 'ZZN01,Network one,network,', 'ZZP001,Practice one,practice,ZZN01', 'ZZP009,Practice nine,practice,ZZN77', 'ZZP001,Duplicate,practice,'),
      'patients.csv': csv(
        'id,nhs_number,birth_date,sex,death_date,imd_decile',
        `1,${nhsNumber('943476591')},1950-01-31,F,,3`, // line 2 ok
        '2,9434765918,1960-01-01,M,,', // 3 check digit wrong
        '3,,1970-02-30,M,,', // 4 no such day
        '4,,1970-02-03,X,,', // 5 bad sex
        '1,,1980-01-01,F,,', // 6 duplicate id
        '5,,1990-01-01,U,1980-01-01,', // 7 death before birth
        '6,123456789,1990-01-01,U,,', // 8 NHS number too short
        '7,,1990-01-01,F,,', // 9 ok
      ),
      'registrations.csv': csv(
        'patient_id,practice,start_date,end_date',
        '1,ZZP001,2000-01-01,2010-01-01', // 2 ok
        '1,ZZP001,2009-06-01,', // 3 overlaps line 2
        '7,ZZP001,2010-01-01,2009-12-31', // 4 end before start
        '7,ZZP001,2010-01-01,2010-01-01', // 5 end equal to start
        '7,ZZP404,2010-01-01,', // 6 unknown practice
        '42,ZZP001,2010-01-01,', // 7 unknown patient
        '7,ZZN01,2011-01-01,', // 8 a network is not a practice
        '7,ZZP001,2012-01-01,', // 9 ok
      ),
      'clinical_events.csv': csv(
        'patient_id,practice,date,code,value,unit',
        '1,ZZP001,2010-13-01,44054006,,', // 2 bad date
        '1,ZZP001,2010-12-01,4405400X,,', // 3 bad code
        '1,ZZP001,2010-12-01,0044054006,,', // 4 leading zero
        '1,ZZP001,2010-12-01,12345,,', // 5 too short
        '1,ZZP001,2010-12-01,44054006,high,', // 6 bad number
        '1,ZZP001,2010-12-01,,,', // 7 missing code
        '01,ZZP001,2010-12-01,44054006,,', // 8 malformed patient id
        '3,ZZP001,2010-12-01,44054006,,', // 9 patient 3 was rejected
        '1,ZZP001,2010-12-01,44054006,7,mmol', // 10 ok
      ),
      'medication_issues.csv': csv('patient_id,practice,date,dmd_code', '1,ZZP001,2010-12-01,abc', '1,ZZP001,2010/12/01,320000009'),
      'consultations.csv': csv('patient_id,practice,date,clinician,mode', '1,ZZP001,2010-12-01,  ,video', '1,ZZP001,2010-12-01,C1,fax'),
      'admissions.csv': csv('patient_id,admitted,discharged,method,icd10', '1,2020-01-05,2020-01-01,emergency,I21.9', '1,2020-01-05,,urgent,I21.9', '1,2020-01-05,,elective,I2'),
    });
    const s = imported(await importCsvExtract(db, dir));
    const got = await rejected(db, s.batchId);
    const expected: [string, number, string | null, string][] = [
      ['admissions.csv', 2, 'discharged', "discharged '2020-01-01' is before admitted '2020-01-05'"],
      ['admissions.csv', 3, 'method', "'urgent' is not one of emergency, elective"],
      ['admissions.csv', 4, 'icd10', `'I2' is not an ICD-10 code`],
      ['clinical_events.csv', 2, 'date', "'2010-13-01' is not a date (YYYY-MM-DD)"],
      ['clinical_events.csv', 3, 'code', "'4405400X' is not a SNOMED CT id"],
      ['clinical_events.csv', 4, 'code', "'0044054006' is not a SNOMED CT id"],
      ['clinical_events.csv', 5, 'code', "'12345' is not a SNOMED CT id"],
      ['clinical_events.csv', 6, 'value', "'high' is not a number"],
      ['clinical_events.csv', 7, 'code', 'is empty; a value is required'],
      ['clinical_events.csv', 8, 'patient_id', "'01' is not a patient id"],
      ['clinical_events.csv', 9, 'patient_id', 'patient 3 is not in patients.csv (accepted rows) nor in the store'],
      ['consultations.csv', 2, 'clinician', 'is empty; a value is required'],
      ['consultations.csv', 3, 'mode', "'fax' is not one of face_to_face, telephone, video, home_visit, online"],
      ['medication_issues.csv', 2, 'dmd_code', "'abc' is not a dm+d id"],
      ['medication_issues.csv', 3, 'date', "'2010/12/01' is not a date (YYYY-MM-DD)"],
      ['organisations.csv', 4, 'parent', "parent 'ZZN77' is not an organisation in the store or in organisations.csv"],
      ['organisations.csv', 5, 'code', "organisation code 'ZZP001' appears again (first on line 3)"],
      ['patients.csv', 3, 'nhs_number', "'9434765918' fails the NHS number check digit (modulus 11)"],
      ['patients.csv', 4, 'birth_date', "'1970-02-30' is not a date (YYYY-MM-DD)"],
      ['patients.csv', 5, 'sex', "'X' is not a sex code (F, M or U)"],
      ['patients.csv', 6, 'id', 'patient id 1 appears again (first on line 2)'],
      ['patients.csv', 7, 'death_date', "death_date '1980-01-01' is before birth_date '1990-01-01'"],
      ['patients.csv', 8, 'nhs_number', "'123456789' is not an NHS number (10 digits)"],
      ['registrations.csv', 3, 'start_date', 'overlaps the registration on line 2: ZZP001 from 2000-01-01, ended 2010-01-01'],
      ['registrations.csv', 4, 'end_date', "end_date '2009-12-31' is not after start_date '2010-01-01' (end_date is exclusive"],
      ['registrations.csv', 5, 'end_date', "end_date '2010-01-01' is not after start_date '2010-01-01'"],
      ['registrations.csv', 6, 'practice', "practice 'ZZP404' is not an organisation in the store or in organisations.csv"],
      ['registrations.csv', 7, 'patient_id', 'patient 42 is not in patients.csv (accepted rows) nor in the store'],
      ['registrations.csv', 8, 'practice', "practice 'ZZN01' is an organisation of kind network, not a practice"],
    ];
    expect(got.map((r) => [r.file, r.line, r.field])).toEqual(expected.map(([f, l, fld]) => [f, l, fld]));
    got.forEach((r, i) => expect(r.reason).toContain(expected[i]?.[3]));
    // The raw row is kept as the file had it.
    expect(got.find((r) => r.file === 'clinical_events.csv' && r.line === 2)?.raw).toBe('1,ZZP001,2010-13-01,44054006,,');
    expect(got.find((r) => r.file === 'consultations.csv' && r.line === 2)?.raw).toBe('1,ZZP001,2010-12-01,  ,video');
    // The message a person reads.
    expect(formatRejection(got.find((r) => r.file === 'clinical_events.csv' && r.line === 2)!)).toBe(
      "clinical_events.csv line 2, field date: '2010-13-01' is not a date (YYYY-MM-DD)",
    );

    // rows in = accepted + rejected, per file and in total, and in the store.
    for (const f of s.files) expect(f.rowsIn).toBe(f.accepted + f.rejected);
    expect(s.totals.rowsIn).toBe(s.totals.accepted + s.totals.rejected);
    expect(s.totals.rejected).toBe(expected.length);
    expect(s.files.map((f) => [f.file, f.rowsIn, f.accepted])).toEqual([
      ['organisations.csv', 4, 2],
      ['patients.csv', 8, 2],
      ['registrations.csv', 8, 2],
      ['clinical_events.csv', 9, 1],
      ['medication_issues.csv', 2, 0],
      ['consultations.csv', 2, 0],
      ['admissions.csv', 3, 0],
    ]);
    const c = await counts(db);
    expect([c['organisation'], c['patient'], c['registration'], c['clinical_event'], c['rejected_row']]).toEqual([2, 2, 2, 1, expected.length]);
    expect(await db.all('SELECT rows_in, rows_accepted, rows_rejected FROM import_batch')).toEqual([{ rows_in: 36, rows_accepted: 7, rows_rejected: 29 }]);
    expect(s.firstRejections.length).toBe(20);
  });

  it('checks NHS numbers with the modulus 11 check digit', async () => {
    const stems = ['943476591', '401023213', '123456789', '000000000', '999999999', '487593451', '550000001'];
    const lines = ['id,nhs_number,birth_date,sex'];
    const expectOk: boolean[] = [];
    let id = 1;
    for (const stem of stems) {
      for (let d = 0; d <= 9; d++) {
        lines.push(`${id++},${stem}${d},1990-01-01,F`);
        expectOk.push(nhsNumber(stem) === `${stem}${d}`);
      }
    }
    const s = imported(await importCsvExtract(db, writeExtract({ 'patients.csv': csv(...lines) })));
    const bad = new Set((await rejected(db, s.batchId)).map((r) => r.line));
    expect(expectOk.map((_, i) => !bad.has(i + 2))).toEqual(expectOk);
    expect(s.totals.accepted).toBe(expectOk.filter(Boolean).length);
  });

  it('imports a file that has a header and no rows', async () => {
    const s = imported(await importCsvExtract(db, writeExtract({ 'admissions.csv': 'patient_id,admitted,method,icd10\n' })));
    expect(s.files).toEqual([{ file: 'admissions.csv', table: 'admission', rowsIn: 0, accepted: 0, rejected: 0 }]);
    expect((await counts(db))['import_batch']).toBe(1);
  });

  it('refuses a re-import of the same files and never counts them twice', async () => {
    const dir = writeExtract(VALID);
    const first = imported(await importCsvExtract(db, dir));
    const after = await snapshot(db);
    const again = await importCsvExtract(db, dir);
    expect(again).toMatchObject({ status: 'already-imported', batchId: first.batchId, checksum: first.checksum, source: `csv:${dir}` });
    // The same bytes under another folder are the same extract.
    const copy = await importCsvExtract(db, writeExtract(VALID));
    expect(copy.status).toBe('already-imported');
    expect(await snapshot(db)).toEqual(after);
    expect((await counts(db))['import_batch']).toBe(1);
  });

  it('checks references and overlaps against what is already in the store', async () => {
    imported(await importCsvExtract(db, writeExtract(VALID)));
    const second = imported(
      await importCsvExtract(
        db,
        writeExtract({
          'patients.csv': csv('id,birth_date,sex', '2,1961-02-28,M', '10,2001-01-01,F'),
          'registrations.csv': csv(
            'patient_id,practice,start_date,end_date',
            '1,ZZP001,2011-01-01,2013-01-01', // 2 overlaps both stored registrations of patient 1 (names the earliest)
            '1,ZZP001,1995-01-01,2000-01-01', // 3 ends the day the stored one starts: no overlap
            '10,ZZP002,2001-01-01,',
          ),
          'clinical_events.csv': csv('patient_id,practice,date,code', '1,ZZP002,2021-01-01,44054006', '10,ZZP002,2021-01-01,44054006', '11,ZZP002,2021-01-01,44054006'),
        }),
      ),
    );
    expect(second.batchId).toBe(2);
    expect((await rejected(db, 2)).map((r) => [r.file, r.line, r.field, r.reason])).toEqual([
      ['clinical_events.csv', 4, 'patient_id', 'patient 11 is not in patients.csv (accepted rows) nor in the store'],
      ['patients.csv', 2, 'id', 'patient id 2 is already in the store'],
      ['registrations.csv', 2, 'start_date', 'overlaps a registration already in the store: ZZP001 from 2000-01-01, ended 2012-06-01'],
    ]);
    expect(second.totals).toEqual({ rowsIn: 8, accepted: 5, rejected: 3 });
    expect(await db.all('SELECT count(*) AS n FROM clinical_event WHERE batch_id = 2')).toEqual([{ n: 2 }]);
  });

  it('rejects rows of new patients when the extract has no patients.csv, saying why', async () => {
    imported(await importCsvExtract(db, writeExtract(VALID)));
    const s = imported(
      await importCsvExtract(db, writeExtract({ 'consultations.csv': csv('patient_id,practice,date,clinician,mode', '1,ZZP001,2021-01-01,C1,video', '77,ZZP001,2021-01-01,C1,video') })),
    );
    expect((await rejected(db, s.batchId)).map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, 'patient_id', 'patient 77 is not in the store (and this extract has no patients.csv)'],
    ]);
    expect(s.totals).toEqual({ rowsIn: 2, accepted: 1, rejected: 1 });
  });

  it('is one transaction: a failure after some inserts leaves the store exactly as it was', async () => {
    imported(await importCsvExtract(db, writeExtract(VALID)));
    const before = await snapshot(db);
    const dir = writeExtract({
      'patients.csv': csv('id,birth_date,sex', '20,2001-01-01,F', '21,2002-02-02,M', 'bad,2002-02-02,M'),
      'registrations.csv': csv('patient_id,practice,start_date', '20,ZZP001,2001-01-01', '21,ZZP001,2002-02-02'),
      'clinical_events.csv': csv('patient_id,practice,date,code', '20,ZZP001,2021-01-01,44054006'),
    });
    const inserted: string[] = [];
    await expect(
      importCsvExtract(db, dir, {
        afterInsert: async (table) => {
          inserted.push(table);
          if (table === 'clinical_event') throw new Error('injected failure after inserts');
        },
      }),
    ).rejects.toThrow('injected failure after inserts');
    expect(inserted).toEqual(['patient', 'registration', 'clinical_event']);
    expect(await snapshot(db)).toEqual(before);
    // No temporary tables of the failed import are left behind, and the same files import cleanly afterwards.
    expect(await db.all(`SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'csv_%'`)).toEqual([]);
    const s = imported(await importCsvExtract(db, dir));
    expect(s.totals).toEqual({ rowsIn: 6, accepted: 5, rejected: 1 });
  });

  it('rolls back on a store error too (a constraint violated inside the transaction)', async () => {
    const before = await snapshot(db);
    const dir = writeExtract(VALID);
    await expect(
      importCsvExtract(db, dir, {
        afterInsert: async (table) => {
          // Another writer's row with the same key: the primary key stops the transaction.
          if (table === 'patient') await db.run(`INSERT INTO patient (id, birth_date, sex) VALUES (1, DATE '2000-01-01', 'F')`);
        },
      }),
    ).rejects.toThrow(/constraint|duplicate/i);
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses unknown files, listing the known names, and bad headers, before writing anything', async () => {
    const before = await snapshot(db);
    await expect(importCsvExtract(db, writeExtract({ ...VALID, 'events.csv': 'x\n' }))).rejects.toBeInstanceOf(CsvImportError);
    const unknown = importCsvExtract(db, writeExtract({ 'patients.csv': VALID['patients.csv'], 'events.csv': 'x\n' }));
    await expect(unknown).rejects.toThrow(/unknown file events\.csv; an extract folder holds only organisations\.csv, patients\.csv, registrations\.csv, clinical_events\.csv, medication_issues\.csv, consultations\.csv, admissions\.csv/);
    await expect(importCsvExtract(db, writeExtract({ 'patients.csv': csv('id,birth_date', '1,2000-01-01') }))).rejects.toThrow(
      "patients.csv line 1 (header): required column 'sex' missing (the header has id, birth_date)",
    );
    await expect(importCsvExtract(db, writeExtract({ 'patients.csv': csv('id,birth_date,sex,colour', '1,2000-01-01,F,red') }))).rejects.toThrow(
      "patients.csv line 1 (header): unknown column 'colour'; the columns of patients.csv are id, nhs_number, birth_date, sex, death_date, imd_decile",
    );
    await expect(importCsvExtract(db, writeExtract({ 'patients.csv': '' }))).rejects.toThrow('patients.csv line 1: the header row is missing');
    await expect(importCsvExtract(db, writeExtract({}))).rejects.toThrow(/no extract files/);
    expect(await snapshot(db)).toEqual(before);
  });
});
