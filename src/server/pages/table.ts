import { csvField } from '../../util/csv.js';
import { h, raw, toHtml, type Raw, type Html } from './html.js';

/** A table that renders as accessible HTML (sortable by script when asked) and as CSV. */
export interface Cell {
  html: Html;
  csv: string | number | null;
  sort?: string | number | null;
  numeric?: boolean;
}

export interface Table {
  id: string;
  caption: string;
  head: (string | { label: string; href: string })[];
  /** The first cell of each row is a row header. */
  rows: Cell[][];
  sortable?: boolean;
  /** A different CSV shape (e.g. long format), when the HTML layout does not suit it. */
  csv?: { head: string[]; rows: (string | number | null)[][] };
  /** Column classes for numeric columns (right-aligned). */
  numericColumns?: number[];
  /**
   * Long data tables (a chart's months): body rows without per-cell classes or sort keys, styled
   * by .gp-compact (every column after the first right-aligned), a fifth of the bytes.
   */
  compact?: boolean;
}

export function cell(html: Html, csv: string | number | null, sort?: string | number | null): Cell {
  return sort === undefined ? { html, csv } : { html, csv, sort };
}

export function tableCsv(t: Table): string {
  const head = t.csv?.head ?? t.head.map((x) => (typeof x === 'string' ? x : x.label));
  const rows = t.csv?.rows ?? t.rows.map((r) => r.map((c) => c.csv));
  return `${[head.map((x) => csvField(x)).join(','), ...rows.map((r) => r.map((x) => csvField(x)).join(','))].join('\n')}\n`;
}

export function tableHtml(t: Table, csvHref: string): Raw {
  const numeric = new Set(t.numericColumns ?? []);
  return h`<div class="gp-table-wrap" tabindex="0" role="region" aria-label="${t.caption} (scrollable)">
<table class="nhsuk-table gp-table${t.compact ? ' gp-compact' : ''}" id="${t.id}"${t.sortable ? h` data-sortable="true"` : ''}>
<caption class="nhsuk-table__caption">${t.caption}</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">${t.head.map((label, i) => h`<th scope="col" class="nhsuk-table__header${numeric.has(i) ? ' nhsuk-table__header--numeric' : ''}"${t.sortable ? h` aria-sort="none"` : ''}>${typeof label === 'string' ? label : h`<a href="${label.href}">${label.label}</a>`}</th>`)}</tr></thead>
<tbody class="nhsuk-table__body">${t.compact ? compactRows(t.rows) : t.rows.map(
    (r) =>
      h`<tr class="nhsuk-table__row">${r.map((c, i) =>
        i === 0
          ? h`<th scope="row" class="nhsuk-table__header"${c.sort !== undefined && c.sort !== null ? h` data-sort="${String(c.sort)}"` : ''}>${c.html}</th>`
          : h`<td class="nhsuk-table__cell${numeric.has(i) ? ' nhsuk-table__cell--numeric' : ''}"${c.sort !== undefined && c.sort !== null ? h` data-sort="${String(c.sort)}"` : ''}>${c.html}</td>`,
      )}</tr>`,
  )}</tbody>
</table>
</div>
<p class="gp-download nhsuk-body-s"><a href="${csvHref}" download>Download this table as CSV<span class="nhsuk-u-visually-hidden"> (${t.caption})</span></a></p>`;
}

function compactRows(rows: Cell[][]): Raw {
  return raw(rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${toHtml(c.html)}</th>` : `<td>${toHtml(c.html)}</td>`)).join('')}</tr>`).join(''));
}
