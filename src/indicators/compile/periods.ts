/** Reference dates: the last day of each month, as 'YYYY-MM-DD'. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

export class PeriodError extends Error {}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The last day of a month given as 'YYYY-MM'. */
export function monthEnd(month: string): string {
  const m = ISO_MONTH.exec(month);
  const year = Number(m?.[1]);
  const mon = Number(m?.[2]);
  if (!m || mon < 1 || mon > 12) throw new PeriodError(`not a month (YYYY-MM): ${JSON.stringify(month)}`);
  return `${pad(year, 4)}-${pad(mon)}-${pad(daysInMonth(year, mon))}`;
}

/** True when `iso` is a real date and the last day of its month. */
export function isMonthEnd(iso: string): boolean {
  const m = ISO_DATE.exec(iso);
  if (!m) return false;
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) return false;
  return Number(m[3]) === daysInMonth(year, mon);
}

/** Every month end from month `from` to month `to` ('YYYY-MM'), inclusive. */
export function monthEndsBetween(from: string, to: string): string[] {
  const first = monthEnd(from);
  const last = monthEnd(to);
  if (first > last) throw new PeriodError(`the first month ${from} is after the last month ${to}`);
  const out: string[] = [];
  let year = Number(first.slice(0, 4));
  let mon = Number(first.slice(5, 7));
  for (;;) {
    const end = monthEnd(`${pad(year, 4)}-${pad(mon)}`);
    out.push(end);
    if (end === last) return out;
    mon += 1;
    if (mon > 12) {
      mon = 1;
      year += 1;
    }
  }
}

/** Checks, de-duplicates and sorts a list of reference dates; each must be a month end. */
export function normalisePeriods(periods: readonly string[]): string[] {
  for (const p of periods) {
    if (!isMonthEnd(p)) throw new PeriodError(`reference dates must be month ends (YYYY-MM-DD); got ${JSON.stringify(p)}`);
  }
  return [...new Set(periods)].sort();
}
