import { describe, expect, it } from 'vitest';
import {
  ReportingPeriodError,
  atReportingPeriodEnds,
  isReportingPeriodEnd,
  parseReportingPeriod,
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
});
