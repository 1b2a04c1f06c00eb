import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, runCalculate } from '../../src/cli/commands/incentives.js';
import type { Calculation } from '../../src/programmes/incentives/calculation-types.js';
import { formatPounds, parseMoney } from '../../src/programmes/incentives/money.js';
import { shippedSchemeFiles } from '../../src/server/api/incentives.js';
import { poundsCsv } from '../../src/server/pages/incentives.js';
import { expectNoAxeViolations } from './axe.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/server/pdf.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { discloseCalculation } from '../../src/server/disclosure/incentives.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { ROOT, buildDemoStore } from './helpers.js';

/**
 * The published pots (Pettigrew et al. 2018), in pence, for the shipped schemes, and what they cover: immunisation
 * and diabetes are totals over the scheme's life, COPD a yearly pot. The CVD pot is inferred (its scheme's notes).
 */
const PUBLISHED: Record<string, bigint> = {
  'childhood-immunisation': 112_000n * 100n,
  'type-2-diabetes': 1_700_000n * 100n,
  copd: 300_000n * 100n,
  'cardiovascular-disease': 300_000n * 100n,
};
const PER: Record<string, 'year' | 'scheme'> = { 'childhood-immunisation': 'scheme', 'type-2-diabetes': 'scheme', copd: 'year', 'cardiovascular-disease': 'year' };
/** Each scheme's pot in its first year: half of £112,000; a third of £1.7 million (the odd penny to the earlier years); the yearly pots. */
const FIRST_YEAR_POT: Record<string, bigint> = {
  'childhood-immunisation': 5_600_000n,
  'type-2-diabetes': 56_666_667n,
  copd: 30_000_000n,
  'cardiovascular-disease': 30_000_000n,
};
/** Lifetime pots: £112,000, £1.7 million, 3 × £300,000 and 3 × £300,000. */
const LIFETIME: Record<string, bigint> = {
  'childhood-immunisation': 11_200_000n,
  'type-2-diabetes': 170_000_000n,
  copd: 90_000_000n,
  'cardiovascular-disease': 90_000_000n,
};
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const FILES = shippedSchemeFiles();

let dir = '';
let copy = '';
let engine: Engine;
let server: RunningServer;
let browser: Browser | undefined;
const cli = new Map<string, Calculation>();

/** "14000.50" / "-3.20" → pence, exactly. */
function pence(csv: string): bigint {
  const m = /^(-?)(\d+)\.(\d\d)$/.exec(csv);
  if (!m) throw new Error(`not an amount: ${csv}`);
  const v = BigInt(m[2]!) * 100n + BigInt(m[3]!);
  return m[1] ? -v : v;
}

async function get(path: string): Promise<string> {
  const r = await fetch(`${server.url}${path}`);
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}: ${text.slice(0, 300)}`);
  return text;
}
const csv = async (path: string, table: string): Promise<string[][]> => parseCsv(await get(`${path}?format=csv&table=${table}`));
const schemeOf = (file: string): { id: string; from: number; total: unknown; per: unknown } => {
  const y = parseYaml(readFileSync(file, 'utf8')) as { id: string; years: { from: number }; pot: { total: unknown; per: unknown } };
  return { id: y.id, from: y.years.from, total: y.pot.total, per: y.pot.per };
};

beforeAll(async () => {
  const s = buildDemoStore(20000);
  dir = s.dir;
  // The CLI side reads a copy: the served store is held open by the dashboard.
  copy = join(dir, 'copy.duckdb');
  copyFileSync(s.db, copy);
  for (const f of FILES) {
    const { id, from } = schemeOf(f);
    const { version, changes_from_previous, ...calc } = JSON.parse(await runCalculate({ db: copy, scheme: f, year: from, format: 'json', dryRun: true })) as Calculation & { version: unknown; changes_from_previous: unknown };
    expect([version, changes_from_previous]).toEqual([null, null]); // a dry run
    cli.set(id, calc);
  }
  engine = await DuckDBEngine.open(s.db);
  server = await startServer(engine, { port: 0, host: '127.0.0.1', access: 'open' });
  mkdirSync(SHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('incentive payment statements', () => {
  it('ships the four schemes with their published pots, each saying what it covers', () => {
    expect(FILES.map((f) => schemeOf(f).id).sort()).toEqual(Object.keys(PUBLISHED).sort());
    for (const f of FILES) {
      const { id, total, per } = schemeOf(f);
      expect({ id, pot: parseMoney(total), per }).toEqual({ id, pot: PUBLISHED[id], per: PER[id] });
    }
  });

  it("index lists every scheme, its lifetime pot and years; summary totals add up exactly to the year's pot", async () => {
    const index = await csv('/incentives', 'schemes');
    const ih = index[0]!;
    expect(index.slice(1).map((r) => r[0]).sort()).toEqual(Object.keys(PUBLISHED).sort());
    for (const f of FILES) {
      const { id, from } = schemeOf(f);
      const pot = FIRST_YEAR_POT[id]!;
      const row = index.find((r) => r[0] === id)!;
      expect(row[ih.indexOf('Financial years (pot)')]).toContain(`${from}/${String((from + 1) % 100).padStart(2, '0')} ${poundsCsv(Number(pot))}`);
      expect(pence(row[ih.indexOf('Lifetime pot')]!)).toBe(LIFETIME[id]);
      const path = `/incentives/${id}/${from}`;
      const rows = await csv(path, 'networks');
      const head = rows[0]!;
      const col = (name: string): number => head.indexOf(name);
      const total = rows[rows.length - 1]!;
      const nets = rows.slice(1, -1);
      expect(total[0]).toBe('Total');
      expect(pence(total[col('Pot')]!)).toBe(pot);
      expect(pence(total[col('Advance')]!) + pence(total[col('Performance pot')]!)).toBe(pot);
      // Every column of the totals row is the exact sum of the networks'.
      for (const name of ['Pot', 'Advance', 'Performance pot', 'Performance earned', 'Not earned', 'Clawback', 'Total paid'])
        expect({ name, sum: nets.reduce((s, r) => s + pence(r[col(name)]!), 0n) }).toEqual({ name, sum: pence(total[col(name)]!) });
      for (const r of nets) expect(pence(r[col('Performance earned')]!) + pence(r[col('Not earned')]!)).toBe(pence(r[col('Performance pot')]!));
      const html = await get(path);
      expect(html).toContain(`<dd class="nhsuk-summary-list__value">${formatPounds(pot)}</dd>`);
      // The lifetime pot and what is left of it after the first year.
      expect(html).toContain(formatPounds(LIFETIME[id]!));
      expect(html).toContain(`<dd class="nhsuk-summary-list__value">${formatPounds(LIFETIME[id]! - pot)}</dd>`);
      // The CLI's totals are the page's.
      const calc = cli.get(id)!;
      expect(nets.map((r) => r[0])).toEqual(calc.networks.map((n) => n.code));
      expect(pence(total[col('Total paid')]!)).toBe(BigInt(calc.totals.total_pence));
    }
  });

  it("each network's statement equals `incentives calculate --format json`, after disclosure control", async () => {
    let statements = 0;
    let withheld = 0;
    for (const f of FILES) {
      const { id, from } = schemeOf(f);
      const raw = cli.get(id)!;
      expect(raw.networks.length).toBeGreaterThan(1);
      // The server shows the CLI's calculation with its result rows through the default rule (suppress:1-7).
      const calc = discloseCalculation(raw, server.shown);
      const api = JSON.parse(await get(`/api/incentives/${id}/${from}`)) as typeof calc;
      expect(api).toEqual(calc);
      expect(api.disclosure).toBe('suppress:1-7');
      // Payments are the CLI's; every result row the rule lets through is the CLI's row; withheld rows keep their keys only.
      expect(api.totals).toEqual(raw.totals);
      raw.trace.results.forEach((r, i) => {
        const a = api.trace.results[i]!;
        if (a.suppressed) {
          withheld++;
          expect(a).toEqual({ ...r, numerator: null, denominator: null, value: null, suppressed: true });
        } else expect(a).toEqual({ ...r, suppressed: false });
      });
      raw.networks.forEach((n, i) => {
        const a = api.networks[i]!;
        expect({ ...a, components: a.components.map((c) => ({ ...c, result: null, value: null, achievement: null })) }).toEqual({ ...n, components: n.components.map((c) => ({ ...c, result: null, value: null, achievement: null })) });
        n.components.forEach((c, j) => expect(a.components[j]!.achievement).toBe(a.components[j]!.result?.suppressed ? null : c.achievement));
      });
      for (const n of calc.networks) {
        const path = `/incentives/${id}/${from}/networks/${n.code}`;
        expect(JSON.parse(await get(`/api/incentives/${id}/${from}/networks/${n.code}`))).toEqual(n);
        const pay = await csv(path, 'payment');
        expect(pay.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
          ['advance', n.advance_paid_on, poundsCsv(n.advance_pence)],
          ['performance', n.performance_paid_on ?? '', poundsCsv(n.performance_pence)],
          ['clawback', n.clawback_pence ? (n.performance_paid_on ?? '') : '', poundsCsv(-n.clawback_pence)],
          ['total', '', poundsCsv(n.total_pence)],
        ]);
        const kpis = await csv(path, 'kpis');
        expect(kpis.slice(1).map((r) => ({ id: r[0], at: r[1], achievement: r[2], status: r[4], share: r[5], pot: pence(r[6]!), earned: pence(r[7]!), clawback: pence(r[8]!) }))).toEqual(
          n.components.map((c) => ({ id: c.id, at: c.measured_at, achievement: c.result?.suppressed ? 'suppressed' : (c.achievement ?? ''), status: c.status, share: c.earned_share, pot: BigInt(c.component_pot_pence), earned: BigInt(c.earned_pence), clawback: BigInt(c.clawback_pence) })),
        );
        const trace = await csv(path, 'trace');
        const used = calc.trace.results.filter((r) => r.org_code === n.code);
        expect(used.length).toBeGreaterThanOrEqual(n.components.length > 0 ? 1 : 0);
        const count = (x: string | undefined): number | null => (x === 'suppressed' ? null : Number(x));
        expect(trace.slice(1).map((r) => [r[0], r[1], count(r[2]), count(r[3]), r[5]])).toEqual(used.map((r) => [r.indicator_id, r.period_end, r.numerator, r.denominator, r.definition_hash]));
        const html = await get(path);
        expect(html).toContain(`<dd class="nhsuk-summary-list__value">${formatPounds(BigInt(n.total_pence))}</dd>`);
        expect(html).toMatch(/<details class="nhsuk-details">/);
        statements++;
      }
    }
    expect(statements).toBeGreaterThanOrEqual(FILES.length * 2);
    expect(withheld).toBeGreaterThan(0); // the 20k demo has networks with small counts
  });

  it('shows the projection during the year, and refuses bad input', async () => {
    const path = '/incentives/type-2-diabetes/2009/networks/SYNN1';
    const during = await get(`${path}?month=2009-12`);
    const sentence = /At current trajectory you will earn (£[\d,]+\.\d\d) of (£[\d,]+\.\d\d)\./.exec(during);
    expect(sentence).not.toBeNull();
    const calc = cli.get('type-2-diabetes')!;
    expect(sentence![2]).toBe(formatPounds(BigInt(calc.networks.find((n) => n.code === 'SYNN1')!.pot_pence)));
    expect(await get(path)).not.toContain('At current trajectory');
    expect((await fetch(`${server.url}/incentives/type-2-diabetes/1999`)).status).toBe(404);
    expect((await fetch(`${server.url}/incentives/nope/2009`)).status).toBe(404);
    expect((await fetch(`${server.url}${path.replace('SYNN1', 'SYNP1')}`)).status).toBe(404);
    expect((await fetch(`${server.url}${path}?colour=red`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/incentives/copd/2010/networks/NOPE`)).status).toBe(404);
  });

  it('in a browser: axe finds no WCAG 2.2 A/AA violations on index, summary and statements; screenshots', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page: Page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const axe = (name: string): Promise<void> => expectNoAxeViolations(page, name);
    const visit = async (name: string, path: string, full = false): Promise<void> => {
      const r = await page.goto(`${server.url}${path}`);
      expect(r?.status()).toBe(200);
      await page.screenshot({ path: join(SHOTS, `incentives-${name}.png`), fullPage: full });
      await axe(name);
    };
    await visit('index', '/incentives');
    await visit('summary', '/incentives/type-2-diabetes/2009');
    await page.getByRole('link', { name: 'Synthetic Network 2' }).first().click();
    expect(page.url()).toContain('/incentives/type-2-diabetes/2009/networks/SYNN2');
    await visit('statement', '/incentives/copd/2010/networks/SYNN1', true);
    await page.locator('details summary').click();
    await expect(page.locator('#trace').isVisible()).resolves.toBe(true);
    await axe('statement-trace-open');
    await visit('statement-projection', '/incentives/type-2-diabetes/2009/networks/SYNN1?month=2009-12', true);
    await visit('summary-immunisation', '/incentives/childhood-immunisation/2009');
  }, 60_000);

  it('PDF statements: `gpnet incentives statement` (network and --all) and the served PDF link', async () => {
    const read = (file: string): { pages: number; text: string } => {
      const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
      return { pages: Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1] ?? 0), text: spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ') };
    };
    const program = new Command().exitOverride();
    register(program);
    const out = join(dir, 'statement.pdf');
    const scheme = join(ROOT, 'schemes', 'copd.yaml');
    await program.parseAsync(['incentives', 'statement', '--db', copy, '--scheme', scheme, '--year', '2010', '--network', 'SYNN3', '--out', out], { from: 'user' });
    const one = read(out);
    expect(one.pages).toBeGreaterThanOrEqual(1);
    expect(one.text).toContain('Synthetic Network 3');
    expect(one.text).toContain('Total');
    const calc = JSON.parse(await runCalculate({ db: copy, scheme, year: 2010, format: 'json', dryRun: true })) as Calculation;
    expect(one.text).toContain(formatPounds(BigInt(calc.networks.find((n) => n.code === 'SYNN3')!.total_pence)));
    expect(one.text).toContain('result rows used'); // the trace, opened for print

    const all = join(dir, 'summary.pdf');
    await program.parseAsync(['incentives', 'statement', '--db', copy, '--scheme', scheme, '--year', '2010', '--all', '--out', all], { from: 'user' });
    const sum = read(all);
    expect(sum.pages).toBeGreaterThanOrEqual(1);
    expect(sum.text).toContain('Total');
    expect(sum.text).toContain('£300,000.00');

    await expect(program.parseAsync(['incentives', 'statement', '--db', copy, '--scheme', scheme, '--year', '2010', '--network', 'NOPE1', '--out', out], { from: 'user' })).rejects.toThrow(/--network NOPE1: no network with code NOPE1/);
    await expect(program.parseAsync(['incentives', 'statement', '--db', copy, '--scheme', scheme, '--year', '2010', '--all', '--month', '1990-01', '--out', out], { from: 'user' })).rejects.toThrow(/^--month: no results for 1990-01/);
    await expect(program.parseAsync(['incentives', 'statement', '--db', copy, '--scheme', scheme, '--year', '2020', '--all', '--out', out], { from: 'user' })).rejects.toThrow(/copd.yaml/);

    const r = await fetch(`${server.url}/incentives/childhood-immunisation/2009/networks/SYNN4/statement.pdf`);
    expect(r.status).toBe(200);
    const served = join(dir, 'served.pdf');
    (await import('node:fs')).writeFileSync(served, new Uint8Array(await r.arrayBuffer()));
    expect(statSync(served).size).toBeGreaterThan(5000);
    expect(read(served).text).toContain('Synthetic Network 4');
  }, 90_000);
});
