import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateReport, studyReport } from '../../src/cli/commands/evaluate.js';
import type { EvaluationReport } from '../../src/programmes/evaluation/index.js';
import { expectNoAxeViolations } from './axe.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/server/pdf.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { parseDisclosure } from '../../src/server/disclosure/rule.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { ROOT, gpnet } from './helpers.js';

/**
 * The evaluation pages (/evaluate, /evaluate/study) against the evaluation module on the same
 * store: every number shown is the module's JSON, formatted; the CSV downloads hold it unrounded.
 */
let dir = '';
let db = '';
let engine: Engine;
let server: RunningServer;

beforeAll(async () => {
  // As helpers.buildDemoStore, with --no-serve: `gpnet demo` now ends by serving the dashboard.
  dir = mkdtempSync(join(tmpdir(), 'gpnet-evaluate-'));
  db = join(dir, 'web.duckdb');
  const r = gpnet('demo', '--db', db, '--patients', '20000', '--no-serve');
  if (r.status !== 0) throw new Error(`gpnet demo failed: ${r.stderr}`);
  engine = await DuckDBEngine.open(db);
  // These tests compare the pages with `gpnet evaluate` on the same store, so the server shows the
  // stored numbers (disclosure none); what suppression does to /evaluate is tested in test/disclosure.
  server = await startServer(engine, { port: 0, host: '127.0.0.1', pdf: false, access: 'open', disclosure: parseDisclosure('none') });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; text: string; type: string }> {
  const r = await fetch(`${server.url}${path}`);
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') ?? '' };
}

type Doc = ReturnType<typeof parseHTML>['document'];
function doc(html: string): Doc {
  return parseHTML(html).document;
}
function cells(d: Doc, table: string): string[][] {
  return [...d.querySelectorAll(`#${table} tbody tr`)].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').replace(/\u00a0/g, ' ').trim()));
}
function csvOf(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((k, i) => [k, r[i] ?? ''])));
}
const num = (s: string): number | null => (s === '' ? null : Number(s));
/** How the page shows numbers: fixed decimals (no "-0.000"), P values to 3 decimals or "< 0.001". */
function fmt(x: number | null | undefined, dp: number): string {
  if (x === null || x === undefined) return '–';
  const s = x.toFixed(dp);
  return Number(s) === 0 ? s.replace(/^-/, '') : s;
}
function fmtP(p: number | null): string {
  return p === null ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** The report the CLI's handler gives for the same inputs (`gpnet evaluate --db … --format json`). */
function cliReport(o: { indicator: string; org: string; intervention: string; comparator?: string; model?: string }): Promise<EvaluationReport> {
  return evaluateReport({ db, ...o }, { store: engine });
}

function expectPageMatches(html: string, json: EvaluationReport, dp: number): void {
  const d = doc(html);
  // Effects at 12 and 24 months.
  const eff = cells(d, 'effects');
  expect(eff.map((r) => r[0])).toEqual(json.effects.map((e) => `${e.horizon} months`));
  expect(json.effects.map((e) => e.horizon)).toEqual([12, 24]);
  json.effects.forEach((e, i) => {
    if (e.status !== 'ok') throw new Error('expected estimable effects');
    expect(eff[i]![2]).toBe(fmt(e.estimate, 3));
    expect(eff[i]![3]).toBe(`${fmt(e.ci_lower, 3)} to ${fmt(e.ci_upper, 3)}`);
    expect(eff[i]![4]).toBe(fmtP(e.p));
    expect(eff[i]![6]).toBe(fmt(e.fitted, dp));
    expect(eff[i]![7]).toBe(fmt(e.counterfactual, dp));
  });
  // Every coefficient and derived term.
  const coef = cells(d, 'coefficients');
  const terms = [...json.coefficients, ...json.derived];
  expect(coef).toHaveLength(terms.length);
  terms.forEach((c, i) => {
    expect(coef[i]![0]).toContain(c.name);
    expect(coef[i]![2]).toBe(fmt(c.estimate, 3));
    expect(coef[i]![3]).toBe(`${fmt(c.ci_lower, 3)} to ${fmt(c.ci_upper, 3)}`);
    expect(coef[i]![4]).toBe(fmtP(c.p));
  });
  // Diagnostics.
  const diag = new Map(cells(d, 'diagnostics').map((r) => [r[0]!, r[1]!]));
  const dg = json.diagnostics;
  expect(diag.get('Months before the intervention (used)')).toBe(String(dg.points_before));
  expect(diag.get('Months after the intervention (used)')).toBe(String(dg.points_after));
  expect(diag.get('Months in the transition window (left out)')).toBe(String(dg.points_in_transition));
  expect(diag.get('Durbin–Watson statistic (near 2: little autocorrelation)')).toBe(fmt(dg.durbin_watson, 3));
  expect(dg.ljung_box).not.toBeNull();
  expect(diag.get(`Ljung–Box statistic (lag ${dg.ljung_box!.lag}, ${dg.ljung_box!.df} df)`)).toBe(fmt(dg.ljung_box!.statistic, 3));
  expect(diag.get('Ljung–Box P value (small: autocorrelation left)')).toBe(fmtP(dg.ljung_box!.p));
  // Caveats: the module's, in sentence case, then the general ones.
  const cav = [...d.querySelectorAll('#caveats li')].map((li) => (li.textContent ?? '').toLowerCase());
  for (const c of json.caveats) expect(cav.some((x) => x.startsWith(c.toLowerCase().replace(/\.$/, '')))).toBe(true);
  expect(cav.length).toBeGreaterThan(json.caveats.length);
  // The chart: one SVG image with a description, and its data table with every month.
  expect(d.querySelectorAll('figure svg[role="img"]').length).toBe(1);
  expect(cells(d, 'series')).toHaveLength(json.series.length);
}

describe('evaluation page /evaluate', () => {
  it('shows the module’s numbers for an indicator, organisation, transition window and comparator', async () => {
    const q = { indicator: 'dm-care-plan', org: 'SYNC', intervention: '2009-10..2010-04', comparator: 'SYNB-ENG' };
    const t0 = performance.now();
    const page = await get(`/evaluate?${new URLSearchParams(q).toString()}`);
    const ms = performance.now() - t0;
    expect(page.status).toBe(200);
    const json = await cliReport(q);
    expect(json.status).toBe('ok');
    expect(json.model.comparative).toBe(true);
    expectPageMatches(page.text, json, 1);
    const d = doc(page.text);
    expect(d.querySelector('h1')?.textContent).toMatch(/^Evaluation: Diabetes patients with a care plan/);
    // The transition window is shaded and named in the chart's key; the comparator is drawn.
    expect(d.querySelector('.gp-legend')?.textContent).toContain('Transition window');
    expect(d.querySelector('.gp-legend')?.textContent).toContain('Comparator: ');
    // The CSV downloads hold the unrounded numbers.
    const coefCsv = csvOf((await get(`/evaluate?${new URLSearchParams({ ...q, format: 'csv', table: 'coefficients' }).toString()}`)).text);
    expect(coefCsv.map((r) => r.term)).toEqual([...json.coefficients, ...json.derived].map((c) => c.name));
    coefCsv.forEach((r, i) => {
      const c = [...json.coefficients, ...json.derived][i]!;
      expect(num(r.estimate!)).toBe(c.estimate);
      expect(num(r.se!)).toBe(c.se);
      expect(num(r.p!)).toBe(c.p);
      expect(num(r.ci_lower!)).toBe(c.ci_lower);
      expect(num(r.ci_upper!)).toBe(c.ci_upper);
    });
    const seriesCsv = csvOf((await get(`/evaluate?${new URLSearchParams({ ...q, format: 'csv', table: 'series' }).toString()}`)).text);
    expect(seriesCsv).toHaveLength(json.series.length);
    seriesCsv.forEach((r, i) => {
      const s = json.series[i]!;
      expect([r.period, r.phase, num(r.observed!), num(r.fitted!), num(r.counterfactual!), num(r.comparator!)]).toEqual([s.period, s.phase, s.observed, s.fitted, s.counterfactual, s.comparator ?? null]);
    });
    const diagCsv = csvOf((await get(`/evaluate?${new URLSearchParams({ ...q, format: 'csv', table: 'diagnostics' }).toString()}`)).text);
    expect(num(diagCsv.find((r) => r.diagnostic === 'durbin_watson')!.value!)).toBe(json.diagnostics.durbin_watson);
    expect(num(diagCsv.find((r) => r.diagnostic === 'ljung_box_p')!.value!)).toBe(json.diagnostics.ljung_box!.p);
    console.log(`/evaluate (first request, fit included): ${ms.toFixed(0)} ms`);
  });

  it('fills in the defaults: the programme start window, the collaboration, England', async () => {
    const page = await get('/evaluate?indicator=copd-review');
    expect(page.status).toBe(200);
    const json = await cliReport({ indicator: 'copd-review', org: 'SYNC', intervention: '2010-04..2010-06', comparator: 'SYNB-ENG' });
    expect(json.model.intervention.first_post_period).toBe('2010-07');
    expectPageMatches(page.text, json, 1);
    const d = doc(page.text);
    expect((d.querySelector('#intervention') as unknown as { getAttribute(n: string): string }).getAttribute('value')).toBe('2010-04..2010-06');
    expect(d.querySelector('#comparator option[selected]')?.getAttribute('value')).toBe('SYNB-ENG');
    // With no parameters at all, the first KPI of the study.
    const bare = await get('/evaluate');
    expect(bare.status).toBe(200);
    expect(doc(bare.text).querySelector('h1')?.textContent).toMatch(/^Evaluation: /);
  });

  it('a single series of a network, and a quasi-Poisson model with its dispersion', async () => {
    const single = await get('/evaluate?indicator=mmr1-by-2&org=SYNN1&intervention=2009-09&comparator=none');
    expect(single.status).toBe(200);
    const sj = await cliReport({ indicator: 'mmr1-by-2', org: 'SYNN1', intervention: '2009-09' });
    expect(sj.model.comparative).toBe(false);
    expectPageMatches(single.text, sj, 1);
    expect(doc(single.text).querySelector('.gp-legend')?.textContent).not.toContain('Comparator');

    const qp = await get('/evaluate?indicator=copd-review&org=SYNC&intervention=2010-04..2010-06&comparator=none&model=quasipoisson');
    expect(qp.status).toBe(200);
    const qj = await cliReport({ indicator: 'copd-review', org: 'SYNC', intervention: '2010-04..2010-06', model: 'quasipoisson' });
    const d = doc(qp.text);
    const diag = new Map(cells(d, 'diagnostics').map((r) => [r[0]!, r[1]!]));
    expect(qj.diagnostics.dispersion).toBeGreaterThan(0);
    expect(diag.get('Dispersion (Pearson χ² ÷ df; 1 for pure Poisson variation)')).toBe(fmt(qj.diagnostics.dispersion, 3));
    const eff = cells(d, 'effects');
    const e12 = qj.effects[0]!;
    if (e12.status !== 'ok') throw new Error('expected an estimable effect');
    expect(eff[0]![5]).toBe(`${fmt(e12.rate_ratio!.estimate, 3)} (${fmt(e12.rate_ratio!.ci_lower, 3)} to ${fmt(e12.rate_ratio!.ci_upper, 3)})`);
  });

  it('every KPI of the study renders with its defaults, with each model, and with a practice', async () => {
    const ids = ['mmr1-by-2', 'dm-care-plan', 'dm-retinal-screening', 'dm-bp-chol', 'dm-hba1c-mean', 'copd-register', 'copd-review', 'copd-pr-referral', 'copd-smoking', 'copd-flu', 'cvd-care-plan', 'cardiac-rehab', 'cvd-statin'];
    for (const id of ids) {
      for (const model of ['ols', 'quasipoisson']) {
        if (id === 'dm-hba1c-mean' && model !== 'ols') continue;
        const r = await get(`/evaluate?indicator=${id}&model=${model}`);
        expect({ id, model, status: r.status, error: doc(r.text).querySelector('#evaluate-error')?.textContent ?? null }).toEqual({ id, model, status: 200, error: null });
        expect(cells(doc(r.text), 'effects').length).toBe(2);
      }
    }
    const practice = [...(await engine.all<{ code: string }>("SELECT code FROM organisation WHERE kind = 'practice' ORDER BY code LIMIT 1"))][0]!.code;
    const r = await get(`/evaluate?indicator=dm-care-plan&org=${practice}&comparator=SYNC`);
    expect(r.status).toBe(200);
    const json = await cliReport({ indicator: 'dm-care-plan', org: practice, intervention: '2009-10..2010-04', comparator: 'SYNC' });
    expectPageMatches(r.text, json, 1);
  });

  it('bad parameters give a 400 page that says what is wrong and offers the form again', async () => {
    const cases: [string, RegExp][] = [
      ['/evaluate?indicator=no-such-thing', /no indicator with id no-such-thing/],
      ['/evaluate?indicator=dm-care-plan&org=NOPE', /org: no practice, network or collaboration with code NOPE/],
      ['/evaluate?indicator=dm-care-plan&org=SYNB-ENG', /benchmarks can only be comparators/],
      ['/evaluate?indicator=dm-care-plan&intervention=April', /intervention: a month YYYY-MM/],
      ['/evaluate?indicator=dm-care-plan&intervention=2010-13', /intervention: a month YYYY-MM/],
      ['/evaluate?indicator=dm-care-plan&intervention=2030-01', /leaves no periods/],
      ['/evaluate?indicator=dm-care-plan&intervention=2010-06..2010-01', /ends \(2010-01\) before it starts/],
      ['/evaluate?indicator=dm-care-plan&intervention=2013-11', /at least 3 are needed/],
      ['/evaluate?indicator=dm-care-plan&comparator=ZZZ', /comparator: no organisation or benchmark with code ZZZ/],
      ['/evaluate?indicator=dm-care-plan&comparator=SYNC', /is the organisation being evaluated/],
      ['/evaluate?indicator=dm-care-plan&model=logit', /model: ols, poisson or quasipoisson/],
      ['/evaluate?indicator=dm-care-plan&month=2012-01', /unknown query parameter month/],
      ['/evaluate?indicator=dm-care-plan&indicator=copd-review', /given 2 times/],
      ['/evaluate?indicator=dm-hba1c-mean&model=poisson', /mean/],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      const d = doc(r.text);
      expect({ path, text: d.querySelector('#evaluate-error')?.textContent ?? '' }).toEqual({ path, text: expect.stringMatching(new RegExp(message.source, 'i')) });
      expect(d.querySelector('form[action="/evaluate"]')).not.toBeNull();
    }
    const noTable = await get('/evaluate?indicator=dm-care-plan&format=csv&table=nope');
    expect(noTable.status).toBe(404);
  });

  it('the indicator page links to the evaluation of the indicator', async () => {
    const r = await get('/indicators/dm-care-plan');
    const a = doc(r.text).querySelector('a[href^="/evaluate?indicator=dm-care-plan"]');
    expect(a).not.toBeNull();
    expect((await get(a!.getAttribute('href')!)).status).toBe(200);
  });
});

describe('study page /evaluate/study', () => {
  it('renders the Table 1 report of the study with the module’s findings', async () => {
    const t0 = performance.now();
    const page = await get('/evaluate/study');
    const ms = performance.now() - t0;
    expect(page.status).toBe(200);
    const json = await studyReport({ study: 'tower-hamlets', db }, { store: engine });
    const d = doc(page.text);
    expect(d.querySelector('h1')?.textContent).toBe(`${json.title}: impact evaluation`);
    const text = d.querySelector('main')?.textContent ?? '';
    for (const p of json.programmes) {
      expect(text).toContain(p.title);
      for (const k of p.kpis) expect(text).toContain(k.indicator);
    }
    // An effect estimate as the report renders it (signed, 2 dp), and each outcome's window.
    const k = json.programmes.flatMap((p) => p.kpis).find((x) => x.kind === 'proportion' && x.comparisons[0]?.status === 'ok' && x.comparisons[0].effect)!;
    const e = k.comparisons[0]!.effect!;
    const s = e.estimate.toFixed(2);
    expect(text).toContain(`${e.estimate > 0 ? '+' : ''}${s}`);
    expect(text).toContain('mmr1-by-2: quarterly, 2006-Q1–2010-Q3');
    expect(d.querySelectorAll('table.nhsuk-table').length).toBeGreaterThan(4);
    expect((await get('/evaluate/study?x=1')).status).toBe(400);
    console.log(`/evaluate/study (first request): ${ms.toFixed(0)} ms`);
  });
});

describe('evaluation page in a browser (chromium)', () => {
  let browser: Browser;
  afterAll(async () => {
    await browser?.close();
  });

  it('has no WCAG 2.2 A/AA violations (axe-core) and is saved as a screenshot', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const shots = join(ROOT, 'test-output', 'screenshots');
    mkdirSync(shots, { recursive: true });
    const axe = (name: string): Promise<void> => expectNoAxeViolations(page, name);
    await page.goto(`${server.url}/evaluate?indicator=dm-care-plan&org=SYNC&intervention=2009-10..2010-04&comparator=SYNB-ENG`);
    await page.screenshot({ path: join(shots, 'evaluation.png'), fullPage: true });
    await page.locator('figure').screenshot({ path: join(shots, 'evaluation-chart.png') });
    await page.screenshot({ path: join(shots, 'evaluation-top.png') });
    await page.locator('#coefficients').screenshot({ path: join(shots, 'evaluation-coefficients.png') });
    await axe('evaluate');
    // The form works: change the comparator to none and submit.
    await page.locator('summary', { hasText: 'Change what is evaluated' }).click();
    await page.selectOption('#comparator', 'none');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.waitForURL(/comparator=none/);
    await expect(page.locator('.nhsuk-lede-text').textContent()).resolves.toContain('on its own');
    await page.goto(`${server.url}/evaluate?indicator=copd-review&model=quasipoisson`);
    await page.locator('figure').screenshot({ path: join(shots, 'evaluation-quasipoisson-chart.png') });
    await axe('evaluate-quasipoisson');
    await page.goto(`${server.url}/evaluate?indicator=dm-care-plan&intervention=2030-01`);
    await page.screenshot({ path: join(shots, 'evaluation-400.png') });
    await axe('evaluate-400');
    await page.goto(`${server.url}/evaluate/study`);
    await page.screenshot({ path: join(shots, 'evaluation-study.png'), fullPage: false });
    await page.locator('table').first().screenshot({ path: join(shots, 'evaluation-study-table.png') });
    // Each KPI links to its own evaluation.
    await page.locator('table a', { hasText: 'mmr1-by-2' }).first().click();
    await page.waitForURL(/\/evaluate\?indicator=mmr1-by-2/);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Evaluation: /);
    await axe('evaluate-study');
  });
});
