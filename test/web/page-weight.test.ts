import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHART_MONTHS } from '../../src/server/pages/chart-window.js';
import { monthLabel } from '../../src/server/pages/format.js';
import { PICKER_NEAR_MONTHS } from '../../src/server/pages/layout.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { buildSmallStore } from './helpers.js';

/**
 * Every kind of page stays under 1.5 MB however long the store's history: here a store measured
 * monthly from 1945 (results from its first registration in 1951: 755 months). Before the chart
 * window the network page was 7.9 MB on this store, 12.9 MB on an 851-month one.
 */
const CEILING = 1_500_000;
let dir = '';
let engine: DuckDBEngine;
let server: RunningServer;

beforeAll(async () => {
  ({ dir } = buildSmallStore({ patients: 5000, from: '1945-01', allowSparse: true }));
  engine = await DuckDBEngine.open(`${dir}/store.duckdb`);
  server = await startServer(engine, { port: 0, host: '127.0.0.1', access: 'open', pdf: false });
}, 300_000);
afterAll(async () => {
  await server?.close();
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; bytes: number; text: string }> {
  const res = await fetch(`${server.url}${path}`);
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, bytes: body.length, text: new TextDecoder().decode(body) };
}

describe('page weight on a long-history store', () => {
  it('the store really has a long history', () => {
    expect(server.data.months.length).toBeGreaterThanOrEqual(700);
  });

  it('every page kind is at most 1.5 MB', async () => {
    const months = server.data.months;
    const first = months.find((m) => m >= '1960-01-01')!.slice(0, 7);
    const study = (await get('/evaluate/study')).text;
    const evaluations = [...study.matchAll(/href="(\/evaluate\?[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const incentives = (await get('/incentives')).text;
    const schemeYear = /href="(\/incentives\/[^"/]+\/\d{4})"/.exec(incentives)?.[1];
    expect(schemeYear).toBeDefined();
    const pages = [
      '/',
      `/?month=${first}`,
      '/networks/SYNN1',
      `/networks/SYNN1?month=${first}`,
      `/networks/SYNN1?from=${first}`,
      '/networks/SYNN1/report',
      `/networks/SYNN1/report?month=${first}`,
      '/networks/SYNN1/recall',
      '/practices/SYNP01',
      '/indicators/dm-hba1c-58',
      '/indicators/dm-hba1c-58?network=SYNN1',
      '/evaluate/study',
      '/incentives',
      schemeYear!,
      `${schemeYear!}/networks/SYNN1?trace=open`,
      '/about/alerts',
      '/about/disclosure',
    ];
    const sizes: Record<string, number> = {};
    for (const path of pages) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      sizes[path] = r.bytes;
    }
    // Evaluation pages: at least one that the disclosure rule lets through on this small store.
    let evaluated = 0;
    for (const path of [...new Set(evaluations)]) {
      const r = await get(path);
      if (r.status !== 200) continue;
      evaluated++;
      sizes[path] = r.bytes;
    }
    expect(evaluated).toBeGreaterThan(0);
    for (const [path, bytes] of Object.entries(sizes)) expect(bytes, `${path}: ${bytes.toLocaleString('en-GB')} bytes`).toBeLessThanOrEqual(CEILING);
    console.log(Object.entries(sizes).map(([p, b]) => `${(b / 1e6).toFixed(3)} MB ${p}`).join('\n'));
  }, 120_000);

  it('charts show the latest 8 years; their tables the same months; the CSV the whole series', async () => {
    const months = server.data.months;
    const latest = months[months.length - 1]!;
    const page = (await get('/networks/SYNN1')).text;
    const table = /<table[^>]*id="trend-dm-hba1c-58"[\s\S]*?<\/table>/.exec(page)?.[0] ?? '';
    expect((table.match(/<tr>/g) ?? []).length).toBe(DEFAULT_CHART_MONTHS);
    const from = months[months.length - DEFAULT_CHART_MONTHS]!;
    expect(page).toContain(`trend, ${monthLabel(from)} to ${monthLabel(latest)}`);
    const csv = parseCsv((await get('/networks/SYNN1?format=csv&table=trend-dm-hba1c-58')).text);
    const api = JSON.parse((await get('/api/series?indicator=dm-hba1c-58&org=SYNN1')).text) as { lines: { code: string; points: { period_end: string }[] }[] };
    const network = api.lines.find((l) => l.code === 'SYNN1')!.points;
    expect(network.length).toBeGreaterThan(2 * DEFAULT_CHART_MONTHS);
    expect(csv.length - 1).toBe(network.length);
    expect(csv[csv.length - 1]![0]).toBe(network[0]!.period_end.slice(0, 7));
  });

  it('from/to choose another window of at most 8 years, and the earlier years are linked', async () => {
    const months = server.data.months;
    const page = (await get('/networks/SYNN1')).text;
    const earlier = /href="(\/networks\/SYNN1\?month=[^"]+&amp;from=[^"]+&amp;to=[^"]+)">the 8 years before/.exec(page)?.[1]?.replace(/&amp;/g, '&');
    expect(earlier).toBeDefined();
    const r = await get(earlier!);
    expect(r.status).toBe(200);
    const want = months[months.length - 2 * DEFAULT_CHART_MONTHS]!;
    expect(r.text).toContain(`trend, ${monthLabel(want)} to ${monthLabel(months[months.length - DEFAULT_CHART_MONTHS - 1]!)}`);
    const tooLong = await get(`/networks/SYNN1?from=${months[0]!.slice(0, 7)}&to=${months[months.length - 1]!.slice(0, 7)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('charts show at most 96 months');
    const pastPage = await get(`/networks/SYNN1?month=${months[200]!.slice(0, 7)}&to=${months[300]!.slice(0, 7)}`);
    expect(pastPage.status).toBe(400);
    expect(pastPage.text).toContain("is after the page's month");
    expect((await get('/practices/SYNP01?from=2000-01')).status).toBe(400);
  });

  it('the month picker offers a bounded list that still reaches every year', async () => {
    const months = server.data.months;
    const page = (await get('/networks/SYNN1')).text;
    const options = [...page.matchAll(/<option value="(\d{4}-\d{2})"/g)].map((m) => m[1]!);
    const years = new Set(months.map((m) => m.slice(0, 4)));
    expect(options.length).toBeLessThanOrEqual(PICKER_NEAR_MONTHS * 2 + 1 + years.size + 2);
    expect(new Set(options.map((m) => m.slice(0, 4)))).toEqual(years);
    expect(options[0]).toBe(months[months.length - 1]!.slice(0, 7));
    // An old month is still reachable by its URL, and its picker centres on it.
    const old = months[100]!.slice(0, 7);
    const oldPage = (await get(`/networks/SYNN1?month=${old}`)).text;
    expect(oldPage).toContain(`<option value="${old}" selected>`);
  });
});

