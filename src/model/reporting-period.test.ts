import { describe, expect, it } from 'vitest';
import {
  ReportingPeriodError,
  atReportingPeriodEnds,
  isReportingPeriodEnd,
  lastCompleteMonth,
  monthCount,
  parseReportingPeriod,
  parseReportingPeriodLabel,
  reportingPeriodEndAt,
  reportingPeriodIndex,
  shiftMonth,
  reportingPeriodEnds,
  reportingPeriodLabel,
} from './reporting-period.js';

describe('reporting periods', () => {
  it('reads month, quarter and year and refuses anything else by name', () => {
    expect(parseReportingPeriod('Quarter')).toBe('quarter');
    expect(() => parseReportingPeriod('week')).toThrow(ReportingPeriodError);
    expect(() => parseReportingPeriod('week')).toThrow(/use month, quarter or year/);
  });

  it('closes quarters in March, June, September and December; QOF years in March; calendar years in December', () => {
    const ends = ['2010-01-31', '2010-03-31', '2010-06-30', '2010-09-30', '2010-11-30', '2010-12-31'];
    expect(ends.filter((e) => isReportingPeriodEnd(e, 'quarter'))).toEqual(['2010-03-31', '2010-06-30', '2010-09-30', '2010-12-31']);
    expect(ends.filter((e) => isReportingPeriodEnd(e, 'year'))).toEqual(['2010-03-31']);
    expect(ends.filter((e) => isReportingPeriodEnd(e, 'year', 'calendar'))).toEqual(['2010-12-31']);
    expect(ends.filter((e) => isReportingPeriodEnd(e, 'month'))).toEqual(ends);
  });

  it('labels quarters, QOF years (April–March) and calendar years', () => {
    expect(reportingPeriodLabel('2006-03-31', 'quarter')).toBe('2006-Q1');
    expect(reportingPeriodLabel('2010-09-30', 'quarter')).toBe('2010-Q3');
    expect(reportingPeriodLabel('2010-03-31', 'year')).toBe('2009/10');
    expect(reportingPeriodLabel('2010-04-30', 'year')).toBe('2010/11');
    expect(reportingPeriodLabel('1999-12-31', 'year')).toBe('1999/00');
    expect(reportingPeriodLabel('2010-12-31', 'year', 'calendar')).toBe('2010');
    expect(reportingPeriodLabel('2010-12-31', 'month')).toBe('2010-12');
  });

  it('takes a quarter’s value at the quarter end and a year’s at the year end', () => {
    const rows = ['2009-12-31', '2010-01-31', '2010-02-28', '2010-03-31', '2010-04-30'].map((period_end, i) => ({ period_end, value: i }));
    expect(atReportingPeriodEnds(rows, 'quarter').map((r) => r.value)).toEqual([0, 3]);
    expect(atReportingPeriodEnds(rows, 'year').map((r) => r.value)).toEqual([3]);
    expect(atReportingPeriodEnds(rows, 'year', 'calendar').map((r) => r.value)).toEqual([0]);
    expect(atReportingPeriodEnds(rows, 'month')).toHaveLength(5);
  });

  it('lists the period ends between two months, inclusive', () => {
    expect(reportingPeriodEnds('2006-01', '2006-12', 'quarter')).toEqual(['2006-03-31', '2006-06-30', '2006-09-30', '2006-12-31']);
    expect(reportingPeriodEnds('2007-01', '2012-12', 'year')).toEqual(['2007-03-31', '2008-03-31', '2009-03-31', '2010-03-31', '2011-03-31', '2012-03-31']);
    expect(reportingPeriodEnds('2008-02', '2008-03', 'month')).toEqual(['2008-02-29', '2008-03-31']);
    expect(() => reportingPeriodEnds('2010-02', '2010-01', 'month')).toThrow(/after the last month/);
    expect(() => reportingPeriodEnds('2010-13', '2011-01', 'month')).toThrow(/not a month end/);
  });

  it('counts and shifts months across year ends', () => {
    expect(shiftMonth('2013-12', -95)).toBe('2006-01');
    expect(shiftMonth('2006-01', 95)).toBe('2013-12');
    expect(shiftMonth('2010-03', 0)).toBe('2010-03');
    expect(monthCount('2006-01', '2013-12')).toBe(96);
    expect(monthCount('2010-05', '2010-05')).toBe(1);
    expect(monthCount('2010-06', '2010-05')).toBe(0);
  });

  it('takes the last complete month as the last month whose last day is on or before the last date of data', () => {
    expect(lastCompleteMonth('2013-12-31')).toBe('2013-12');
    expect(lastCompleteMonth('2013-12-30')).toBe('2013-11');
    expect(lastCompleteMonth('2014-01-15')).toBe('2013-12');
    expect(lastCompleteMonth('2012-02-29')).toBe('2012-02');
    expect(lastCompleteMonth('2012-02-28')).toBe('2012-01');
    expect(() => lastCompleteMonth('2013-12')).toThrow(/not a date/);
  });

  it('numbers periods consecutively and maps a month to the period containing it', () => {
    // Consecutive quarters and years differ by one, across year ends.
    expect(reportingPeriodIndex('2010-12', 'quarter') + 1).toBe(reportingPeriodIndex('2011-01-31', 'quarter'));
    expect(reportingPeriodIndex('2010-03', 'year')).toBe(2009);
    expect(reportingPeriodIndex('2010-04', 'year')).toBe(2010);
    expect(reportingPeriodIndex('2010-03', 'year', 'calendar')).toBe(2010);
    for (const [month, period, basis] of [
      ['2010-02', 'quarter', 'qof'],
      ['2010-05', 'year', 'qof'],
      ['2010-02', 'year', 'qof'],
      ['2010-02', 'year', 'calendar'],
      ['2010-02', 'month', 'qof'],
    ] as const) {
      const end = reportingPeriodEndAt(reportingPeriodIndex(month, period, basis), period, basis);
      // The end of the period containing the month is a period end, on or after the month, and in the same period.
      expect(isReportingPeriodEnd(end, period, basis)).toBe(true);
      expect(end.slice(0, 7) >= month).toBe(true);
      expect(reportingPeriodLabel(end, period, basis)).toBe(reportingPeriodLabel(`${month}-01`, period, basis));
    }
    expect(reportingPeriodEndAt(reportingPeriodIndex('2010-05', 'year'), 'year')).toBe('2011-03-31');
    expect(reportingPeriodEndAt(reportingPeriodIndex('2010-05', 'quarter'), 'quarter')).toBe('2010-06-30');
  });

  it('reads period labels and months in a period, and refuses labels of another kind of period', () => {
    expect(parseReportingPeriodLabel('2010-Q2', 'quarter')).toBe(reportingPeriodIndex('2010-05', 'quarter'));
    expect(parseReportingPeriodLabel('2010-05', 'quarter')).toBe(reportingPeriodIndex('2010-06-30', 'quarter'));
    expect(parseReportingPeriodLabel('2009/10', 'year')).toBe(reportingPeriodIndex('2010-03', 'year'));
    expect(parseReportingPeriodLabel('2010-02-14', 'year')).toBe(2009);
    expect(parseReportingPeriodLabel('2010', 'year', 'calendar')).toBe(2010);
    expect(() => parseReportingPeriodLabel('2010', 'year')).toThrow(/not a QOF year: write 2009\/10/);
    expect(() => parseReportingPeriodLabel('2009/11', 'year')).toThrow(/write 2009\/10/);
    expect(() => parseReportingPeriodLabel('2010-Q1', 'year', 'calendar')).toThrow(/not a calendar year/);
    expect(() => parseReportingPeriodLabel('2010-Q5', 'quarter')).toThrow(/not a quarter/);
  });
});
