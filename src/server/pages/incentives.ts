import { Hono, type Context } from 'hono';
import { discloseCalculation, type DisclosedCalculation as Calculation, type DisclosedComponent as ComponentOutcome } from '../disclosure/incentives.js';
import { disclosureNote, suppressedCell } from './disclosure.js';
import { formatBp } from '../../programmes/incentives/format-values.js';
import { formatPounds } from '../../programmes/incentives/money.js';
import type { Projection, ProjectedNetwork } from '../../programmes/incentives/projection.js';
import { describeRule } from '../../programmes/incentives/rules.js';
import { lifetimePotTotal, yearPots } from '../../programmes/incentives/lifetime.js';
import type { Scheme } from '../../programmes/incentives/scheme.js';
import type { DashboardData } from '../api/dashboard-data.js';
import { ApiError } from '../api/errors.js';
import type { IncentiveService } from '../api/incentives.js';
import { monthEndFor } from '../api/params.js';
import { monthLabel } from './format.js';
import { h, type Raw } from './html.js';
import { layout, type Crumb } from './layout.js';
import { pdfOrFallback } from './pdf-unavailable.js';
import { csvHref, type PageModel } from './page.js';
import { cell, tableCsv, tableHtml, type Cell, type Table } from './table.js';

/**
 * Incentive payment statements (docs/INCENTIVES.md): the scheme index, a commissioner summary
 * per scheme and year, and each network's statement, from the same calculation as
 * `gpnet incentives calculate` (a dry run: nothing is stored). Money is integer pence throughout,
 * shown in pounds by formatPounds and written to CSV as exact pounds-and-pence strings.
 */

const gbp = (pence: number): string => formatPounds(BigInt(pence));
/** Pence as an exact decimal string of pounds for CSV, e.g. 1400050 → "14000.50". */
export function poundsCsv(pence: number): string {
  const p = BigInt(pence);
  const neg = p < 0n;
  const a = neg ? -p : p;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}
const money = (pence: number): Cell => cell(gbp(pence), poundsCsv(pence), pence);
const STATUS: Record<string, string> = { met: 'Met', partial: 'Partly met', not_met: 'Not met', missing: 'Not measured' };
const STATUS_TAG: Record<string, string> = { met: 'nhsuk-tag--green', partial: 'nhsuk-tag--yellow', not_met: 'nhsuk-tag--red', missing: 'nhsuk-tag--grey' };
const statusCell = (s: string): Cell => cell(h`<strong class="nhsuk-tag ${STATUS_TAG[s] ?? 'nhsuk-tag--grey'}">${STATUS[s] ?? s}</strong>`, s);
const dateLabel = (d: string | null): string =>
  d === null ? 'not scheduled' : new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** Six-decimal share "0.750000" as a percentage "75%" / "33.3333%". */
function sharePercent(share: string): string {
  const [w = '0', f = ''] = share.split('.');
  const digits = `${w}${f.padEnd(6, '0')}`.replace(/^0+(?=\d)/, '');
  const n = digits.padStart(5, '0');
  const whole = n.slice(0, -4).replace(/^0+(?=\d)/, '');
  const frac = n.slice(-4).replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}
function fmtMeasure(v: number | null, kind: string): string {
  if (v === null) return 'none';
  if (kind === 'proportion') return `${v.toFixed(1)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function base(scheme: string, year: number): string {
  return `/incentives/${encodeURIComponent(scheme)}/${year}`;
}
function statementPath(scheme: string, year: number, code: string): string {
  return `${base(scheme, year)}/networks/${encodeURIComponent(code)}`;
}

function potSentence(calc: Calculation): string {
  const p = calc.pot;
  const n = calc.networks.length;
  switch (p.basis) {
    case 'per_network':
      return `The pot is ${gbp(p.total_pence)}: ${gbp(p.per_network_pence ?? 0)} for each of ${n} networks.`;
    case 'equal':
      return `The pot of ${gbp(p.total_pence)} is split equally between ${n} networks.`;
    case 'list_size':
      return `The pot of ${gbp(p.total_pence)} is split between ${n} networks by list size on ${dateLabel(p.date ?? null)}.`;
    case 'register':
      return `The pot of ${gbp(p.total_pence)} is split between ${n} networks by register size (${p.indicator ?? ''} ${p.measure ?? ''}) on ${dateLabel(p.date ?? null)}.`;
  }
}

/** The pot as the scheme file states it: "£112,000.00 for the scheme's life" or "£300,000.00 a year" (per network when so). */
function statedPot(s: Scheme): { text: string; csv: string } {
  const amount = s.pot.kind === 'total' ? s.pot.total : s.pot.perNetwork;
  const each = s.pot.kind === 'per_network' ? ' per network' : '';
  const covers = s.pot.per === 'scheme' ? " for the scheme's life" : ' a year';
  return { text: `${gbp(Number(amount))}${each}${covers}`, csv: `${poundsCsv(Number(amount))}${each}${covers}` };
}

/** The scheme index: each shipped scheme, its pot as stated, its lifetime pot, and its years with each year's pot. */
export function incentiveIndexPage(data: DashboardData, schemes: readonly Scheme[]): PageModel {
  const networkCount = [...data.orgs.values()].filter((o) => o.kind === 'network').length;
  const t: Table = {
    id: 'schemes',
    caption: 'Network incentive schemes',
    head: ['Scheme', 'Pot as stated', 'Lifetime pot', 'Advance', 'Performance', 'Financial years (pot)'],
    numericColumns: [2],
    rows: schemes.map((s) => {
      const stated = statedPot(s);
      const lifetime = lifetimePotTotal(s, networkCount);
      const years = yearPots(s, networkCount);
      const label = (y: number): string => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;
      return [
        cell(s.title, s.id),
        cell(stated.text, stated.csv),
        cell(gbp(Number(lifetime)), poundsCsv(Number(lifetime)), Number(lifetime)),
        cell(formatBp(s.advance.shareBp), formatBp(s.advance.shareBp)),
        cell(formatBp(s.performance.shareBp), formatBp(s.performance.shareBp)),
        cell(
          years.map((y, i) => h`${i ? ', ' : ''}<a href="${base(s.id, y.year)}">${label(y.year)}<span class="nhsuk-u-visually-hidden"> ${s.title}</span></a> (${gbp(Number(y.pot_pence))})`),
          years.map((y) => `${label(y.year)} ${poundsCsv(Number(y.pot_pence))}`).join(' '),
        ),
      ];
    }),
  };
  return {
    title: 'Network incentive schemes',
    breadcrumbs: [{ label: data.collaboration()?.name ?? 'Overview', href: '/' }],
    tables: [t],
    body: h`<h1>Network incentive schemes</h1>
<p class="nhsuk-lede-text">Each scheme pays networks part of their pot in advance and the rest on performance against its KPIs. A scheme's pot is stated either for each year or for the scheme's whole life, split between its years; the lifetime pot is the sum of its years' pots. Choose a financial year for the commissioner summary and each network's payment statement.</p>
${tableHtml(t, csvHref('/incentives', t.id))}`,
  };
}

function totalsRow(calc: Calculation): Cell[] {
  const t = calc.totals;
  return [cell(h`<strong>Total</strong>`, 'Total'), cell('', null), money(t.pot_pence), money(t.advance_pence), money(t.performance_pot_pence), money(t.performance_pence), money(t.unearned_pence), money(t.clawback_pence), money(t.total_pence)];
}

/** The commissioner summary: every network's payment, with totals that add up to the pot. */
export function incentiveSummaryPage(data: DashboardData, calc: Calculation, projection: Projection | null, asOf: string): PageModel {
  const path = base(calc.scheme.id, calc.year);
  const t: Table = {
    id: 'networks',
    caption: `${calc.scheme.title}, ${calc.financial_year}: payments by network`,
    head: ['Network', 'Split by (patients)', 'Pot', 'Advance', 'Performance pot', 'Performance earned', 'Not earned', 'Clawback', 'Total paid'],
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 8],
    rows: [
      ...calc.networks.map((n) => [
        cell(h`<a href="${statementPath(calc.scheme.id, calc.year, n.code)}">${n.name}</a>`, n.code),
        cell(n.split_size === null ? '–' : n.split_size.toLocaleString('en-GB'), n.split_size),
        money(n.pot_pence),
        money(n.advance_pence),
        money(n.performance_pot_pence),
        money(n.performance_pence),
        money(n.unearned_pence),
        money(n.clawback_pence),
        money(n.total_pence),
      ]),
      totalsRow(calc),
    ],
  };
  const t0 = calc.totals;
  const proj = projection
    ? h`<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>As of ${monthLabel(asOf)}, before the KPIs are measured: ${projection.totals.sentence}</p></div>`
    : '';
  return {
    title: `${calc.scheme.title}, ${calc.financial_year}`,
    breadcrumbs: crumbs(data, [{ label: 'Incentive schemes', href: '/incentives' }]),
    tables: [t],
    body: h`<h1>${calc.scheme.title}, ${calc.financial_year}</h1>
<p class="nhsuk-lede-text">Commissioner summary for ${dateLabel(calc.period.start)} to ${dateLabel(calc.period.end)}. ${potSentence(calc)}</p>
${proj}
<dl class="nhsuk-summary-list">
${summaryRow("This year's pot (all networks)", gbp(t0.pot_pence))}
${summaryRow('Lifetime pot', lifetimeText(calc))}
${summaryRow('Left of the lifetime pot after this year', gbp(calc.pot.left_after_year_pence))}
${summaryRow('Advance + performance pot', `${gbp(t0.advance_pence)} + ${gbp(t0.performance_pot_pence)} = ${gbp(t0.advance_pence + t0.performance_pot_pence)}`)}
${summaryRow('Performance earned', `${gbp(t0.performance_pence)} of ${gbp(t0.performance_pot_pence)}`)}
${summaryRow('Clawback', gbp(t0.clawback_pence))}
${summaryRow('Total paid to networks', gbp(t0.total_pence))}
</dl>
${warningsHtml(calc.warnings)}
${tableHtml(t, csvHref(path, t.id))}
<p class="nhsuk-body gp-download"><a href="${path}/summary.pdf">Download the summary as PDF</a></p>
<p class="nhsuk-body-s">Scheme file ${calc.scheme.file.slice(calc.scheme.file.lastIndexOf('/') + 1)}, sha256 ${calc.scheme.hash.slice(0, 16)}…</p>`,
  };
}

/** "£112,000.00, the scheme's pot for its whole life (this year's part: £56,000.00)" or "£900,000.00: £300,000.00 a year". */
function lifetimeText(calc: Calculation): string {
  const p = calc.pot;
  return p.per === 'scheme'
    ? `${gbp(p.lifetime_pot_pence)}, the scheme's pot for its whole life (this year's part: ${p.year_part ?? gbp(p.total_pence)})`
    : `${gbp(p.lifetime_pot_pence)}: ${gbp(p.total_pence)} a year`;
}

function summaryRow(key: string, value: string | Raw): Raw {
  return h`<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${key}</dt><dd class="nhsuk-summary-list__value">${value}</dd></div>`;
}

function warningsHtml(warnings: readonly string[]): Raw | string {
  if (!warnings.length) return '';
  return h`<div class="nhsuk-warning-callout"><h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Warnings</span></h2>
<ul class="nhsuk-list nhsuk-list--bullet">${warnings.map((w) => h`<li>${w}</li>`)}</ul></div>`;
}

function crumbs(data: DashboardData, more: Crumb[]): Crumb[] {
  return [{ label: data.collaboration()?.name ?? 'Overview', href: '/' }, ...more];
}

function kindOf(data: DashboardData, indicator: string): string {
  return data.indicators.get(indicator)?.definition.kind ?? 'proportion';
}

/** One network's payment statement. */
export function incentiveStatementPage(data: DashboardData, scheme: Scheme, calc: Calculation, code: string, projection: Projection | null, asOf: string, traceOpen = false): PageModel {
  const net = calc.networks.find((n) => n.code === code);
  if (!net) throw new ApiError(404, 'unknown_organisation', `no network with code ${code} in ${calc.scheme.id} ${calc.year}`);
  const path = statementPath(calc.scheme.id, calc.year, net.code);
  const comp = (id: string) => scheme.performance.components.find((c) => c.id === id);
  const kpis: Table = {
    id: 'kpis',
    caption: `${net.name}: KPI achievement, ${calc.financial_year}`,
    head: ['KPI', 'Measured on', 'Value', 'Rule (thresholds)', 'Status', 'Share earned', 'Component pot', 'Earned', 'Clawback'],
    numericColumns: [2, 5, 6, 7, 8],
    rows: net.components.map((c: ComponentOutcome) => {
      const sc = comp(c.id);
      const title = data.indicators.get(c.indicator)?.definition.title ?? c.indicator;
      return [
        cell(h`${c.title ?? title}<br><span class="nhsuk-body-s">${c.indicator}, weight ${formatBp(c.weight_bp)}</span>`, c.id),
        cell(dateLabel(c.measured_at), c.measured_at),
        c.result?.suppressed ? suppressedCell() : cell(fmtMeasure(c.value, kindOf(data, c.indicator)), c.achievement ?? c.value),
        cell(sc ? describeRule(sc, formatBp) : c.rule, sc ? describeRule(sc, formatBp) : c.rule),
        statusCell(c.status),
        cell(sharePercent(c.earned_share), c.earned_share),
        money(c.component_pot_pence),
        money(c.earned_pence),
        money(c.clawback_pence),
      ];
    }),
  };
  const payment: Table = {
    id: 'payment',
    caption: `${net.name}: payment`,
    head: ['Item', 'Paid on', 'Amount'],
    numericColumns: [2],
    rows: [
      [cell('Advance', 'advance'), cell(dateLabel(net.advance_paid_on), net.advance_paid_on), money(net.advance_pence)],
      [cell(`Performance payment (of ${gbp(net.performance_pot_pence)} available)`, 'performance'), cell(dateLabel(net.performance_paid_on), net.performance_paid_on), money(net.performance_pence)],
      [cell('Clawback', 'clawback'), cell(net.clawback_pence ? dateLabel(net.performance_paid_on) : '–', net.clawback_pence ? net.performance_paid_on : null), cell(net.clawback_pence ? `−${gbp(net.clawback_pence)}` : gbp(0), poundsCsv(-net.clawback_pence), -net.clawback_pence)],
      [cell(h`<strong>Total</strong>`, 'total'), cell('', null), cell(h`<strong>${gbp(net.total_pence)}</strong>`, poundsCsv(net.total_pence), net.total_pence)],
    ],
  };
  const used = calc.trace.results.filter((r) => r.org_code === net.code);
  const trace: Table = {
    id: 'trace',
    caption: `${net.name}: result rows used`,
    head: ['Indicator', 'Period end', 'Numerator', 'Denominator', 'Value', 'Definition hash', 'Current definition'],
    numericColumns: [2, 3, 4],
    rows: used.map((r) => [
      cell(r.indicator_id, r.indicator_id),
      cell(r.period_end, r.period_end),
      ...(r.suppressed
        ? [suppressedCell(), suppressedCell(), suppressedCell()]
        : [
            cell(r.numerator === null ? '–' : r.numerator.toLocaleString('en-GB'), r.numerator),
            cell(r.denominator === null ? '–' : r.denominator.toLocaleString('en-GB'), r.denominator),
            cell(fmtMeasure(r.value, kindOf(data, r.indicator_id)), r.value),
          ]),
      cell(h`<code>${r.definition_hash.slice(0, 16)}…</code>`, r.definition_hash),
      cell(r.current_definition ? 'Yes' : 'No', r.current_definition ? 'yes' : 'no'),
    ]),
  };
  const tables: Table[] = [payment, kpis, trace];
  const pn: ProjectedNetwork | undefined = projection?.networks.find((n) => n.code === net.code);
  let projHtml: Raw | string = '';
  if (projection && pn) {
    const pt: Table = {
      id: 'projection',
      caption: `${net.name}: projection to the measurement dates from ${monthLabel(asOf)}`,
      head: ['KPI', 'Basis', 'Months fitted', 'Projected value', 'Status', 'Projected earned', 'Projected clawback'],
      numericColumns: [2, 3, 5, 6],
      rows: pn.components.map((c) => [
        cell(c.id, c.id),
        cell(c.basis === 'trend' ? 'straight-line trend' : c.basis === 'actual' ? 'measured' : c.basis === 'flat' ? 'one month, held flat' : 'no data', c.basis),
        cell(String(c.points.length), c.points.length),
        cell(fmtMeasure(c.projected_value, kindOf(data, c.indicator)), c.projected_value),
        statusCell(c.status),
        money(c.earned_pence),
        money(c.clawback_pence),
      ]),
    };
    tables.push(pt);
    projHtml = h`<h2 class="nhsuk-heading-m">During the year: projection</h2>
<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p class="gp-projection">At current trajectory you will earn ${gbp(pn.projected_total_pence)} of ${gbp(pn.pot_pence)}.</p></div>
<p class="nhsuk-body">As of ${monthLabel(asOf)}: a straight line fitted to each KPI's last ${projection.months} monthly values, extrapolated to its measurement date, with the scheme's rules applied. A guide for the network meeting, not a payment.</p>
${tableHtml(pt, csvHref(path, pt.id, asOf))}`;
  }
  const traceSummary = `How this was worked out: the ${used.length} result rows used`;
  const traceBody = h`<p class="nhsuk-body-s">Scheme file ${calc.scheme.file.slice(calc.scheme.file.lastIndexOf('/') + 1)}, sha256 ${calc.scheme.hash}. Each row is an indicator result from the store, with the hash of the definition it was computed with.</p>
${tableHtml(trace, csvHref(path, trace.id))}`;
  // On screen the trace is folded away in a details element; printed (trace=open, as the PDF asks) it is a section, because print hides details.
  const traceHtml = traceOpen
    ? h`<h2 class="nhsuk-heading-m">${traceSummary}</h2>
${traceBody}`
    : h`<details class="nhsuk-details">
<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">${traceSummary}</span></summary>
<div class="nhsuk-details__text">
${traceBody}
</div>
</details>`;
  return {
    title: `Payment statement: ${net.name}, ${calc.scheme.title}, ${calc.financial_year}`,
    breadcrumbs: crumbs(data, [
      { label: 'Incentive schemes', href: '/incentives' },
      { label: `${calc.scheme.title}, ${calc.financial_year}`, href: base(calc.scheme.id, calc.year) },
    ]),
    tables,
    body: h`<h1>Payment statement: ${net.name}</h1>
<p class="nhsuk-lede-text">${calc.scheme.title}, financial year ${calc.financial_year} (${dateLabel(calc.period.start)} to ${dateLabel(calc.period.end)}). Network code ${net.code}.</p>
<dl class="nhsuk-summary-list">
${summaryRow('Network pot', `${gbp(net.pot_pence)}${net.split_size !== null ? ` (split by ${net.split_size.toLocaleString('en-GB')} patients)` : ''}`)}
${summaryRow('Advance paid', `${gbp(net.advance_pence)} on ${dateLabel(net.advance_paid_on)}`)}
${summaryRow('Performance payment', `${gbp(net.performance_pence)} of ${gbp(net.performance_pot_pence)}${net.performance_paid_on ? `, paid ${dateLabel(net.performance_paid_on)}` : ''}`)}
${summaryRow('Clawback', net.clawback_pence ? `−${gbp(net.clawback_pence)}` : gbp(0))}
${summaryRow('Total', gbp(net.total_pence))}
${summaryRow("Scheme's lifetime pot (all networks)", `${lifetimeText(calc)}; ${gbp(calc.pot.left_after_year_pence)} left after this year`)}
</dl>
${warningsHtml(calc.warnings.filter((w) => w.startsWith(`${net.code}:`) || !/^[A-Z0-9]+: /.test(w)))}
${projHtml}
<h2 class="nhsuk-heading-m">Payment</h2>
${tableHtml(payment, csvHref(path, payment.id))}
<h2 class="nhsuk-heading-m">KPI achievement</h2>
${disclosureNote(data.disclosure)}
${tableHtml(kpis, csvHref(path, kpis.id))}
${traceHtml}
<p class="nhsuk-body gp-download"><a href="${path}/statement.pdf">Download this statement as PDF</a></p>`,
  };
}

// ---- routes ----------------------------------------------------------------------------------

interface IncentiveQuery {
  month?: string;
  format?: string;
  table?: string;
  trace?: string;
}

function incentiveQuery(c: Context): IncentiveQuery {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.queries())) {
    if (!['month', 'format', 'table', 'trace'].includes(k)) throw new ApiError(400, 'bad_request', `unknown query parameter ${k}`);
    if (v.length !== 1) throw new ApiError(400, 'bad_request', `query parameter ${k} given ${v.length} times`);
    out[k] = v[0]!;
  }
  if (out.format !== undefined && out.format !== 'csv' && out.format !== 'html') throw new ApiError(400, 'bad_request', `format must be csv or html, not ${out.format}`);
  if (out.trace !== undefined && out.trace !== 'open') throw new ApiError(400, 'bad_request', `trace must be open, not ${out.trace}`);
  return out;
}

function respond(c: Context, page: PageModel, q: IncentiveQuery): Response {
  if (q.format === 'csv') {
    const t = q.table === undefined ? page.tables[0] : page.tables.find((x) => x.id === q.table);
    if (!t) throw new ApiError(404, 'not_found', `no table ${q.table ?? ''} on this page; tables: ${page.tables.map((x) => x.id).join(', ')}`);
    const name = `${c.req.path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9-]+/g, '-')}-${t.id}.csv`;
    return c.body(tableCsv(t), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });
  }
  return c.html(layout({ title: page.title, breadcrumbs: page.breadcrumbs, body: page.body }));
}

/** The projection is shown while a KPI is still to be measured after `asOf`. */
async function projectionIfDuring(service: IncentiveService, scheme: Scheme, calc: Calculation, asOf: string): Promise<Projection | null> {
  const last = calc.networks[0]?.components.reduce((m, c) => (c.measured_at > m ? c.measured_at : m), '') ?? '';
  if (!(asOf < last)) return null;
  return service.projection(scheme, calc.year, asOf);
}

export interface IncentivePageOptions {
  renderPdf?: (path: string) => Promise<Uint8Array>;
}

/** Pages under /incentives: index, summary (and its PDF), statements (and their PDFs). */
export function incentivePageRoutes(data: DashboardData, service: IncentiveService, options: IncentivePageOptions): Hono {
  const r = new Hono();
  const asOfOf = (q: IncentiveQuery): string => monthEndFor(data, q.month);
  const pdf = async (c: Context, path: string, file: string): Promise<Response> => {
    const render = options.renderPdf;
    if (!render) throw new ApiError(404, 'not_found', 'PDF rendering is not available on this server');
    return pdfOrFallback(c, () => render(path), file, { href: path, label: 'view it as a web page', breadcrumbs: [{ label: 'Incentive schemes', href: '/incentives' }] });
  };
  r.get('/incentives', (c) => {
    const q = incentiveQuery(c);
    return respond(c, incentiveIndexPage(data, service.schemes()), q);
  });
  r.get('/incentives/:scheme/:year', async (c) => {
    const q = incentiveQuery(c);
    const { scheme, year } = service.scheme(c.req.param('scheme'), c.req.param('year'));
    const calc = discloseCalculation(await service.calculation(scheme, year), data);
    const asOf = asOfOf(q);
    return respond(c, incentiveSummaryPage(data, calc, await projectionIfDuring(service, scheme, calc, asOf), asOf), q);
  });
  r.get('/incentives/:scheme/:year/summary.pdf', async (c) => {
    const q = incentiveQuery(c);
    const { scheme, year } = service.scheme(c.req.param('scheme'), c.req.param('year'));
    await service.calculation(scheme, year); // 404s before starting a browser
    const month = q.month ? `?month=${asOfOf(q).slice(0, 7)}` : '';
    return pdf(c, `${base(scheme.id, year)}${month}`, `incentives-${scheme.id}-${year}-summary.pdf`);
  });
  r.get('/incentives/:scheme/:year/networks/:code', async (c) => {
    const q = incentiveQuery(c);
    const { scheme, year } = service.scheme(c.req.param('scheme'), c.req.param('year'));
    const calc = discloseCalculation(await service.calculation(scheme, year), data);
    const asOf = asOfOf(q);
    const page = incentiveStatementPage(data, scheme, calc, c.req.param('code'), await projectionIfDuring(service, scheme, calc, asOf), asOf, q.trace === 'open');
    return respond(c, page, q);
  });
  r.get('/incentives/:scheme/:year/networks/:code/statement.pdf', async (c) => {
    const q = incentiveQuery(c);
    const { scheme, year } = service.scheme(c.req.param('scheme'), c.req.param('year'));
    const calc = await service.calculation(scheme, year);
    const code = c.req.param('code');
    if (!calc.networks.some((n) => n.code === code)) throw new ApiError(404, 'unknown_organisation', `no network with code ${code} in ${scheme.id} ${year}`);
    const p = new URLSearchParams({ trace: 'open' });
    if (q.month) p.set('month', asOfOf(q).slice(0, 7));
    return pdf(c, `${statementPath(scheme.id, year, code)}?${p.toString()}`, `incentives-${scheme.id}-${year}-${code}.pdf`);
  });
  return r;
}
