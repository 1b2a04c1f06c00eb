import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSmallStore, gpnet, startServe, type ServeProcess } from './helpers.js';

/** Without Chromium (GPNET_CHROMIUM pointing nowhere): the HTML report instead of a PDF, and a clear message. */
const MISSING = '/nonexistent/gpnet-test/chromium';
let dir = '';
let db = '';

beforeAll(() => {
  ({ dir, db } = buildSmallStore({ patients: 2000, from: '2012-01', to: '2013-12' }));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function reportWithoutChromium(out: string): { status: number | null; stdout: string; stderr: string } {
  const saved = process.env.GPNET_CHROMIUM;
  process.env.GPNET_CHROMIUM = MISSING;
  try {
    return gpnet('report', '--db', db, '--network', 'SYNN1', '--month', '2013-06', '--out', out);
  } finally {
    if (saved === undefined) delete process.env.GPNET_CHROMIUM;
    else process.env.GPNET_CHROMIUM = saved;
  }
}

describe('gpnet report without Chromium', () => {
  it('exits 3, says why and where the HTML report went, writes it beside the PDF and no PDF', () => {
    const before = new Set(readdirSync(dir));
    const out = join(dir, 'june.pdf');
    const r = reportWithoutChromium(out);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`Chromium was not found at ${MISSING}`);
    expect(r.stderr).toContain('GPNET_CHROMIUM');
    expect(r.stderr).toContain(join(dir, 'june.html'));
    expect(existsSync(out)).toBe(false);
    const added = readdirSync(dir).filter((f) => !before.has(f));
    expect(added).toEqual(['june.html']);
    const html = readFileSync(join(dir, 'june.html'), 'utf8');
    expect(html).toContain('Monthly feedback report: Synthetic Network 1, June 2013');
    // It stands alone: the stylesheet is inside it, not fetched from a server that is gone.
    expect(html).not.toContain('href="/static/dashboard.css"');
    expect(html).toMatch(/<style>[\s\S]*nhsuk-header[\s\S]*<\/style>/);
  });

  it('a wrong network is still exit 2 and writes nothing', () => {
    const before = readdirSync(dir).sort();
    const r = gpnet('report', '--db', db, '--network', 'NOPE', '--out', join(dir, 'nope.pdf'));
    expect(r.status).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('the report PDF link on a server without Chromium', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await startServe(['--db', db, '--open'], { GPNET_CHROMIUM: MISSING });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 503 with a page that explains and links to the HTML report', async () => {
    const res = await fetch(`${server.url}/networks/SYNN1/report.pdf?month=2013-06`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await res.text();
    expect(text).toContain('The PDF cannot be made on this server');
    expect(text).toContain(`Chromium was not found at ${MISSING}`);
    expect(text).toContain('href="/networks/SYNN1/report?month=2013-06"');
    // The link leads to the report itself.
    const html = await fetch(`${server.url}/networks/SYNN1/report?month=2013-06`);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('Monthly feedback report: Synthetic Network 1, June 2013');
  });

  it('a wrong network is still a 404, not a 503', async () => {
    expect((await fetch(`${server.url}/networks/NOPE/report.pdf`)).status).toBe(404);
  });

  it('the incentive statement PDF answers 503 with a link to the statement page', async () => {
    const index = await (await fetch(`${server.url}/incentives`)).text();
    // The store holds results for 2012–2013 only: take a scheme's latest year, which they cover.
    const links = [...index.matchAll(/href="(\/incentives\/[^"/]+\/\d{4})"/g)].map((m) => m[1]!);
    const summary = links.sort((a, b) => Number(b.slice(-4)) - Number(a.slice(-4)))[0];
    expect(summary, 'a scheme year linked from /incentives').toBeDefined();
    const res = await fetch(`${server.url}${summary}/summary.pdf`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain(`href="${summary}"`);
  });
});
