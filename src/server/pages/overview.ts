import type { DashboardData } from '../api/dashboard-data.js';
import { matrix } from '../api/queries.js';
import { monthLabel } from './format.js';
import { h } from './html.js';
import { matrixTable, orgHref } from './common.js';
import { csvHref, type PageModel } from './page.js';
import { tableHtml } from './table.js';
import { disclosureNote } from './disclosure.js';
import { ApiError } from '../api/errors.js';

export function overviewPage(data: DashboardData, month: string | undefined): PageModel {
  const collab = data.collaboration();
  if (!collab) throw new ApiError(404, 'not_found', 'the store holds no collaboration');
  const m = matrix(data, { org: collab.code, month });
  const table = matrixTable(data, m, 'rag-matrix', `${collab.name}: each network against each indicator, ${monthLabel(m.period_end)}`);
  const networks = data.children(collab.code);
  return {
    title: `${collab.name}: overview`,
    breadcrumbs: [],
    periodEnd: m.period_end,
    tables: [table],
    body: h`<h1>${collab.name}: overview, ${monthLabel(m.period_end)}</h1>
<p class="nhsuk-lede-text">Each cell shows the value, the rating against the target (Met, Near or Not met) and the change since ${m.previous_period_end ? monthLabel(m.previous_period_end) : 'the previous month'}.</p>
<h2 class="nhsuk-heading-m">Networks</h2>
<ul class="nhsuk-list gp-columns">${networks.map((n) => h`<li><a href="${orgHref('network', n.code, m.period_end)}">${n.name}</a></li>`)}</ul>
<h2 class="nhsuk-heading-m">Ratings by network</h2>
${disclosureNote(data.disclosure)}
${tableHtml(table, csvHref('/', table.id, m.period_end))}`,
  };
}
