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
}

/** The CSV link for a table on the page at `path` (keeping the month). */
export function csvHref(path: string, tableId: string, periodEnd?: string): string {
  const p = new URLSearchParams();
  if (periodEnd) p.set('month', periodEnd.slice(0, 7));
  p.set('format', 'csv');
  p.set('table', tableId);
  return `${path}?${p.toString()}`;
}
