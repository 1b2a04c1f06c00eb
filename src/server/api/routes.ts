import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { alerts } from './alerts.js';
import type { DashboardData } from './dashboard-data.js';
import { ApiError } from './errors.js';
import { ResponseCache } from './response-cache.js';
import { OPENAPI } from './openapi.js';
import { CodeParam, MonthParam, parseParam } from './params.js';
import { disclosureJson, ruleText } from '../disclosure/rule.js';
import { comparison, indicatorCatalogue, matrix, organisationTree, practiceSummary, results, series } from './queries.js';

/** Query strings: only known keys, each a string; anything else is a 400. Schemas are built once. */
function query<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const raw = c.req.queries();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v.length !== 1) throw new ApiError(400, 'bad_request', `query parameter ${k} given ${v.length} times`);
    flat[k] = v[0]!;
  }
  const r = schema.safeParse(flat);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = issue?.path.join('.') || (issue && 'keys' in issue ? String(issue.keys) : 'query');
    throw new ApiError(400, 'bad_request', `${name}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

const code = CodeParam;
const optText = z.string().optional();
const Q = {
  results: z.object({ indicator: code.optional(), org: code.optional(), from: optText, to: optText }).strict(),
  series: z.object({ indicator: code, org: code, from: optText, to: optText }).strict(),
  matrix: z.object({ org: code, month: optText }).strict(),
  comparison: z.object({ indicator: code, month: optText, network: code.optional() }).strict(),
  practice: z.object({ month: optText }).strict(),
  alerts: z.object({ network: code, month: optText }).strict(),
};

export function apiRoutes(data: DashboardData, cache: ResponseCache = new ResponseCache()): Hono {
  const api = new Hono();
  /** Answers keyed by endpoint and validated parameters (errors are thrown before caching). */
  // Every answer names the disclosure rule its numbers went through (X-Disclosure).
  const headers = { 'Content-Type': 'application/json', 'X-Disclosure': ruleText(data.disclosure) };
  const cached = (c: Context, key: string, compute: () => unknown): Response => c.body(cache.get(key, compute), 200, headers);
  api.get('/openapi.json', (c) => cached(c, 'openapi', () => OPENAPI));
  api.get('/organisations', (c) => cached(c, 'organisations', () => organisationTree(data)));
  api.get('/indicators', (c) => cached(c, 'indicators', () => indicatorCatalogue(data)));
  api.get('/months', (c) => cached(c, 'months', () => data.months.map((m) => m.slice(0, 7))));
  api.get('/disclosure', (c) => cached(c, 'disclosure', () => disclosureJson(data.disclosure)));
  // Months are checked twice on purpose: zod for the shape (400 bad_month), the store for the range.
  const monthShape = (s: unknown, name: string): string | undefined => (s === undefined ? undefined : parseParam(MonthParam, s, name, 'bad_month'));
  api.get('/results', (c) => {
    const p = query(c, Q.results);
    const q = { ...p, from: monthShape(p.from, 'from'), to: monthShape(p.to, 'to') };
    const rows = results(data, q);
    return cached(c, `results ${JSON.stringify(q)}`, () => rows);
  });
  api.get('/series', (c) => {
    const p = query(c, Q.series);
    const q = { ...p, from: monthShape(p.from, 'from'), to: monthShape(p.to, 'to') };
    const s = series(data, q);
    return cached(c, `series ${JSON.stringify(q)}`, () => s);
  });
  api.get('/matrix', (c) => {
    const p = query(c, Q.matrix);
    const q = { org: p.org, month: monthShape(p.month, 'month') };
    return cached(c, `matrix ${JSON.stringify(q)}`, () => matrix(data, q));
  });
  api.get('/comparison', (c) => {
    const p = query(c, Q.comparison);
    const q = { ...p, month: monthShape(p.month, 'month') };
    return cached(c, `comparison ${JSON.stringify(q)}`, () => comparison(data, q));
  });
  api.get('/practices/:code', (c) => {
    const p = query(c, Q.practice);
    const q = { org: c.req.param('code'), month: monthShape(p.month, 'month') };
    return cached(c, `practice ${JSON.stringify(q)}`, () => {
      const s = practiceSummary(data, q);
      return { ...s, org: { code: s.org.code, name: s.org.name, network: s.org.parent } };
    });
  });
  api.get('/alerts', (c) => {
    const p = query(c, Q.alerts);
    const q = { network: p.network, month: monthShape(p.month, 'month') };
    return cached(c, `alerts ${JSON.stringify(q)}`, () => alerts(data, q));
  });
  return api;
}
