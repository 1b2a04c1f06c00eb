import type { OrgRecord } from '../api/dashboard-data.js';
import type { Principal, Role } from './roles.js';

/**
 * The route → scope table. Every route the app registers must appear here (a test compares
 * this table with the app's registered routes); a request that matches no entry is refused
 * by the central middleware, so an undeclared route is unreachable.
 *
 * - `public`: reachable without signing in (sign-in itself, health check, static files).
 * - `roles`: the roles allowed; `org`: where the request names an organisation, checked with
 *   canSeeOrg. When such a parameter is absent, the request is about every organisation and
 *   only the roles that see all aggregates may make it.
 * - `csrfExempt`: the only state-changing request without a CSRF token is signing in, which
 *   needs no session and is protected by SameSite=Strict.
 */
export interface OrgCheck {
  in: 'param' | 'query';
  name: string;
}

export interface RouteScope {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  public?: boolean;
  roles?: readonly Role[];
  org?: OrgCheck;
  csrfExempt?: boolean;
  /** Signed-in roles only, but also reachable in open mode (which has no sign-in). */
  description: string;
}

const ALL: readonly Role[] = ['practice', 'network', 'commissioner', 'evaluator', 'admin'];
/** Roles that see every organisation's aggregates. */
export const ALL_AGGREGATES: readonly Role[] = ['commissioner', 'evaluator', 'admin'];
const NETWORKS_UP: readonly Role[] = ['network', ...ALL_AGGREGATES];
const EVALUATION: readonly Role[] = ['evaluator', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
/** Identifiable, patient-level data: the practice's own staff only. */
export const PRACTICE: readonly Role[] = ['practice'];

const q = (name: string): OrgCheck => ({ in: 'query', name });
const p = (name: string): OrgCheck => ({ in: 'param', name });

export const ROUTE_SCOPES: readonly RouteScope[] = [
  // Public
  { method: 'GET', path: '/healthz', public: true, description: 'health check' },
  { method: 'GET', path: '/static/dashboard.css', public: true, description: 'stylesheet' },
  { method: 'GET', path: '/static/*', public: true, description: 'static files' },
  { method: 'GET', path: '/assets/*', public: true, description: 'NHS.UK frontend assets' },
  { method: 'GET', path: '/signin', public: true, description: 'sign-in page' },
  { method: 'POST', path: '/signin', public: true, csrfExempt: true, description: 'sign-in form' },
  { method: 'POST', path: '/api/session', public: true, csrfExempt: true, description: 'sign in (JSON)' },
  // Session
  { method: 'GET', path: '/api/session', roles: ALL, description: 'who am I, and my CSRF token' },
  { method: 'DELETE', path: '/api/session', roles: ALL, description: 'sign out (JSON)' },
  { method: 'POST', path: '/signout', roles: ALL, description: 'sign out (form)' },
  // Catalogues: no organisation's figures
  { method: 'GET', path: '/api/openapi.json', roles: ALL, description: 'API description' },
  { method: 'GET', path: '/api/organisations', roles: ALL, description: 'organisation tree (names only)' },
  { method: 'GET', path: '/api/indicators', roles: ALL, description: 'indicator catalogue' },
  { method: 'GET', path: '/api/months', roles: ALL, description: 'months with results' },
  { method: 'GET', path: '/api/disclosure', roles: ALL, description: 'the disclosure-control rule' },
  // Aggregates
  { method: 'GET', path: '/api/results', roles: ALL, org: q('org'), description: 'results' },
  { method: 'GET', path: '/api/series', roles: ALL, org: q('org'), description: 'one organisation\'s series' },
  { method: 'GET', path: '/api/matrix', roles: ALL, org: q('org'), description: 'one organisation\'s indicator matrix' },
  { method: 'GET', path: '/api/comparison', roles: NETWORKS_UP, org: q('network'), description: 'practices compared' },
  { method: 'GET', path: '/api/practices/:code', roles: ALL, org: p('code'), description: 'one practice' },
  { method: 'GET', path: '/api/alerts', roles: NETWORKS_UP, org: q('network'), description: 'a network\'s alerts' },
  { method: 'GET', path: '/api/incentives', roles: NETWORKS_UP, description: 'incentive schemes' },
  { method: 'GET', path: '/api/incentives/:scheme/:year', roles: ALL_AGGREGATES, description: 'a scheme year, every network' },
  { method: 'GET', path: '/api/incentives/:scheme/:year/networks/:code', roles: NETWORKS_UP, org: p('code'), description: 'one network\'s incentive outcome' },
  // Audit
  { method: 'GET', path: '/api/audit', roles: ADMIN, description: 'audit log (JSON)' },
  { method: 'GET', path: '/api/audit.csv', roles: ADMIN, description: 'audit log (CSV)' },
  // Imports (the upload's body limit: LARGE_BODY_ROUTES in middleware.ts)
  { method: 'POST', path: '/api/imports', roles: ADMIN, description: 'import a CSV extract (multipart upload)' },
  { method: 'GET', path: '/api/imports', roles: ADMIN, description: 'imports running and recent' },
  { method: 'GET', path: '/api/imports/:id', roles: ADMIN, description: 'one import\'s progress' },
  // Pages
  { method: 'GET', path: '/', roles: ALL_AGGREGATES, description: 'collaboration overview' },
  { method: 'GET', path: '/networks/:code', roles: NETWORKS_UP, org: p('code'), description: 'network page' },
  { method: 'GET', path: '/networks/:code/report', roles: NETWORKS_UP, org: p('code'), description: 'network feedback report' },
  { method: 'GET', path: '/networks/:code/report.pdf', roles: NETWORKS_UP, org: p('code'), description: 'network feedback report PDF' },
  { method: 'GET', path: '/practices/:code', roles: ALL, org: p('code'), description: 'practice page' },
  { method: 'GET', path: '/indicators/:id', roles: ALL_AGGREGATES, description: 'one indicator across every organisation' },
  { method: 'GET', path: '/evaluate', roles: EVALUATION, description: 'evaluation' },
  { method: 'GET', path: '/evaluate/study', roles: EVALUATION, description: 'study evaluation' },
  { method: 'GET', path: '/about/alerts', roles: ALL, description: 'how alerts work' },
  { method: 'GET', path: '/about/disclosure', roles: ALL, description: 'how small numbers are protected' },
  { method: 'GET', path: '/incentives', roles: NETWORKS_UP, description: 'incentive schemes' },
  { method: 'GET', path: '/incentives/:scheme/:year', roles: ALL_AGGREGATES, description: 'a scheme year' },
  { method: 'GET', path: '/incentives/:scheme/:year/summary.pdf', roles: ALL_AGGREGATES, description: 'a scheme year PDF' },
  { method: 'GET', path: '/incentives/:scheme/:year/networks/:code', roles: NETWORKS_UP, org: p('code'), description: 'one network\'s statement' },
  { method: 'GET', path: '/incentives/:scheme/:year/networks/:code/statement.pdf', roles: NETWORKS_UP, org: p('code'), description: 'one network\'s statement PDF' },
  // Call and recall (docs/RECALL.md "Server"). Patient-level routes: the practice role, own
  // practice only (admin too is refused: identifiable data is for the practice's own staff).
  // Counts (no patient anywhere in the response): networks up.
  { method: 'GET', path: '/api/recall/programmes', roles: ALL, description: 'recall programme catalogue' },
  { method: 'GET', path: '/api/recall/counts', roles: NETWORKS_UP, org: q('network'), description: 'recall list sizes (counts only)' },
  { method: 'GET', path: '/api/recall/practices/:code/worklist', roles: PRACTICE, org: p('code'), description: 'a recall worklist (patient-level)' },
  { method: 'GET', path: '/api/recall/practices/:code/worklist.csv', roles: PRACTICE, org: p('code'), description: 'a recall worklist as CSV (patient-level)' },
  { method: 'POST', path: '/api/recall/practices/:code/log', roles: PRACTICE, org: p('code'), description: 'log recall outreach' },
  { method: 'GET', path: '/api/recall/practices/:code/batches', roles: PRACTICE, org: p('code'), description: 'a practice\'s recall batches' },
  { method: 'POST', path: '/api/recall/practices/:code/batches', roles: PRACTICE, org: p('code'), description: 'create a recall batch' },
  { method: 'GET', path: '/api/recall/practices/:code/batches/:id', roles: PRACTICE, org: p('code'), description: 'a recall batch (patient-level)' },
  { method: 'GET', path: '/api/recall/practices/:code/batches/:id/batch.csv', roles: PRACTICE, org: p('code'), description: 'a recall batch as CSV' },
  { method: 'GET', path: '/api/recall/practices/:code/batches/:id/sms.csv', roles: PRACTICE, org: p('code'), description: 'a recall batch\'s SMS outbox' },
  { method: 'GET', path: '/api/recall/practices/:code/batches/:id/letters.pdf', roles: PRACTICE, org: p('code'), description: 'a recall batch\'s letters PDF' },
  { method: 'POST', path: '/api/recall/practices/:code/batches/:id/sent', roles: PRACTICE, org: p('code'), description: 'mark a recall batch as sent' },
  { method: 'GET', path: '/practices/:code/recall', roles: PRACTICE, org: p('code'), description: 'recall worklist page' },
  { method: 'POST', path: '/practices/:code/recall/log', roles: PRACTICE, org: p('code'), description: 'log recall outreach (form)' },
  { method: 'POST', path: '/practices/:code/recall/batches', roles: PRACTICE, org: p('code'), description: 'create a recall batch (form)' },
  { method: 'GET', path: '/practices/:code/recall/batches/:id', roles: PRACTICE, org: p('code'), description: 'recall batch page' },
  { method: 'GET', path: '/practices/:code/recall/batches/:id/letters', roles: PRACTICE, org: p('code'), description: 'recall letters to print' },
  { method: 'POST', path: '/practices/:code/recall/batches/:id/sent', roles: PRACTICE, org: p('code'), description: 'mark a recall batch as sent (form)' },
  { method: 'GET', path: '/networks/:code/recall', roles: NETWORKS_UP, org: p('code'), description: 'recall list sizes page (counts only)' },
];

interface Compiled {
  scope: RouteScope;
  re: RegExp;
  names: string[];
}

const COMPILED: Compiled[] = ROUTE_SCOPES.map((scope) => {
  const names: string[] = [];
  const body = scope.path
    .split('/')
    .map((seg) => {
      if (seg === '*') return '.*';
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { scope, re: new RegExp(`^${body}$`), names };
});

/** The declaration for a request, with its path parameters; exact paths win over patterns. HEAD is GET. */
export function findScope(method: string, path: string): { scope: RouteScope; params: Record<string, string> } | null {
  const m = method === 'HEAD' ? 'GET' : method;
  let best: { scope: RouteScope; params: Record<string, string> } | null = null;
  for (const c of COMPILED) {
    if (c.scope.method !== m) continue;
    const match = c.re.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    c.names.forEach((n, i) => {
      const raw = match[i + 1] ?? '';
      try {
        params[n] = decodeURIComponent(raw);
      } catch {
        params[n] = raw;
      }
    });
    const exact = !c.scope.path.includes(':') && !c.scope.path.includes('*');
    if (exact) return { scope: c.scope, params };
    best ??= { scope: c.scope, params };
  }
  return best;
}

/** Whether the principal may see aggregates for this organisation code. Unknown codes are only for roles that see everything (they get a 404 later). */
export function canSeeOrg(principal: Principal, code: string, orgs: ReadonlyMap<string, OrgRecord>): boolean {
  if (ALL_AGGREGATES.includes(principal.role)) return true;
  const org = orgs.get(code);
  if (!org) return false;
  if (org.kind === 'collaboration' || org.kind === 'benchmark') return true;
  if (principal.role === 'practice') return org.kind === 'practice' && org.code === principal.org;
  if (principal.role === 'network') return org.code === principal.org || (org.kind === 'practice' && org.parent === principal.org);
  return false;
}

export type Decision = { allow: true; organisation: string | null } | { allow: false; organisation: string | null; reason: string };

/** The central decision: role first, then every organisation the request names. */
export function decide(principal: Principal, scope: RouteScope, params: Record<string, string>, query: Record<string, string[]>, orgs: ReadonlyMap<string, OrgRecord>): Decision {
  const roles = scope.roles ?? [];
  if (!roles.includes(principal.role)) return { allow: false, organisation: null, reason: `the ${principal.role} role may not use ${scope.description}` };
  if (!scope.org) return { allow: true, organisation: null };
  const values = scope.org.in === 'param' ? (params[scope.org.name] === undefined ? [] : [params[scope.org.name]!]) : (query[scope.org.name] ?? []);
  if (values.length === 0) {
    return ALL_AGGREGATES.includes(principal.role)
      ? { allow: true, organisation: null }
      : { allow: false, organisation: null, reason: `${scope.org.name} is required for the ${principal.role} role` };
  }
  for (const v of values) {
    if (!canSeeOrg(principal, v, orgs)) return { allow: false, organisation: v, reason: `the ${principal.role} role may not see ${scope.org.name} ${v}` };
  }
  return { allow: true, organisation: values.join(',') };
}
