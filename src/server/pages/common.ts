import type { DashboardData, IndicatorRecord } from '../api/dashboard-data.js';
import type { Matrix } from '../api/queries.js';
import { series } from '../api/queries.js';
import { loadStudy, type Study } from '../../programmes/study.js';
import { type ReportingPeriod, reportingPeriodLabel } from '../../model/reporting-period.js';
import { toDate, trendChart, type TrendLine } from './charts.js';
import { changeHtml, changeText, fmtValue, monthLabel, ragTag, ragWord } from './format.js';
import { h, qs, type Raw } from './html.js';
import { cell, tableHtml, type Cell, type Table } from './table.js';
import { SUPPRESSED_CSV, suppressedHtml } from './disclosure.js';
import type { ChartWindow } from './chart-window.js';

export function orgHref(kind: string, code: string, month?: string): string {
  const m = month ? qs({ month: month.slice(0, 7) }) : '';
  if (kind === 'network') return `/networks/${encodeURIComponent(code)}${m}`;
  if (kind === 'practice') return `/practices/${encodeURIComponent(code)}${m}`;
  return `/${m}`;
}

export function indicatorHref(id: string, month?: string, network?: string): string {
  return `/indicators/${encodeURIComponent(id)}${qs({ month: month?.slice(0, 7), network })}`;
}

export function targetText(ind: IndicatorRecord): string {
  const t = ind.definition.target;
  if (!t) return 'no target';
  const unit = t.unit === undefined ? '' : /^[%°]/.test(t.unit) ? t.unit : ` ${t.unit}`;
  return `target ${t.direction === 'higher' ? '≥' : '≤'} ${t.value}${unit}`;
}

/** The RAG matrix: indicators as rows, the organisation and its children as columns. */
export function matrixTable(data: DashboardData, m: Matrix, id: string, caption: string, network?: string, period: ReportingPeriod = 'month'): Table {
  const unit = period === 'month' ? 'month' : period === 'quarter' ? 'quarter' : 'year';
  const orgs = m.rows;
  const month = m.period_end;
  const rows: Cell[][] = m.indicators.map((indId, i) => {
    const ind = data.indicators.get(indId)!;
    const kind = ind.definition.kind;
    return [
      cell(h`<a href="${indicatorHref(indId, month, network)}">${ind.definition.title}</a><span class="gp-muted nhsuk-body-s"> ${targetText(ind)}</span>`, ind.definition.title, ind.definition.title),
      ...orgs.map((o) => {
        const c = o.cells[i]!;
        if (c.suppressed) return cell(h`<span class="gp-cell"><span class="gp-value">${suppressedHtml()}</span><span class="gp-change">suppressed</span></span>`, SUPPRESSED_CSV, '');
        return cell(
          c.value === null
            ? h`<span class="gp-cell"><span class="gp-value">–</span><span class="gp-change">no patients</span></span>`
            : h`<span class="gp-cell">${c.rag ? ragTag(c.rag) : ''}<span class="gp-value">${fmtValue(kind, c.value)}</span>${changeHtml(c.change, c.improved, c.value, c.previous, kind, c.previous_suppressed, unit)}</span>`,
          c.value,
          c.value ?? '',
        );
      }),
    ];
  });
  const csvRows: (string | number | null)[][] = [];
  m.indicators.forEach((indId, i) => {
    const ind = data.indicators.get(indId)!;
    for (const o of orgs) {
      const c = o.cells[i]!;
      csvRows.push(
        c.suppressed
          ? [indId, ind.definition.title, o.code, o.name, month, SUPPRESSED_CSV, c.target, SUPPRESSED_CSV, c.previous, SUPPRESSED_CSV]
          : [indId, ind.definition.title, o.code, o.name, month, c.value, c.target, c.rag ? ragWord(c.rag) : '', c.previous, changeText(c.change, c.improved, c.value, c.previous, ind.definition.kind, c.previous_suppressed, unit)],
      );
    }
  });
  return {
    id,
    caption,
    head: ['Indicator', ...orgs.map((o) => ({ label: o.name, href: orgHref(o.kind, o.code, month) }))],
    rows,
    sortable: true,
    csv: { head: ['indicator_id', 'title', 'org_code', 'org_name', 'period_end', 'value', 'target', 'rating', 'previous_value', 'change'], rows: csvRows },
  };
}

let study: Study | null = null;
/** The programme start month for an indicator (the study's programme with that KPI, else the indicator's area). */
export function programmeStart(ind: IndicatorRecord): { date: Date; label: string } | null {
  try {
    study ??= loadStudy('tower-hamlets');
  } catch {
    return null;
  }
  const p = study.programmes.find((x) => x.kpis.some((k) => k.indicator === ind.definition.id)) ?? study.programmes.find((x) => x.id === ind.definition.area);
  if (!p) return null;
  const month = `${p.phase_in.from}-01`;
  return { date: toDate(month), label: `${p.title} programme starts (${monthLabel(month)})` };
}

const PERIOD_HEAD: Record<ReportingPeriod, string> = { month: 'Month', quarter: 'Quarter', year: 'QOF year' };

export function yLabel(ind: IndicatorRecord): string {
  const k = ind.definition.kind;
  return k === 'proportion' ? 'Per cent' : k === 'mean' ? 'Mean' : k === 'count' ? 'Patients' : k === 'deaths_per_100000' ? 'Per 100,000' : 'Per 1,000';
}

/**
 * A trend chart for an organisation (its parents and the benchmarks) over the chart window, with its
 * data table for the same months. The table's CSV holds the whole series to the page's month. With a
 * period, the series are the values at period ends.
 */
export function trendSection(
  data: DashboardData,
  ind: IndicatorRecord,
  orgCode: string,
  periodEnd: string,
  window: ChartWindow,
  tableId: string,
  csvHref: string,
  headingLevel: 'h2' | 'h3' = 'h3',
  period: ReportingPeriod = 'month',
  /** Also the neighbouring areas' benchmark lines (the study's comparators); the network and report pages, with a chart per indicator, show London and England only. */
  neighbours = true,
): { html: Raw; table: Table } {
  const style = (kind: string, code: string, name: string): TrendLine['style'] =>
    kind === 'benchmark'
      ? /pct/i.test(code + name)
        ? /pct.?b\b|pct b/i.test(`${code} ${name}`) ? 'neighbourB' : 'neighbourA'
        : /lon/i.test(code + name) ? 'london' : 'england'
      : (kind as TrendLine['style']);
  const all = series(data, { indicator: ind.definition.id, org: orgCode, to: periodEnd.slice(0, 7), period });
  const isNeighbour = (l: { kind: string; code: string; name: string }): boolean => {
    const st = style(l.kind, l.code, l.name);
    return st === 'neighbourA' || st === 'neighbourB';
  };
  const whole = neighbours ? all : { ...all, lines: all.lines.filter((l) => !isNeighbour(l)) };
  const inWindow = (p: { period_end: string }): boolean => p.period_end >= window.from && p.period_end <= window.to;
  const s = { ...whole, lines: whole.lines.map((l) => ({ ...l, points: l.points.filter(inWindow) })) };
  const lines: TrendLine[] = s.lines.map((l) => ({ label: l.name, style: style(l.kind, l.code, l.name), points: l.points.map((p) => ({ date: toDate(p.period_end), value: p.value })) }));
  const title = `${ind.definition.title}: trend, ${monthLabel(window.from)} to ${monthLabel(window.to)}${period === 'quarter' ? ', values at quarter ends' : period === 'year' ? ', values at QOF year ends (31 March)' : ''}`;
  const kind = ind.definition.kind;
  const rowsOf = (lns: typeof whole.lines): { html: Cell[][]; csv: (string | number | null)[][] } => {
    const months = lns[0]?.points.map((p) => p.period_end) ?? [];
    const lookup = lns.map((l) => new Map(l.points.map((p) => [p.period_end, p])));
    const rows = [...months].reverse().map((m) => [
      period === 'month' ? cell(monthLabel(m), m.slice(0, 7)) : cell(reportingPeriodLabel(m, period), reportingPeriodLabel(m, period)),
      ...lookup.map((lk) => {
        const p = lk.get(m);
        // Withheld points (disclosure control) are not drawn; the table marks them.
        return p?.suppressed ? cell(suppressedHtml(), SUPPRESSED_CSV) : cell(fmtValue(kind, p?.value ?? null), p?.value ?? null);
      }),
      cell(s.target === null ? '–' : String(s.target), s.target),
    ]);
    return { html: rows, csv: rows.map((r) => r.map((c) => c.csv)) };
  };
  const head = [PERIOD_HEAD[period], ...s.lines.map((l) => l.name), 'Target'];
  const table: Table = {
    id: tableId,
    caption: `Data for the chart: ${ind.definition.title}`,
    head,
    rows: rowsOf(s.lines).html,
    // Detail on demand: the CSV has every period to the page's month, not only the chart's.
    csv: { head, rows: rowsOf(whole.lines).csv },
    numericColumns: s.lines.map((_, i) => i + 1),
    compact: true,
  };
  const chart = trendChart({ title, yLabel: yLabel(ind), lines, target: s.target, programmeStart: programmeStart(ind) });
  const heading = headingLevel === 'h2' ? h`<h2 class="nhsuk-heading-m">${ind.definition.title}</h2>` : h`<h3 class="nhsuk-heading-s">${ind.definition.title}</h3>`;
  return {
    html: h`<section class="gp-chart-block" aria-label="${title}">${heading}
<figure class="gp-figure"><figcaption class="nhsuk-body-s">${title}. ${targetText(ind)}.</figcaption>${chart}</figure>
<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Data table: ${ind.definition.title}</span></summary><div class="nhsuk-details__text">${tableHtml(table, csvHref)}</div></details>
</section>`,
    table,
  };
}
