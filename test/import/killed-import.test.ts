import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { importCsvExtract } from '../../src/sources/csv/import-csv.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { ORGS, csv, snapshot, writeExtract } from './helpers.js';

/**
 * A process killed (SIGKILL) in the middle of an import, after it has inserted rows, leaves the
 * store file exactly as it was. The child runs the compiled importer (dist/, made by
 * `npm run build`, which `npm test` runs first) and stops itself inside the transaction, right
 * after inserting the clinical events; the test then kills it.
 */
const DIST = resolve('dist/sources/csv/import-csv.js');
const ENGINE = resolve('dist/store/duckdb/duckdb-engine.js');

// `npm test` builds dist/ first; run `npm run build` before running this file on its own.
describe('an import killed midway (compiled importer in a child process)', () => {
  let work: string;
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('leaves the store file exactly as it was', async () => {
    work = mkdtempSync(join(tmpdir(), 'gpnet-kill-'));
    const dbPath = join(work, 'store.duckdb');
    const first = await DuckDBEngine.open(dbPath);
    await importCsvExtract(first, writeExtract({ 'organisations.csv': ORGS, 'patients.csv': csv('id,birth_date,sex', '1,1950-01-01,F') }));
    const before = await snapshot(first);
    await first.close();

    const events = ['patient_id,practice,date,code'];
    for (let i = 0; i < 20000; i++) events.push(`${i % 2 ? 1 : 2},ZZP001,2015-01-01,44054006`);
    const dir = writeExtract({ 'patients.csv': csv('id,birth_date,sex', '2,1960-01-01,M'), 'clinical_events.csv': csv(...events) });

    const script = `
      const { importCsvExtract } = await import(${JSON.stringify(pathToFileURL(DIST).href)});
      const { DuckDBEngine } = await import(${JSON.stringify(pathToFileURL(ENGINE).href)});
      const db = await DuckDBEngine.open(${JSON.stringify(dbPath)});
      await importCsvExtract(db, ${JSON.stringify(dir)}, { afterInsert: async (table) => {
        if (table !== 'clinical_event') return;
        const [{ n }] = await db.all('SELECT count(*) AS n FROM clinical_event');
        process.stdout.write('INSERTED ' + n + '\\n');
        await new Promise(() => setInterval(() => {}, 1000));
      } });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const inserted = await new Promise<string>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not reach the insert: ${err}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /INSERTED (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolvePromise(m[1] ?? '');
        }
      });
      child.on('exit', () => reject(new Error(`child exited early: ${err}`)));
    });
    expect(inserted).toBe('20000'); // inside the transaction the rows were there
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;

    const after = await DuckDBEngine.open(dbPath);
    try {
      expect(await snapshot(after)).toEqual(before);
    } finally {
      await after.close();
    }
  });
});
