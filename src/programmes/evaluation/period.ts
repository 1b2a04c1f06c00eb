/**
 * Periods of an evaluated series: calendar months (YYYY-MM, or a date YYYY-MM-DD standing for its
 * month) or years (YYYY); and, for a monthly series taken to period ends with --period
 * (series-period.ts), quarters (2010-Q1) and QOF years (2009/10). A period is held as a
 * whole-number ordinal so that consecutive periods differ by 1 whatever the periodicity: months
 * since year 0, quarters since year 0, or the year itself (a QOF year by the year it starts in).
 */
import { type YearBasis, reportingPeriodEndAt, reportingPeriodLabel } from '../../model/reporting-period.js';

export type Periodicity = 'month' | 'quarter' | 'year';

export interface Period {
  periodicity: Periodicity;
  /** Months since January of year 0 (monthly), quarters since year 0 (quarterly) or the year (yearly). */
  ordinal: number;
  /** For a year taken from month ends: a QOF year (April–March, labelled 2009/10) or a calendar year. Absent: a calendar year. */
  yearBasis?: YearBasis;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR = /^(\d{4})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses one period, or returns why it cannot be read. Dates must be real calendar dates; they
 * stand for the month that contains them (e.g. a period end 2024-03-31 is March 2024).
 */
export function parsePeriod(text: string): Period | { error: string } {
  const s = text.trim();
  let m = MONTH.exec(s);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return { error: `'${s}' has month ${m[2]}; months run 01 to 12` };
    return { periodicity: 'month', ordinal: Number(m[1]) * 12 + month - 1 };
  }
  m = DATE.exec(s);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12) return { error: `'${s}' has month ${m[2]}; months run 01 to 12` };
    if (day < 1 || day > daysInMonth(year, month)) return { error: `'${s}' is not a calendar date` };
    return { periodicity: 'month', ordinal: year * 12 + month - 1 };
  }
  m = YEAR.exec(s);
  if (m) return { periodicity: 'year', ordinal: Number(m[1]) };
  return { error: `'${s}' is not a period: use YYYY-MM (a month), YYYY-MM-DD (a date in the month) or YYYY (a year)` };
}

export function isPeriod(p: Period | { error: string }): p is Period {
  return 'ordinal' in p;
}

/** The label of a period: YYYY-MM, YYYY-Qn, YYYY or (a QOF year) YYYY/YY. */
export function formatPeriod(p: Period): string {
  if (p.periodicity === 'quarter') return reportingPeriodLabel(reportingPeriodEndAt(p.ordinal, 'quarter'), 'quarter');
  if (p.periodicity === 'year') return p.yearBasis === 'qof' ? reportingPeriodLabel(reportingPeriodEndAt(p.ordinal, 'year', 'qof'), 'year', 'qof') : String(p.ordinal);
  const year = Math.floor(p.ordinal / 12);
  const month = p.ordinal - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function shiftPeriod(p: Period, by: number): Period {
  return { ...p, ordinal: p.ordinal + by };
}

/** Calendar month 1–12 of a monthly period (for seasonal terms). */
export function calendarMonth(p: Period): number {
  return (((p.ordinal % 12) + 12) % 12) + 1;
}

export function periodicityWord(p: Periodicity, count = 1): string {
  return count === 1 ? p : `${p}s`;
}
