import type { ReportingPeriod } from '../../model/reporting-period.js';
import type { Raw } from './html.js';
import type { Crumb } from './layout.js';
import type { Table } from './table.js';

/** What a page builder returns: rendered as HTML by the layout, or one of its tables as CSV. */
export interface PageModel {
  title: string;
  breadcrumbs: Crumb[];
  periodEnd?: string;
  body: Raw;
  tables: Table[];
  /** Report pages are printed without the month picker. */
  bare?: boolean;
  /** Query parameters the month picker and CSV links keep (e.g. network). */
  keep?: Record<string, string>;
  /** Pages that can switch period (?period=quarter|year): the one shown; the picker then offers the switch. */
  period?: ReportingPeriod;
}

/** The CSV link for a table on the page at `path` (keeping the month). */
export function csvHref(path: string, tableId: string, periodEnd?: string, period?: ReportingPeriod): string {
  const p = new URLSearchParams();
  if (periodEnd) p.set('month', periodEnd.slice(0, 7));
  if (period && period !== 'month') p.set('period', period);
  p.set('format', 'csv');
  p.set('table', tableId);
  return `${path}?${p.toString()}`;
}
