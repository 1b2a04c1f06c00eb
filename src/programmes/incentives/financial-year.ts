/**
 * Financial years and the dates a scheme names within them. Financial year 2009 is 2009/10:
 * 1 April 2009 to 31 March 2010.
 *
 * A scheme gives dates relative to the year so that one file serves every year it runs:
 * - `year_start` (1 April), `year_end` (31 March);
 * - `MM-DD`: that day within the financial year (April–December in its first calendar year,
 *   January–March in its second), e.g. `09-30` → 30 September 2009 for 2009/10;
 * - `MM-DD of previous year` / `MM-DD of next year`: the same in the financial year before or after,
 *   e.g. `03-31 of previous year` → 31 March 2009 (the day before 2009/10 starts);
 * - `YYYY-MM-DD`: a fixed date, allowed only in a scheme that runs for one year.
 */
export const DATE_SPEC = /^(?:year_start|year_end|\d{4}-\d{2}-\d{2}|\d{2}-\d{2}(?: of (?:previous|next) year)?)$/;
export const DATE_SPEC_HELP = 'year_start, year_end, MM-DD, "MM-DD of previous year", "MM-DD of next year" or YYYY-MM-DD';

export function financialYearLabel(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}

export function financialYearStart(year: number): string {
  return `${year}-04-01`;
}

export function financialYearEnd(year: number): string {
  return `${year + 1}-03-31`;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isMonthEnd(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return d === new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Whether a MM-DD is a day that exists in some year (02-29 does). */
export function isValidMonthDay(mmdd: string): boolean {
  const [m, d] = mmdd.split('-').map(Number) as [number, number];
  return validDate(2000, m, d);
}

/** Checks a date spec's form without a year: returns a reason, or null when it is well formed. */
export function dateSpecProblem(spec: string): string | null {
  if (!DATE_SPEC.test(spec)) return `"${spec}" is not a date: write ${DATE_SPEC_HELP}`;
  if (/^\d{4}-/.test(spec)) {
    const [y, m, d] = spec.split('-').map(Number) as [number, number, number];
    return validDate(y, m, d) ? null : `"${spec}" is not a date in the calendar`;
  }
  if (/^\d{2}-/.test(spec) && !isValidMonthDay(spec.slice(0, 5))) return `"${spec}" is not a day of the year`;
  return null;
}

export function isFixedDate(spec: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(spec);
}

/** The date (YYYY-MM-DD) a spec names in financial year `year`; throws with a reason if there is none. */
export function resolveDate(spec: string, year: number): string {
  const problem = dateSpecProblem(spec);
  if (problem) throw new Error(problem);
  if (spec === 'year_start') return financialYearStart(year);
  if (spec === 'year_end') return financialYearEnd(year);
  if (isFixedDate(spec)) return spec;
  const shift = spec.endsWith('of previous year') ? -1 : spec.endsWith('of next year') ? 1 : 0;
  const fy = year + shift;
  const [m, d] = spec.slice(0, 5).split('-').map(Number) as [number, number];
  const y = m >= 4 ? fy : fy + 1;
  if (!validDate(y, m, d)) throw new Error(`"${spec}" does not exist in financial year ${financialYearLabel(year)} (${y} is not a leap year)`);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
