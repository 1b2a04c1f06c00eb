/**
 * Calendar arithmetic on ISO dates ('YYYY-MM-DD'), exactly as docs/INDICATORS.md defines it
 * and as DuckDB and PostgreSQL date arithmetic behave. Dates are plain strings throughout:
 * for four-digit years, string order is date order, so comparisons need no conversion.
 */

export interface CalendarDate {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real calendar date written as 'YYYY-MM-DD'. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function parseIsoDate(text: string): CalendarDate {
  if (!isIsoDate(text)) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return { year: Number(text.slice(0, 4)), month: Number(text.slice(5, 7)), day: Number(text.slice(8, 10)) };
}

export function formatIsoDate(d: CalendarDate): string {
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

/** date + n days (n may be negative). */
export function addDays(date: string, n: number): string {
  const d = parseIsoDate(date);
  const t = Date.UTC(d.year, d.month - 1, d.day) + n * 86_400_000;
  const u = new Date(t);
  return formatIsoDate({ year: u.getUTCFullYear(), month: u.getUTCMonth() + 1, day: u.getUTCDate() });
}

/**
 * date + k calendar months (k may be negative), keeping the day of month and clamping it to
 * the last day of the target month: 2012-02-29 + 12 = 2013-02-28; 2010-03-31 − 1 = 2010-02-28.
 */
export function addMonths(date: string, k: number): string {
  const d = parseIsoDate(date);
  const index = d.year * 12 + (d.month - 1) + k; // months since year 0
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return formatIsoDate({ year, month, day: Math.min(d.day, daysInMonth(year, month)) });
}

/**
 * Age in completed months at `at`: the calendar months between birth and `at`, less one if
 * `at`'s day of month is before the birth day — where the birth day is clamped to the length
 * of `at`'s month, so someone born on the 31st completes a month on the 30th (or 28th/29th) of
 * a shorter month. Equivalently: the largest k with addMonths(birth, k) ≤ at.
 */
export function completedMonths(birth: string, at: string): number {
  const b = parseIsoDate(birth);
  const a = parseIsoDate(at);
  const months = (a.year - b.year) * 12 + (a.month - b.month);
  const birthDayThisMonth = Math.min(b.day, daysInMonth(a.year, a.month));
  return a.day < birthDayThisMonth ? months - 1 : months;
}

/** Age in completed years: floor(completed months / 12). */
export function completedYears(birth: string, at: string): number {
  return Math.floor(completedMonths(birth, at) / 12);
}

/** The last day of the month containing `date`. */
export function monthEndOf(date: string): string {
  const d = parseIsoDate(date);
  return formatIsoDate({ year: d.year, month: d.month, day: daysInMonth(d.year, d.month) });
}

export function isMonthEnd(date: string): boolean {
  return isIsoDate(date) && monthEndOf(date) === date;
}

/** Every month end from the month of `from` to the month of `to`, inclusive. */
export function monthEndsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let d = monthEndOf(from);
  const last = monthEndOf(to);
  while (d <= last) {
    out.push(d);
    d = monthEndOf(addMonths(d.slice(0, 8) + '01', 1));
  }
  return out;
}
