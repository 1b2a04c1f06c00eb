import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCsvExtract, type ImportSummary } from '../../src/sources/csv/import-csv.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { rejected, writeExtract } from './helpers.js';

/**
 * Line numbers are physical lines of the file (header = 1), as an editor shows them, whatever
 * the file holds: line breaks inside quoted fields, empty lines, CRLF, malformed records.
 */

const HEADER = 'patient_id,practice,date,code,value,unit';
const GOOD = '1,ZZP001,2015-01-01,44054006,,';

function imported(s: ImportSummary): Extract<ImportSummary, { status: 'imported' }> {
  if (s.status !== 'imported') throw new Error(`expected an import, got ${s.status}`);
  return s;
}

describe('line numbers of rejected rows', () => {
  let db: DuckDBEngine;
  beforeEach(async () => {
    db = await DuckDBEngine.open(':memory:');
    await db.insertRows('organisation', ['code', 'name', 'kind'], [['ZZP001', 'Practice one', 'practice']]);
    await db.insertRows('patient', ['id', 'birth_date', 'sex'], [[1, '1950-01-01', 'F']]);
  });
  afterEach(async () => {
    await db.close();
  });

  it('counts lines inside quoted fields, empty lines and malformed records', async () => {
    const text = [
      HEADER, // 1
      GOOD, // 2
      '1,ZZP001,2015-01-01,44054006,,"a unit', // 3  (quoted field over lines 3-5)
      '',
      'over three lines"',
      '1,ZZP001,2015-02-30,44054006,,', // 6  bad date
      '', // 7  empty line
      '1,ZZP001,2015-01-01,44054006,,,extra', // 8  seven fields
      '1,ZZP001,"2015', // 9  four fields, over lines 9-10
      '-01-01",44054006',
      '1,ZZP001,2015-01-01,44054006,"1', // 11 bad number over lines 11-12
      '2",',
      '1,ZZP001,2015-01-01,44054006,,"say ""hi"""', // 13 doubled quotes: fine
      '1,ZZP001,2015-01-01,4405400X,,', // 14 bad code
    ].join('\n');
    const s = imported(await importCsvExtract(db, writeExtract({ 'clinical_events.csv': `${text}\n` })));
    const got = await rejected(db, s.batchId);
    expect(got.map((r) => [r.line, r.field, r.reason])).toEqual([
      [6, 'date', "'2015-02-30' is not a date (YYYY-MM-DD)"],
      [8, null, 'has 7 fields; the header has 6'],
      [9, null, 'has 4 fields; the header has 6 (this row spans 2 lines)'],
      [11, 'value', "'1\\n2' is not a number"],
      [14, 'code', "'4405400X' is not a SNOMED CT id (6 to 18 digits, no leading zero) nor a gpnet local code (GPNET-…)"],
    ]);
    expect(got.map((r) => r.raw)).toEqual([
      '1,ZZP001,2015-02-30,44054006,,',
      '1,ZZP001,2015-01-01,44054006,,,extra',
      '1,ZZP001,"2015\n-01-01",44054006',
      '1,ZZP001,2015-01-01,44054006,"1\n2",',
      '1,ZZP001,2015-01-01,4405400X,,',
    ]);
    expect(s.totals).toEqual({ rowsIn: 8, accepted: 3, rejected: 5 });
    expect(await db.all(`SELECT unit FROM clinical_event WHERE unit IS NOT NULL ORDER BY unit`)).toEqual([
      { unit: 'a unit\n\nover three lines' },
      { unit: 'say "hi"' },
    ]);
  });

  it('reads CRLF files, a byte order mark and a quoted header', async () => {
    const text = ['\uFEFF"patient_id","practice","date","code","value","unit"', GOOD, '1,ZZP001,"2015-01-01",44054006,"x', 'y",', '', '1,ZZP001,2015-13-01,44054006,,'].join('\r\n');
    const s = imported(await importCsvExtract(db, writeExtract({ 'clinical_events.csv': `${text}\r\n` })));
    expect((await rejected(db, s.batchId)).map((r) => [r.line, r.field])).toEqual([
      [3, 'value'],
      [6, 'date'],
    ]);
    expect(s.totals).toEqual({ rowsIn: 3, accepted: 1, rejected: 2 });
  });

  it('reports a quote that is never closed once, at the line where it opens', async () => {
    const text = [HEADER, GOOD, '1,ZZP001,2015-02-30,44054006,,', '1,ZZP001,2015-01-01,"44054006,,', GOOD, GOOD].join('\n');
    const s = imported(await importCsvExtract(db, writeExtract({ 'clinical_events.csv': `${text}\n` })));
    const got = await rejected(db, s.batchId);
    expect(got.map((r) => [r.line, r.reason])).toEqual([
      [3, "'2015-02-30' is not a date (YYYY-MM-DD)"],
      [4, 'bad quoting: a quoted field has text after its closing quote, or its quote is never closed (this row spans 3 lines)'],
    ]);
    expect(s.totals).toEqual({ rowsIn: 3, accepted: 1, rejected: 2 });
  });

  it('rejects text that is not UTF-8, by line', async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n${GOOD}\n1,ZZP001,2015-01-01,44054006,,`), Buffer.from([0xff, 0xfe]), Buffer.from(`\n${GOOD}\n`)]);
    const s = imported(await importCsvExtract(db, writeExtract({ 'clinical_events.csv': bytes })));
    expect((await rejected(db, s.batchId)).map((r) => [r.line, r.reason])).toEqual([[3, 'is not valid UTF-8 text']]);
    expect(s.totals).toEqual({ rowsIn: 3, accepted: 2, rejected: 1 });
  });

  it('gets every line right in a large file of randomly mixed rows', async () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const parts: string[] = [HEADER];
    let line = 2;
    const expected: [number, string | null][] = [];
    let rowsIn = 0;
    const add = (text: string, bad: string | null | false): void => {
      if (bad !== false) expected.push([line, bad]);
      parts.push(text);
      line += text.split('\n').length;
      rowsIn++;
    };
    for (let i = 0; i < 6000; i++) {
      const k = rnd();
      if (k < 0.8) add(GOOD, false);
      else if (k < 0.83) add('1,ZZP001,2015-01-01,44054006,,"u\nv"', false);
      else if (k < 0.85) add('1,ZZP001,2015-01-01,44054006,,"u\n\nw, ""x"""', false);
      else if (k < 0.87) {
        parts.push(''); // an empty line: no row
        line++;
      } else if (k < 0.89) add('1,ZZP001,2015-01-01,44054006,"5\n",', 'value');
      else if (k < 0.91) add('1,ZZP001,2015-04-31,44054006,,', 'date');
      else if (k < 0.93) add('1,ZZP001,2015-01-01,44054006,,,x', null);
      else if (k < 0.95) add('1,ZZP001,"2015-01-01\n",44054006', null);
      else if (k < 0.97) add('1,ZZP001,2015-01-01,44054006,,"x"y', 'unit');
      else add('2,ZZP001,2015-01-01,44054006,,', 'patient_id');
    }
    const s = imported(await importCsvExtract(db, writeExtract({ 'clinical_events.csv': `${parts.join('\n')}\n` })));
    const got = await rejected(db, s.batchId);
    expect(got.map((r) => [r.line, r.field])).toEqual(expected);
    expect(s.totals.rowsIn).toBe(rowsIn);
    expect(s.totals.rejected).toBe(expected.length);
  });
});
