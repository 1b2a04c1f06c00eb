import type { DashboardData } from '../api/dashboard-data.js';
import { catalogueEntry, comparison } from '../api/queries.js';
import { requireIndicator, requireOrg } from '../api/params.js';
import { funnelChart } from './charts.js';
import type { ReportingPeriod } from '../../model/reporting-period.js';
import { fmtValue, monthLabel, periodLabel, ragTag, ragWord } from './format.js';
import { h } from './html.js';
import { chartWindow, windowNav } from './chart-window.js';
import { orgHref, targetText, trendSection, yLabel } from './common.js';
import { csvHref, type PageModel } from './page.js';
import { cell, tableHtml, type Table } from './table.js';
import { disclosureNote, suppressedCell } from './disclosure.js';

const FUNNEL_WORDS: Record<string, string> = {
  'Low (0.001)': 'Below 99.8% limit',
  'Low (0.025)': 'Below 95% limit',
  'High (0.001)': 'Above 99.8% limit',
  'High (0.025)': 'Above 95% limit',
  'Not significant': 'Within limits',
};

export function indicatorPage(
  data: DashboardData,
  id: string,
  month: string | undefined,
  network: string | undefined,
  period: ReportingPeriod = 'month',
  range: { from?: string | undefined; to?: string | undefined } = {},
): PageModel {
  const ind = requireIndicator(data, id);
  if (network !== undefined) requireOrg(data, network, ['network']);
  const entry = catalogueEntry(ind, data.codelistTitles);
  const c = comparison(data, { indicator: ind.definition.id, month, network: undefined, period });
  const periodEnd = c.period_end;
  const kind = ind.definition.kind;
  const path = `/indicators/${encodeURIComponent(ind.definition.id)}`;
  // League table: worst first (by polarity; lowest first when there is none); suppressed practices last.
  const worstFirst = [...c.practices].sort((a, b) => {
    if (a.suppressed !== b.suppressed) return a.suppressed ? 1 : -1;
    if (a.suppressed) return a.name.localeCompare(b.name);
    const av = a.value ?? Infinity;
    const bv = b.value ?? Infinity;
    return c.polarity === 'low-is-good' ? bv - av : av - bv;
  });
  const netName = (code: string | null): string => (code ? (data.orgs.get(code)?.name ?? code) : '–');
  const league: Table = {
    id: 'league',
    caption: `Practices, worst first: ${ind.definition.title}, ${periodLabel(periodEnd, period)}`,
    head: ['Practice', 'Network', 'Numerator', 'Denominator', 'Value', '95% CI', 'Rating', 'Funnel plot', 'Decile (1 = best)', 'Compared with England'],
    numericColumns: [2, 3, 4],
    sortable: true,
    rows: worstFirst.map((p) => p.suppressed ? [
      cell(h`<a href="${orgHref('practice', p.code, periodEnd)}">${p.name}</a>`, p.code, p.name),
      cell(netName(p.network), p.network),
      ...Array.from({ length: 8 }, () => suppressedCell()),
    ] : [
      cell(h`<a href="${orgHref('practice', p.code, periodEnd)}">${p.name}</a>`, p.code, p.name),
      cell(netName(p.network), p.network),
      cell(p.numerator === null ? '–' : String(p.numerator), p.numerator, p.numerator ?? ''),
      cell(p.denominator === null ? '–' : String(p.denominator), p.denominator, p.denominator ?? ''),
      cell(fmtValue(kind, p.value), p.value, p.value ?? ''),
      cell(p.ci_low !== null && p.ci_high !== null ? `${fmtValue(kind, p.ci_low)} to ${fmtValue(kind, p.ci_high)}` : '–', p.ci_low !== null ? `${p.ci_low} to ${p.ci_high}` : null),
      cell(ragTag(p.rag, p.value), p.rag ? ragWord(p.rag) : ''),
      cell(p.funnel ? (FUNNEL_WORDS[p.funnel] ?? p.funnel) : '–', p.funnel),
      cell(p.decile === null ? '–' : String(p.decile), p.decile, p.decile ?? ''),
      cell(p.vs_england, p.vs_england),
    ]),
  };
  const funnel =
    c.funnel_table && c.collaboration !== null
      ? funnelChart({
          title: `Funnel plot: ${ind.definition.title}, ${monthLabel(periodEnd)}`,
          yLabel: yLabel(ind),
          // Withheld practices (disclosure control) are not drawn.
          points: c.practices.flatMap((p) => (p.value !== null && p.denominator !== null && p.denominator > 0 ? [{ label: p.name, denominator: p.denominator, value: p.value, highlight: network !== undefined && p.network === network }] : [])),
          limits: c.funnel_table,
          baseline: c.collaboration,
        })
      : null;
  const collab = data.collaboration();
  const window = chartWindow(data, periodEnd, range);
  const trend = collab ? trendSection(data, ind, collab.code, periodEnd, window, 'trend', csvHref(path, 'trend', periodEnd, period), 'h2', period) : null;
  const codelists: Table = {
    id: 'codelists',
    caption: 'Codelists used, with the version the definition was written against',
    head: ['Codelist', 'Title', 'Version'],
    rows: entry.codelists.map((cl) => [cell(cl.slug, cl.slug), cell(cl.title ?? '–', cl.title), cell(cl.version, cl.version)]),
  };
  const p = entry.plain;
  return {
    title: ind.definition.title,
    breadcrumbs: [
      { label: collab?.name ?? 'Overview', href: orgHref('collaboration', '', periodEnd) },
      ...(network !== undefined ? [{ label: data.orgs.get(network)!.name, href: orgHref('network', network, periodEnd) }] : []),
    ],
    ...(network !== undefined ? { keep: { network } } : {}),
    periodEnd,
    period,
    tables: [league, codelists, ...(trend ? [trend.table] : [])],
    body: h`<h1>${ind.definition.title}</h1>
<p class="nhsuk-lede-text">${ind.definition.rationale}</p>
<h2 class="nhsuk-heading-m">Definition</h2>
<dl class="nhsuk-summary-list">
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Measure</dt><dd class="nhsuk-summary-list__value">${p.measure}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Population (denominator)</dt><dd class="nhsuk-summary-list__value">${p.population}</dd></div>
${p.numerator ? h`<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Meets the standard (numerator)</dt><dd class="nhsuk-summary-list__value">${p.numerator}</dd></div>` : ''}
${p.exclusions.length ? h`<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Exclusions</dt><dd class="nhsuk-summary-list__value">${p.exclusions.join(' ')}</dd></div>` : ''}
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Target</dt><dd class="nhsuk-summary-list__value">${p.target ?? targetText(ind)}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Source</dt><dd class="nhsuk-summary-list__value">${ind.definition.source}</dd></div>
</dl>
${tableHtml(codelists, csvHref(path, codelists.id, periodEnd))}
<h2 class="nhsuk-heading-m">Practices compared, ${periodLabel(periodEnd, period)}</h2>
<p class="nhsuk-body">Collaboration ${fmtValue(kind, c.collaboration)}; London ${fmtValue(kind, c.london)}; England ${fmtValue(kind, c.england)}.${funnel ? ' The funnel limits are drawn around the collaboration mean.' : ''}</p>
${funnel ? h`<figure class="gp-figure"><figcaption class="nhsuk-body-s">Funnel plot of practices, ${monthLabel(periodEnd)}. The league table below holds the same data.</figcaption>${funnel}</figure>` : h`<p class="nhsuk-body">No funnel plot: this indicator is not a proportion.</p>`}
${disclosureNote(data.disclosure)}
${tableHtml(league, csvHref(path, league.id, periodEnd, period))}
${trend ? h`${trend.html}${windowNav(data, window, periodEnd, path, { month: periodEnd.slice(0, 7), network, ...(period === 'month' ? {} : { period }) })}` : ''}
<p class="nhsuk-body"><a href="/evaluate?indicator=${ind.definition.id}">Evaluate the programme's effect on this indicator (interrupted time series)</a></p>`,
  };
}
