import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDisclosedResults, readResults } from '../../src/cli/commands/export.js';
import { DashboardData } from '../../src/server/api/dashboard-data.js';
import { createApp } from '../../src/server/app.js';
import { DEFAULT_DISCLOSURE } from '../../src/server/disclosure/rule.js';
import { assignQuantileGroups, funnelPoints, orientGroup } from '../../src/stats/index.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { parseCsv } from '../../src/util/csv.js';
import { buildDemoStore } from './helpers.js';

let dir = '';
let engine: Engine;
let app: ReturnType<typeof createApp>;
let data: DashboardData;
/** What the server shows: the stored rows after the default disclosure rule (suppress:1-7). */
let shown: DashboardData;

beforeAll(async () => {
  const s = buildDemoStore(20000);
  dir = s.dir;
  engine = await DuckDBEngine.open(s.db);
  data = await DashboardData.load(engine);
  app = createApp(data, { auth: { mode: 'open' } });
  shown = data.disclosed(DEFAULT_DISCLOSURE);
});
afterAll(async () => {
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: unknown; text: string; type: string }> {
  const res = await app.request(path);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, text, type, body: type.includes('json') ? JSON.parse(text) : null };
}

type Json = Record<string, unknown>;

describe('JSON API', () => {
  it('answers /healthz and serves an OpenAPI document listing every endpoint', async () => {
    const h = await get('/healthz');
    expect(h.status).toBe(200);
    expect((h.body as Json).status).toBe('ok');
    expect((h.body as Json).latest).toBe('2013-12');
    const o = await get('/api/openapi.json');
    expect((o.body as Json).openapi).toBe('3.1.0');
    expect(Object.keys((o.body as { paths: Json }).paths)).toEqual(
      expect.arrayContaining(['/healthz', '/api/organisations', '/api/indicators', '/api/results', '/api/series', '/api/comparison', '/api/matrix', '/api/practices/{code}', '/api/alerts']),
    );
  });

  it('returns the organisation tree and the indicator catalogue with plain-English definitions and codelist versions', async () => {
    const t = (await get('/api/organisations')).body as { tree: { kind: string; children: { kind: string; children: unknown[] }[] }[]; benchmarks: unknown[] };
    expect(t.tree).toHaveLength(1);
    expect(t.tree[0]!.kind).toBe('collaboration');
    expect(t.tree[0]!.children.length).toBe(8);
    expect(t.tree[0]!.children.every((n) => n.kind === 'network' && n.children.length > 0)).toBe(true);
    expect(t.benchmarks).toHaveLength(4); // two neighbouring PCTs, rest of London, England
    const cat = (await get('/api/indicators')).body as { id: string; plain: { population: string }; codelists: { slug: string; version: string }[] }[];
    const stored = await engine.all('SELECT id, codelist_versions FROM indicator_definition ORDER BY id');
    expect(cat.map((c) => c.id)).toEqual(stored.map((r) => r.id));
    const dm = cat.find((c) => c.id === 'dm-care-plan')!;
    expect(dm.plain.population).toMatch(/^Patients registered and alive/);
    expect(Object.fromEntries(dm.codelists.map((c) => [c.slug, c.version]))).toEqual(JSON.parse(String(stored.find((r) => r.id === 'dm-care-plan')!.codelist_versions)));
  });

  it('/api/results equals the store rows after disclosure control (fields of gpnet export results --disclosure suppress:1-7)', async () => {
    const queries: Record<string, string>[] = [{ indicator: 'dm-care-plan', org: 'SYNN1' }, { indicator: 'mmr1-by-2' }, { org: 'SYNP05' }];
    for (const q of queries) {
      const params = new URLSearchParams(q).toString();
      const api = (await get(`/api/results?${params}`)).body as Json[];
      const store = await readResults(engine, q);
      expect(api.length).toBeGreaterThan(0);
      expect(api).toEqual(await readDisclosedResults(engine, q, DEFAULT_DISCLOSURE));
      // Rows the rule lets through are the stored rows; withheld rows keep only their keys and target.
      expect(api.length).toBe(store.length);
      api.forEach((r, i) => {
        const s = store[i]!;
        if (r.suppressed === false) expect(r).toEqual({ ...s, suppressed: false });
        else expect(r).toEqual({ ...s, numerator: null, denominator: null, value: null, ci_low: null, ci_high: null, rag: null, suppressed: true });
      });
    }
    const ranged = (await get('/api/results?indicator=dm-care-plan&org=SYNC&from=2011-01&to=2011-03')).body as Json[];
    expect(ranged.map((r) => r.period_end)).toEqual(['2011-01-31', '2011-02-28', '2011-03-31']);
  });

  it('gives clear 400/404 errors with a stable shape', async () => {
    const cases: [string, number, string][] = [
      ['/api/results?indicator=no-such-thing', 404, 'unknown_indicator'],
      ['/api/results?org=NOPE', 404, 'unknown_organisation'],
      ['/api/results?from=2013-13', 400, 'bad_month'],
      ['/api/results?from=March', 400, 'bad_month'],
      ['/api/results?to=2030-01', 400, 'month_out_of_range'],
      ['/api/results?indicator=x%27%3B%20DROP%20TABLE%20organisation', 400, 'bad_request'],
      ['/api/results?colour=blue', 400, 'bad_request'],
      ['/api/series?indicator=dm-care-plan', 400, 'bad_request'],
      ['/api/comparison?indicator=dm-care-plan&month=1999-01', 400, 'month_out_of_range'],
      ['/api/matrix?org=SYNP01', 404, 'unknown_organisation'],
      ['/api/practices/SYNN1', 404, 'unknown_organisation'],
      ['/api/alerts?network=SYNX', 404, 'unknown_organisation'],
      ['/api/nothing-here', 404, 'not_found'],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(path);
      expect({ path, status: r.status }).toEqual({ path, status });
      const body = r.body as { error: { code: string; message: string } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(5);
    }
    expect(Number((await engine.all('SELECT count(*) AS n FROM organisation'))[0]!.n)).toBeGreaterThan(0);
  });

  it('series holds the organisation, its parents and the four benchmarks', async () => {
    const s = (await get('/api/series?indicator=dm-care-plan&org=SYNP01&to=2012-12')).body as { lines: { code: string; kind: string; points: { period_end: string; value: number }[] }[] };
    expect(s.lines.map((l) => l.kind)).toEqual(['practice', 'network', 'collaboration', 'benchmark', 'benchmark', 'benchmark', 'benchmark']);
    const bench = await engine.all("SELECT value FROM benchmark_series WHERE benchmark = $1 AND indicator_id = 'dm-care-plan' AND period_end <= '2012-12-31' ORDER BY period_end", [s.lines[3]!.code]);
    expect(s.lines[3]!.points.map((p) => p.value)).toEqual(bench.map((b) => b.value));
    expect(s.lines[0]!.points.at(-1)!.period_end).toBe('2012-12-31');
  });

  it('practice comparison: funnel limits and deciles as src/stats computes them from the disclosed rows', async () => {
    const c = (await get('/api/comparison?indicator=dm-care-plan&month=2011-06')).body as {
      collaboration: number;
      practices: { code: string; suppressed: boolean; numerator: number; denominator: number; value: number; decile: number | null; limits: { lower95: number; upper99_8: number }; vs_england: string }[];
    };
    const rows = (await engine.all("SELECT org_code, numerator, denominator, value FROM indicator_result WHERE indicator_id = 'dm-care-plan' AND org_kind = 'practice' AND period_end = '2011-06-30' ORDER BY org_code")) as { org_code: string; numerator: number; denominator: number; value: number }[];
    expect(c.practices.map((p) => p.code)).toEqual(rows.map((r) => r.org_code));
    // The limits are drawn around the collaboration's pooled value: every practice, shown or withheld.
    const collab = shown.result('dm-care-plan', 'SYNC', '2011-06-30')!;
    expect(collab.suppressed).toBe(false);
    expect(collab.numerator! / collab.denominator!).toBeCloseTo(funnelPoints(rows).baseline!, 12);
    // Only the practices the disclosure rule shows are placed on the funnel.
    const disclosed = rows.map((r) => shown.result('dm-care-plan', r.org_code, '2011-06-30')!);
    const counted = disclosed.filter((r) => !r.suppressed);
    expect(counted.length).toBeLessThan(rows.length);
    const fp = funnelPoints(counted.map((r) => ({ numerator: r.numerator!, denominator: r.denominator! })), collab.numerator! / collab.denominator!);
    expect(c.collaboration).toBeCloseTo(fp.baseline! * 100, 9);
    let withLimits = 0;
    c.practices.forEach((p) => {
      const i = counted.findIndex((r) => r.org_code === p.code);
      const lim = i < 0 ? null : fp.points[i]!.limits;
      if (!lim) return expect(p.limits).toBeNull();
      withLimits++;
      expect(p.limits.lower95).toBeCloseTo(lim.lower95 * 100, 9);
      expect(p.limits.upper99_8).toBeCloseTo(lim.upper99_8 * 100, 9);
    });
    expect(withLimits).toBe(counted.filter((r) => r.denominator! > 0).length);
    expect(withLimits).toBeGreaterThan(0);
    const valued = disclosed.filter((r): r is typeof r & { value: number } => r.value !== null);
    const g = assignQuantileGroups(valued.map((r) => r.value), 10);
    // With few practices shown, deciles may not be assignable (null), as src/stats decides.
    valued.forEach((r, i) => expect(c.practices.find((p) => p.code === r.org_code)!.decile).toBe(g.groups[i] == null ? null : orientGroup(g.groups[i], 10, 'high-is-good')));
    for (const p of c.practices.filter((x) => x.suppressed)) expect(p.decile).toBeNull();
    expect(new Set(c.practices.map((p) => p.vs_england)).size).toBeGreaterThan(0);
    expect(c.practices.every((p) => ['Better', 'Similar', 'Worse', 'Not compared'].includes(p.vs_england))).toBe(true);
  });

  it('matrix and practice summary agree with the disclosed rows; patients needed = ceil(target × denominator − numerator), withheld when suppressed', async () => {
    const m = (await get('/api/matrix?org=SYNN2&month=2012-03')).body as { rows: { code: string; cells: { indicator_id: string; value: number | null; rag: string | null }[] }[] };
    for (const row of m.rows) {
      for (const c of row.cells) {
        const r = shown.result(c.indicator_id, row.code, '2012-03-31');
        expect(c.value).toBe(r?.value ?? null);
        expect(c.rag).toBe(r?.rag ?? null);
      }
    }
    let checked = 0;
    const big = await engine.all("SELECT org_code FROM indicator_result WHERE indicator_id = 'dm-register' AND org_kind = 'practice' AND period_end = '2012-03-31' ORDER BY value DESC LIMIT 4");
    for (const code of big.map((b) => String(b.org_code))) {
      const p = (await get(`/api/practices/${code}?month=2012-03`)).body as { rows: { indicator_id: string; patients_needed: number | null; kind: string; rank: number | null; of: number }[] };
      for (const r of p.rows) {
        const s = (await engine.all("SELECT numerator, denominator, target FROM indicator_result WHERE indicator_id = $1 AND org_code = $2 AND period_end = '2012-03-31'", [r.indicator_id, code]))[0] as { numerator: number; denominator: number; target: number | null } | undefined;
        const ind = data.indicators.get(r.indicator_id)!;
        if (shown.result(r.indicator_id, code, '2012-03-31')?.suppressed) {
          expect(r.patients_needed).toBeNull();
          continue;
        }
        if (r.kind === 'proportion' && s && s.target !== null && ind.definition.target?.direction === 'higher' && s.denominator > 0) {
          expect(r.patients_needed).toBe(Math.max(0, Math.ceil((s.target / 100) * s.denominator - s.numerator - 1e-9)));
          checked++;
        }
        if (r.rank !== null) expect(r.rank).toBeLessThanOrEqual(r.of);
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('alerts: every worst-decile alert is in decile 10 in each of its three months', async () => {
    let seen = 0;
    for (const n of ['SYNN1', 'SYNN2', 'SYNN3', 'SYNN4']) {
      const a = (await get(`/api/alerts?network=${n}&month=2012-06`)).body as { worst_decile: { practice: string; indicator: string; months: string[] }[]; drifting: { direction: string; cusum: number; h: number }[] };
      for (const w of a.worst_decile) {
        for (const month of w.months) {
          const c = (await get(`/api/comparison?indicator=${w.indicator}&month=${month}`)).body as { practices: { code: string; decile: number }[] };
          expect(c.practices.find((p) => p.code === w.practice)!.decile).toBe(10);
          seen++;
        }
      }
      for (const d of a.drifting) expect(d.cusum).toBeGreaterThan(d.h);
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe('pages (server-rendered)', () => {
  it('render every view, with a CSV for each table', async () => {
    for (const path of ['/', '/networks/SYNN1', '/practices/SYNP01', '/indicators/dm-care-plan', '/networks/SYNN1/report', '/about/alerts']) {
      const r = await get(`${path}?month=2012-03`.replace('/about/alerts?month=2012-03', '/about/alerts'));
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      expect(r.text).toContain('<main');
      // Nothing is loaded from elsewhere: no absolute src/href in the page.
      expect(r.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
    const csv = await get('/?month=2012-03&format=csv&table=rag-matrix');
    expect(csv.type).toContain('text/csv');
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(['indicator_id', 'title', 'org_code', 'org_name', 'period_end', 'value', 'target', 'rating', 'previous_value', 'change']);
    const one = rows.find((r) => r[0] === 'dm-care-plan' && r[2] === 'SYNN3')!;
    const expected = shown.result('dm-care-plan', 'SYNN3', '2012-03-31')!;
    expect(one[5]).toBe(expected.suppressed ? 'suppressed' : String(expected.value));
    expect((await get('/networks/NOPE')).status).toBe(404);
    expect((await get('/?month=2030-01')).status).toBe(400);
    expect((await get('/?format=csv&table=nope')).status).toBe(404);
  });

  it('serves nhsuk-frontend CSS without any external font or URL', async () => {
    const css = await get('/static/dashboard.css');
    expect(css.status).toBe(200);
    expect(css.text).toContain('.nhsuk-header');
    expect(css.text).not.toMatch(/@font-face/);
    expect(css.text).not.toMatch(/url\((["']?)https?:/);
  });
});
