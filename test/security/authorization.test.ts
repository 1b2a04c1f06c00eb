import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { ROUTE_SCOPES, type RouteScope } from '../../src/server/auth/scope.js';
import type { Role } from '../../src/server/auth/roles.js';
import { Client, deniedCount, makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let app: ReturnType<typeof createApp>;
const clients = new Map<Role, Client>();
const USERS: Record<Role, string> = { practice: 'prac1', network: 'net1', commissioner: 'comm1', evaluator: 'eval1', admin: 'admin1' };
const ROLES = Object.keys(USERS) as Role[];
let indicator = '';
let scheme = { id: '', year: 0 };

beforeAll(async () => {
  f = await makeFixture();
  app = createApp(f.data, { auth: { mode: 'sign-in' } });
  let n = 0;
  for (const role of ROLES) {
    const c = new Client(app, `10.9.0.${++n}`);
    expect((await c.signIn(USERS[role])).status).toBe(200);
    clients.set(role, c);
  }
  indicator = [...f.data.indicators.keys()].sort()[0]!;
  const schemes = (await (await clients.get('admin')!.request('/api/incentives')).json()) as { id: string; years: number[] }[];
  scheme = { id: schemes[0]!.id, year: schemes[0]!.years[0]! };
});
afterAll(async () => {
  await f?.close();
});

/** The spec, written out independently of src/server/auth/scope.ts's canSeeOrg. */
function expectedAllow(role: Role, scope: RouteScope, org: string | undefined): boolean {
  if (!(scope.roles ?? []).includes(role)) return false;
  if (!scope.org) return true;
  const everything = role === 'commissioner' || role === 'evaluator' || role === 'admin';
  if (org === undefined) return everything;
  if (everything) return true;
  const o = f.data.orgs.get(org);
  if (!o) return false;
  if (o.kind === 'collaboration' || o.kind === 'benchmark') return true;
  if (role === 'practice') return org === f.codes.practice;
  return org === f.codes.network || (o.kind === 'practice' && o.parent === f.codes.network);
}

/** A concrete URL for a route, naming `org` where the route takes an organisation (undefined: leave it out). */
function urlFor(scope: RouteScope, org: string | undefined): string | null {
  let path = scope.path.replace(':scheme', encodeURIComponent(scheme.id)).replace(':year', String(scheme.year)).replace(':id', encodeURIComponent(indicator));
  if (scope.org?.in === 'param') {
    if (org === undefined) return null;
    path = path.replace(`:${scope.org.name}`, encodeURIComponent(org));
  }
  if (path.includes('*')) path = path.replace('*', 'dashboard.js');
  const query = new URLSearchParams();
  if (['/api/series', '/api/comparison'].includes(scope.path)) query.set('indicator', indicator);
  if (scope.path.startsWith('/api/recall/practices/:code/worklist')) query.set('programme', 'dm-hba1c');
  if (scope.org?.in === 'query' && org !== undefined) query.set(scope.org.name, org);
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

const orgCases = (): (string | undefined)[] => [f.codes.practice, f.codes.sibling, f.codes.otherPractice, f.codes.network, f.codes.otherNetwork, f.codes.collaboration, f.codes.benchmark, 'ZZZ999', undefined];

describe('route declarations', () => {
  it('declares a scope for every registered route, and every declaration is a registered route', () => {
    const registered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const declared = new Set(ROUTE_SCOPES.map((s) => `${s.method} ${s.path}`));
    expect([...registered].filter((r) => !declared.has(r))).toEqual([]);
    expect([...declared].filter((d) => !registered.has(d))).toEqual([]);
    expect(registered.size).toBeGreaterThan(30);
  });

  it('declares every patient-level recall route for the practice role only, checked against the practice in the path', () => {
    const patientLevel = ROUTE_SCOPES.filter((s) => s.path.startsWith('/api/recall/practices/') || s.path.startsWith('/practices/:code/recall'));
    expect(patientLevel.length).toBe(16);
    for (const s of patientLevel) expect({ path: s.path, roles: s.roles, org: s.org }).toEqual({ path: s.path, roles: ['practice'], org: { in: 'param', name: 'code' } });
  });

  it('refuses a request to a path that matches no declaration', async () => {
    const c = clients.get('admin')!;
    expect((await c.request('/api/not-a-route')).status).toBe(404);
    expect((await c.request('/api/months', { method: 'POST', headers: { 'x-csrf-token': c.csrf } })).status).toBe(404);
  });
});

describe('authorisation matrix: every route × role × organisation', () => {
  it('allows and denies exactly as the roles say, and audits every denial', async () => {
    const rows: string[] = [];
    let denials = 0;
    const before = await f.engine.all("SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied'");
    for (const scope of ROUTE_SCOPES) {
      if (scope.public || scope.method !== 'GET') continue;
      const cases = scope.org ? orgCases() : [undefined];
      for (const role of ROLES) {
        for (const org of cases) {
          const url = urlFor(scope, org);
          if (url === null) continue;
          const res = await clients.get(role)!.request(url);
          const allow = expectedAllow(role, scope, org);
          const ok = allow ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === 403;
          if (!ok) rows.push(`${role} GET ${url}: ${res.status}, expected ${allow ? 'allow' : 'deny'}`);
          if (!allow) {
            denials++;
            if (url.startsWith('/api/')) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
            else expect(await res.text()).toContain('You do not have access');
          }
        }
      }
    }
    expect(rows).toEqual([]);
    const after = await f.engine.all("SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied'");
    expect(Number(after[0]!.n) - Number(before[0]!.n)).toBe(denials);
    expect(denials).toBeGreaterThan(100);
  });

  it('matches the spec on the cases that matter most (written out)', async () => {
    const { practice, sibling, otherPractice, network, collaboration, benchmark } = f.codes;
    const table: [Role, string, 'allow' | 'deny'][] = [
      ['practice', `/api/practices/${practice}`, 'allow'],
      ['practice', `/practices/${practice}`, 'allow'],
      ['practice', `/api/practices/${sibling}`, 'deny'],
      ['practice', `/api/practices/${otherPractice}`, 'deny'],
      ['practice', `/networks/${network}`, 'deny'],
      ['practice', `/api/results?org=${collaboration}`, 'allow'],
      ['practice', `/api/results?org=${benchmark}`, 'allow'],
      ['practice', '/api/results', 'deny'],
      ['practice', '/', 'deny'],
      ['network', `/api/practices/${sibling}`, 'allow'],
      ['network', `/networks/${network}`, 'allow'],
      ['network', `/api/practices/${otherPractice}`, 'deny'],
      ['network', `/api/alerts?network=${network}`, 'allow'],
      ['network', `/api/alerts?network=${f.codes.otherNetwork}`, 'deny'],
      ['commissioner', `/api/practices/${otherPractice}`, 'allow'],
      ['commissioner', '/evaluate', 'deny'],
      ['commissioner', '/api/audit', 'deny'],
      ['evaluator', '/evaluate', 'allow'],
      ['evaluator', '/api/audit', 'deny'],
      ['admin', '/api/audit', 'allow'],
      ['admin', '/api/audit.csv', 'allow'],
    ];
    for (const [role, url, want] of table) {
      const status = (await clients.get(role)!.request(url)).status;
      // Allowed: past the check (the route may still answer 404 for an organisation of the wrong kind).
      expect({ role, url, status: status === 403 ? 'deny' : status !== 401 && status < 500 ? 'allow' : status }).toEqual({ role, url, status: want });
    }
  });
});

describe('cross-practice access', () => {
  it('denies and audits at least 200 attempts by a practice to reach other practices (guessed codes, tampered parameters)', async () => {
    const c = clients.get('practice')!;
    const own = f.codes.practice;
    const others = [...f.data.orgs.values()].filter((o) => o.kind === 'practice' && o.code !== own).map((o) => o.code);
    const guesses = ['F84001', 'SYNP00', 'SYNP99', own.toLowerCase(), ` ${own}`, `${own} `, `${own}%00`, `${own}/../${others[0]}`, `${others[0]}#${own}`, "' OR '1'='1", `${own}' OR 'x'='x`, '*', '%', '%2e%2e', 'null'];
    const urls: string[] = [];
    for (const code of [...others, ...guesses]) {
      const e = encodeURIComponent(code);
      urls.push(`/api/practices/${e}`, `/practices/${e}`, `/api/results?org=${e}`, `/api/matrix?org=${e}`, `/api/series?indicator=${indicator}&org=${e}`, `/api/results?org=${own}&org=${e}`);
    }
    urls.push('/api/results', `/api/results?indicator=${indicator}`, `/api/comparison?indicator=${indicator}&network=${f.codes.network}`, `/api/alerts?network=${f.codes.network}`);
    expect(urls.length).toBeGreaterThanOrEqual(200);
    const before = await deniedCount(f.engine, 'prac1');
    const allowed: string[] = [];
    for (const u of urls) {
      const res = await c.request(u);
      if (res.status !== 403) allowed.push(`${u}: ${res.status}`);
    }
    expect(allowed).toEqual([]);
    expect((await deniedCount(f.engine, 'prac1')) - before).toBe(urls.length);
    const sample = await f.engine.all("SELECT username, role, method, route, organisation, action, outcome FROM audit_log WHERE username = 'prac1' AND outcome = 'denied' AND route = $1", [`/api/practices/${others[0]}`]);
    expect(sample[0]).toMatchObject({ username: 'prac1', role: 'practice', method: 'GET', organisation: others[0], outcome: 'denied' });
  });

  it('denies a network user every practice outside its network', async () => {
    const c = clients.get('network')!;
    const outside = [...f.data.orgs.values()].filter((o) => o.kind === 'practice' && o.parent !== f.codes.network).map((o) => o.code);
    const before = await deniedCount(f.engine, 'net1');
    for (const code of outside) {
      expect((await c.request(`/api/practices/${code}`)).status).toBe(403);
      expect((await c.request(`/practices/${code}`)).status).toBe(403);
    }
    expect((await deniedCount(f.engine, 'net1')) - before).toBe(outside.length * 2);
  });
});

describe('hostile parameters', () => {
  const PAYLOADS = ["' OR '1'='1", '1; DROP TABLE organisation; --', "x') UNION SELECT * FROM app_user --", '../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '<script>alert(1)</script>', '\u0000', 'a'.repeat(300)];
  it('answers SQL-injection and path-traversal strings in every parameter with 4xx, and the store is unchanged', async () => {
    const c = clients.get('admin')!;
    const orgsBefore = await f.engine.all('SELECT count(*) AS n FROM organisation');
    const problems: string[] = [];
    const urls: string[] = [];
    for (const scope of ROUTE_SCOPES) {
      if (scope.method !== 'GET' || scope.public) continue;
      const params = [...scope.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      for (const name of params) {
        for (const p of PAYLOADS) {
          let path = scope.path.replace(':scheme', scheme.id).replace(':year', String(scheme.year)).replace(':id', indicator).replace(':code', scope.path.includes('practices') ? f.codes.practice : f.codes.network);
          const real = name === 'scheme' ? scheme.id : name === 'year' ? String(scheme.year) : name === 'id' ? indicator : scope.path.includes('practices') ? f.codes.practice : f.codes.network;
          path = path.replace(name === 'code' ? `/${real}` : real, name === 'code' ? `/${encodeURIComponent(p)}` : encodeURIComponent(p));
          urls.push(path);
        }
      }
    }
    const apiQueries: Record<string, string> = { '/api/results': 'org', '/api/series': 'org', '/api/matrix': 'org', '/api/comparison': 'network', '/api/alerts': 'network' };
    for (const [path, orgName] of Object.entries(apiQueries)) {
      for (const p of PAYLOADS) {
        const base = { indicator, [orgName]: path === '/api/comparison' || path === '/api/alerts' ? f.codes.network : f.codes.practice };
        for (const name of ['indicator', orgName, 'month', 'from', 'to']) {
          if (path !== '/api/results' && path !== '/api/series' && (name === 'from' || name === 'to')) continue;
          if ((path === '/api/matrix' || path === '/api/alerts') && name === 'indicator') continue;
          const q = new URLSearchParams(path === '/api/matrix' || path === '/api/alerts' ? { [orgName]: base[orgName]! } : base);
          q.set(name, p);
          urls.push(`${path}?${q}`);
        }
      }
    }
    for (const u of urls) {
      const res = await c.request(u);
      if (res.status < 400 || res.status >= 500) problems.push(`${u}: ${res.status}`);
      else if (u.startsWith('/api/')) {
        const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
        if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') problems.push(`${u}: error shape ${JSON.stringify(body)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(urls.length).toBeGreaterThan(150);
    expect(await f.engine.all('SELECT count(*) AS n FROM organisation')).toEqual(orgsBefore);
    expect(Number((await f.engine.all('SELECT count(*) AS n FROM app_user'))[0]!.n)).toBe(5);
  });

  it('does not serve files outside the static folders', async () => {
    for (const u of ['/static/../../package.json', '/static/%2e%2e/%2e%2e/package.json', '/static/..%2f..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json']) {
      const res = await app.request(u);
      expect(res.status, u).toBeGreaterThanOrEqual(400);
      expect(res.status, u).toBeLessThan(500);
    }
  });
});

describe('audit log', () => {
  it('lets admins read it as JSON and CSV; others are denied', async () => {
    const admin = clients.get('admin')!;
    const rows = (await (await admin.request('/api/audit?limit=50')).json()) as { outcome: string; username: string | null }[];
    expect(rows.length).toBe(50);
    expect(rows.some((r) => r.outcome === 'denied')).toBe(true);
    const csv = await admin.request('/api/audit.csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('occurred_at,username,role,method,route,organisation,action,patient_count,outcome,detail');
    expect((await admin.request('/api/audit?limit=abc')).status).toBe(400);
    for (const role of ['practice', 'network', 'commissioner', 'evaluator'] as Role[]) expect((await clients.get(role)!.request('/api/audit.csv')).status).toBe(403);
  });
});
