import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from './axe.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/server/pdf.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { ROOT, buildDemoStore, gpnet } from './helpers.js';

const SHOTS = join(ROOT, 'test-output', 'screenshots');
let dir = '';
let db = '';
let engine: Engine;
let server: RunningServer;
let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  const s = buildDemoStore(20000);
  dir = s.dir;
  db = s.db;
  engine = await DuckDBEngine.open(db);
  server = await startServer(engine, { port: 0, host: '127.0.0.1', access: 'open' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function axe(name: string): Promise<void> {
  return expectNoAxeViolations(page, name);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function api<T>(path: string): Promise<T> {
  const r = await fetch(`${server.url}${path}`);
  return (await r.json()) as T;
}

declare const document: unknown;

describe('dashboard in a browser (chromium)', () => {
  it('overview → network → practice → indicator, month change, CSV download; values match the API; axe finds nothing', async () => {
    await page.goto(`${server.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/overview, December 2013/);
    // A cell of the matrix against the API.
    const m = await api<{ rows: { code: string; cells: { indicator_id: string; value: number | null }[] }[]; indicators: string[] }>('/api/matrix?org=SYNC');
    const ind = m.indicators.indexOf('dm-care-plan');
    const col = m.rows.findIndex((r) => r.code === 'SYNN1');
    const cellText = await page.locator('#rag-matrix tbody tr').nth(ind).locator('td').nth(col).locator('.gp-value').textContent();
    expect(cellText).toBe(`${m.rows[col]!.cells[ind]!.value!.toFixed(1)}%`);
    await shot('overview');
    await page.locator('#rag-matrix').screenshot({ path: join(SHOTS, 'overview-matrix.png') });
    await axe('overview');

    await page.getByRole('link', { name: 'Synthetic Network 1' }).first().click();
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Synthetic Network 1/);
    expect(page.url()).toContain('/networks/SYNN1');
    await shot('network');
    await page.locator('.gp-chart-block', { hasText: 'care plan' }).first().screenshot({ path: join(SHOTS, 'network-trend-chart.png') });
    await page.locator('#alerts').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'network-alerts.png') });
    await axe('network');

    await page.locator('#rag-matrix thead a', { hasText: 'Synthetic Practice' }).first().click();
    expect(page.url()).toMatch(/\/practices\/SYNP\d+/);
    const code = page.url().match(/practices\/(SYNP\d+)/)![1]!;
    const p = await api<{ rows: { indicator_id: string; value: number | null; kind: string }[] }>(`/api/practices/${code}?month=2013-12`);
    const first = p.rows.find((r) => r.kind === 'proportion' && r.value !== null)!;
    const row = page.locator('#indicators tbody tr', { has: page.locator(`a[href^="/indicators/${first.indicator_id}?"]`) });
    await expect(row.locator('td').first().textContent()).resolves.toBe(`${first.value!.toFixed(1)}%`);
    await shot('practice');
    await axe('practice');

    await page.goto(`${server.url}/indicators/dm-care-plan`);
    await expect(page.locator('h1').textContent()).resolves.toContain('care plan');
    expect(await page.locator('figure svg[aria-label^="Funnel plot"]').count()).toBe(1);
    await shot('indicator');
    await page.locator('figure', { has: page.locator('svg[aria-label^="Funnel plot"]') }).screenshot({ path: join(SHOTS, 'indicator-funnel.png') });
    await axe('indicator');

    // Change the month with the GET form.
    await page.selectOption('#month', '2011-03');
    await page.getByRole('button', { name: 'Show month' }).click();
    await page.waitForURL(/month=2011-03/);
    await expect(page.locator('h2', { hasText: 'Practices compared' }).textContent()).resolves.toContain('March 2011');
    const c = await api<{ practices: { code: string; value: number | null }[] }>('/api/comparison?indicator=dm-care-plan&month=2011-03');
    const worst = [...c.practices].filter((x) => x.value !== null).sort((a, b) => a.value! - b.value!)[0]!;
    await expect(page.locator('#league tbody tr').first().locator('td').nth(3).textContent()).resolves.toBe(`${worst.value!.toFixed(1)}%`);

    // Download the league table as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[href*="table=league"]').click()]);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(csv[0]![0]).toBe('Practice');
    expect(csv.length).toBe(c.practices.length + 1);
    expect(Number(csv[1]![4])).toBe(worst.value);

    // Sorting enhancement works (and the page worked before it).
    await page.locator('#league thead button', { hasText: 'Denominator' }).click();
    await expect(page.locator('#league thead th').nth(3).getAttribute('aria-sort')).resolves.toBe('ascending');

    await page.goto(`${server.url}/networks/SYNN1/report?month=2013-12`);
    await shot('report');
    await axe('report');

    const outside = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
    expect(requests.length).toBeGreaterThan(10);
  });

  it('works without JavaScript: the month form and links are plain HTML', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    const seen: string[] = [];
    p.on('request', (r) => seen.push(r.url()));
    await p.goto(`${server.url}/networks/SYNN2`);
    await p.selectOption('#month', '2010-06');
    await p.getByRole('button', { name: 'Show month' }).click();
    await p.waitForURL(/month=2010-06/);
    await expect(p.locator('h1').textContent()).resolves.toBe('Synthetic Network 2, June 2010');
    expect(await p.locator('#rag-matrix tbody tr').count()).toBeGreaterThan(20);
    expect(await p.locator('#rag-matrix thead button').count()).toBe(0); // no script, no sort buttons
    expect(seen.every((u) => u.startsWith(server.url) || u.startsWith('data:'))).toBe(true);
    await ctx.close();
  });

  it('gpnet report writes a PDF with the network name and indicator titles', () => {
    const out = join(dir, 'report.pdf');
    // The CLI needs the store without our open connection's lock: copy it.
    const copy = join(dir, 'copy.duckdb');
    spawnSync('cp', [db, copy]);
    const r = gpnet('report', '--db', copy, '--network', 'SYNN2', '--month', '2012-06', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(10000);
    const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(Number(info.stdout.match(/Pages:\s+(\d+)/)![1])).toBeGreaterThanOrEqual(1);
    const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Synthetic Network 2');
    expect(text).toContain('June 2012');
    expect(text).toContain('Biggest movers');
    expect(text.replace(/\s+/g, ' ')).toContain('Diabetes patients');
  });
});
