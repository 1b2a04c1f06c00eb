import type { DashboardData } from '../api/dashboard-data.js';
import { alerts } from '../api/alerts.js';
import { matrix } from '../api/queries.js';
import { monthEndFor, previousMonth, requireOrg } from '../api/params.js';
import { fmtValue, monthLabel } from './format.js';
import { h } from './html.js';
import { matrixTable, trendSection } from './common.js';
import { alertTables } from './network.js';
import { csvHref, type PageModel } from './page.js';
import { cell, tableHtml, type Table } from './table.js';
import { disclosureNote } from './disclosure.js';
import { chartWindow } from './chart-window.js';

export const MOVER_MONTHS = 3;
export const REPORT_ALERT_ROWS = 15;

/** The monthly feedback report of a network: the pack its meeting reviews (printed to PDF by `gpnet report`). */
export function reportPage(data: DashboardData, code: string, month: string | undefined, range: { from?: string | undefined; to?: string | undefined } = {}): PageModel {
  const net = requireOrg(data, code, ['network']);
  const periodEnd = monthEndFor(data, month);
  const path = `/networks/${encodeURIComponent(net.code)}/report`;
  const m = matrix(data, { org: net.code, month: periodEnd.slice(0, 7) });
  const mt = matrixTable(data, m, 'rag-matrix', `${net.name}: ratings by practice, ${monthLabel(periodEnd)}`);
  const a = alerts(data, { network: net.code, month: periodEnd.slice(0, 7) });
  const at = alertTables(data, a);
  const practices = data.children(net.code);
  const earlier = previousMonth(data, periodEnd, MOVER_MONTHS);

  // Biggest movers: change in value over MOVER_MONTHS months, in the better/worse direction.
  const moves: { practice: string; name: string; indicator: string; title: string; kind: string; from: number; to: number; gain: number }[] = [];
  if (earlier) {
    for (const ind of data.indicatorList()) {
      if (ind.polarity !== 'high-is-good' && ind.polarity !== 'low-is-good') continue;
      for (const p of practices) {
        const now = data.result(ind.definition.id, p.code, periodEnd);
        const then = data.result(ind.definition.id, p.code, earlier);
        if (now?.value == null || then?.value == null) continue;
        const d = now.value - then.value;
        moves.push({ practice: p.code, name: p.name, indicator: ind.definition.id, title: ind.definition.title, kind: ind.definition.kind, from: then.value, to: now.value, gain: ind.polarity === 'high-is-good' ? d : -d });
      }
    }
  }
  const sorted = [...moves].sort((x, y) => y.gain - x.gain);
  const movers = [...sorted.slice(0, 5).filter((x) => x.gain > 0), ...sorted.reverse().slice(0, 5).filter((x) => x.gain < 0)];
  const moversTable: Table = {
    id: 'movers',
    caption: `Biggest movers since ${earlier ? monthLabel(earlier) : 'earlier months'} (five most improved, five most worsened)`,
    head: ['Practice', 'Indicator', 'From', 'To', 'Direction'],
    rows: movers.map((x) => [
      cell(x.name, x.practice),
      cell(x.title, x.indicator),
      cell(fmtValue(x.kind, x.from), x.from),
      cell(fmtValue(x.kind, x.to), x.to),
      cell(x.gain > 0 ? '▲ Improved' : '▼ Worsened', x.gain > 0 ? 'improved' : 'worsened'),
    ]),
  };
  // Practices needing support: most indicators Not met, and any worst-decile alerts.
  const support = practices
    .map((p) => {
      const row = m.rows.find((r) => r.code === p.code);
      const red = row ? row.cells.filter((c) => c.rag === 'red').length : 0;
      const rated = row ? row.cells.filter((c) => c.rag !== null).length : 0;
      const worst = a.worst_decile.filter((w) => w.practice === p.code).length;
      const worse = a.drifting.filter((d) => d.practice === p.code && d.direction === 'worse').length;
      return { p, red, rated, worst, worse };
    })
    .filter((s) => s.worst > 0 || s.worse > 0 || (s.rated > 0 && s.red / s.rated >= 0.5))
    .sort((x, y) => y.worst + y.worse - (x.worst + x.worse) || y.red - x.red);
  const supportTable: Table = {
    id: 'support',
    caption: 'Practices needing support: half or more of rated indicators Not met, or in the worst decile three months running, or drifting worse',
    head: ['Practice', 'Indicators Not met', 'Worst-decile alerts', 'Drifting worse'],
    numericColumns: [1, 2, 3],
    rows: support.map((s) => [cell(s.p.name, s.p.code), cell(`${s.red} of ${s.rated}`, s.red), cell(String(s.worst), s.worst), cell(String(s.worse), s.worse)]),
  };
  const window = chartWindow(data, periodEnd, range);
  const trends = data.indicatorList().filter((i) => i.definition.target).map((ind) => trendSection(data, ind, net.code, periodEnd, window, `trend-${ind.definition.id}`, csvHref(path, `trend-${ind.definition.id}`, periodEnd), 'h3', 'month', false));
  return {
    title: `Monthly feedback report: ${net.name}, ${monthLabel(periodEnd)}`,
    breadcrumbs: [
      { label: data.collaboration()?.name ?? 'Overview', href: `/?month=${periodEnd.slice(0, 7)}` },
      { label: net.name, href: `/networks/${encodeURIComponent(net.code)}?month=${periodEnd.slice(0, 7)}` },
    ],
    periodEnd,
    bare: true,
    tables: [mt, moversTable, supportTable, ...at, ...trends.map((t) => t.table)],
    body: h`<h1>Monthly feedback report: ${net.name}</h1>
<p class="nhsuk-lede-text">${monthLabel(periodEnd)}. ${data.collaboration()?.name ?? ''}.</p>
<h2 class="nhsuk-heading-m">Ratings by practice</h2>
${disclosureNote(data.disclosure)}
${tableHtml(mt, csvHref(path, mt.id, periodEnd))}
<h2 class="nhsuk-heading-m">Biggest movers</h2>
${moversTable.rows.length ? tableHtml(moversTable, csvHref(path, moversTable.id, periodEnd)) : h`<p class="nhsuk-body">No changes to report.</p>`}
<h2 class="nhsuk-heading-m">Practices needing support</h2>
${supportTable.rows.length ? tableHtml(supportTable, csvHref(path, supportTable.id, periodEnd)) : h`<p class="nhsuk-body">No practice meets the criteria this month.</p>`}
<h2 class="nhsuk-heading-m">Alerts</h2>
${at.map((t) => {
  if (!t.rows.length) return h`<p class="nhsuk-body">${t.caption}: none.</p>`;
  // The pack shows the strongest REPORT_ALERT_ROWS; the CSV link and the network page have them all.
  const shown = t.rows.length > REPORT_ALERT_ROWS ? { ...t, rows: t.rows.slice(0, REPORT_ALERT_ROWS), caption: `${t.caption}: the ${REPORT_ALERT_ROWS} strongest of ${t.rows.length}` } : t;
  return tableHtml(shown, csvHref(path, t.id, periodEnd));
})}
<h2 class="nhsuk-heading-m gp-page-break">Trends</h2>
<p class="nhsuk-body">${monthLabel(window.from)} to ${monthLabel(window.to)}. Each chart's data table has its whole series as CSV.</p>
${trends.map((t) => t.html)}`,
  };
}
