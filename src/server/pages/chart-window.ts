import type { DashboardData } from '../api/dashboard-data.js';
import { ApiError } from '../api/errors.js';
import { monthEndFor } from '../api/params.js';
import { monthLabel } from './format.js';
import { h, qs, type Raw } from './html.js';

/**
 * The months a page's trend charts and their tables show. A store can hold 70 years of months;
 * drawing them all made the network page 13 MB. Charts show the DEFAULT_CHART_MONTHS (8 years)
 * to the page's month unless `from`/`to` choose another range of at most MAX_CHART_MONTHS; the
 * whole series stays one click away (each chart table's CSV, and GET /api/series). With `from`
 * alone the window runs DEFAULT_CHART_MONTHS from it (to the latest month at most).
 */
export const DEFAULT_CHART_MONTHS = 96;
export const MAX_CHART_MONTHS = 96;

export interface ChartWindow {
  /** First and last month end shown. */
  from: string;
  to: string;
  /** True when from or to was given (the page then links back to the default window). */
  chosen: boolean;
}

export function chartWindow(data: DashboardData, periodEnd: string, q: { from?: string | undefined; to?: string | undefined }): ChartWindow {
  const given = q.from !== undefined ? monthEndFor(data, q.from, 'from') : null;
  const pageIndex = data.months.indexOf(periodEnd);
  const to = q.to !== undefined ? monthEndFor(data, q.to, 'to') : given !== null ? data.months[Math.min(pageIndex, data.months.indexOf(given) + DEFAULT_CHART_MONTHS - 1)]! : periodEnd;
  const toIndex = data.months.indexOf(to);
  if (toIndex > pageIndex) throw new ApiError(400, 'bad_request', `to: ${to.slice(0, 7)} is after the page's month (${periodEnd.slice(0, 7)}); choose a later month first`);
  const from = given ?? data.months[Math.max(0, toIndex - DEFAULT_CHART_MONTHS + 1)]!;
  const fromIndex = data.months.indexOf(from);
  if (fromIndex > toIndex) throw new ApiError(400, 'bad_request', `from: ${from.slice(0, 7)} is after to (${to.slice(0, 7)})`);
  if (toIndex - fromIndex + 1 > MAX_CHART_MONTHS) {
    throw new ApiError(
      400,
      'bad_request',
      `from, to: charts show at most ${MAX_CHART_MONTHS} months (${MAX_CHART_MONTHS / 12} years), not ${toIndex - fromIndex + 1}; the whole series is in each chart table's CSV and at /api/series`,
    );
  }
  return { from, to, chosen: q.from !== undefined || q.to !== undefined };
}

/**
 * A line above the charts: what they show, links to the years before and after (never past the
 * page's month: the window is within the page's history), and where the whole series is.
 */
export function windowNav(data: DashboardData, w: ChartWindow, periodEnd: string, path: string, keep: Record<string, string | undefined>): Raw {
  const i = data.months.indexOf(w.from);
  const j = data.months.indexOf(w.to);
  const span = Math.min(DEFAULT_CHART_MONTHS, MAX_CHART_MONTHS);
  const link = (a: number, b: number): string => `${path}${qs({ ...keep, from: data.months[a]!.slice(0, 7), to: data.months[b]!.slice(0, 7) })}`;
  const years = `${span / 12} years`;
  const earlier = i > 0 ? h`<a href="${link(Math.max(0, i - span), i - 1)}">the ${years} before</a>` : null;
  const last = data.months.indexOf(periodEnd);
  const later = j < last ? h`<a href="${link(j + 1, Math.min(last, j + span))}">the ${years} after</a>` : null;
  const choices = [earlier, later].filter((x) => x !== null);
  return h`<p class="nhsuk-body gp-chart-window">The charts show ${monthLabel(w.from)} to ${monthLabel(w.to)} (${j - i + 1} months).${choices.length ? h` Show ${choices.map((c, k) => h`${k ? ' or ' : ''}${c}`)}.` : ''}${w.chosen ? h` <a href="${path}${qs(keep)}">Back to the latest ${years}</a>.` : ''} Each chart's data table has its whole series, from ${monthLabel(data.months[0]!)}, as CSV.</p>`;
}
