import type { DashboardData } from '../api/dashboard-data.js';
import { alerts, type Alerts } from '../api/alerts.js';
import { matrix } from '../api/queries.js';
import { requireOrg, periodEndFor } from '../api/params.js';
import type { ReportingPeriod } from '../../model/reporting-period.js';
import { fmtNumber, fmtValue, monthLabel, periodLabel } from './format.js';
import { h, type Raw } from './html.js';
import { indicatorHref, matrixTable, orgHref, trendSection } from './common.js';
import { csvHref, type PageModel } from './page.js';
import { cell, tableHtml, type Table } from './table.js';
import { disclosureNote } from './disclosure.js';
import { chartWindow, windowNav } from './chart-window.js';

export function alertTables(data: DashboardData, a: Alerts): Table[] {
  const month = a.period_end;
  const worst: Table = {
    id: 'alerts-worst-decile',
    caption: `Practices in the worst tenth of the collaboration's practices for three months running (${a.worst_decile[0]?.months.join(', ') ?? `to ${monthLabel(month)}`})`,
    head: ['Practice', 'Indicator', 'Values (oldest first)'],
    rows: a.worst_decile.map((w) => {
      const kind = data.indicators.get(w.indicator)?.definition.kind ?? 'proportion';
      return [
        cell(h`<a href="${orgHref('practice', w.practice, month)}">${w.name}</a>`, w.practice),
        cell(h`<a href="${indicatorHref(w.indicator, month)}">${w.title}</a>`, w.indicator),
        cell(w.values.map((v) => fmtValue(kind, v)).join(', '), w.values.join(' ')),
      ];
    }),
  };
  const drift: Table = {
    id: 'alerts-drift',
    caption: 'Practices drifting worse or better (CUSUM on percentile rank among the collaboration\'s practices)',
    head: ['Practice', 'Indicator', 'Direction', 'Baseline rank (percentile)', 'Current rank (percentile)', 'CUSUM / threshold'],
    numericColumns: [3, 4, 5],
    rows: a.drifting.map((d) => [
      cell(h`<a href="${orgHref('practice', d.practice, month)}">${d.name}</a>`, d.practice),
      cell(h`<a href="${indicatorHref(d.indicator, month)}">${d.title}</a>`, d.indicator),
      cell(h`<strong class="nhsuk-tag ${d.direction === 'worse' ? 'nhsuk-tag--red' : 'nhsuk-tag--green'}">${d.direction === 'worse' ? '▼ Drifting worse' : '▲ Drifting better'}</strong>`, d.direction),
      cell(fmtNumber(d.baseline_rank, 0), Math.round(d.baseline_rank * 10) / 10),
      cell(fmtNumber(d.current_rank, 0), d.current_rank === null ? null : Math.round(d.current_rank * 10) / 10),
      cell(`${fmtNumber(d.cusum, 0)} / ${fmtNumber(d.h, 0)}`, Math.round((d.cusum / d.h) * 100) / 100),
    ]),
  };
  return [worst, drift];
}

export function alertsHtml(tables: Table[], path: string, month: string): Raw {
  return h`${tables.map((t) => (t.rows.length ? tableHtml(t, csvHref(path, t.id, month)) : h`<p class="nhsuk-body">${t.caption}: none.</p>`))}
<p class="nhsuk-body-s">How alerts are worked out: <a href="/about/alerts">deciles and CUSUM explained</a>.</p>`;
}

export function networkPage(data: DashboardData, code: string, month: string | undefined, options: { pdf: boolean; period?: ReportingPeriod; from?: string | undefined; to?: string | undefined }): PageModel {
  const net = requireOrg(data, code, ['network']);
  const period = options.period ?? 'month';
  const periodEnd = periodEndFor(data, month, period);
  const m = matrix(data, { org: net.code, month: periodEnd.slice(0, 7), period });
  const path = `/networks/${encodeURIComponent(net.code)}`;
  const mt = matrixTable(data, m, 'rag-matrix', `${net.name}: each practice against each indicator, ${periodLabel(periodEnd, period)}`, net.code, period);
  const at = alertTables(data, alerts(data, { network: net.code, month: periodEnd.slice(0, 7) }));
  const window = chartWindow(data, periodEnd, options);
  const trends = data.indicatorList().map((ind) => trendSection(data, ind, net.code, periodEnd, window, `trend-${ind.definition.id}`, csvHref(path, `trend-${ind.definition.id}`, periodEnd, period), 'h3', period, false));
  const reportQs = `?month=${periodEnd.slice(0, 7)}`;
  return {
    title: `${net.name}`,
    breadcrumbs: [{ label: data.collaboration()?.name ?? 'Overview', href: orgHref('collaboration', '', periodEnd) }],
    periodEnd,
    period,
    tables: [mt, ...at, ...trends.map((t) => t.table)],
    body: h`<h1>${net.name}, ${periodLabel(periodEnd, period)}</h1>
<p class="nhsuk-body">Monthly feedback report for this network: <a href="${path}/report${reportQs}">view the report</a>${options.pdf ? h` or <a href="${path}/report.pdf${reportQs}">download it as PDF</a>` : ''}.</p>
<p class="nhsuk-body"><a href="${path}/recall${reportQs}">Recall lists: patients due and overdue at each practice (counts only)</a></p>
<h2 class="nhsuk-heading-m">Ratings by practice</h2>
${disclosureNote(data.disclosure)}
${tableHtml(mt, csvHref(path, mt.id, periodEnd, period))}
<h2 class="nhsuk-heading-m" id="alerts">Alerts</h2>
${alertsHtml(at, path, periodEnd)}
<h2 class="nhsuk-heading-m" id="trends">Trends</h2>
<p class="nhsuk-body">The network against the collaboration, London and England, with the target and the start of the care package.</p>
${windowNav(data, window, periodEnd, path, { month: periodEnd.slice(0, 7), ...(period === 'month' ? {} : { period }) })}
${trends.map((t) => t.html)}`,
  };
}
