import type { DashboardData } from '../api/dashboard-data.js';
import { practiceSummary, TREND_POINTS } from '../api/queries.js';
import type { ReportingPeriod } from '../../model/reporting-period.js';
import { sparkline } from './charts.js';
import { changeHtml, changeText, fmtValue, periodLabel, ragTag, ragWord } from './format.js';

const PERIOD_UNIT: Record<ReportingPeriod, string> = { month: 'month', quarter: 'quarter', year: 'year' };
import { h } from './html.js';
import { indicatorHref, orgHref, targetText } from './common.js';
import { csvHref, type PageModel } from './page.js';
import { cell, tableHtml, type Table } from './table.js';
import { currentPrincipal } from '../auth/render-tickets.js';
import { disclosureNote, suppressedCell } from './disclosure.js';

export function practicePage(data: DashboardData, code: string, month: string | undefined, period: ReportingPeriod = 'month'): PageModel {
  const s = practiceSummary(data, { org: code, month, period });
  const unit = PERIOD_UNIT[period];
  const { org, period_end: periodEnd } = s;
  const net = org.parent ? data.orgs.get(org.parent) : undefined;
  const path = `/practices/${encodeURIComponent(org.code)}`;
  const table: Table = {
    id: 'indicators',
    caption: `${org.name}: every indicator, ${periodLabel(periodEnd, period)}`,
    head: ['Indicator', 'Value', '95% CI', 'Target', 'Rating', `Change since last ${unit}`, 'Rank in network', 'To reach target', `Last ${TREND_POINTS[period]} ${unit}s`],
    numericColumns: [1],
    sortable: true,
    rows: s.rows.map((r) => {
      const ind = data.indicators.get(r.indicator_id)!;
      const ci = r.ci_low !== null && r.ci_high !== null ? `${fmtValue(r.kind, r.ci_low)} to ${fmtValue(r.kind, r.ci_high)}` : '–';
      const need =
        r.patients_needed === null
          ? r.kind === 'proportion' && ind.definition.target ? '–' : 'not applicable'
          : r.patients_needed === 0
            ? 'target met'
            : `${r.patients_needed} ${ind.definition.target?.direction === 'lower' ? 'fewer' : 'more'} patient${r.patients_needed === 1 ? '' : 's'}`;
      if (r.suppressed) {
        return [
          cell(h`<a href="${indicatorHref(r.indicator_id, periodEnd)}">${r.title}</a>`, r.indicator_id, r.title),
          suppressedCell(),
          suppressedCell(),
          cell(targetText(ind), r.target),
          suppressedCell(),
          suppressedCell(),
          suppressedCell(),
          suppressedCell(),
          cell(sparkline(r.trend.map((t) => t.value), `${r.title}: trend over the last ${r.trend.length} ${unit}s; this ${unit} suppressed`), r.trend.map((t) => (t.value === null ? '' : Math.round(t.value * 100) / 100)).join(' ')),
        ];
      }
      return [
        cell(h`<a href="${indicatorHref(r.indicator_id, periodEnd)}">${r.title}</a>`, r.indicator_id, r.title),
        cell(fmtValue(r.kind, r.value), r.value, r.value ?? ''),
        cell(ci, ci),
        cell(targetText(ind), r.target),
        cell(ragTag(r.rag, r.value), r.rag ? ragWord(r.rag) : '', r.rag === 'red' ? 0 : r.rag === 'amber' ? 1 : r.rag === 'green' ? 2 : 3),
        cell(changeHtml(r.change, r.improved, r.value, r.previous, r.kind, r.previous_suppressed, unit), changeText(r.change, r.improved, r.value, r.previous, r.kind, r.previous_suppressed, unit)),
        cell(r.rank === null ? '–' : `${r.rank} of ${r.of}`, r.rank === null ? null : `${r.rank} of ${r.of}`, r.rank ?? ''),
        cell(need, r.patients_needed, r.patients_needed ?? ''),
        cell(sparkline(r.trend.map((t) => t.value), `${r.title}: trend over the last ${r.trend.length} ${unit}s, from ${fmtValue(r.kind, r.trend.find((t) => t.value !== null)?.value)} to ${fmtValue(r.kind, r.value)}`), r.trend.map((t) => (t.value === null ? '' : Math.round(t.value * 100) / 100)).join(' ')),
      ];
    }),
  };
  const crumbs = [{ label: data.collaboration()?.name ?? 'Overview', href: orgHref('collaboration', '', periodEnd) }];
  if (net) crumbs.push({ label: net.name, href: orgHref('network', net.code, periodEnd) });
  const red = s.rows.filter((r) => r.rag === 'red').length;
  const green = s.rows.filter((r) => r.rag === 'green').length;
  return {
    title: org.name,
    breadcrumbs: crumbs,
    periodEnd,
    period,
    tables: [table],
    body: h`<h1>${org.name}, ${periodLabel(periodEnd, period)}</h1>
<p class="nhsuk-lede-text">${net ? h`Part of <a href="${orgHref('network', net.code, periodEnd)}">${net.name}</a>. ` : ''}${green} indicators met their target and ${red} did not. "To reach target" is the number of patients needed: the target times the denominator, less the numerator, rounded up.</p>
${currentPrincipal.getStore()?.role === 'practice' ? h`<p class="nhsuk-body"><a href="${path}/recall">Recall worklists: patients due and overdue</a></p>` : ''}
${disclosureNote(data.disclosure)}
${tableHtml(table, csvHref(path, table.id, periodEnd, period))}`,
  };
}
