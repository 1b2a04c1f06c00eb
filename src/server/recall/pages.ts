import { disclosureNote, suppressedHtml } from '../pages/disclosure.js';
import { Hono, type Context } from 'hono';
import { lettersHtml } from '../../programmes/recall/letters.js';
import { ADJUSTMENTS, METHODS, OUTCOMES } from '../../programmes/recall/outreach.js';
import type { WorklistRow } from '../../programmes/recall/worklist.js';
import { sessionOf } from '../auth/middleware.js';
import { monthLabel } from '../pages/format.js';
import { h, type Html, type Raw } from '../pages/html.js';
import { layout, type Crumb, pickerMonths } from '../pages/layout.js';
import type { RecallOptions } from './api.js';
import { disclosedCounts, filteredWorklist, startNetworkCounts, type NetworkCounts } from './api.js';
import { audit, guarded, parseWith, positiveId, singleQuery, today } from './http.js';
import { type BatchDetail, BatchRequest, type CountJob, LogRequest, RecallError, type RecallService, SentRequest } from './service.js';
import { SORTS, type Sort, WORKLIST_PARAMS, type WorklistQuery } from './worklist-query.js';

/**
 * Recall pages: the practice worklist (filters, sortable columns, bulk and per-row logging,
 * batches), a batch's page (downloads, mark as sent), printable letters, and the network's
 * counts. Server-rendered, plain forms and links: everything works without JavaScript.
 */

const words = (s: string): string => s.replaceAll('_', ' ');
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const STYLE = h`<style>
.gp-recall-filters { display: flex; flex-wrap: wrap; gap: 0 24px; align-items: flex-end; }
.gp-recall-filters .nhsuk-form-group { margin-bottom: 16px; }
.gp-recall-actions { border: 1px solid #d8dde0; background: #fff; padding: 16px; margin: 16px 0 24px; }
.gp-recall-actions .nhsuk-form-group { display: inline-block; margin: 0 16px 12px 0; vertical-align: bottom; }
.gp-recall-table td, .gp-recall-table th { font-size: 16px; vertical-align: top; }
.gp-recall-table .nhsuk-select { min-width: 0; width: auto; max-width: 9em; font-size: 16px; }
.gp-recall-table td:nth-child(6) { min-width: 14em; }
.gp-recall-table .nhsuk-button { margin: 4px 0 0; padding: 4px 10px; font-size: 16px; }
.gp-bar { display: inline-block; height: 14px; background: #005eb8; vertical-align: middle; margin-right: 6px; }
.gp-bar--soon { background: #ffb81c; }
.gp-check { width: 24px; height: 24px; }
.gp-nowrap { white-space: nowrap; }
</style>`;

function errorHtml(c: Context, title: string, crumbs: Crumb[], err: RecallError, back: string): Response {
  return c.html(
    layout({
      title,
      breadcrumbs: crumbs,
      body: h`<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h1 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h1>
<div class="nhsuk-error-summary__body"><p>${err.message}</p></div></div>
<p class="nhsuk-body"><a href="${back}">Go back</a></p>`,
    }),
    err.status,
  );
}

function practiceCrumbs(svc: RecallService, code: string): Crumb[] {
  const org = svc.data.orgs.get(code);
  const crumbs: Crumb[] = [];
  if (org?.parent) crumbs.push({ label: svc.data.orgs.get(org.parent)?.name ?? org.parent, href: `/networks/${encodeURIComponent(org.parent)}` });
  crumbs.push({ label: org?.name ?? code, href: `/practices/${encodeURIComponent(code)}` });
  return crumbs;
}

function worklistHref(code: string, q: Partial<Record<(typeof WORKLIST_PARAMS)[number] | 'done', string>>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== 'false') p.set(k, v);
  const s = p.toString();
  return `/practices/${encodeURIComponent(code)}/recall${s ? `?${s}` : ''}`;
}

function queryParams(q: WorklistQuery): Record<string, string> {
  const out: Record<string, string> = { programme: q.programme, status: q.status, sort: q.sort, dir: q.dir };
  if (q.month) out.month = q.month;
  if (q.defaulters) out.defaulters = '1';
  if (q.risk) out.risk = '1';
  if (q.q) out.q = q.q;
  return out;
}

const SORT_LABEL: Record<Sort, string> = { priority: 'Priority', status: 'Status', name: 'Patient', age: 'Age', reason: 'Reason', due_by: 'Due by', invitations: 'Unanswered invitations' };

function sortHeader(code: string, q: WorklistQuery, sort: Sort, label = SORT_LABEL[sort]): Raw {
  const active = q.sort === sort;
  const dir = active && q.dir === 'asc' ? 'desc' : 'asc';
  const aria = active ? (q.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  return h`<th scope="col" class="nhsuk-table__header" aria-sort="${aria}"><a href="${worklistHref(code, { ...queryParams(q), sort, dir })}">${label}${active ? (q.dir === 'asc' ? ' ▲' : ' ▼') : ''}<span class="nhsuk-u-visually-hidden">, sort ${dir === 'asc' ? 'ascending' : 'descending'}</span></a></th>`;
}

function select(id: string, name: string, label: string, options: readonly (readonly [string, string])[], selected: string | undefined, extra: Html = ''): Raw {
  return h`<div class="nhsuk-form-group"><label class="nhsuk-label" for="${id}">${label}</label>
<select class="nhsuk-select" id="${id}" name="${name}"${extra}>${options.map(([v, l]) => h`<option value="${v}"${v === selected ? h` selected` : ''}>${l}</option>`)}</select></div>`;
}

const ROW_ACTIONS: readonly (readonly [string, string])[] = [
  ...OUTCOMES.map((o) => [`outcome:${o}`, `Outcome: ${words(o)}`] as const),
  ...METHODS.map((m) => [`method:${m}`, `Invited: ${m === 'opportunistic' ? 'opportunistically' : `by ${m}`}`] as const),
  ...ADJUSTMENTS.map((a) => [`adjustment:${a}`, `Adjustment: ${words(a)}`] as const),
];

function statusTag(r: WorklistRow): Raw {
  return r.status === 'overdue' ? h`<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>` : h`<strong class="nhsuk-tag nhsuk-tag--yellow">Due soon</strong>`;
}

function rowHtml(r: WorklistRow): Raw {
  const id = r.patient_id;
  return h`<tr class="nhsuk-table__row" id="patient-${id}">
<td class="nhsuk-table__cell"><input class="gp-check" type="checkbox" name="patient" value="${id}" id="select-${id}" form="worklist-form" aria-label="Select ${r.name}"></td>
<td class="nhsuk-table__cell">${r.priority}</td>
<td class="nhsuk-table__cell">${statusTag(r)}</td>
<th scope="row" class="nhsuk-table__header">${r.name}<br><span class="nhsuk-body-s">NHS ${r.nhs_number ?? 'not recorded'} · ${r.phone}</span></th>
<td class="nhsuk-table__cell">${r.age}</td>
<td class="nhsuk-table__cell">${r.reason}${r.risk ? h`<br><strong>Risk:</strong> ${r.risk}` : ''}</td>
<td class="nhsuk-table__cell">${r.due_by ?? '–'}</td>
<td class="nhsuk-table__cell">${r.unanswered_invitations}${r.defaulter ? h` <strong class="nhsuk-tag nhsuk-tag--orange">Defaulter</strong>` : ''}</td>
<td class="nhsuk-table__cell">${r.last_contact ?? '–'}</td>
<td class="nhsuk-table__cell">${r.next_action}</td>
<td class="nhsuk-table__cell"><label class="nhsuk-u-visually-hidden" for="row-action-${id}">What happened for ${r.name}</label>
<select class="nhsuk-select" id="row-action-${id}" name="row_action_${id}" form="row-${id}"><option value="">Choose…</option>${ROW_ACTIONS.map(([v, l]) => h`<option value="${v}">${l}</option>`)}</select>
<button class="nhsuk-button nhsuk-button--secondary" type="submit" name="one" value="${id}" form="row-${id}">Log<span class="nhsuk-u-visually-hidden"> for ${r.name}</span></button></td>
</tr>`;
}

const DONE: Record<string, (n: string) => string> = {
  logged: (n) => `Logged for ${n} patient${n === '1' ? '' : 's'}.`,
};

async function worklistPage(c: Context, svc: RecallService, code: string): Promise<Response> {
  const raw = singleQuery(c, [...WORKLIST_PARAMS, 'done']);
  const done = raw.done;
  delete raw.done;
  raw.programme ??= svc.programmes()[0]?.programme.id ?? '';
  const { list, rows, query } = await filteredWorklist(svc, code, raw, 'query');
  await audit(c, svc.engine, { action: 'recall-worklist-read', organisation: code, patientCount: rows.length, outcome: 'allowed', detail: `${list.programme} ${list.period_end} page` });
  const org = svc.practice(code);
  const p = svc.programme(list.programme).programme;
  const csrf = sessionOf(c)?.csrfToken ?? '';
  const base = `/practices/${encodeURIComponent(code)}/recall`;
  const doneMatch = done ? /^(logged)-(\d{1,4})$/.exec(done) : null;
  const counts = list.counts;
  const batches = (await svc.batches(code)).slice(0, 10);
  // Every programme's list size at this practice (counts; the lists are cached), to show where the work is.
  const sizes = await Promise.all(svc.programmes().map(async (x) => ({ id: x.programme.id, title: x.programme.title, rows: (await svc.worklist(code, x.programme.id, list.period_end)).rows })));
  const back = new URLSearchParams(queryParams(query)).toString();
  const monthOptions = pickerMonths(svc.data.months, list.period_end).reverse().map((m) => [m.slice(0, 7), monthLabel(m)] as const);
  const body = h`${STYLE}
<h1>Recall: ${p.title}</h1>
<p class="nhsuk-lede-text">${org.name}, ${monthLabel(list.period_end)}. Patients in the indicator's denominator but not its numerator are overdue; due-soon patients will be if nothing is recorded.</p>
${doneMatch ? h`<div class="nhsuk-inset-text" role="status"><p>${DONE[doneMatch[1]!]!(doneMatch[2]!)}</p></div>` : ''}
<p class="nhsuk-body">${counts.overdue} overdue (denominator ${counts.denominator} − numerator ${counts.numerator})${counts.adjusted_in_log ? `, of whom ${counts.adjusted_in_log} ${counts.adjusted_in_log === 1 ? 'has a personalised care adjustment in the log and is' : 'have a personalised care adjustment in the log and are'} not listed` : ''}; ${counts.due_soon} due soon. Showing ${rows.length} of ${list.rows.length}.</p>
<details class="nhsuk-details"${list.rows.length === 0 ? h` open` : ''}>
<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Every list at this practice</span></summary>
<div class="nhsuk-details__text"><ul class="nhsuk-list">${sizes.map(
    (x) => h`<li>${x.id === list.programme ? h`<strong>${x.title}</strong>` : h`<a href="${worklistHref(code, { programme: x.id, month: query.month })}">${x.title}</a>`}: ${x.rows.filter((r) => r.status === 'overdue').length} overdue, ${x.rows.filter((r) => r.status === 'due_soon').length} due soon</li>`,
  )}</ul></div>
</details>
<form method="get" action="${base}" class="gp-recall-filters" aria-label="Filter the worklist">
${select('programme', 'programme', 'Programme', svc.programmes().map((x) => [x.programme.id, x.programme.title] as const), query.programme)}
${select('month', 'month', 'Month', monthOptions, list.period_end.slice(0, 7))}
${select('status', 'status', 'Status', [['all', 'Overdue and due soon'], ['overdue', 'Overdue'], ['due_soon', 'Due soon']], query.status)}
<div class="nhsuk-form-group"><label class="nhsuk-label" for="q">Search</label><input class="nhsuk-input nhsuk-input--width-10" id="q" name="q" type="search" value="${query.q ?? ''}"></div>
<div class="nhsuk-form-group"><div class="nhsuk-checkboxes__item"><input class="nhsuk-checkboxes__input" id="defaulters" name="defaulters" type="checkbox" value="1"${query.defaulters ? h` checked` : ''}><label class="nhsuk-label nhsuk-checkboxes__label" for="defaulters">Defaulters only</label></div></div>
<div class="nhsuk-form-group"><div class="nhsuk-checkboxes__item"><input class="nhsuk-checkboxes__input" id="risk" name="risk" type="checkbox" value="1"${query.risk ? h` checked` : ''}><label class="nhsuk-label nhsuk-checkboxes__label" for="risk">Clinical risk only</label></div></div>
${select('sort', 'sort', 'Sort by', SORTS.map((s) => [s, SORT_LABEL[s]] as const), query.sort)}
${select('dir', 'dir', 'Order', [['asc', 'Ascending'], ['desc', 'Descending']], query.dir)}
<div class="nhsuk-form-group"><button class="nhsuk-button nhsuk-button--secondary gp-inline-button" type="submit">Apply filters</button></div>
</form>
<p class="nhsuk-body-s"><a href="/api/recall/practices/${code}/worklist.csv?${back}" download>Download this list as CSV</a></p>
<form method="post" action="${base}/log" id="worklist-form">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="programme" value="${list.programme}">
<input type="hidden" name="month" value="${list.period_end.slice(0, 7)}">
<input type="hidden" name="back" value="${back}">
<fieldset class="nhsuk-fieldset gp-recall-actions">
<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">For the patients you select in the table</legend>
${select('bulk-method', 'method', 'Invitation', [['', '–'], ...METHODS.map((m) => [m, cap(m)] as const)], '')}
${select('bulk-outcome', 'outcome', 'Outcome', [['', '–'], ...OUTCOMES.map((o) => [o, cap(words(o))] as const)], '')}
${select('bulk-adjustment', 'adjustment', 'Personalised care adjustment', [['', '–'], ...ADJUSTMENTS.map((a) => [a, cap(words(a))] as const)], '')}
<div class="nhsuk-form-group"><label class="nhsuk-label" for="date">Date</label><input class="nhsuk-input nhsuk-input--width-10" id="date" name="date" type="date" value="${today()}"></div>
<div class="nhsuk-form-group"><button class="nhsuk-button" type="submit" name="bulk" value="log">Log for selected</button></div>
<br>
${select('batch-method', 'batch_method', 'Batch of invitations by', [['letter', 'Letter'], ['sms', 'SMS'], ['phone', 'Phone']], 'letter')}
<div class="nhsuk-form-group"><button class="nhsuk-button nhsuk-button--secondary" type="submit" formaction="${base}/batches">Create batch from selected</button></div>
</fieldset>
</form>
<div class="gp-table-wrap" tabindex="0" role="region" aria-label="Worklist (scrollable)">
<table class="nhsuk-table gp-table gp-recall-table" id="worklist">
<caption class="nhsuk-table__caption">${p.title}: ${rows.length} patient${rows.length === 1 ? '' : 's'}</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
<th scope="col" class="nhsuk-table__header"><span class="nhsuk-u-visually-hidden">Select</span></th>
${sortHeader(code, query, 'priority', 'P')}${sortHeader(code, query, 'status')}${sortHeader(code, query, 'name')}${sortHeader(code, query, 'age')}${sortHeader(code, query, 'reason')}${sortHeader(code, query, 'due_by')}${sortHeader(code, query, 'invitations', 'Invitations')}
<th scope="col" class="nhsuk-table__header">Last contact</th><th scope="col" class="nhsuk-table__header">Next action</th><th scope="col" class="nhsuk-table__header">Log outcome</th>
</tr></thead>
<tbody class="nhsuk-table__body">${rows.length ? rows.map(rowHtml) : h`<tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="11">No patients match.</td></tr>`}</tbody>
</table>
</div>
${rows.map((r) => h`<form id="row-${r.patient_id}" method="post" action="${base}/log"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="programme" value="${list.programme}"><input type="hidden" name="back" value="${back}"></form>`)}
<h2 class="nhsuk-heading-m">Batches</h2>
${batches.length
    ? h`<ul class="nhsuk-list nhsuk-list--bullet">${batches.map((b) => h`<li><a href="${base}/batches/${b.id}">Batch ${b.id}</a>: ${b.programme}, ${b.patients} patient${b.patients === 1 ? '' : 's'} by ${b.method}, ${b.sent_on ? `sent ${b.sent_on}` : 'not sent yet'}</li>`)}</ul>`
    : h`<p class="nhsuk-body">No batches yet.</p>`}`;
  return c.html(layout({ title: `Recall: ${p.title} – ${org.name}`, breadcrumbs: practiceCrumbs(svc, code), body }));
}

/** The form's fields: repeated `patient` values kept, everything else single. */
async function formFields(c: Context): Promise<{ one: (k: string) => string | undefined; all: (k: string) => string[] }> {
  const form = await c.req.formData();
  return {
    one: (k) => {
      const v = form.get(k);
      return typeof v === 'string' && v !== '' ? v : undefined;
    },
    all: (k) => form.getAll(k).filter((v): v is string => typeof v === 'string'),
  };
}

function backQuery(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw ?? '')) if ((WORKLIST_PARAMS as readonly string[]).includes(k)) out[k] = v.slice(0, 100);
  return out;
}

function ids(values: readonly string[]): number[] {
  return values.map((v) => {
    if (!/^[1-9][0-9]{0,14}$/.test(v)) throw new RecallError(400, 'bad_request', `patient: not a patient id: ${v.slice(0, 20)}`);
    return Number(v);
  });
}

function batchPage(c: Context, svc: RecallService, b: BatchDetail, pdf: boolean, done: string | undefined): Response {
  const base = `/practices/${encodeURIComponent(b.practice)}/recall`;
  const api = `/api/recall/practices/${encodeURIComponent(b.practice)}/batches/${b.id}`;
  const p = svc.programme(b.programme).programme;
  const csrf = sessionOf(c)?.csrfToken ?? '';
  const body = h`${STYLE}
<h1>Batch ${b.id}: ${p.title}</h1>
${done === 'sent' ? h`<div class="nhsuk-inset-text" role="status"><p>Marked as sent: ${b.patients} invitation${b.patients === 1 ? '' : 's'} logged.</p></div>` : done === 'created' ? h`<div class="nhsuk-inset-text" role="status"><p>Batch created with ${b.patients} patient${b.patients === 1 ? '' : 's'}. Download it, send it, then mark it as sent.</p></div>` : ''}
<dl class="nhsuk-summary-list">
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Method</dt><dd class="nhsuk-summary-list__value">${cap(b.method)}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Patients</dt><dd class="nhsuk-summary-list__value">${b.patients}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">List month</dt><dd class="nhsuk-summary-list__value">${monthLabel(b.period_end)}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Created</dt><dd class="nhsuk-summary-list__value">${b.created_at}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Sent</dt><dd class="nhsuk-summary-list__value">${b.sent_on ?? 'Not yet'}</dd></div>
</dl>
<h2 class="nhsuk-heading-m">Downloads</h2>
<ul class="nhsuk-list nhsuk-list--bullet">
<li><a href="${api}/batch.csv" download>Batch as CSV</a> (for a clinical system or messaging service)</li>
<li><a href="${api}/sms.csv" download>SMS outbox</a> (NHS number, phone, message)</li>
${pdf ? h`<li><a href="${api}/letters.pdf" download>Letters as PDF</a></li>` : ''}
<li><a href="${base}/batches/${b.id}/letters">Letters to print from the browser</a></li>
</ul>
${b.sent_on
    ? h`<p class="nhsuk-body">This batch was marked as sent on ${b.sent_on}; its invitations are in the outreach log.</p>`
    : h`<form method="post" action="${base}/batches/${b.id}/sent">
<input type="hidden" name="csrf" value="${csrf}">
<div class="nhsuk-form-group"><label class="nhsuk-label" for="sent-date">Date sent</label><input class="nhsuk-input nhsuk-input--width-10" id="sent-date" name="date" type="date" value="${today()}"></div>
<button class="nhsuk-button" type="submit">Mark as sent</button>
</form>`}
<div class="gp-table-wrap" tabindex="0" role="region" aria-label="Patients in the batch (scrollable)">
<table class="nhsuk-table gp-table gp-recall-table" id="batch-members">
<caption class="nhsuk-table__caption">Patients in batch ${b.id}</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Patient</th><th scope="col" class="nhsuk-table__header">NHS number</th><th scope="col" class="nhsuk-table__header">Phone</th><th scope="col" class="nhsuk-table__header">Reason</th><th scope="col" class="nhsuk-table__header">Due by</th></tr></thead>
<tbody class="nhsuk-table__body">${b.rows.map((r) => h`<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">${r.name}</th><td class="nhsuk-table__cell">${r.nhs_number ?? '–'}</td><td class="nhsuk-table__cell">${r.phone}</td><td class="nhsuk-table__cell">${r.reason}</td><td class="nhsuk-table__cell">${r.due_by ?? '–'}</td></tr>`)}</tbody>
</table></div>
<p class="nhsuk-body"><a href="${base}?programme=${b.programme}">Back to the ${p.title} worklist</a></p>`;
  return c.html(layout({ title: `Batch ${b.id} – recall`, breadcrumbs: [...practiceCrumbs(svc, b.practice), { label: 'Recall', href: `${base}?programme=${b.programme}` }], body }));
}

function networkPage(svc: RecallService, code: string, counts: NetworkCounts): Raw {
  const net = svc.data.orgs.get(code)!;
  const practices = [...new Set(counts.rows.map((r) => r.practice))];
  const byKey = new Map(counts.rows.map((r) => [`${r.practice}|${r.programme}`, r]));
  const totalOf = new Map(counts.totals.map((t) => [t.programme, t]));
  const totals = counts.programmes.map((p) => ({ ...p, overdue: null, due_soon: null, defaulters: null, ...totalOf.get(p.id) }));
  const max = Math.max(1, ...totals.map((t) => (t.overdue ?? 0) + (t.due_soon ?? 0)));
  const n = (v: number | null): Raw | number => (v === null ? suppressedHtml() : v);
  const px = (n: number): string => `${Math.round((n / max) * 240)}px`;
  return h`${STYLE}
<h1>Recall lists in ${net.name}, ${monthLabel(counts.period_end)}</h1>
<p class="nhsuk-lede-text">How many patients each practice has on each recall list. Counts only: the lists themselves, with names and NHS numbers, are for each practice's own staff.</p>
<div class="gp-table-wrap" tabindex="0" role="region" aria-label="Network totals by programme (scrollable)">
<table class="nhsuk-table gp-table" id="recall-totals">
<caption class="nhsuk-table__caption">${net.name}: patients on each list</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Programme</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Overdue</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Due soon</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Defaulters</th><th scope="col" class="nhsuk-table__header">Chart</th></tr></thead>
<tbody class="nhsuk-table__body">${totals.map(
    (t) => h`<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">${t.title}</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">${n(t.overdue)}</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">${n(t.due_soon)}</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">${n(t.defaulters)}</td>
<td class="nhsuk-table__cell">${t.overdue ? h`<span class="gp-bar" style="width:${px(t.overdue)}" aria-hidden="true"></span>` : ''}${t.due_soon ? h`<span class="gp-bar gp-bar--soon" style="width:${px(t.due_soon)}" aria-hidden="true"></span>` : ''}</td></tr>`,
  )}</tbody></table></div>
<p class="nhsuk-body-s">Chart: blue, overdue; yellow, due soon.</p>
<div class="gp-table-wrap" tabindex="0" role="region" aria-label="Practices by programme (scrollable)">
<table class="nhsuk-table gp-table" id="recall-practices">
<caption class="nhsuk-table__caption">Each practice: overdue / due soon / defaulters</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Practice</th>${counts.programmes.map((p) => h`<th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">${p.title}</th>`)}</tr></thead>
<tbody class="nhsuk-table__body">${practices.map(
    (pr) => h`<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header"><a href="/practices/${pr}">${byKey.get(`${pr}|${counts.programmes[0]?.id}`)?.practice_name ?? pr}</a></th>${counts.programmes.map((p) => {
      const r = byKey.get(`${pr}|${p.id}`);
      return h`<td class="nhsuk-table__cell nhsuk-table__cell--numeric gp-nowrap">${r ? h`${n(r.overdue)} / ${n(r.due_soon)} / ${n(r.defaulters)}` : '–'}</td>`;
    })}</tr>`,
  )}</tbody></table></div>
${disclosureNote(svc.data.disclosure)}
<p class="nhsuk-body-s"><a href="/api/recall/counts?network=${code}&amp;month=${counts.period_end.slice(0, 7)}">These counts as JSON</a></p>`;
}

/** How long the network page waits for a count before showing its progress instead. */
const COUNT_WAIT_MS = 1500;

function countingPage(networkName: string, job: CountJob, path: string, month: string | undefined): Raw {
  const done = Math.max(0, job.started - 1);
  return h`<h1>Counting recall lists in ${networkName}</h1>
<p class="nhsuk-lede-text">Every practice's lists are being counted for this month. This takes a little while the first time; the page will show the counts when they are ready.</p>
<label class="nhsuk-label" for="count-progress">${done} of ${job.total} programmes counted</label>
<progress id="count-progress" max="${job.total}" value="${done}">${done} of ${job.total}</progress>
<form method="get" action="${path}">${month === undefined ? '' : h`<input type="hidden" name="month" value="${month}">`}
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Check again</button></form>
<script>setTimeout(function () { location.reload(); }, 2000);</script>`;
}

export function recallPageRoutes(svc: RecallService, options: RecallOptions): Hono {
  const r = new Hono();
  const engine = svc.engine;
  const code = (c: Context): string => c.req.param('code')!;
  const fail = (c: Context, back: string) => (err: RecallError) => errorHtml(c, 'There is a problem – recall', practiceCrumbs(svc, code(c)), err, back);

  r.get('/practices/:code/recall', (c) => guarded(c, engine, 'recall-worklist-read', code(c), () => worklistPage(c, svc, code(c)), fail(c, `/practices/${encodeURIComponent(code(c))}`)));

  r.post('/practices/:code/recall/log', async (c) => {
    const f = await formFields(c);
    const back = backQuery(f.one('back'));
    const listHref = worklistHref(code(c), back);
    return guarded(
      c,
      engine,
      'recall-log',
      code(c),
      async () => {
        svc.practice(code(c));
        const one = f.one('one');
        let fields: { method?: string; outcome?: string; adjustment?: string };
        let patients: number[];
        if (one !== undefined) {
          patients = ids([one]);
          const [kind, value] = (f.one(`row_action_${one}`) ?? '').split(':');
          if (kind !== 'method' && kind !== 'outcome' && kind !== 'adjustment') throw new RecallError(400, 'bad_request', 'choose what happened for the patient');
          fields = { [kind]: value };
        } else {
          patients = ids(f.all('patient'));
          fields = { method: f.one('method'), outcome: f.one('outcome'), adjustment: f.one('adjustment') };
        }
        const req = parseWith(LogRequest, { programme: f.one('programme'), patient_ids: patients, date: f.one('date') ?? today(), ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) }, 'form');
        const n = await svc.log(code(c), req);
        await audit(c, engine, { action: 'recall-log', organisation: code(c), patientCount: n, outcome: 'ok', detail: `${req.programme} ${req.date} ${[req.method, req.outcome, req.adjustment].filter((x) => x).join(' ')}` });
        return c.redirect(worklistHref(code(c), { ...back, done: `logged-${n}` }), 303);
      },
      fail(c, listHref),
    );
  });

  r.post('/practices/:code/recall/batches', async (c) => {
    const f = await formFields(c);
    const back = backQuery(f.one('back'));
    return guarded(
      c,
      engine,
      'recall-batch-create',
      code(c),
      async () => {
        svc.practice(code(c));
        const req = parseWith(BatchRequest, { programme: f.one('programme'), month: f.one('month'), method: f.one('batch_method'), patient_ids: ids(f.all('patient')) }, 'form');
        const b = await svc.createBatch(code(c), req);
        await audit(c, engine, { action: 'recall-batch-create', organisation: code(c), patientCount: b.patients, outcome: 'ok', detail: `batch ${b.id} ${req.programme} ${req.method}` });
        return c.redirect(`/practices/${encodeURIComponent(code(c))}/recall/batches/${b.id}?done=created`, 303);
      },
      fail(c, worklistHref(code(c), back)),
    );
  });

  r.get('/practices/:code/recall/batches/:id', (c) =>
    guarded(
      c,
      engine,
      'recall-batch-read',
      code(c),
      async () => {
        const q = singleQuery(c, ['done']);
        svc.practice(code(c));
        const b = await svc.batch(code(c), positiveId(c.req.param('id')!, 'batch'));
        await audit(c, engine, { action: 'recall-batch-read', organisation: code(c), patientCount: b.rows.length, outcome: 'allowed', detail: `batch ${b.id} page` });
        return batchPage(c, svc, b, options.lettersPdf !== undefined, q.done);
      },
      fail(c, `/practices/${encodeURIComponent(code(c))}/recall`),
    ),
  );

  r.get('/practices/:code/recall/batches/:id/letters', (c) =>
    guarded(
      c,
      engine,
      'recall-batch-export',
      code(c),
      async () => {
        singleQuery(c, []);
        svc.practice(code(c));
        const b = await svc.batch(code(c), positiveId(c.req.param('id')!, 'batch'));
        await audit(c, engine, { action: 'recall-batch-export', organisation: code(c), patientCount: b.rows.length, outcome: 'allowed', detail: `batch ${b.id} letters` });
        return c.html(lettersHtml({ practiceName: svc.practice(b.practice).name, programme: svc.programme(b.programme).programme, batchId: b.id, date: b.sent_on ?? today(), rows: b.rows }));
      },
      fail(c, `/practices/${encodeURIComponent(code(c))}/recall`),
    ),
  );

  r.post('/practices/:code/recall/batches/:id/sent', async (c) => {
    const f = await formFields(c);
    const batchHref = `/practices/${encodeURIComponent(code(c))}/recall/batches/${encodeURIComponent(c.req.param('id')!)}`;
    return guarded(
      c,
      engine,
      'recall-batch-sent',
      code(c),
      async () => {
        svc.practice(code(c));
        const id = positiveId(c.req.param('id')!, 'batch');
        const req = parseWith(SentRequest, { date: f.one('date') ?? today() }, 'form');
        const n = await svc.markSent(code(c), id, req.date);
        await audit(c, engine, { action: 'recall-batch-sent', organisation: code(c), patientCount: n, outcome: 'ok', detail: `batch ${id} sent ${req.date}` });
        return c.redirect(`${batchHref}?done=sent`, 303);
      },
      fail(c, batchHref),
    );
  });

  r.get('/networks/:code/recall', (c) =>
    guarded(
      c,
      engine,
      'recall-counts',
      code(c),
      async () => {
        const q = singleQuery(c, ['month']);
        const { R, job } = startNetworkCounts(svc, code(c), q.month);
        const net = svc.data.orgs.get(code(c))!;
        // A first count on a large store takes a while: after a short wait, show its progress.
        const rows = job.rows ?? (await Promise.race([job.result, new Promise<null>((resolve) => setTimeout(() => resolve(null), COUNT_WAIT_MS))]));
        if (rows === null) {
          return c.html(
            layout({
              title: `Counting recall lists – ${net.name}`,
              breadcrumbs: [{ label: svc.data.collaboration()?.name ?? 'Overview', href: '/' }, { label: net.name, href: `/networks/${encodeURIComponent(net.code)}` }],
              body: countingPage(net.name, job, c.req.path, q.month),
            }),
          );
        }
        const counts = disclosedCounts(svc, code(c), R, rows);
        return c.html(
          layout({
            title: `Recall lists – ${net.name}`,
            breadcrumbs: [{ label: svc.data.collaboration()?.name ?? 'Overview', href: '/' }, { label: net.name, href: `/networks/${encodeURIComponent(net.code)}` }],
            month: { current: counts.period_end, months: svc.data.months, action: c.req.path },
            body: networkPage(svc, code(c), counts),
          }),
        );
      },
      (err) => errorHtml(c, 'There is a problem – recall', [], err, `/networks/${encodeURIComponent(code(c))}`),
    ),
  );
  return r;
}
