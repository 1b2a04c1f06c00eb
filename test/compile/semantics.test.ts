/**
 * Small hand-checked cases: each proves one rule of docs/INDICATORS.md in the compiled SQL.
 * Most cases give every patient a practice of their own (PA, PB, …) so that each result row
 * reads as "this patient, at this R: in the numerator or not".
 */
import { describe, expect, it } from 'vitest';
import type { IndicatorDefinition } from '../../src/indicators/definition.js';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { defineIndicator } from '../fixtures/define.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { brief, codelists, compute, storeWith } from './helpers.js';

const LISTS = new Map([
  ...codelists({
    dx: ['DX'],
    res: ['RES'],
    val: ['VAL'],
    ev: ['EV'],
    smok: ['S1', 'S2'],
    cur: ['S1'],
    ref: ['REF'],
    att: ['ATT'],
  }),
  ...codelists({ med: ['M1', 'M2'] }, 'dmd'),
]);

type Body = Parameters<typeof defineIndicator>[1];
const ind = (body: Body, id = 'x') => defineIndicator(id, body, LISTS);
const everyone: IndicatorDefinition['population'] = { age: { min: 0, unit: 'years' } };

/** Results of one indicator as "practice R: numerator/denominator". */
async function run(x: ExtractBuilder, body: Body, periods: string[]): Promise<string[]> {
  return brief(await compute(x.build(), LISTS, [ind(body)], periods));
}

const JAN_MAR_2012 = ['2012-01-31', '2012-02-29', '2012-03-31'];

describe('who is counted at R', () => {
  it('registration end is exclusive, death on R excludes, transfers move the patient, empty practices have no row', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'P1', '2012-01-15') // from mid-January
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'P1', '2011-01-01', '2012-02-29') // end = R: not registered at 2012-02-29
      .patient(3, '1970-01-01', 'F')
      .registered(3, 'P1', '2011-01-01', '2012-03-01') // still registered at 2012-02-29
      .patient(4, '1970-01-01', 'M', '2012-02-29') // dies on R
      .registered(4, 'P1', '2011-01-01')
      .patient(5, '1970-01-01', 'M', '2012-03-01') // dies the day after R
      .registered(5, 'P1', '2011-01-01')
      .patient(6, '1970-01-01', 'M')
      .registered(6, 'P1', '2011-01-01', '2012-02-01') // transfers P1 → P2 on 1 February
      .registered(6, 'P2', '2012-02-01')
      .patient(7, '1970-01-01', 'F')
      .registered(7, 'P2', '2012-02-29'); // joins on R
    expect(await run(x, { kind: 'count', population: everyone }, JAN_MAR_2012)).toEqual([
      'P1 2012-01-31: 6/6',
      'P1 2012-02-29: 3/3',
      'P2 2012-02-29: 2/2',
      'P1 2012-03-31: 1/1', // 3 left on 1 March, 5 died on 1 March
      'P2 2012-03-31: 2/2',
    ]);
  });

  it('gives practices with a list but nobody in the population a 0/0 row', async () => {
    const x = new ExtractBuilder().patient(1, '1970-01-01', 'F').registered(1, 'P1', '2000-01-01');
    expect(await run(x, { kind: 'proportion', population: { on_register: { codelist: 'dx' } }, numerator: { sex: 'F' } }, ['2012-01-31'])).toEqual([
      'P1 2012-01-31: 0/0',
    ]);
  });
});

describe('windows', () => {
  it('{months: 12} at R = 2012-02-29 is 2011-03-01 … 2012-02-29', async () => {
    const x = new ExtractBuilder();
    const dates = { PA: '2011-03-01', PB: '2011-02-28', PC: '2012-03-01', PD: '2012-02-29' };
    Object.entries(dates).forEach(([practice, date], i) => x.patient(i + 1, '1970-01-01', 'F').registered(i + 1, practice, '2000-01-01').event(i + 1, 'ELSEWHERE', date, 'EV'));
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { has_event: { codelist: 'ev', window: { months: 12 } } } }, JAN_MAR_2012)).toEqual([
      'PA 2012-01-31: 1/1', // 2011-03-01 in 2011-02-01 … 2012-01-31
      'PB 2012-01-31: 1/1', // 2011-02-28 in
      'PC 2012-01-31: 0/1', // in the future
      'PD 2012-01-31: 0/1',
      'PA 2012-02-29: 1/1', // 2011-03-01 is the first day of the window
      'PB 2012-02-29: 0/1', // one day too old
      'PC 2012-02-29: 0/1',
      'PD 2012-02-29: 1/1', // on R
      'PA 2012-03-31: 0/1', // window now starts 2011-04-01
      'PB 2012-03-31: 0/1',
      'PC 2012-03-31: 1/1',
      'PD 2012-03-31: 1/1',
    ]);
  });

  it('{days: 30} at R = 2012-03-31 is 2012-03-02 … 2012-03-31', async () => {
    const x = new ExtractBuilder();
    ['2012-03-02', '2012-03-01'].forEach((date, i) => x.patient(i + 1, '1970-01-01', 'F').registered(i + 1, ['PA', 'PB'][i] as string, '2000-01-01').event(i + 1, 'P', date, 'EV'));
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { has_event: { codelist: 'ev', window: { days: 30 } } } }, ['2012-03-31'])).toEqual([
      'PA 2012-03-31: 1/1',
      'PB 2012-03-31: 0/1',
    ]);
  });

  it('{before_age_months: 11} for someone born 2010-03-31 ends before 2011-02-28 (clamped)', async () => {
    const x = new ExtractBuilder()
      .patient(1, '2010-03-31', 'F')
      .registered(1, 'PA', '2010-03-31')
      .event(1, 'P', '2011-02-27', 'EV')
      .patient(2, '2010-03-31', 'F')
      .registered(2, 'PB', '2010-03-31')
      .event(2, 'P', '2011-02-28', 'EV');
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { has_event: { codelist: 'ev', window: { before_age_months: 11 } } } }, ['2011-01-31', '2012-12-31'])).toEqual([
      'PA 2011-01-31: 0/1', // the event is after R
      'PB 2011-01-31: 0/1',
      'PA 2012-12-31: 1/1',
      'PB 2012-12-31: 0/1',
    ]);
  });

  it('{from_age_months, before_age_months} is a half-open age band', async () => {
    const x = new ExtractBuilder();
    // Born 2010-01-31: 6 months old on 2010-07-31, 12 months on 2011-01-31.
    ['2010-07-30', '2010-07-31', '2011-01-30', '2011-01-31'].forEach((date, i) =>
      x.patient(i + 1, '2010-01-31', 'F').registered(i + 1, `P${i + 1}`, '2010-01-31').event(i + 1, 'P', date, 'EV'),
    );
    expect(
      await run(x, { kind: 'proportion', population: everyone, numerator: { has_event: { codelist: 'ev', window: { from_age_months: 6, before_age_months: 12 } } } }, [
        '2011-12-31',
      ]),
    ).toEqual(['P1 2011-12-31: 0/1', 'P2 2011-12-31: 1/1', 'P3 2011-12-31: 1/1', 'P4 2011-12-31: 0/1']);
  });
});

describe('age', () => {
  it('counts completed months, clamping birthdays on the 29th–31st to short months', async () => {
    const x = new ExtractBuilder()
      .patient(1, '2011-02-28', 'F') // 12 months on 2012-02-28 → 1 year at 2012-02-29
      .registered(1, 'PA', '2011-02-28')
      .patient(2, '2011-03-01', 'F') // 11 months at 2012-02-29
      .registered(2, 'PB', '2011-03-01')
      .patient(3, '2012-02-29', 'F') // leap-day birth: 12 months at 2013-02-28
      .registered(3, 'PC', '2012-02-29')
      .patient(4, '2012-01-31', 'F') // 1 month at 2012-02-29 (born on the 31st)
      .registered(4, 'PD', '2012-01-31');
    const periods = ['2012-01-31', '2012-02-29', '2013-01-31', '2013-02-28'];
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { age: { min: 1, unit: 'years' } } }, periods)).toEqual([
      'PA 2012-01-31: 0/1',
      'PB 2012-01-31: 0/1',
      'PD 2012-01-31: 0/1',
      'PA 2012-02-29: 1/1',
      'PB 2012-02-29: 0/1',
      'PC 2012-02-29: 0/1',
      'PD 2012-02-29: 0/1',
      'PA 2013-01-31: 1/1',
      'PB 2013-01-31: 1/1',
      'PC 2013-01-31: 0/1',
      'PD 2013-01-31: 1/1',
      'PA 2013-02-28: 1/1',
      'PB 2013-02-28: 1/1',
      'PC 2013-02-28: 1/1',
      'PD 2013-02-28: 1/1',
    ]);
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { age: { min: 1, max: 1, unit: 'months' } } }, ['2012-02-29', '2012-03-31'])).toEqual([
      'PA 2012-02-29: 0/1',
      'PB 2012-02-29: 0/1',
      'PC 2012-02-29: 0/1', // 0 months
      'PD 2012-02-29: 1/1', // 1 month
      'PA 2012-03-31: 0/1',
      'PB 2012-03-31: 0/1',
      'PC 2012-03-31: 1/1',
      'PD 2012-03-31: 0/1', // 2 months
    ]);
  });

  it('max is inclusive in completed years', async () => {
    const x = new ExtractBuilder().patient(1, '2011-02-28', 'F').registered(1, 'PA', '2011-02-28');
    expect(await run(x, { kind: 'count', population: { age: { max: 0, unit: 'years' } } }, ['2012-01-31', '2012-02-29'])).toEqual([
      'PA 2012-01-31: 1/1',
      'PA 2012-02-29: 0/1',
    ]);
  });
});

describe('criteria', () => {
  it('on_register: a resolved code on or after the latest diagnosis resolves; a new diagnosis re-registers; any practice counts', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'OLD', '2012-01-10', 'DX')
      .event(1, 'OLD', '2012-02-10', 'RES')
      .event(1, 'PA', '2012-03-05', 'DX')
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'PB', '2000-01-01')
      .event(2, 'PB', '2012-01-10', 'DX')
      .event(2, 'PB', '2012-01-10', 'RES') // same day: resolved
      .patient(3, '1970-01-01', 'F')
      .registered(3, 'PC', '2000-01-01')
      .event(3, 'PC', '2011-06-01', 'RES')
      .event(3, 'PC', '2012-01-10', 'DX');
    expect(await run(x, { kind: 'count', population: { on_register: { codelist: 'dx', resolved_by: 'res' } } }, JAN_MAR_2012)).toEqual([
      'PA 2012-01-31: 1/1',
      'PB 2012-01-31: 0/1',
      'PC 2012-01-31: 1/1',
      'PA 2012-02-29: 0/1',
      'PB 2012-02-29: 0/1',
      'PC 2012-02-29: 1/1',
      'PA 2012-03-31: 1/1',
      'PB 2012-03-31: 0/1',
      'PC 2012-03-31: 1/1',
    ]);
  });

  it('has_event: value comparisons skip events without a value; min_count counts events in the window', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'P', '2011-12-01', 'VAL', 150)
      .event(1, 'P', '2012-01-20', 'VAL', 145)
      .event(1, 'P', '2012-02-01', 'VAL', null)
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'PB', '2000-01-01')
      .event(2, 'P', '2012-01-20', 'VAL', 150)
      .event(2, 'P', '2012-02-20', 'VAL', 120);
    const body: Body = {
      kind: 'proportion',
      population: everyone,
      numerator: { has_event: { codelist: 'val', window: { days: 60 }, value: { op: '>', value: 140 }, min_count: 2 } },
    };
    // 2012-01-31: window 2011-12-03 … → PA has only 145 (150 on 12-01 is too old): 1 event.
    expect(await run(x, body, ['2012-01-31', '2011-12-31'])).toEqual(['PA 2011-12-31: 0/1', 'PB 2011-12-31: 0/1', 'PA 2012-01-31: 0/1', 'PB 2012-01-31: 0/1']);
    const wider: Body = { ...body, numerator: { has_event: { codelist: 'val', window: { days: 61 }, value: { op: '>', value: 140 }, min_count: 2 } } };
    // days 61: window starts 2011-12-02 — still excludes 12-01; days 62 would include it.
    expect(await run(x, wider, ['2012-01-31'])).toEqual(['PA 2012-01-31: 0/1', 'PB 2012-01-31: 0/1']);
    const widest: Body = { ...body, numerator: { has_event: { codelist: 'val', window: { days: 62 }, value: { op: '>', value: 140 }, min_count: 2 } } };
    expect(await run(x, widest, ['2012-01-31', '2012-02-29'])).toEqual(['PA 2012-01-31: 1/1', 'PB 2012-01-31: 0/1', 'PA 2012-02-29: 0/1', 'PB 2012-02-29: 0/1']);
  });

  it('latest_value: the latest dated value in the window, lowest on ties, ignoring events without a value', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'P', '2012-01-05', 'VAL', 50)
      .event(1, 'P', '2012-01-20', 'VAL', null) // no value: ignored
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'PB', '2000-01-01')
      .event(2, 'P', '2012-01-20', 'VAL', 60)
      .event(2, 'P', '2012-01-20', 'VAL', 55) // same day: the lowest counts
      .patient(3, '1970-01-01', 'F')
      .registered(3, 'PC', '2000-01-01')
      .event(3, 'P', '2011-06-01', 'VAL', 40)
      .event(3, 'P', '2012-01-20', 'VAL', 70) // the latest decides, even if an earlier one met the target
      .patient(4, '1970-01-01', 'F')
      .registered(4, 'PD', '2000-01-01')
      .event(4, 'P', '2011-01-15', 'VAL', 40); // in the window at 2011-12-31, not at 2012-01-31
    const body: Body = { kind: 'proportion', population: everyone, numerator: { latest_value: { codelist: 'val', window: { months: 12 }, compare: { op: '<=', value: 58 } } } };
    expect(await run(x, body, ['2011-12-31', '2012-01-31'])).toEqual([
      'PA 2011-12-31: 0/1',
      'PB 2011-12-31: 0/1',
      'PC 2011-12-31: 1/1',
      'PD 2011-12-31: 1/1',
      'PA 2012-01-31: 1/1',
      'PB 2012-01-31: 1/1',
      'PC 2012-01-31: 0/1',
      'PD 2012-01-31: 0/1',
    ]);
  });

  it('latest_code: the code of the latest event; any event on the latest date may match', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'P', '2012-01-10', 'S2')
      .event(1, 'P', '2012-01-20', 'S1')
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'PB', '2000-01-01')
      .event(2, 'P', '2012-01-10', 'S1')
      .event(2, 'P', '2012-01-20', 'S2')
      .patient(3, '1970-01-01', 'F')
      .registered(3, 'PC', '2000-01-01')
      .event(3, 'P', '2012-01-20', 'S2')
      .event(3, 'P', '2012-01-20', 'S1');
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { latest_code: { among: 'smok', in: 'cur' } } }, ['2012-01-31'])).toEqual([
      'PA 2012-01-31: 1/1',
      'PB 2012-01-31: 0/1',
      'PC 2012-01-31: 1/1',
    ]);
  });

  it('first_event: the earliest-ever event must fall in the window', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'P', '2011-06-15', 'DX')
      .event(1, 'P', '2012-03-10', 'DX'); // a later diagnosis does not make it "first"
    // {months: 9}: at 2012-02-29 the window starts 2011-06-01, at 2012-03-31 it starts 2011-07-01.
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { first_event: { codelist: 'dx', window: { months: 9 } } } }, JAN_MAR_2012)).toEqual([
      'PA 2012-01-31: 1/1',
      'PA 2012-02-29: 1/1',
      'PA 2012-03-31: 0/1',
    ]);
  });

  it('medication: issues with a dm+d code in the list, counted in the window', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .medication(1, 'P', '2011-09-15', 'M1')
      .medication(1, 'P', '2012-02-15', 'M2')
      .medication(1, 'P', '2012-02-16', 'M9'); // not in the list
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { medication: { codelist: 'med', window: { months: 6 }, min_count: 2 } } }, JAN_MAR_2012)).toEqual([
      'PA 2012-01-31: 0/1', // one issue so far
      'PA 2012-02-29: 1/1', // 2011-09-15 and 2012-02-15 in 2011-09-01 … 2012-02-29
      'PA 2012-03-31: 0/1', // 2011-09-15 has left the window
    ]);
  });

  it('event_then: B within within_days of A and on or before R', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'P', '2012-01-25', 'REF')
      .event(1, 'P', '2012-02-03', 'ATT') // 9 days later, after the January R
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'PB', '2000-01-01')
      .event(2, 'P', '2012-01-10', 'REF')
      .event(2, 'P', '2012-01-25', 'ATT') // 15 days: too late for within_days 14
      .patient(3, '1970-01-01', 'F')
      .registered(3, 'PC', '2000-01-01')
      .event(3, 'P', '2012-01-10', 'ATT') // B before A does not count
      .event(3, 'P', '2012-01-11', 'REF');
    const body: Body = {
      kind: 'proportion',
      population: everyone,
      numerator: { event_then: { first: { codelist: 'ref', window: { months: 12 } }, then: { codelist: 'att', within_days: 14 } } },
    };
    expect(await run(x, body, ['2012-01-31', '2012-02-29'])).toEqual([
      'PA 2012-01-31: 0/1',
      'PB 2012-01-31: 0/1',
      'PC 2012-01-31: 0/1',
      'PA 2012-02-29: 1/1',
      'PB 2012-02-29: 0/1',
      'PC 2012-02-29: 0/1',
    ]);
    // A's window applies to A: a year later the January referral has left a 12-month window.
    expect(await run(x, body, ['2013-01-31'])).toEqual(['PA 2013-01-31: 0/1', 'PB 2013-01-31: 0/1', 'PC 2013-01-31: 0/1']);
    expect(await run(x, body, ['2012-12-31'])).toEqual(['PA 2012-12-31: 1/1', 'PB 2012-12-31: 0/1', 'PC 2012-12-31: 0/1']);
  });

  it('sex, registered_for (the current registration) and all/any/not', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2011-11-01') // 3 months by 2012-01-31 (2011-11-01 ≤ 2011-11-01)
      .patient(2, '1970-01-01', 'M')
      .registered(2, 'PB', '2011-11-02') // one day short at 2012-01-31
      .patient(3, '1970-01-01', 'F')
      .registered(3, 'PX', '2005-01-01', '2012-01-15') // transfers: the clock restarts at PC
      .registered(3, 'PC', '2012-01-15');
    const body: Body = { kind: 'proportion', population: everyone, numerator: { registered_for: { months: 3 } } };
    expect(await run(x, body, ['2012-01-31', '2012-02-29', '2012-04-30'])).toEqual([
      'PA 2012-01-31: 1/1',
      'PB 2012-01-31: 0/1',
      'PC 2012-01-31: 0/1',
      'PA 2012-02-29: 1/1',
      'PB 2012-02-29: 1/1',
      'PC 2012-02-29: 0/1',
      'PA 2012-04-30: 1/1',
      'PB 2012-04-30: 1/1',
      'PC 2012-04-30: 1/1', // 2012-01-15 ≤ 2012-02-01
    ]);
    const combined: Body = {
      kind: 'proportion',
      population: everyone,
      numerator: { any: [{ all: [{ sex: 'F' }, { not: { registered_for: { months: 3 } } }] }, { sex: 'M' }] },
    };
    expect(await run(x, combined, ['2012-01-31'])).toEqual(['PA 2012-01-31: 0/1', 'PB 2012-01-31: 1/1', 'PC 2012-01-31: 1/1']);
  });

  it('matches codes exactly', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'PA', '2000-01-01')
      .event(1, 'P', '2012-01-10', 'ev')
      .event(1, 'P', '2012-01-10', 'EV ')
      .event(1, 'P', '2012-01-10', 'EVX');
    expect(await run(x, { kind: 'proportion', population: everyone, numerator: { has_event: { codelist: 'ev' } } }, ['2012-01-31'])).toEqual(['PA 2012-01-31: 0/1']);
  });
});

describe('kinds of indicator', () => {
  const register: IndicatorDefinition['population'] = { on_register: { codelist: 'dx' } };

  it('proportion: exclusions remove only patients who miss the numerator', async () => {
    const x = new ExtractBuilder();
    // 1: met, excluded → stays in both; 2: not met, excluded → leaves; 3: met; 4: not met.
    for (let id = 1; id <= 4; id++) x.patient(id, '1970-01-01', 'F').registered(id, 'P1', '2000-01-01').event(id, 'P1', '2011-01-01', 'DX');
    x.event(1, 'P1', '2012-01-05', 'EV').event(1, 'P1', '2012-01-06', 'RES');
    x.event(2, 'P1', '2012-01-06', 'RES');
    x.event(3, 'P1', '2012-01-05', 'EV');
    const body: Body = {
      kind: 'proportion',
      population: register,
      numerator: { has_event: { codelist: 'ev', window: { months: 12 } } },
      exclusions: [{ has_event: { codelist: 'res', window: { months: 12 } } }],
    };
    expect(await run(x, body, ['2012-01-31'])).toEqual(['P1 2012-01-31: 2/3']);
  });

  it('mean: latest value per patient (lowest on ties), transformed; sum of squares', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'P1', '2000-01-01')
      .event(1, 'P1', '2000-01-01', 'DX')
      .event(1, 'P1', '2012-01-10', 'VAL', 64)
      .event(1, 'P1', '2012-01-10', 'VAL', 53)
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'P1', '2000-01-01')
      .event(2, 'P1', '2000-01-01', 'DX')
      .event(2, 'P1', '2011-05-01', 'VAL', 86)
      .patient(3, '1970-01-01', 'F') // on the register, no value: not in the mean
      .registered(3, 'P1', '2000-01-01')
      .event(3, 'P1', '2000-01-01', 'DX');
    const engine = await storeWith(x.build(), LISTS);
    const [row] = await computeRaw(engine, [ind({ kind: 'mean', population: register, value: { codelist: 'val', window: { months: 12 }, transform: 'ifcc_to_dcct' } })], ['2012-01-31']);
    await engine.close();
    const a = 53 / 10.929 + 2.15;
    const b = 86 / 10.929 + 2.15;
    expect(row?.denominator).toBe(2);
    expect(row?.numerator).toBeCloseTo(a + b, 12);
    expect(row?.sum_sq).toBeCloseTo(a * a + b * b, 10);
  });

  it('count: the population (or its numerator) over the practice list size', async () => {
    const x = new ExtractBuilder();
    for (let id = 1; id <= 5; id++) x.patient(id, '1970-01-01', id <= 3 ? 'F' : 'M').registered(id, 'P1', '2000-01-01');
    x.event(1, 'P', '2010-01-01', 'DX').event(2, 'P', '2010-01-01', 'DX').event(4, 'P', '2010-01-01', 'DX');
    expect(await run(x, { kind: 'count', population: register }, ['2012-01-31'])).toEqual(['P1 2012-01-31: 3/5']);
    expect(await run(x, { kind: 'count', population: register, numerator: { sex: 'F' } }, ['2012-01-31'])).toEqual(['P1 2012-01-31: 2/5']);
  });

  it('rate_per_1000: admissions by method and ICD-10 prefix (dots ignored), and events, in the window', async () => {
    const x = new ExtractBuilder()
      .patient(1, '1970-01-01', 'F')
      .registered(1, 'P1', '2000-01-01')
      .event(1, 'P', '2010-01-01', 'DX')
      .admission(1, '2011-06-01', 'emergency', 'J44.1')
      .admission(1, '2011-06-02', 'emergency', 'J441')
      .admission(1, '2011-06-03', 'elective', 'J44.1') // elective
      .admission(1, '2011-06-04', 'emergency', 'J45') // other cause
      .admission(1, '2010-12-31', 'emergency', 'J44') // before the window (2011-01-01 … 2011-12-31)
      .patient(2, '1970-01-01', 'F')
      .registered(2, 'P1', '2000-01-01')
      .event(2, 'P', '2010-01-01', 'DX')
      .admission(2, '2011-12-31', 'emergency', 'J44.9')
      .patient(3, '1970-01-01', 'F') // not in the population
      .registered(3, 'P1', '2000-01-01')
      .admission(3, '2011-06-01', 'emergency', 'J44.1');
    const admissions: Body = {
      kind: 'rate_per_1000',
      population: register,
      count: { admissions: { method: 'emergency', icd10_prefixes: ['J44.1', 'J449'], window: { months: 12 } } },
    };
    expect(await run(x, admissions, ['2011-12-31'])).toEqual(['P1 2011-12-31: 3/2']);
    const anyMethod: Body = { ...admissions, count: { admissions: { method: 'any', icd10_prefixes: ['J4'], window: { months: 12 } } } };
    expect(await run(x, anyMethod, ['2011-12-31'])).toEqual(['P1 2011-12-31: 5/2']);
    x.event(1, 'P', '2011-03-01', 'EV').event(1, 'P', '2011-03-01', 'EV').event(2, 'P', '2010-12-31', 'EV');
    const events: Body = { kind: 'rate_per_1000', population: register, count: { events: { codelist: 'ev', window: { months: 12 } } } };
    expect(await run(x, events, ['2011-12-31'])).toEqual(['P1 2011-12-31: 2/2']);
  });
});

describe('computeRaw input', () => {
  it('rejects reference dates that are not month ends', async () => {
    const engine = await storeWith(new ExtractBuilder().build(), LISTS);
    await expect(computeRaw(engine, [ind({ kind: 'count', population: everyone })], ['2012-02-28'])).rejects.toThrow(/month ends/);
    await engine.close();
  });

  it('returns nothing for no periods or no indicators, and leaves no temporary tables behind', async () => {
    const engine = await storeWith(new ExtractBuilder().patient(1, '1970-01-01', 'F').registered(1, 'P1', '2000-01-01').build(), LISTS);
    expect(await computeRaw(engine, [], ['2012-01-31'])).toEqual([]);
    expect(await computeRaw(engine, [ind({ kind: 'count', population: everyone })], [])).toEqual([]);
    expect(await computeRaw(engine, [ind({ kind: 'count', population: everyone })], ['2012-01-31'])).toHaveLength(1);
    const temps = await engine.all(`SELECT table_name FROM duckdb_tables() WHERE temporary`);
    expect(temps).toEqual([]);
    await engine.close();
  });
});

describe('codelists in the store', () => {
  it('refuses to compute with a codelist missing from codelist_code', async () => {
    const engine = await storeWith(new ExtractBuilder().patient(1, '1970-01-01', 'F').registered(1, 'P1', '2000-01-01').build(), codelists({ dx: ['DX'] }));
    await expect(computeRaw(engine, [ind({ kind: 'count', population: { all: [{ on_register: { codelist: 'dx' } }, { has_event: { codelist: 'ev' } }] } })], ['2012-01-31'])).rejects.toThrow(
      /codelist ev not in the store's codelist_code/,
    );
    await engine.close();
  });
});
