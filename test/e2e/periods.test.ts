import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/util/csv.js';

/**
 * `gpnet measure`'s default window and sparse refusal, and `--period` on measure and export
 * results, driven through the built CLI on a 20,000-patient store (data to 2013-12-31; the
 * smallest practice, SYNP05, has its first patient in May 1995 with the history from 2004).
 */
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpnet-periods-'));
const db = join(work, 'periods.duckdb');

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Exported {
  indicator_id: string;
  org_code: string;
  period_end: string;
  value: number | null;
  period?: string;
}
function exported(...args: string[]): Exported[] {
  const r = gpnet('export', 'results', '--db', db, '--format', 'json', ...args);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Exported[];
}

beforeAll(() => {
  expect(gpnet('generate', '--patients', '20000', '--seed', '1', '--db', db).status).toBe(0);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('gpnet measure: the window', () => {
  it('measures the last 96 complete months by default and prints the window it chose', () => {
    const r = gpnet('measure', '--db', db, '--indicator', 'dm-register', 'hyp-bp-140-90');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^measuring 2006-01 … 2013-12 \(the last 96 complete months of data; --from\/--to to choose\)\n/);
    expect(r.stdout).toMatch(/^measured 2 indicators × 96 months \(2006-01 … 2013-12\): /);
    const months = new Set(exported('--indicator', 'dm-register').map((x) => x.period_end));
    expect(months.size).toBe(96);
    expect([...months].sort()[0]).toBe('2006-01-31');
  }, 60_000);

  it('measures 96 months ending at --to alone', () => {
    const r = gpnet('measure', '--db', db, '--indicator', 'dm-register', '--to', '2009-12');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^measuring 2002-01 … 2009-12 \(the 96 months ending at --to; --from\/--to to choose\)/);
  }, 60_000);

  it('refuses a --from before every practice has registrations (exit 2, nothing written), and allows it with --allow-sparse', () => {
    const before = exported().length;
    const r = gpnet('measure', '--db', db, '--indicator', 'dm-register', '--from', '1990-01', '--to', '1990-12');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'gpnet: --from 1990-01 is before 1995-05, the first month in which every practice has registrations: 1 practice has none in 1990-01: ' +
        'SYNP05 (registrations from 1995-05). Start at 1995-05 or later, or add --allow-sparse to measure the sparse months anyway.\n',
    );
    expect(exported().length).toBe(before);
    const ok = gpnet('measure', '--db', db, '--indicator', 'dm-register', '--from', '1990-01', '--to', '1990-12', '--allow-sparse');
    expect(ok.status).toBe(0);
    expect(new Set(exported('--indicator', 'dm-register').filter((x) => x.period_end < '1991').map((x) => x.period_end)).size).toBe(12);
  }, 60_000);
});

describe('--period', () => {
  it('exports only the rows at quarter ends, QOF year ends or calendar year ends, with their labels', () => {
    const monthly = exported('--indicator', 'hyp-bp-140-90');
    const key = (x: Exported): string => `${x.org_code}|${x.period_end}`;
    const byKey = new Map(monthly.map((x) => [key(x), x]));
    const quarterly = exported('--indicator', 'hyp-bp-140-90', '--period', 'quarter');
    expect(new Set(quarterly.map((x) => x.period_end.slice(5, 7)))).toEqual(new Set(['03', '06', '09', '12']));
    expect(quarterly.length * 3).toBe(monthly.length);
    for (const q of quarterly) {
      // A quarter's value is the value at its last month end.
      expect({ ...q, period: undefined }).toEqual({ ...byKey.get(key(q)), period: undefined });
      expect(q.period).toBe(`${q.period_end.slice(0, 4)}-Q${Number(q.period_end.slice(5, 7)) / 3}`);
    }
    const qof = exported('--indicator', 'hyp-bp-140-90', '--period', 'year');
    expect(new Set(qof.map((x) => `${x.period_end} ${x.period}`))).toEqual(
      new Set(['2006-03-31 2005/06', '2007-03-31 2006/07', '2008-03-31 2007/08', '2009-03-31 2008/09', '2010-03-31 2009/10', '2011-03-31 2010/11', '2012-03-31 2011/12', '2013-03-31 2012/13']),
    );
    const calendar = exported('--indicator', 'hyp-bp-140-90', '--period', 'year', '--year-basis', 'calendar');
    expect(new Set(calendar.map((x) => x.period))).toEqual(new Set(['2006', '2007', '2008', '2009', '2010', '2011', '2012', '2013']));
    for (const c of calendar) expect(c.period_end).toBe(`${c.period}-12-31`);
    // CSV keeps the result columns as they were and adds `period` after them.
    const csv = parseCsv(gpnet('export', 'results', '--db', db, '--format', 'csv', '--indicator', 'hyp-bp-140-90', '--period', 'quarter').stdout);
    expect(csv[0]).toEqual(['indicator_id', 'org_kind', 'org_code', 'period_end', 'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'target', 'rag', 'period']);
    // Without --period the export is as before: no period column.
    expect(Object.keys(monthly[0] ?? {})).not.toContain('period');
  }, 60_000);

  it('measures only at period ends and refuses a bad --period or --year-basis', () => {
    const r = gpnet('measure', '--db', db, '--indicator', 'dm-register', '--period', 'year', '--year-basis', 'calendar');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^measuring 2006-01 … 2013-12 at 8 calendar year ends \(the last 96 complete months of data/);
    expect(r.stdout).toMatch(/^measured 1 indicator × 8 calendar year ends \(2006-01 … 2013-12\)/);
    expect(new Set(exported('--indicator', 'dm-register').filter((x) => x.period_end >= '2006').map((x) => x.period_end.slice(5)))).toEqual(new Set(['12-31']));
    const bad = gpnet('measure', '--db', db, '--period', 'week');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--period: 'week' is not a period: use month, quarter or year/);
    const basis = gpnet('export', 'results', '--db', db, '--format', 'csv', '--year-basis', 'calendar');
    expect(basis.status).toBe(2);
    expect(basis.stderr).toMatch(/--year-basis is for --period year/);
  }, 60_000);
});
