import { describe, expect, it } from 'vitest';
import { ExtractBuilder } from '../../test/fixtures/extract-builder.js';
import { monthIndex } from '../model/reporting-period.js';
import { DuckDBEngine } from '../store/duckdb/duckdb-engine.js';
import { insertClinicalData } from '../store/load-data.js';
import { type DataCoverage, SparseWindowError, chooseMeasureWindow, firstFullMonth, readDataCoverage } from './measure-window.js';

/** A coverage with the given runs of months per practice ('YYYY-MM'..'YYYY-MM', or open-ended). */
function coverage(lastDate: string, lastComplete: string, runs: Record<string, [string, string | null][]>): DataCoverage {
  const practices = new Map(
    Object.entries(runs).map(([p, rs]) => [p, rs.map(([a, b]) => ({ first: monthIndex(a), last: b === null ? 999_999 : monthIndex(b) }))]),
  );
  return { lastDate, lastCompleteMonth: lastComplete, firstFullMonth: firstFullMonth(practices), practices };
}

describe('the data coverage of a store', () => {
  async function store(build: (x: ExtractBuilder) => void): Promise<DuckDBEngine> {
    const x = new ExtractBuilder().organisation('C', 'collaboration').organisation('N', 'network', 'C');
    for (const p of ['P1', 'P2', 'P3']) x.organisation(p, 'practice', 'N');
    build(x);
    const engine = await DuckDBEngine.open(':memory:');
    await insertClinicalData(engine, x.build());
    return engine;
  }

  it('finds the last complete month and the first month every practice has an active registration', async () => {
    const engine = await store((x) => {
      for (let id = 1; id <= 5; id++) x.patient(id, '1960-01-01', 'F');
      x.registered(1, 'P1', '1990-03-15');
      // P2: registered from 1992-07 until 1993-01-01 (exclusive: not active in January), then again from 1995-02.
      x.registered(2, 'P2', '1992-07-20', '1993-01-01').registered(3, 'P2', '1995-02-10');
      // P3: from 1994-05, left on 1996-02-02 (still active in February 1996), and another patient from 1996-01.
      x.registered(4, 'P3', '1994-05-01', '1996-02-02').registered(5, 'P3', '1996-01-31');
      x.event(1, 'P1', '2014-01-15', 'X');
    });
    const c = await readDataCoverage(engine);
    expect(c.lastDate).toBe('2014-01-15');
    expect(c.lastCompleteMonth).toBe('2013-12');
    // P1 from 1990-03; P2 has a gap from 1993-01 to 1995-01; P3 from 1994-05 → every practice from 1995-02.
    expect(c.firstFullMonth).toBe('1995-02');
    expect(c.practices.get('P2')).toEqual([
      { first: monthIndex('1992-07'), last: monthIndex('1992-12') },
      { first: monthIndex('1995-02'), last: 999_999 },
    ]);
    expect(c.practices.get('P3')).toEqual([{ first: monthIndex('1994-05'), last: 999_999 }]);
    await engine.close();
  });

  it('takes the latest registration start when it is later than the last event', async () => {
    const engine = await store((x) => {
      x.patient(1, '1960-01-01', 'F').registered(1, 'P1', '2013-12-31');
      x.event(1, 'P1', '2013-11-15', 'X');
    });
    const c = await readDataCoverage(engine);
    expect(c).toMatchObject({ lastDate: '2013-12-31', lastCompleteMonth: '2013-12', firstFullMonth: '2013-12' });
    await engine.close();
  });

  it('refuses a store with no registrations', async () => {
    const engine = await DuckDBEngine.open(':memory:');
    await expect(readDataCoverage(engine)).rejects.toThrow(/has no registrations: nothing to measure/);
    await engine.close();
  });
});

describe('the measurement window', () => {
  const c = coverage('2013-12-31', '2013-12', { P1: [['1938-06', null]], P2: [['1990-03', null]], P3: [['1989-01', null]] });

  it('defaults to the last 96 complete months and says so', () => {
    expect(chooseMeasureWindow({}, c)).toEqual({ from: '2006-01', to: '2013-12', reason: 'the last 96 complete months of data; --from/--to to choose' });
  });

  it('measures the 96 months ending at --to, or from --from to the last complete month', () => {
    expect(chooseMeasureWindow({ to: '2010-06' }, c)).toMatchObject({ from: '2002-07', to: '2010-06' });
    expect(chooseMeasureWindow({ from: '2000-01' }, c)).toMatchObject({ from: '2000-01', to: '2013-12' });
    expect(chooseMeasureWindow({ from: '2000-01', to: '2001-01' }, c)).toEqual({ from: '2000-01', to: '2001-01', reason: 'as asked' });
  });

  it('never starts a default window before every practice has data', () => {
    const late = coverage('2013-12-31', '2013-12', { P1: [['1938-06', null]], P2: [['2009-04', null]] });
    const w = chooseMeasureWindow({}, late);
    expect(w).toMatchObject({ from: '2009-04', to: '2013-12' });
    expect(w.reason).toMatch(/^the last 57 complete months of data, from 2009-04, the first month in which every practice has registrations/);
    expect(() => chooseMeasureWindow({ to: '2008-12' }, late)).toThrow(/--to 2008-12 is before 2009-04.*--allow-sparse/);
    expect(chooseMeasureWindow({ allowSparse: true }, late)).toMatchObject({ from: '2006-01' });
  });

  it('refuses a --from before the first full month, naming it and the practices without data, unless sparse windows are allowed', () => {
    expect(() => chooseMeasureWindow({ from: '1990-02' }, c)).toThrow(SparseWindowError);
    expect(() => chooseMeasureWindow({ from: '1938-06', to: '2013-12' }, c)).toThrow(
      '--from 1938-06 is before 1990-03, the first month in which every practice has registrations: 2 practices have none in 1938-06: ' +
        'P2 (registrations from 1990-03), P3 (registrations from 1989-01). Start at 1990-03 or later, or add --allow-sparse to measure the sparse months anyway.',
    );
    expect(chooseMeasureWindow({ from: '1938-06', to: '2013-12', allowSparse: true }, c)).toMatchObject({ from: '1938-06', to: '2013-12' });
    expect(chooseMeasureWindow({ from: '1990-03' }, c)).toMatchObject({ from: '1990-03' });
  });

  it('lists the first few practices without data, latest first, and counts the rest', () => {
    const runs: Record<string, [string, string | null][]> = { P0: [['1950-01', null]] };
    for (let i = 1; i <= 8; i++) runs[`P${i}`] = [[`199${i}-01`, null]];
    const msg = (() => {
      try {
        chooseMeasureWindow({ from: '1960-01' }, coverage('2013-12-31', '2013-12', runs));
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(msg).toMatch(/before 1998-01.*8 practices have none in 1960-01: P8 \(registrations from 1998-01\), P7 .*P4 \(registrations from 1994-01\) and 3 more\./);
  });

  it('refuses by the first full month only (a later lapse at one practice does not make a window sparse), and every window when no month is full', () => {
    const gap = coverage('2013-12-31', '2013-12', { P1: [['1990-01', null]], P2: [['1990-01', '1999-12'], ['2001-01', null]] });
    expect(gap.firstFullMonth).toBe('1990-01');
    expect(() => chooseMeasureWindow({ from: '2000-06' }, gap)).not.toThrow();
    const never = coverage('2013-12-31', '2013-12', { P1: [['1990-01', '1995-12']], P2: [['1996-01', null]] });
    expect(never.firstFullMonth).toBeNull();
    expect(() => chooseMeasureWindow({}, never)).toThrow(/no month has registrations at every practice.*--allow-sparse/);
  });
});
