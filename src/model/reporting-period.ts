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
