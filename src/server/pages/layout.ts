import type { ReportingPeriod } from '../../model/reporting-period.js';
import { monthLabel } from './format.js';
import { h, toHtml, type Html, type Raw } from './html.js';

export interface Crumb {
  label: string;
  href: string;
}

export interface LayoutInput {
  title: string;
  breadcrumbs: Crumb[];
  /** Month picker: the current month end, the months to offer, and the path to submit to. */
  month?: { current: string; months: string[]; action: string; keep?: Record<string, string>; period?: ReportingPeriod };
  body: Raw;
  printTitle?: string;
}

/** Months either side of the current one that the month picker lists one by one. */
export const PICKER_NEAR_MONTHS = 60;

/**
 * The months a month picker offers, bounded whatever the store's history: the PICKER_NEAR_MONTHS
 * either side of the current month, every January (to jump between years), and the first and
 * latest months. Any other month is still reachable with ?month=YYYY-MM.
 */
export function pickerMonths(all: readonly string[], current: string): string[] {
  const i = all.indexOf(current);
  const last = all.length - 1;
  return all.filter((m, k) => (i >= 0 && Math.abs(k - i) <= PICKER_NEAR_MONTHS) || m.slice(5, 7) === '01' || k === 0 || k === last || m === current);
}

/** The page frame: NHS header, breadcrumbs, month picker (a GET form, no script needed), footer. */
export function layout(p: LayoutInput): string {
  const crumbs = p.breadcrumbs;
  const back = crumbs[crumbs.length - 1];
  const picker = p.month
    ? h`<form class="gp-month-picker" method="get" action="${p.month.action}">
  <div class="nhsuk-form-group">
    <div class="gp-picker-field"><label class="nhsuk-label" for="month">Month</label>
    <select class="nhsuk-select" id="month" name="month">${pickerMonths(p.month.months, p.month.current).reverse().map(
      (m) => h`<option value="${m.slice(0, 7)}"${m === p.month!.current ? h` selected` : ''}>${monthLabel(m)}</option>`,
    )}</select></div>
    ${p.month.period ? periodSelect(p.month.period) : ''}
    ${Object.entries(p.month.keep ?? {}).map(([k, v]) => h`<input type="hidden" name="${k}" value="${v}">`)}
    <button class="nhsuk-button nhsuk-button--secondary gp-inline-button" type="submit">Show month</button>
  </div>
</form>`
    : '';
  const page = h`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} – gpnet dashboard</title>
<link rel="stylesheet" href="/static/dashboard.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
<header class="nhsuk-header" role="banner">
  <div class="nhsuk-header__container nhsuk-width-container">
    <div class="nhsuk-header__service">
      <a class="nhsuk-header__service-logo" href="/"><span class="nhsuk-header__service-name">gpnet network dashboard</span></a>
    </div>
  </div>
</header>
${crumbs.length ? breadcrumbs(crumbs, back) : ''}
<div class="nhsuk-width-container">
<main class="nhsuk-main-wrapper" id="maincontent">
${picker}
${p.body}
</main>
</div>
<footer role="contentinfo" class="gp-footer"><div class="nhsuk-width-container"><p class="nhsuk-body-s">gpnet · synthetic data for demonstration · <a href="/">Dashboard</a> · <a href="/evaluate/study">Programme evaluation</a> · <a href="/incentives">Incentive schemes</a> · <a href="/api/openapi.json">API description</a></p></div></footer>
<script src="/static/table-sort.js" defer></script>
</body>
</html>`;
  return toHtml(page);
}

const PERIOD_OPTIONS: [ReportingPeriod, string][] = [
  ['month', 'Month'],
  ['quarter', 'Quarter (value at the quarter end)'],
  ['year', 'QOF year (value at 31 March)'],
];

/** The period switch beside the month picker (pages that take ?period=). */
function periodSelect(current: ReportingPeriod): Html {
  return h`<div class="gp-picker-field"><label class="nhsuk-label" for="period">Values by</label>
    <select class="nhsuk-select" id="period" name="period">${PERIOD_OPTIONS.map(([v, label]) => h`<option value="${v}"${v === current ? h` selected` : ''}>${label}</option>`)}</select></div>`;
}

function breadcrumbs(crumbs: Crumb[], back: Crumb | undefined): Html {
  return h`<div class="nhsuk-width-container"><nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
<ol class="nhsuk-breadcrumb__list">${crumbs.map((c) => h`<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="${c.href}">${c.label}</a></li>`)}</ol>
${back ? h`<a class="nhsuk-back-link" href="${back.href}"><span class="nhsuk-u-visually-hidden">Back to </span>${back.label}</a>` : ''}
</nav></div>`;
}
