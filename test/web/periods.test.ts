import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardData } from '../../src/server/api/dashboard-data.js';
import { createApp } from '../../src/server/app.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { gpnet } from './helpers.js';

/**
 * `?period=quarter|year` on the indicator, practice and network pages: the series at period ends
 * (tables, charts, CSV), the month picker offering period ends only, and the switch beside it.
 * A 20,000-patient store with two indicators measured over the default window (2006-01 … 2013-12).
 */
const dir = mkdtempSync(join(tmpdir(), 'gpnet-periods-web-'));
let engine: Engine;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const db = join(dir, 'web.duckdb');
  expect(gpnet('generate', '--patients', '20000', '--seed', '1', '--db', db).status).toBe(0);
  expect(gpnet('measure', '--db', db, '--indicator', 'hyp-bp-140-90', 'dm-register').status).toBe(0);
  engine = await DuckDBEngine.open(db);
  app = createApp(await DashboardData.load(engine), { auth: { mode: 'open' } });
}, 180_000);
afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await app.request(path);
  return { status: res.status, text: await res.text() };
}

function options(html: string, select: string): { value: string; selected: boolean }[] {
  const m = new RegExp(`<select[^>]*id="${select}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  return [...(m?.[1] ?? '').matchAll(/<option value="([^"]+)"( selected)?>/g)].map((o) => ({ value: o[1]!, selected: o[2] !== undefined }));
}

describe('pages by period', () => {
  it('the indicator page shows the trend at quarter ends: the values of those month ends, labelled by quarter', async () => {
    const monthly = parseCsv((await get('/indicators/hyp-bp-140-90?format=csv&table=trend')).text).filter((r) => r.length > 1);
    const quarterly = parseCsv((await get('/indicators/hyp-bp-140-90?period=quarter&format=csv&table=trend')).text).filter((r) => r.length > 1);
    expect(monthly[0]![0]).toBe('Month');
    expect(quarterly[0]!.slice(1)).toEqual(monthly[0]!.slice(1));
    expect(quarterly[0]![0]).toBe('Quarter');
    expect(monthly).toHaveLength(1 + 96);
    expect(quarterly).toHaveLength(1 + 32);
    const byMonth = new Map(monthly.slice(1).map((r) => [r[0], r.slice(1)]));
    for (const row of quarterly.slice(1)) {
      const [year, q] = row[0]!.split('-Q');
      expect(row.slice(1)).toEqual(byMonth.get(`${year}-${String(Number(q) * 3).padStart(2, '0')}`));
    }
    const yearly = parseCsv((await get('/indicators/hyp-bp-140-90?period=year&format=csv&table=trend')).text).filter((r) => r.length > 1);
    expect(yearly.map((r) => r[0])).toEqual(['QOF year', '2012/13', '2011/12', '2010/11', '2009/10', '2008/09', '2007/08', '2006/07', '2005/06']);
    expect(yearly[1]!.slice(1)).toEqual(byMonth.get('2013-03'));
  });

  it('the month picker offers only period ends, keeps the period, and the CSV links carry it', async () => {
    const page = await get('/networks/SYNN1?period=quarter&month=2013-11');
    expect(page.status).toBe(200);
    const months = options(page.text, 'month');
    expect(months).toHaveLength(32);
    expect(months.every((o) => ['03', '06', '09', '12'].includes(o.value.slice(5)))).toBe(true);
    // November moves back to the last quarter end before it.
    expect(months.filter((o) => o.selected).map((o) => o.value)).toEqual(['2013-09']);
    expect(options(page.text, 'period').filter((o) => o.selected).map((o) => o.value)).toEqual(['quarter']);
    expect(page.text).toContain('<h1>Synthetic Network 1, 2013-Q3 (to September 2013)</h1>');
    expect(page.text).toMatch(/href="\/networks\/SYNN1\?month=2013-09&amp;period=quarter&amp;format=csv&amp;table=rag-matrix"/);
    // Pages without a period keep the plain month picker (no switch).
    expect(options((await get('/')).text, 'period')).toEqual([]);
  });

  it('the practice page compares with the previous QOF year and sparklines the last 5 year ends', async () => {
    const csv = parseCsv((await get('/practices/SYNP01?period=year&month=2013-11&format=csv')).text).filter((r) => r.length > 1);
    expect(csv[0]).toContain('Change since last year');
    expect(csv[0]).toContain('Last 5 years');
    const html = (await get('/practices/SYNP01?period=year&month=2013-11')).text;
    expect(html).toContain('<h1>Synthetic Practice 01, 2012/13 (to March 2013)</h1>');
  });

  it('refuses a bad period, and a period on pages that do not switch', async () => {
    const bad = await get('/indicators/hyp-bp-140-90?period=week');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/period: month, quarter or year/);
    expect((await get('/?period=quarter')).status).toBe(400);
    expect((await get('/networks/SYNN1/report?period=year')).status).toBe(400);
  });
});
