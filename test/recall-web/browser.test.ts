/**
 * Recall in a browser (chromium via playwright-core): a practice user signs in, opens the
 * worklist, filters it, logs an outcome (the patient leaves the list), selects rows and creates
 * a batch, downloads its CSV and letters, marks it sent; a network user sees counts only.
 * axe-core finds no WCAG 2.2 AA violations on the new pages. Screenshots: test-output/screenshots/recall-*.png.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../web/axe.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/server/pdf.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { addUser } from '../../src/server/auth/users.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { ROOT, buildDemoStore } from '../web/helpers.js';

const SHOTS = join(ROOT, 'test-output', 'screenshots');
const PASSWORD = 'correct horse battery staple';
const PRACTICE = 'SYNP01';
const NETWORK = 'SYNN1';
let dir = '';
let engine: Engine;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  const s = buildDemoStore(5000); // enough patients for a worklist of 4 or more at the first practice (history from 2004)
  dir = s.dir;
  engine = await DuckDBEngine.open(s.db);
  await addUser(engine, { username: 'prac1', role: 'practice', org: PRACTICE, password: PASSWORD });
  await addUser(engine, { username: 'net1', role: 'network', org: NETWORK, password: PASSWORD });
  server = await startServer(engine, { port: 0, host: '127.0.0.1', access: 'sign-in' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  mkdirSync(SHOTS, { recursive: true });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

declare const document: unknown;

function axe(name: string): Promise<void> {
  return expectNoAxeViolations(page, name);
}

async function shot(name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `recall-${name}.png`), fullPage });
}

async function signIn(username: string): Promise<void> {
  await page.goto(`${server.url}/signin`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.locator('form button[type=submit]').first().click();
  await page.waitForLoadState('load');
}

const rowIds = async (): Promise<number[]> => (await page.locator('#worklist tbody input[name=patient]').evaluateAll((els) => els.map((e) => Number((e as unknown as { value: string }).value))));

describe('recall in a browser', () => {
  it('practice user: worklist, filter, log an outcome, create a batch, download CSV and letters, mark sent; axe finds nothing', async () => {
    await signIn('prac1');
    expect(page.url()).toContain(`/practices/${PRACTICE}`);
    await page.getByRole('link', { name: /Recall worklists/ }).click();
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Recall: /);
    await page.locator('details.nhsuk-details').first().evaluate((d) => {
      (d as unknown as { open: boolean }).open = true;
    });
    await shot('landing', true);
    await axe('landing');

    // The programme with the most patients at the practice (asked through the API with the same session).
    const programmes = (await (await page.request.get(`${server.url}/api/recall/programmes`)).json()) as { id: string; title: string }[];
    let best = { id: '', title: '', n: -1 };
    for (const p of programmes) {
      const body = (await (await page.request.get(`${server.url}/api/recall/practices/${PRACTICE}/worklist?programme=${p.id}&status=overdue`)).json()) as { rows: unknown[] };
      if (body.rows.length > best.n) best = { ...p, n: body.rows.length };
    }
    expect(best.n).toBeGreaterThanOrEqual(4);
    // The landing page's summary of every list agrees.
    expect(await page.locator('details li', { hasText: best.title }).textContent()).toContain(`${best.n} overdue`);
    expect(await page.locator('details li').count()).toBe(programmes.length);

    // Filter: programme and status, through the GET form.
    await page.selectOption('#programme', best.id);
    await page.selectOption('#status', 'overdue');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe(`Recall: ${best.title}`);
    const statuses = await page.locator('#worklist tbody td:nth-child(3)').allTextContents();
    expect(statuses.length).toBe(best.n);
    expect(new Set(statuses.map((s) => s.trim()))).toEqual(new Set(['Overdue']));
    await shot('worklist');
    await page.locator('#worklist').screenshot({ path: join(SHOTS, 'recall-worklist-table.png') });
    await axe('worklist');

    // Sort by patient name, descending (a link on the column header).
    await page.locator('#worklist thead a', { hasText: 'Patient' }).click();
    await page.locator('#worklist thead a', { hasText: 'Patient' }).click();
    const names = await page.locator('#worklist tbody th').allTextContents();
    expect(names).toEqual([...names].sort().reverse());

    // Log an outcome for one row: informed dissent takes the patient off the list.
    const before = await rowIds();
    const target = before[0]!;
    await page.selectOption(`#row-action-${target}`, 'adjustment:informed_dissent');
    await page.locator(`#patient-${target} button[name=one]`).click();
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/Logged for 1 patient\./);
    const after = await rowIds();
    expect(after).not.toContain(target);
    expect(after.length).toBe(before.length - 1);
    await shot('logged', true);

    // Bulk: select two rows, create a letter batch.
    const chosen = after.slice(0, 2);
    for (const id of chosen) await page.check(`#select-${id}`);
    await page.selectOption('#batch-method', 'letter');
    await page.getByRole('button', { name: 'Create batch from selected' }).click();
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Batch \d+: /);
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/Batch created with 2 patients/);
    await shot('batch', true);
    await axe('batch');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Batch as CSV' }).click();
    const file = await (await download).path();
    const csv = parseCsv(readFileSync(file, 'utf8'));
    expect(csv[0]!.slice(0, 4)).toEqual(['batch_id', 'method', 'nhs_number', 'name']);
    expect(csv.length).toBe(3);
    expect(csv.slice(1).every((r) => r[1] === 'letter' && /^999\d{7}$/.test(r[2]!))).toBe(true);

    const pdfDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Letters as PDF' }).click();
    const pdf = readFileSync(await (await pdfDownload).path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    // Mark as sent: the invitations are logged and the form is gone.
    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/Marked as sent: 2 invitations logged/);
    expect(await page.getByRole('button', { name: 'Mark as sent' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Letters to print from the browser' }).click();
    expect(await page.locator('section.letter').count()).toBe(2);
    await shot('letters');
    await axe('letters');

    // The two patients now show one unanswered invitation each on the worklist.
    await page.goto(`${server.url}/practices/${PRACTICE}/recall?programme=${best.id}&status=overdue`);
    for (const id of chosen) await expect(page.locator(`#patient-${id} td:nth-child(8)`).textContent()).resolves.toMatch(/^1/);

    await page.locator('form[action="/signout"] button').first().click();
  });

  it('network user: counts only, linked from the network page; axe finds nothing', async () => {
    await signIn('net1');
    expect(page.url()).toContain(`/networks/${NETWORK}`);
    await page.getByRole('link', { name: /Recall lists/ }).click();
    // A first count may show its progress ("Counting recall lists in …") and reload itself when done.
    await page.waitForFunction("/^Recall lists in /.test(document.querySelector('h1')?.textContent ?? '')", undefined, { timeout: 60_000 });
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Recall lists in /);
    const html = await page.content();
    expect(html).not.toMatch(/Test Patient|nhs_number|07700 900/);
    await shot('network', true);
    await axe('network');
    const res = await page.request.get(`${server.url}/practices/${PRACTICE}/recall`);
    expect(res.status()).toBe(403);
  });

  it('loaded nothing from outside 127.0.0.1', () => {
    const outside = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
  });
});
