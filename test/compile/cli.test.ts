/**
 * `gpnet measure` and `gpnet export results`, driven in-process through commander on a small
 * synthetic store that uses the project's codelists and indicator library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerExport } from '../../src/cli/commands/export.js';
import { register as registerMeasure } from '../../src/cli/commands/measure.js';
import { UserError } from '../../src/cli/errors.js';
import { loadCodelists } from '../../src/codelists/load.js';
import { RESULT_COLUMNS } from '../../src/indicators/results.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { storeCodelists } from '../../src/store/load-data.js';
import { parseCsv } from '../../src/util/csv.js';
import { buildSyntheticStore } from './synthetic-store.js';

const work = mkdtempSync(join(tmpdir(), 'gpnet-measure-cli-'));
const db = join(work, 'store.duckdb');

beforeAll(async () => {
  const engine = await DuckDBEngine.open(db);
  await storeCodelists(engine, loadCodelists().values());
  await buildSyntheticStore(engine, 1500, 4);
  await engine.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs one gpnet command line in-process; returns what it printed on stdout. */
async function gpnet(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerMeasure(program);
  registerExport(program);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, cb?: unknown) => {
    out += String(chunk);
    if (typeof cb === 'function') (cb as () => void)();
    return true;
  }) as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((() => true) as typeof process.stderr.write);
  try {
    await program.parseAsync(['node', 'gpnet', ...args]);
  } finally {
    write.mockRestore();
    err.mockRestore();
  }
  return out;
}

describe('gpnet measure', () => {
  it('measures the chosen indicators for a range of months and prints a summary', async () => {
    const out = await gpnet('measure', '--db', db, '--from', '2020-01', '--to', '2020-06', '--indicator', 'dm-register', 'hyp-bp-140-90');
    expect(out).toMatch(/^measured 2 indicators × 6 months \(2020-01 … 2020-06\): [\d,]+ result rows in \d+\.\d s\n$/);
  });

  it('measures the whole library by default', async () => {
    const out = await gpnet('measure', '--db', db, '--from', '2020-01', '--to', '2020-02');
    expect(out).toMatch(/^measured \d+ indicators × 2 months/);
  });

  it('refuses unknown indicators, bad months and missing stores', async () => {
    await expect(gpnet('measure', '--db', db, '--indicator', 'no-such-thing')).rejects.toThrow(UserError);
    await expect(gpnet('measure', '--db', db, '--indicator', 'no-such-thing')).rejects.toThrow(/unknown indicator no-such-thing; known: .*dm-register/);
    await expect(gpnet('measure', '--db', db, '--from', '2020-1', '--to', '2020-02')).rejects.toThrow(/from: not a month \(YYYY-MM\): "2020-1"/);
    await expect(gpnet('measure', '--db', join(work, 'missing.duckdb'))).rejects.toThrow(/no store at/);
  });
});

describe('gpnet export results', () => {
  it('prints CSV with exactly the result columns, filtered by indicator', async () => {
    const rows = parseCsv(await gpnet('export', 'results', '--db', db, '--format', 'csv', '--indicator', 'dm-register'));
    expect(rows[0]).toEqual([...RESULT_COLUMNS]);
    const body = rows.slice(1);
    expect(body.length).toBeGreaterThan(0);
    expect(new Set(body.map((r) => r[0]))).toEqual(new Set(['dm-register']));
    expect(new Set(body.map((r) => r[1]))).toEqual(new Set(['collaboration', 'network', 'practice']));
    // Collaboration first within a month; counts have no CI.
    expect(body[0]?.[1]).toBe('collaboration');
    expect(body.every((r) => r[7] === '' && r[8] === '')).toBe(true);
  });

  it('prints JSON objects with the same columns, filtered by organisation', async () => {
    const json = JSON.parse(await gpnet('export', 'results', '--db', db, '--format', 'json', '--org', 'ZZP001')) as Record<string, unknown>[];
    expect(json.length).toBeGreaterThan(0);
    for (const r of json) {
      expect(Object.keys(r)).toEqual([...RESULT_COLUMNS]);
      expect(r['org_code']).toBe('ZZP001');
      expect(typeof r['numerator']).toBe('number');
      expect(r['period_end']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const proportion = json.find((r) => r['indicator_id'] === 'hyp-bp-140-90' && r['period_end'] === '2020-06-30');
    expect(proportion?.['value']).toBeCloseTo((100 * Number(proportion?.['numerator'])) / Number(proportion?.['denominator']), 9);
  });

  it('refuses an unknown format and filters that match nothing', async () => {
    await expect(gpnet('export', 'results', '--db', db, '--format', 'xml')).rejects.toThrow(/--format must be csv or json/);
    await expect(gpnet('export', 'results', '--db', db, '--format', 'csv', '--indicator', 'nope')).rejects.toThrow(/no stored results for indicator nope/);
  });
});
