import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  completedMonths,
  completedYears,
  daysInMonth,
  isIsoDate,
  isLeapYear,
  isMonthEnd,
  monthEndOf,
  monthEndsBetween,
  parseIsoDate,
} from './dates.js';

describe('calendar basics', () => {
  it('knows leap years, including the century rules', () => {
    expect([2000, 2004, 2024].map(isLeapYear)).toEqual([true, true, true]);
    expect([1900, 2023, 2100].map(isLeapYear)).toEqual([false, false, false]);
  });
  it('knows month lengths', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2023, 4)).toBe(30);
    expect(daysInMonth(2023, 12)).toBe(31);
  });
  it('accepts only real dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-04-31')).toBe(false);
    expect(isIsoDate('2023-4-01')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(() => parseIsoDate('2023-02-30')).toThrow(/2023-02-30/);
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
    expect(addDays('2024-03-31', -366)).toBe('2023-03-31');
    expect(addDays('2024-03-31', 0)).toBe('2024-03-31');
  });
});

describe('addMonths (end-of-month clamping)', () => {
  it('keeps the day of month when it exists', () => {
    expect(addMonths('2024-01-15', 1)).toBe('2024-02-15');
    expect(addMonths('2024-01-15', -13)).toBe('2022-12-15');
    expect(addMonths('2024-01-15', 0)).toBe('2024-01-15');
  });
  it('clamps to the last day of a shorter month', () => {
    expect(addMonths('2012-02-29', 12)).toBe('2013-02-28');
    expect(addMonths('2010-03-31', -1)).toBe('2010-02-28');
    expect(addMonths('2012-03-31', -1)).toBe('2012-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2023-01-31', 3)).toBe('2023-04-30');
    expect(addMonths('2012-02-29', 48)).toBe('2016-02-29');
  });
  it('does not restore a clamped day (no memory of the 31st)', () => {
    expect(addMonths(addMonths('2023-01-31', 1), 1)).toBe('2023-03-28');
    expect(addMonths('2023-01-31', 2)).toBe('2023-03-31');
  });
  it('gives the window starts of docs/INDICATORS.md for month-end R', () => {
    // {months: 15} at R = 2024-03-31: addMonths(2024-04-01, -15) = 2023-01-01.
    expect(addMonths(addDays('2024-03-31', 1), -15)).toBe('2023-01-01');
    // {months: 12} at R = 2024-02-29: addMonths(2024-03-01, -12) = 2023-03-01.
    expect(addMonths(addDays('2024-02-29', 1), -12)).toBe('2023-03-01');
  });
});

describe('completed age', () => {
  it('completes a month on the same day of month', () => {
    expect(completedMonths('2020-05-15', '2020-06-14')).toBe(0);
    expect(completedMonths('2020-05-15', '2020-06-15')).toBe(1);
    expect(completedMonths('2020-05-15', '2020-05-15')).toBe(0);
  });
  it('has birthdays on the birthday, not the day after', () => {
    expect(completedYears('2000-03-31', '2024-03-30')).toBe(23);
    expect(completedYears('2000-03-31', '2024-03-31')).toBe(24);
    expect(completedMonths('2022-03-31', '2024-03-31')).toBe(24);
    expect(completedMonths('2022-03-31', '2024-03-30')).toBe(23);
  });
  it('lets someone born on the 31st complete a month at the end of a shorter month', () => {
    expect(completedMonths('2023-01-31', '2023-02-27')).toBe(0);
    expect(completedMonths('2023-01-31', '2023-02-28')).toBe(1);
    expect(completedMonths('2023-01-31', '2023-04-29')).toBe(2);
    expect(completedMonths('2023-01-31', '2023-04-30')).toBe(3);
    expect(completedMonths('2023-03-31', '2023-04-30')).toBe(1);
  });
  it('gives someone born on 29 February a birthday on 28 February in common years', () => {
    expect(completedYears('2020-02-29', '2021-02-27')).toBe(0);
    expect(completedYears('2020-02-29', '2021-02-28')).toBe(1);
    expect(completedYears('2020-02-29', '2024-02-28')).toBe(3);
    expect(completedYears('2020-02-29', '2024-02-29')).toBe(4);
    expect(completedMonths('2020-02-29', '2020-03-28')).toBe(0);
    expect(completedMonths('2020-02-29', '2020-03-29')).toBe(1);
  });
  it('is negative before birth', () => {
    expect(completedMonths('2020-05-15', '2020-05-14')).toBe(-1);
    expect(completedYears('2020-05-15', '2020-05-14')).toBe(-1);
  });
  it('equals the largest k with addMonths(birth, k) <= at, for every pair of days over four years', () => {
    const births = ['2019-01-31', '2019-02-28', '2020-02-29', '2019-03-30', '2019-12-31', '2019-06-01', '2019-06-15'];
    let checked = 0;
    for (const birth of births) {
      for (let offset = 0; offset < 4 * 366; offset += 1) {
        const at = addDays(birth, offset);
        let k = 0;
        while (addMonths(birth, k + 1) <= at) k += 1;
        expect(completedMonths(birth, at), `${birth} at ${at}`).toBe(k);
        checked += 1;
      }
    }
    expect(checked).toBe(7 * 4 * 366);
  });
});

describe('month ends', () => {
  it('finds month ends and lists them', () => {
    expect(monthEndOf('2024-02-10')).toBe('2024-02-29');
    expect(isMonthEnd('2023-02-28')).toBe(true);
    expect(isMonthEnd('2024-02-28')).toBe(false);
    expect(monthEndsBetween('2023-11-30', '2024-03-31')).toEqual(['2023-11-30', '2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31']);
  });
});
