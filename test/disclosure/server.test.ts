import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardData } from '../../src/server/api/dashboard-data.js';
import { createApp } from '../../src/server/app.js';
import { parseDisclosure } from '../../src/server/disclosure/rule.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { buildDemoStore, gpnet } from '../web/helpers.js';

/**
 * Disclosure control end to end on the 20,000-patient demo store: every API answer, page and CSV
 * download of the server, under suppress:1-7 (the default), round:5 and none.
 */
let dir = '';
let db = '';
let engine: Engine;
let stored: DashboardData;
type App = ReturnType<typeof createApp>;
let suppressApp: App;
let roundApp: App;
let noneApp: App;
let latest = '';
let months: string[] = [];

beforeAll(async () => {
  const s = buildDemoStore(20000);
  dir = s.dir;
  // The CLI tests use their own copy: DuckDB lets one process at a time open a store.
  db = `${s.db.replace(/\.duckdb$/, '')}-cli.duckdb`;
  copyFileSync(s.db, db);
  engine = await DuckDBEngine.open(s.db);
  stored = await DashboardData.load(engine);
  suppressApp = createApp(stored, { auth: { mode: 'open' } });
  roundApp = createApp(stored, { auth: { mode: 'open' }, disclosure: parseDisclosure('round:5') });
  noneApp = createApp(stored, { auth: { mode: 'open' }, disclosure: parseDisclosure('none') });
  latest = stored.months.at(-1)!.slice(0, 7);
  months = [latest, stored.months.at(-13)!.slice(0, 7)];
}, 240_000);
afterAll(async () => {
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get(app: App, path: string): Promise<{ status: number; text: string; json: unknown; headers: Headers }> {
  const res = await app.request(path);
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null };
}

type ApiRow = { indicator_id: string; org_kind: string; org_code: string; period_end: string; numerator: number | null; denominator: number | null; value: number | null; ci_low: number | null; ci_high: number | null; rag: string | null; suppressed: boolean };

const small = (n: unknown): boolean => typeof n === 'number' && n >= 1 && n <= 7;

/** Every numerator/denominator anywhere in a JSON answer; withheld objects have null counts and values. */
function countsIn(json: unknown, out: { counts: unknown[]; withheld: number } = { counts: [], withheld: 0 }): { counts: unknown[]; withheld: number } {
  if (Array.isArray(json)) for (const x of json) countsIn(x, out);
  else if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if ('numerator' in o) out.counts.push(o.numerator);
    if ('denominator' in o) out.counts.push(o.denominator);
    if (o.suppressed === true) {
      out.withheld++;
      for (const k of ['numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'rag', 'limits', 'funnel', 'decile', 'patients_needed']) if (k in o) expect({ [k]: o[k] }).toEqual({ [k]: null });
    }
    // funnel_table holds the funnel's axis grid (denominators 1, 2, … to draw the limits), not data.
    for (const [k, v] of Object.entries(o)) if (k !== 'funnel_table') countsIn(v, out);
  }
  return out;
}

/** (indicator|month|parent) of every group — a parent and its children — with exactly one withheld member, or whose withheld children total a small count. */
function loneSuppressions(rows: ApiRow[]): string[] {
  const bad: string[] = [];
  const byKey = new Map<string, ApiRow[]>();
  for (const r of rows) {
    const k = `${r.indicator_id}|${r.period_end}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for (const [k, group] of byKey) {
    const hidden = new Set(group.filter((r) => r.suppressed).map((r) => r.org_code));
    for (const parent of group) {
      if (parent.org_kind === 'practice') continue;
      const members = [parent.org_code, ...group.filter((r) => stored.orgs.get(r.org_code)?.parent === parent.org_code).map((r) => r.org_code)];
      if (members.filter((m) => hidden.has(m)).length === 1) bad.push(`${k}|${parent.org_code}`);
      // With the parent shown, the withheld children's total (parent − shown children) must not be small either.
      const kids = group.filter((r) => stored.orgs.get(r.org_code)?.parent === parent.org_code);
      if (!parent.suppressed && kids.some((c) => c.suppressed)) {
        const shownKids = kids.filter((c) => !c.suppressed);
        const num = parent.numerator! - shownKids.reduce((s, c) => s + c.numerator!, 0);
        const den = parent.denominator! - shownKids.reduce((s, c) => s + c.denominator!, 0);
        const kind = stored.indicators.get(parent.indicator_id)!.definition.kind;
        const tested = kind === 'mean' ? [den] : kind === 'rate_per_1000' ? [num, den] : [num, den, den - num];
        if (tested.some(small)) bad.push(`${k}|${parent.org_code} remainder`);
      }
    }
  }
  return bad;
}

/** The CSV columns holding counts (by header), from every table of a page. */
function csvCounts(text: string): { head: string[]; counts: string[] } {
  const rows = parseCsv(text);
  const head = rows[0] ?? [];
  const idx = head.map((h, i) => (/^(numerator|denominator)$/i.test(h) ? i : -1)).filter((i) => i >= 0);
  return { head, counts: rows.slice(1).flatMap((r) => idx.map((i) => r[i] ?? '')) };
}

/** Every kind of page: the overview, two networks and their reports, six practices, every indicator. */
function pagePaths(): string[] {
  const paths = ['/'];
  for (const n of stored.ofKind('network').slice(0, 2)) paths.push(`/networks/${n.code}`, `/networks/${n.code}/report`);
  for (const p of stored.ofKind('practice').slice(0, 6)) paths.push(`/practices/${p.code}`);
  for (const i of stored.indicatorList()) paths.push(`/indicators/${i.definition.id}`);
  return paths;
}

/** Table ids on a page, from its CSV links. */
function tableIds(html: string): string[] {
  return [...new Set([...html.matchAll(/format=csv&amp;table=([A-Za-z0-9_-]+)/g)].map((m) => m[1]!))];
}

describe('suppress:1-7 (the default)', () => {
  it('is announced by /api/disclosure and the X-Disclosure header', async () => {
    const r = await get(suppressApp, '/api/disclosure');
    expect(r.json).toMatchObject({ rule: 'suppress:1-7', mode: 'suppress', low: 1, high: 7 });
    expect((await get(suppressApp, '/api/months')).headers.get('x-disclosure')).toBe('suppress:1-7');
    const openapi = (await get(suppressApp, '/api/openapi.json')).json as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/api/disclosure');
  });

  it('/api/results: no count from 1 to 7, withheld rows keep their keys, and nothing is recoverable by subtraction', async () => {
    const rows = (await get(suppressApp, '/api/results')).json as ApiRow[];
    expect(rows.length).toBe(stored.rows({}).length);
    const c = countsIn(rows);
    expect(c.counts.filter(small)).toEqual([]);
    expect(c.withheld).toBeGreaterThan(1000); // the 20k demo has many small practices
    const kindOf = (id: string): string => stored.indicators.get(id)!.definition.kind;
    for (const r of rows) {
      if (r.suppressed || r.numerator === null || r.denominator === null) continue;
      if (kindOf(r.indicator_id) === 'proportion') expect(small(r.denominator - r.numerator)).toBe(false);
    }
    // Every stored row with a small count is withheld; the store's own rows are untouched.
    const raw = new Map(stored.rows({}).map((r) => [`${r.indicator_id}|${r.org_code}|${r.period_end}`, r]));
    let primary = 0;
    for (const r of rows) {
      const s = raw.get(`${r.indicator_id}|${r.org_code}|${r.period_end}`)!;
      const k = kindOf(r.indicator_id);
      const tested = k === 'mean' ? [s.denominator] : k === 'rate_per_1000' ? [s.numerator, s.denominator] : [s.numerator, s.denominator, s.denominator! - s.numerator!];
      if (tested.some(small)) {
        primary++;
        expect(r.suppressed).toBe(true);
      }
      if (!r.suppressed) expect([r.numerator, r.denominator, r.value]).toEqual([s.numerator, s.denominator, s.value]);
    }
    expect(primary).toBeGreaterThan(100);
    expect(loneSuppressions(rows)).toEqual([]);
  });

  it('matrix, comparison, practice summaries, series and alerts show no count from 1 to 7 and null values where withheld', async () => {
    const paths: string[] = [];
    const collab = stored.collaboration()!.code;
    for (const m of months) {
      paths.push(`/api/matrix?org=${collab}&month=${m}`);
      for (const n of stored.ofKind('network')) paths.push(`/api/matrix?org=${n.code}&month=${m}`, `/api/alerts?network=${n.code}&month=${m}`);
      for (const i of stored.indicatorList()) paths.push(`/api/comparison?indicator=${i.definition.id}&month=${m}`);
    }
    for (const p of stored.ofKind('practice')) paths.push(`/api/practices/${p.code}?month=${latest}`);
    for (const p of stored.ofKind('practice').slice(0, 6)) for (const i of stored.indicatorList().slice(0, 6)) paths.push(`/api/series?indicator=${i.definition.id}&org=${p.code}`);
    let withheld = 0;
    for (const path of paths) {
      const r = await get(suppressApp, path);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      const c = countsIn(r.json);
      expect({ path, small: c.counts.filter(small) }).toEqual({ path, small: [] });
      withheld += c.withheld;
    }
    expect(withheld).toBeGreaterThan(500);
    // A withheld practice: no value, no funnel position, no patients needed; league order puts it last.
    const id = 'dm-care-plan';
    const cmp = (await get(suppressApp, `/api/comparison?indicator=${id}&month=${latest}`)).json as { practices: { code: string; suppressed: boolean; limits: unknown; funnel: unknown; value: unknown }[] };
    const hidden = cmp.practices.filter((p) => p.suppressed);
    expect(hidden.length).toBeGreaterThan(0);
    for (const p of hidden) expect([p.value, p.limits, p.funnel]).toEqual([null, null, null]);
    const practice = (await get(suppressApp, `/api/practices/${hidden[0]!.code}?month=${latest}`)).json as { rows: { indicator_id: string; suppressed: boolean; value: unknown; patients_needed: unknown; rank: unknown }[] };
    const row = practice.rows.find((r) => r.indicator_id === id)!;
    expect(row).toMatchObject({ suppressed: true, value: null, patients_needed: null, rank: null });
  });

  it('every page says so and links to the explanation; every CSV download shows no count from 1 to 7 and marks withheld rows', async () => {
    const shown = stored.disclosed(parseDisclosure('suppress:1-7'));
    const about = await get(suppressApp, '/about/disclosure');
    expect(about.status).toBe(200);
    expect(about.text).toContain('suppress:1-7');
    let csvs = 0;
    let marked = 0;
    for (const path of pagePaths()) {
      const page = await get(suppressApp, `${path}?month=${latest}`);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect(page.text).toContain('data-disclosure="suppress:1-7"');
      expect(page.text).toContain('href="/about/disclosure"');
      // Each CSV request renders its page again: on the network pages, the matrix, alerts and a few of the 28 trend tables.
      for (const t of tableIds(page.text).filter((id, i) => !id.startsWith('trend-') || i < 8)) {
        const csv = await get(suppressApp, `${path}?month=${latest}&format=csv&table=${t}`);
        expect(csv.status).toBe(200);
        csvs++;
        const { counts } = csvCounts(csv.text);
        expect({ path, t, small: counts.filter((x) => /^\d+$/.test(x) && small(Number(x))) }).toEqual({ path, t, small: [] });
        marked += (csv.text.match(/suppressed/g) ?? []).length;
      }
    }
    expect(csvs).toBeGreaterThan(80);
    expect(marked).toBeGreaterThan(100);
    // League table: withheld practices last, marked, with the count columns empty of numbers.
    const league = parseCsv((await get(suppressApp, `/indicators/dm-care-plan?month=${latest}&format=csv&table=league`)).text);
    const flags = league.slice(1).map((r) => r[4] === 'suppressed');
    expect(flags.indexOf(true)).toBeGreaterThan(-1);
    expect(flags.slice(flags.indexOf(true)).every(Boolean)).toBe(true);
    const periodEnd = shown.months.at(-1)!;
    expect(flags.filter(Boolean).length).toBe(shown.ofKind('practice').filter((p) => shown.result('dm-care-plan', p.code, periodEnd)?.suppressed).length);
    // Matrix CSV: a withheld network cell says so and does not carry the stored value.
    const matrix = parseCsv((await get(suppressApp, `/?month=${latest}&format=csv&table=rag-matrix`)).text);
    for (const r of matrix.slice(1)) {
      const d = shown.result(r[0]!, r[2]!, periodEnd);
      if (d?.suppressed) expect([r[5], r[7]]).toEqual(['suppressed', 'suppressed']);
      else expect(r[5]).toBe(d?.value === null || d === undefined ? '' : String(d.value));
    }
  });

  it('a change from a withheld month is not worked out, and says why', async () => {
    const shown = stored.disclosed(parseDisclosure('suppress:1-7'));
    const periodEnd = shown.months.at(-1)!;
    const prevEnd = shown.months.at(-2)!;
    let seen = 0;
    for (const n of stored.ofKind('network')) {
      const m = (await get(suppressApp, `/api/matrix?org=${n.code}&month=${latest}`)).json as { rows: { code: string; cells: { indicator_id: string; suppressed: boolean; previous: number | null; change: string | null; previous_suppressed: boolean }[] }[] };
      const csv = parseCsv((await get(suppressApp, `/networks/${n.code}?month=${latest}&format=csv&table=rag-matrix`)).text);
      for (const row of m.rows) {
        for (const c of row.cells) {
          expect(c.previous_suppressed).toBe(shown.result(c.indicator_id, row.code, prevEnd)?.suppressed ?? false);
          if (!c.previous_suppressed || c.suppressed || shown.result(c.indicator_id, row.code, periodEnd)?.value === null) continue;
          seen++;
          expect([c.previous, c.change]).toEqual([null, null]);
          expect(csv.find((r) => r[0] === c.indicator_id && r[2] === row.code)![9]).toBe('previous month suppressed');
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('the funnel plot draws only the practices shown', async () => {
    const page = await get(suppressApp, `/indicators/dm-care-plan?month=${latest}`);
    const cmp = (await get(suppressApp, `/api/comparison?indicator=dm-care-plan&month=${latest}`)).json as { practices: { suppressed: boolean; value: number | null; denominator: number | null }[] };
    const drawn = cmp.practices.filter((p) => !p.suppressed && p.value !== null && (p.denominator ?? 0) > 0).length;
    const funnel = page.text.slice(page.text.indexOf('Funnel plot of practices'), page.text.indexOf('</figure>', page.text.indexOf('Funnel plot of practices')));
    const plot = funnel.replace(/<ul class="gp-legend">[\s\S]*?<\/ul>/, '');
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(cmp.practices.length);
    expect((plot.match(/<circle/g) ?? []).length).toBe(drawn);
  });
});

describe('round:5', () => {
  it('every count in the API and in CSV downloads is a multiple of 5', async () => {
    expect((await get(roundApp, '/api/disclosure')).json).toMatchObject({ rule: 'round:5' });
    const rows = (await get(roundApp, '/api/results')).json as ApiRow[];
    const c = countsIn(rows);
    expect(c.withheld).toBe(0);
    expect(c.counts.filter((n) => n !== null && (n as number) % 5 !== 0)).toEqual([]);
    for (const m of months) for (const i of stored.indicatorList()) {
      const cmp = countsIn((await get(roundApp, `/api/comparison?indicator=${i.definition.id}&month=${m}`)).json);
      expect(cmp.counts.filter((n) => n !== null && (n as number) % 5 !== 0)).toEqual([]);
      const league = csvCounts((await get(roundApp, `/indicators/${i.definition.id}?month=${m}&format=csv&table=league`)).text);
      expect(league.counts.filter((x) => x !== '' && Number(x) % 5 !== 0)).toEqual([]);
    }
    const page = await get(roundApp, `/?month=${latest}`);
    expect(page.text).toContain('data-disclosure="round:5"');
    // Values are worked out from the rounded counts.
    for (const r of rows.filter((x) => stored.indicators.get(x.indicator_id)!.definition.kind === 'proportion' && (x.denominator ?? 0) > 0).slice(0, 5000)) {
      expect(r.value).toBeCloseTo((100 * r.numerator!) / r.denominator!, 9);
    }
  });
});

describe('none', () => {
  it('leaves every number as stored', async () => {
    const rows = (await get(noneApp, '/api/results')).json as ApiRow[];
    expect(rows).toEqual(stored.rows({}).map((r) => ({ ...r, suppressed: false })));
    expect(countsIn(rows).counts.filter(small).length).toBeGreaterThan(100);
  });
});

describe('CLI', () => {
  it('gpnet serve refuses a bad --disclosure with a clear message', () => {
    const r = gpnet('serve', '--db', db, '--disclosure', 'suppress:9-2');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--disclosure 'suppress:9-2': high must not be below the low end");
    expect(gpnet('serve', '--db', db, '--disclosure', 'hide').stderr).toContain('--disclosure must be suppress:LOW-HIGH');
  });

  it('the feedback-report PDF (gpnet report, the default rule) states the rule and marks withheld cells', () => {
    const out = join(dir, 'report.pdf');
    const network = stored.ofKind('network')[0]!.code;
    const r = gpnet('report', '--db', db, '--network', network, '--month', latest, '--out', out);
    expect(r.status).toBe(0);
    const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('counts from 1 to 7 are suppressed (shown as *)');
    const shown = stored.disclosed(parseDisclosure('suppress:1-7'));
    const hidden = [network, ...stored.children(network).map((p) => p.code)].some((code) => stored.indicatorList().some((i) => shown.result(i.definition.id, code, shown.months.at(-1)!)?.suppressed));
    expect(hidden).toBe(true);
    // Withheld cells print as * with the word suppressed under them (pdftotext lays table rows out in lines).
    expect(/(\* ){2,}/.test(text)).toBe(true);
    expect((text.match(/suppressed/g) ?? []).length).toBeGreaterThan(10);
  });

  it('gpnet export results: none by default; --disclosure applies the rule over the whole store, then filters', () => {
    const plain = parseCsv(gpnet('export', 'results', '--db', db, '--format', 'csv', '--indicator', 'dm-care-plan').stdout);
    expect(plain[0]).not.toContain('suppressed');
    const sup = parseCsv(gpnet('export', 'results', '--db', db, '--format', 'csv', '--indicator', 'dm-care-plan', '--disclosure', 'suppress:1-7').stdout);
    expect(sup[0]!.at(-1)).toBe('suppressed');
    expect(sup.length).toBe(plain.length);
    const api = stored.disclosed(parseDisclosure('suppress:1-7')).rows({ indicator: 'dm-care-plan' });
    expect(sup.slice(1).map((r) => r[11])).toEqual(api.map((r) => String(r.suppressed)));
    const one = parseCsv(gpnet('export', 'results', '--db', db, '--format', 'csv', '--org', stored.ofKind('practice')[0]!.code, '--disclosure', 'suppress:1-7').stdout);
    const full = stored.disclosed(parseDisclosure('suppress:1-7')).rows({ org: stored.ofKind('practice')[0]!.code });
    expect(one.slice(1).map((r) => r[11])).toEqual(full.map((r) => String(r.suppressed)));
    const rounded = parseCsv(gpnet('export', 'results', '--db', db, '--format', 'csv', '--disclosure', 'round:5').stdout);
    expect(rounded.slice(1).filter((r) => (r[4] !== '' && Number(r[4]) % 5 !== 0) || Number(r[5]) % 5 !== 0)).toEqual([]);
  });
});

describe('evaluation pages', () => {
  it('evaluate only series with no withheld month under suppression, and nothing under rounding', async () => {
    const shown = stored.disclosed(parseDisclosure('suppress:1-7'));
    const collab = stored.collaboration()!.code;
    // An organisation with withheld months is refused with the reason; one with none is evaluated.
    const practice = stored.ofKind('practice').find((p) => shown.series('dm-care-plan', p.code).some((r) => r.suppressed))!;
    const refused = await get(suppressApp, `/evaluate?indicator=dm-care-plan&org=${practice.code}&comparator=none`);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(new RegExp(`${practice.code} cannot be evaluated on dm-care-plan here: \\d+ of its \\d+ months are suppressed`));
    const clean = stored.indicatorList().map((i) => i.definition.id).find((id) => !shown.series(id, collab).some((r) => r.suppressed) && shown.series(id, collab).length > 0)!;
    const ok = await get(suppressApp, `/evaluate?indicator=${clean}&org=${collab}&comparator=none&intervention=2010-01`);
    expect(ok.status).toBe(200);
    // A comparator with withheld months is refused too.
    const cmp = await get(suppressApp, `/evaluate?indicator=dm-care-plan&org=${collab}&comparator=${practice.code}&intervention=2010-01`);
    expect(cmp.status).toBe(400);
    const rounded = await get(roundApp, `/evaluate?indicator=${clean}&org=${collab}&comparator=none&intervention=2010-01`);
    expect(rounded.status).toBe(400);
    expect(rounded.text).toContain('Evaluations use the exact monthly counts, which this server does not show (disclosure rule round:5)');
  });

  it('the study page leaves out KPIs whose collaboration or benchmark series has a withheld month, and says so', async () => {
    const shown = stored.disclosed(parseDisclosure('suppress:1-7'));
    const collab = stored.collaboration()!.code;
    const page = await get(suppressApp, '/evaluate/study');
    expect(page.status).toBe(200);
    // cardiac-rehab is a KPI of the study whose collaboration counts are small in the 20k demo.
    expect(shown.series('cardiac-rehab', collab).some((r) => r.suppressed)).toBe(true);
    expect(page.text).toMatch(/Left out because some of their months are suppressed as small numbers \(disclosure rule suppress:1-7\): [^<]*cardiac-rehab/);
    expect(page.text).not.toContain('/evaluate?indicator=cardiac-rehab');
    expect((await get(noneApp, '/evaluate/study')).text).toContain('cardiac-rehab');
    expect((await get(roundApp, '/evaluate/study')).status).toBe(400);
  });
});
