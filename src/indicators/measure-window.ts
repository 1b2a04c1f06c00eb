/**
 * The window `measure` computes when it is not told one, and the check that refuses a window that
 * starts before every practice has data (docs/INDICATORS.md, "The measurement window").
 *
 * - The last date of data is the latest clinical event date or registration start in the store.
 * - The last complete month is the last month whose last day is on or before that date.
 * - The first full month is the first month in which every practice (every practice code in the
 *   registration table) has at least one registration active in the month (registration.end_date
 *   is exclusive, so a registration ending on the 1st is not active in that month).
 *
 * Default window: the last DEFAULT_WINDOW_MONTHS complete months, starting no earlier than the first
 * full month. A --from before the first full month is refused unless sparse windows are allowed.
 */
import type { Engine } from '../store/engine.js';
import { lastCompleteMonth, monthAt, monthCount, monthIndex, shiftMonth } from '../model/reporting-period.js';

import { MeasureWindowError, SparseWindowError } from './measure-errors.js';

export { MeasureWindowError, SparseWindowError } from './measure-errors.js';

export const DEFAULT_WINDOW_MONTHS = 96;

/** Consecutive months (as month indexes) in which a practice has at least one active registration. */
export interface CoverageRun {
  first: number;
  last: number;
}

export interface DataCoverage {
  /** The latest clinical event date or registration start, 'YYYY-MM-DD'. */
  lastDate: string;
  /** The last month whose last day is on or before lastDate, 'YYYY-MM'. */
  lastCompleteMonth: string;
  /** The first month in which every practice has an active registration, 'YYYY-MM' (null if there is none). */
  firstFullMonth: string | null;
  /** Each practice's runs of months with active registrations, in order. */
  practices: ReadonlyMap<string, readonly CoverageRun[]>;
}

const OPEN_END = 999_999;

/**
 * Reads the coverage of the store's data in a few aggregate queries (same SQL on DuckDB and
 * PostgreSQL): per practice, the month each registration starts and the last month it is active,
 * grouped to at most one row per practice and start month; the runs are merged here.
 */
export async function readDataCoverage(engine: Engine): Promise<DataCoverage> {
  const last = await engine.all<{ last_reg: string | null; last_event: string | null }>(
    `SELECT CAST((SELECT max(start_date) FROM registration) AS VARCHAR) AS last_reg,
            CAST((SELECT max(date) FROM clinical_event) AS VARCHAR) AS last_event`,
  );
  const lastReg = last[0]?.last_reg ?? null;
  const lastEvent = last[0]?.last_event ?? null;
  if (lastReg === null) throw new MeasureWindowError(`the store ${engine.location} has no registrations: nothing to measure (import or generate data first)`);
  const lastDate = (lastEvent !== null && lastEvent > lastReg ? lastEvent : lastReg).slice(0, 10);
  const ord = (col: string): string => `(CAST(EXTRACT(YEAR FROM ${col}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM ${col}) AS INTEGER) - 1)`;
  const rows = await engine.all<{ practice: string; first_month: number; last_month: number }>(
    `SELECT practice, first_month, CAST(max(last_month) AS INTEGER) AS last_month FROM (
       SELECT practice, ${ord('start_date')} AS first_month,
              CASE WHEN end_date IS NULL THEN ${OPEN_END}
                   ELSE ${ord('end_date')} - CASE WHEN EXTRACT(DAY FROM end_date) = 1 THEN 1 ELSE 0 END END AS last_month
       FROM registration
       WHERE end_date IS NULL OR end_date > start_date
     ) r
     GROUP BY practice, first_month
     ORDER BY practice, first_month`,
  );
  const practices = new Map<string, CoverageRun[]>();
  for (const r of rows) {
    const runs = practices.get(r.practice) ?? [];
    const first = Number(r.first_month);
    const lastMonth = Number(r.last_month);
    const prev = runs[runs.length - 1];
    if (prev && first <= prev.last + 1) prev.last = Math.max(prev.last, lastMonth);
    else runs.push({ first, last: lastMonth });
    practices.set(r.practice, runs);
  }
  return { lastDate, lastCompleteMonth: lastCompleteMonth(lastDate), firstFullMonth: firstFullMonth(practices), practices };
}

/** The first month covered by a run of every practice: the smallest run start that every practice covers. */
export function firstFullMonth(practices: ReadonlyMap<string, readonly CoverageRun[]>): string | null {
  if (practices.size === 0) return null;
  const candidates = [...new Set([...practices.values()].flatMap((runs) => runs.map((r) => r.first)))].sort((a, b) => a - b);
  for (const m of candidates) {
    if ([...practices.values()].every((runs) => runs.some((r) => r.first <= m && m <= r.last))) return monthAt(m);
  }
  return null;
}

/** Practices with no active registration in `month`, latest-starting first, with the month their data next start (null: never). */
export function practicesWithoutData(coverage: DataCoverage, month: string): { practice: string; from: string | null }[] {
  const m = monthIndex(month);
  const out: { practice: string; from: string | null; key: number }[] = [];
  for (const [practice, runs] of coverage.practices) {
    if (runs.some((r) => r.first <= m && m <= r.last)) continue;
    const next = runs.find((r) => r.first > m);
    out.push({ practice, from: next ? monthAt(next.first) : null, key: next ? next.first : Number.MAX_SAFE_INTEGER });
  }
  return out.sort((a, b) => b.key - a.key || a.practice.localeCompare(b.practice)).map(({ practice, from }) => ({ practice, from }));
}

export interface WindowRequest {
  from?: string;
  to?: string;
  /** Allow a --from before the first full month. */
  allowSparse?: boolean;
}

export interface MeasureWindow {
  from: string;
  to: string;
  /** How the window was chosen, for the line `measure` prints. */
  reason: string;
}

const SHOW_PRACTICES = 5;

/** The sparse refusal: names the first full month, the practices without data, and --allow-sparse. */
function sparseError(coverage: DataCoverage, from: string, firstFull: string): SparseWindowError {
  const missing = practicesWithoutData(coverage, from);
  const shown = missing.slice(0, SHOW_PRACTICES).map((p) => `${p.practice} (${p.from ? `registrations from ${p.from}` : 'no registrations after'})`);
  const more = missing.length > SHOW_PRACTICES ? ` and ${missing.length - SHOW_PRACTICES} more` : '';
  return new SparseWindowError(
    `--from ${from} is before ${firstFull}, the first month in which every practice has registrations: ` +
      `${missing.length} practice${missing.length === 1 ? ' has' : 's have'} none in ${from}: ${shown.join(', ')}${more}. ` +
      `Start at ${firstFull} or later, or add --allow-sparse to measure the sparse months anyway.`,
  );
}

/**
 * The window to measure. Both months given: as asked. Neither: the last 96 complete months. Only
 * --to: the 96 months ending there. Only --from: from there to the last complete month. A window
 * chosen here never starts before the first full month; an asked --from before it is refused
 * unless allowSparse.
 */
export function chooseMeasureWindow(request: WindowRequest, coverage: DataCoverage, months = DEFAULT_WINDOW_MONTHS): MeasureWindow {
  const firstFull = coverage.firstFullMonth;
  const allow = request.allowSparse === true;
  const to = request.to ?? coverage.lastCompleteMonth;
  let from = request.from;
  let reason: string;
  if (from !== undefined) {
    if (!allow && (firstFull === null || from < firstFull)) {
      if (firstFull === null) throw new SparseWindowError(`no month has registrations at every practice in the store, so every window is sparse; add --allow-sparse to measure anyway`);
      throw sparseError(coverage, from, firstFull);
    }
    reason = request.to !== undefined ? 'as asked' : `from --from to the last complete month of data; --to to choose`;
  } else {
    from = shiftMonth(to, -(months - 1));
    const clamped = !allow && firstFull !== null && from < firstFull;
    if (clamped) from = firstFull;
    if (firstFull === null && !allow) throw new SparseWindowError(`no month has registrations at every practice in the store, so every window is sparse; add --allow-sparse to measure anyway`);
    const n = monthCount(from, to);
    if (n === 0) {
      throw new SparseWindowError(
        `--to ${to} is before ${firstFull}, the first month in which every practice has registrations; choose a later --to, or add --allow-sparse to measure the sparse months anyway`,
      );
    }
    const span = request.to !== undefined ? `the ${n} months ending at --to` : `the last ${n} complete months of data`;
    reason = `${span}${clamped ? `, from ${firstFull}, the first month in which every practice has registrations` : ''}; --from/--to to choose`;
  }
  return { from, to, reason };
}
