import { Hono, type Context } from 'hono';
import type { DashboardData } from '../api/dashboard-data.js';
import { CUSUM, RUN_MONTHS } from '../api/alerts.js';
import { ApiError } from '../api/errors.js';
import { periodMonths, periodParam } from '../api/params.js';
import type { AppOptions } from '../app.js';
import { evaluationRoutes } from './evaluation.js';
import { h } from './html.js';
import { indicatorPage } from './indicator.js';
import { layout } from './layout.js';
import { networkPage } from './network.js';
import { overviewPage } from './overview.js';
import type { PageModel } from './page.js';
import { practicePage } from './practice.js';
import { reportPage } from './report.js';
import { tableCsv } from './table.js';
import { aboutDisclosureBody } from './disclosure.js';
import { PageCache } from './page-cache.js';
import { pdfOrFallback } from './pdf-unavailable.js';
import { currentPrincipal } from '../auth/render-tickets.js';

/**
 * Only month, format, table, network and period are accepted on pages, and from/to (the chart window)
 * on the pages with trend charts; values are checked by the builders.
 */
function pageQuery(c: Context, charts = false): { month?: string; format?: string; table?: string; network?: string; period?: string; from?: string; to?: string } {
  const out: Record<string, string> = {};
  const allowed = charts ? ['month', 'format', 'table', 'network', 'period', 'from', 'to'] : ['month', 'format', 'table', 'network', 'period'];
  for (const [k, v] of Object.entries(c.req.queries())) {
    if (!allowed.includes(k)) throw new ApiError(400, 'bad_request', `unknown query parameter ${k}`);
    if (v.length !== 1) throw new ApiError(400, 'bad_request', `query parameter ${k} given ${v.length} times`);
    out[k] = v[0]!;
  }
  if (out.format !== undefined && out.format !== 'csv' && out.format !== 'html') throw new ApiError(400, 'bad_request', `format must be csv or html, not ${out.format}`);
  return out;
}

/** Pages that do not switch period refuse ?period= rather than ignore it. */
function withoutPeriod<T extends { period?: string }>(q: T): T {
  if (q.period !== undefined) throw new ApiError(400, 'bad_request', 'query parameter period is for the indicator, practice and network pages');
  return q;
}

function respond(c: Context, data: DashboardData, page: PageModel, q: { format?: string; table?: string }): Response {
  if (q.format === 'csv') {
    const t = q.table === undefined ? page.tables[0] : page.tables.find((x) => x.id === q.table);
    if (!t) throw new ApiError(404, 'not_found', `no table ${q.table ?? ''} on this page; tables: ${page.tables.map((x) => x.id).join(', ')}`);
    const name = `${c.req.path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9-]+/g, '-') || 'overview'}-${t.id}${page.periodEnd ? `-${page.periodEnd.slice(0, 7)}` : ''}.csv`;
    return c.body(tableCsv(t), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });
  }
  const monthPicker =
    page.periodEnd && !page.bare
      ? { current: page.periodEnd, months: periodMonths(data, page.period ?? 'month'), action: c.req.path, keep: page.keep ?? {}, ...(page.period ? { period: page.period } : {}) }
      : undefined;
  return c.html(layout({ title: page.title, breadcrumbs: page.breadcrumbs, body: page.body, ...(monthPicker ? { month: monthPicker } : {}) }));
}

export function pageRoutes(data: DashboardData, options: AppOptions): Hono {
  const r = new Hono();
  // Rendered pages by role, path and query (see page-cache.ts: the results never change while served).
  const cache = new PageCache();
  const cached = (c: Context, render: () => Response): Promise<Response> => {
    const url = new URL(c.req.url);
    return cache.serve(`${currentPrincipal.getStore()?.role ?? ''} ${url.pathname}${url.search}`, render);
  };
  r.get('/', (c) =>
    cached(c, () => {
      const q = withoutPeriod(pageQuery(c));
      return respond(c, data, overviewPage(data, q.month), q);
    }),
  );
  r.get('/networks/:code', (c) =>
    cached(c, () => {
      const q = pageQuery(c, true);
      return respond(c, data, networkPage(data, c.req.param('code'), q.month, { pdf: options.renderPdf !== undefined, period: periodParam(q.period), from: q.from, to: q.to }), q);
    }),
  );
  r.get('/networks/:code/report', (c) =>
    cached(c, () => {
      const q = withoutPeriod(pageQuery(c, true));
      return respond(c, data, reportPage(data, c.req.param('code'), q.month, q), q);
    }),
  );
  r.get('/networks/:code/report.pdf', async (c) => {
    const q = withoutPeriod(pageQuery(c));
    // Validate first (404/400 before starting a browser).
    const page = reportPage(data, c.req.param('code'), q.month);
    if (!options.renderPdf) throw new ApiError(404, 'not_found', 'PDF rendering is not available on this server');
    const render = options.renderPdf;
    const htmlPath = `/networks/${encodeURIComponent(c.req.param('code'))}/report?month=${page.periodEnd!.slice(0, 7)}`;
    return pdfOrFallback(c, () => render(htmlPath), `report-${c.req.param('code')}-${page.periodEnd!.slice(0, 7)}.pdf`, {
      href: htmlPath,
      label: 'view the feedback report',
      breadcrumbs: page.breadcrumbs,
    });
  });
  r.get('/practices/:code', (c) =>
    cached(c, () => {
      const q = pageQuery(c);
      return respond(c, data, practicePage(data, c.req.param('code'), q.month, periodParam(q.period)), q);
    }),
  );
  r.get('/indicators/:id', (c) =>
    cached(c, () => {
      const q = pageQuery(c, true);
      return respond(c, data, indicatorPage(data, c.req.param('id'), q.month, q.network, periodParam(q.period), q), q);
    }),
  );
  r.route('/evaluate', evaluationRoutes(data));
  r.get('/about/disclosure', (c) => c.html(layout({ title: 'How small numbers are protected', breadcrumbs: [{ label: data.collaboration()?.name ?? 'Overview', href: '/' }], body: aboutDisclosureBody(data.disclosure) })));
  r.get('/about/alerts', (c) =>
    c.html(
      layout({
        title: 'How alerts are worked out',
        breadcrumbs: [{ label: data.collaboration()?.name ?? 'Overview', href: '/' }],
        body: h`<h1>How alerts are worked out</h1>
<h2 class="nhsuk-heading-m">Worst decile, three months running</h2>
<p class="nhsuk-body">Each month, the collaboration's practices with a value are split into tenths (deciles) by their value, oriented so that decile 1 is the best and decile 10 the worst. A practice is listed when it was in decile 10 in the chosen month and the ${RUN_MONTHS - 1} months before it.</p>
<h2 class="nhsuk-heading-m">Drifting worse or better (CUSUM)</h2>
<p class="nhsuk-body">Each month, each practice's percentile rank among the collaboration's practices is worked out (0 = worst, 100 = best). The reference level is the practice's mean rank over the ${CUSUM.BASELINE} months ending ${CUSUM.WINDOW} months before the chosen month (at least ${CUSUM.MIN_BASELINE} of them with a value); sigma is their standard deviation, at least ${CUSUM.SIGMA_FLOOR} points. Over the last ${CUSUM.WINDOW} months, two sums accumulate the shortfall and the excess beyond an allowance of ${CUSUM.K} sigma. A practice is drifting worse when the shortfall sum passes ${CUSUM.H} sigma, and drifting better when the excess sum does.</p>`,
      }),
    ),
  );
  return r;
}
