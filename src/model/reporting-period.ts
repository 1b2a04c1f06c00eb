/**
 * Reporting periods: indicators are measured at month ends; a quarter's value is the value at the
 * quarter's last month end, and a year's is the value at the year's last month end — 31 March for
 * a QOF (financial) year, 1 April–31 March, or 31 December for a calendar year.
 *
 * Quarters are calendar quarters (Q1 = January–March), as the studies quote them ("Q1 2006").
 */
export type ReportingPeriod = 'month' | 'quarter' | 'year';
/** Which year a yearly value belongs to: the QOF year (April–March) or the calendar year. */
export type YearBasis = 'qof' | 'calendar';

export const REPORTING_PERIODS: readonly ReportingPeriod[] = ['month', 'quarter', 'year'];

export class ReportingPeriodError extends Error {}

const MONTH_END = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

function yearMonth(periodEnd: string): { year: number; month: number } {
  const m = MONTH_END.exec(periodEnd) ?? MONTH.exec(periodEnd);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) throw new ReportingPeriodError(`not a month end (YYYY-MM-DD) or month (YYYY-MM): ${JSON.stringify(periodEnd)}`);
  return { year, month };
}

/** Reads `month`, `quarter` or `year`; anything else is an error that names the choices. */
export function parseReportingPeriod(text: string): ReportingPeriod {
  const t = text.trim().toLowerCase();
  if (t === 'month' || t === 'quarter' || t === 'year') return t;
  throw new ReportingPeriodError(`'${text}' is not a period: use month, quarter or year`);
}

/** The last calendar month (1–12) of the year on this basis: March for QOF years, December for calendar years. */
export function yearEndMonth(basis: YearBasis): number {
  return basis === 'qof' ? 3 : 12;
}

/** True when the month end (or month) closes a period: every month; March/June/September/December; the year-end month. */
export function isReportingPeriodEnd(periodEnd: string, period: ReportingPeriod, basis: YearBasis = 'qof'): boolean {
  const { month } = yearMonth(periodEnd);
  if (period === 'month') return true;
  if (period === 'quarter') return month % 3 === 0;
  return month === yearEndMonth(basis);
}

/**
 * The label of the period a month end closes: `2010-03` (month), `2010-Q1` (quarter), `2009/10`
 * (QOF year ending March 2010) or `2010` (calendar year). For a month end that does not close a
 * period, the label of the period it falls in.
 */
export function reportingPeriodLabel(periodEnd: string, period: ReportingPeriod, basis: YearBasis = 'qof'): string {
  const { year, month } = yearMonth(periodEnd);
  if (period === 'month') return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  if (period === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  if (basis === 'calendar') return String(year);
  const start = month >= 4 ? year : year - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The rows whose `period_end` closes a period, in their original order (a quarter's value is its last month's). */
export function atReportingPeriodEnds<T extends { period_end: string }>(rows: readonly T[], period: ReportingPeriod, basis: YearBasis = 'qof'): T[] {
  if (period === 'month') return [...rows];
  return rows.filter((r) => isReportingPeriodEnd(r.period_end, period, basis));
}

function lastDay(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Every month end from month `from` to month `to` (YYYY-MM, inclusive) that closes a period. */
export function reportingPeriodEnds(from: string, to: string, period: ReportingPeriod, basis: YearBasis = 'qof'): string[] {
  const a = yearMonth(from);
  const b = yearMonth(to);
  const first = a.year * 12 + a.month - 1;
  const last = b.year * 12 + b.month - 1;
  if (first > last) throw new ReportingPeriodError(`the first month ${from} is after the last month ${to}`);
  const out: string[] = [];
  for (let k = first; k <= last; k += 1) {
    const end = lastDay(Math.floor(k / 12), (k % 12) + 1);
    if (isReportingPeriodEnd(end, period, basis)) out.push(end);
  }
  return out;
}

/** A month ('YYYY-MM', or a date 'YYYY-MM-DD' standing for its month) as a whole number: months since January of year 0. */
export function monthIndex(month: string): number {
  const { year, month: m } = yearMonth(month);
  return year * 12 + m - 1;
}

/** The month ('YYYY-MM') of a month index. */
export function monthAt(index: number): string {
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`;
}

/** The month `by` months after (or, negative, before) `month`: shiftMonth('2013-12', -95) = '2006-01'. */
export function shiftMonth(month: string, by: number): string {
  return monthAt(monthIndex(month) + by);
}

/** How many months from `from` to `to`, both included (0 when `to` is before `from`). */
export function monthCount(from: string, to: string): number {
  return Math.max(0, monthIndex(to) - monthIndex(from) + 1);
}

/**
 * The last complete month of data that ends on `lastDate` ('YYYY-MM-DD'): the last month whose last
 * day is on or before it. Data to 2013-12-31 → 2013-12; data to 2014-01-15 → 2013-12.
 */
export function lastCompleteMonth(lastDate: string): string {
  const m = MONTH_END.exec(lastDate);
  if (!m) throw new ReportingPeriodError(`not a date (YYYY-MM-DD): ${JSON.stringify(lastDate)}`);
  const { year, month } = yearMonth(lastDate);
  const month0 = `${m[1]}-${m[2]}`;
  return lastDay(year, month) === lastDate ? month0 : shiftMonth(month0, -1);
}

/**
 * The period containing a month (or month end) as a whole number, consecutive periods differing
 * by 1: months since year 0; quarters since year 0; the year (a QOF year by the year it starts in,
 * so 2009/10 is 2009).
 */
export function reportingPeriodIndex(month: string, period: ReportingPeriod, basis: YearBasis = 'qof'): number {
  const { year, month: m } = yearMonth(month);
  if (period === 'month') return year * 12 + m - 1;
  if (period === 'quarter') return year * 4 + Math.floor((m - 1) / 3);
  return basis === 'qof' && m < 4 ? year - 1 : year;
}

/** The last month end of the period with this index (the inverse of reportingPeriodIndex). */
export function reportingPeriodEndAt(index: number, period: ReportingPeriod, basis: YearBasis = 'qof'): string {
  if (period === 'month') {
    const year = Math.floor(index / 12);
    return lastDay(year, index - year * 12 + 1);
  }
  if (period === 'quarter') {
    const year = Math.floor(index / 4);
    return lastDay(year, (index - year * 4) * 3 + 3);
  }
  return basis === 'qof' ? lastDay(index + 1, 3) : lastDay(index, 12);
}

const QUARTER_LABEL = /^(\d{4})-Q([1-4])$/i;
const QOF_YEAR_LABEL = /^(\d{4})\/(\d{2})$/;
const YEAR_LABEL = /^(\d{4})$/;

/**
 * Reads a period label as written by reportingPeriodLabel (2010-03, 2010-Q1, 2009/10, 2010) or any
 * month (YYYY-MM) or date (YYYY-MM-DD) in the period, and returns its index. A label of another
 * kind of period is an error that says which labels fit.
 */
export function parseReportingPeriodLabel(text: string, period: ReportingPeriod, basis: YearBasis = 'qof'): number {
  const t = text.trim();
  if (MONTH.test(t) || MONTH_END.test(t)) return reportingPeriodIndex(t, period, basis);
  const example = period === 'month' ? '2010-03' : period === 'quarter' ? '2010-Q1 or a month such as 2010-02' : basis === 'qof' ? '2009/10 (April 2009 to March 2010) or a month such as 2009-06' : '2010 or a month such as 2010-06';
  const q = QUARTER_LABEL.exec(t);
  if (q && period === 'quarter') return Number(q[1]) * 4 + Number(q[2]) - 1;
  const f = QOF_YEAR_LABEL.exec(t);
  if (f && period === 'year' && basis === 'qof') {
    const start = Number(f[1]);
    if ((start + 1) % 100 !== Number(f[2])) throw new ReportingPeriodError(`'${t}' is not a QOF year: the year after ${start} is ${start + 1}, so write ${start}/${String((start + 1) % 100).padStart(2, '0')}`);
    return start;
  }
  if (YEAR_LABEL.test(t) && period === 'year' && basis === 'calendar') return Number(t);
  throw new ReportingPeriodError(`'${t}' is not a ${period === 'year' ? `${basis === 'qof' ? 'QOF' : 'calendar'} year` : period}: write ${example}`);
}
