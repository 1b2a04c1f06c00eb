import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { OrgRecord } from '../api/dashboard-data.js';
import type { Engine } from '../../store/engine.js';
import { appendAudit, auditCsv, readAudit } from './audit.js';
import { OPEN_BANNER, signInPage, userBar, withBarBytes } from './pages.js';
import type { Principal } from './roles.js';
import { decide, findScope, type RouteScope } from './scope.js';
import { currentPrincipal, type RenderTickets } from './render-tickets.js';
import { SessionService, tokensEqual, type Session } from './sessions.js';

/**
 * How the server treats visitors.
 * - 'sign-in': every route except the public ones needs a session (`gpnet serve`).
 * - 'open': the loopback-only demo on synthetic data (`gpnet serve --open`, `gpnet demo`);
 *   everyone acts as the 'open-demo' admin, nothing can be changed, and every page carries an
 *   "open demo" banner.
 * - 'internal': in-process use by CLI tools that already hold the store (PDF rendering by
 *   `gpnet report` and `gpnet incentives statement` on a temporary loopback server); no
 *   sign-in and no banner, read-only. startServer refuses it off loopback.
 */
export type AuthConfig = { mode: 'open' } | { mode: 'internal' } | { mode: 'sign-in'; now?: () => number; sessionTtlMs?: number; renderTickets?: RenderTickets };

export const MAX_BODY_BYTES = 16 * 1024;
/** Routes that take more than MAX_BODY_BYTES, each with its own limit; their bodies are streamed, never buffered. */
export const LARGE_BODY_ROUTES: ReadonlyMap<string, number> = new Map([['POST /api/imports', 2 * 1024 ** 3]]);

/** A streamed body went past its route's limit (the route answers 413). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request bodies to this route are limited to ${limit} bytes`);
  }
}
const OPEN_PRINCIPAL: Principal = { username: 'open-demo', role: 'admin', org: null };
const INTERNAL_PRINCIPAL: Principal = { username: 'local-cli', role: 'admin', org: null };
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SignInBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();
const GENERIC_FAILURE = 'The username or password was not recognised, or the account is locked for now. Try again later.';

const sessions = new WeakMap<Request, Session>();

const isApi = (path: string): boolean => path.startsWith('/api/');
const apiError = (c: Context, status: 400 | 401 | 403 | 404 | 413 | 415 | 429, code: string, message: string): Response =>
  c.json({ error: { code, message } }, status);

function cookieName(secure: boolean): string {
  return secure ? '__Host-gpnet_session' : 'gpnet_session';
}

/**
 * Cookies are Secure unless the request reached us over plain http on a loopback address
 * (a developer's own machine, where there is no TLS and browsers would drop a Secure cookie
 * sent over http). Anywhere else the server must sit behind TLS; a Secure cookie is then
 * never sent in clear.
 */
export function secureCookieFor(url: string): boolean {
  const u = new URL(url);
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || u.hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
  return !(u.protocol === 'http:' && loopback);
}

function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function safeNext(next: unknown): string | null {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500 ? next : null;
}

function homeFor(p: Principal): string {
  if (p.role === 'practice' && p.org) return `/practices/${encodeURIComponent(p.org)}`;
  if (p.role === 'network' && p.org) return `/networks/${encodeURIComponent(p.org)}`;
  return '/';
}

export function sessionOf(c: Context): Session | undefined {
  return sessions.get(c.req.raw);
}

/** Installs the central check (before every route) and the session and audit routes. */
export function installAuth(app: Hono, engine: Engine, orgs: ReadonlyMap<string, OrgRecord>, config: AuthConfig): void {
  const service = config.mode === 'sign-in' ? new SessionService(engine, config.now, config.sessionTtlMs) : null;
  const nowMs = config.mode === 'sign-in' && config.now ? config.now : Date.now;
  const audit = (c: Context, principal: Principal | null, action: string, outcome: 'allowed' | 'denied' | 'failed' | 'ok', organisation: string | null, detail: string | null) =>
    appendAudit(engine, { username: principal?.username ?? null, role: principal?.role ?? null, method: c.req.method, route: c.req.path + (new URL(c.req.url).search ?? ''), organisation, action, outcome, detail });

  const smallBodies = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => apiError(c, 413, 'payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`) });
  app.use('*', (c, next) => {
    const large = LARGE_BODY_ROUTES.get(`${c.req.method} ${c.req.path}`);
    return large === undefined ? smallBodies(c, next) : streamingLimit(c, next, large);
  });

  app.use('*', async (c, next) => {
    const found = findScope(c.req.method, c.req.path);
    if (!found) {
      const res = await c.notFound();
      return config.mode === 'open' ? decorate(res, OPEN_BANNER) : res;
    }
    const { scope, params } = found;
    if (scope.public) {
      if (config.mode !== 'sign-in' && STATE_CHANGING.has(c.req.method)) return apiError(c, 403, 'forbidden', 'this server has no sign-in');
      await next();
      return;
    }
    let session: Session | null;
    let cookie: string | undefined;
    if (config.mode !== 'sign-in') {
      session = { principal: config.mode === 'open' ? OPEN_PRINCIPAL : INTERNAL_PRINCIPAL, csrfToken: '', expiresMs: Number.MAX_SAFE_INTEGER };
    } else {
      const rendering = config.renderTickets?.consume(c.req.header('x-gpnet-render-ticket'), c.req.path);
      cookie = getCookie(c, cookieName(true)) ?? getCookie(c, cookieName(false));
      session = rendering ? { principal: rendering, csrfToken: '', expiresMs: Date.now() + 60_000 } : await service!.lookup(cookie);
    }
    if (!session) {
      await audit(c, null, 'access', 'denied', null, cookie ? 'unknown or expired session' : 'not signed in');
      if (isApi(c.req.path) || c.req.method !== 'GET') return apiError(c, 401, 'unauthenticated', 'sign in first (POST /api/session)');
      return c.redirect(`/signin?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`, 303);
    }
    const principal = session.principal;
    if (STATE_CHANGING.has(c.req.method) && !scope.csrfExempt) {
      if (config.mode !== 'sign-in') return apiError(c, 403, 'forbidden', 'this server is read-only without sign-in');
      const token = c.req.header('x-csrf-token') ?? (await formField(c, 'csrf'));
      if (!token || !tokensEqual(token, session.csrfToken)) {
        await audit(c, principal, 'change', 'denied', null, 'missing or wrong CSRF token');
        return apiError(c, 403, 'csrf', 'missing or wrong CSRF token (send the X-CSRF-Token header)');
      }
    }
    const decision = decide(principal, scope, params, c.req.queries(), orgs);
    if (!decision.allow) {
      await audit(c, principal, 'read', 'denied', decision.organisation, decision.reason);
      if (isApi(c.req.path)) return apiError(c, 403, 'forbidden', 'you do not have access to this');
      return c.html(forbiddenPage(), 403);
    }
    sessions.set(c.req.raw, session);
    await currentPrincipal.run(principal, next);
    if (config.mode === 'open' || (config.mode === 'sign-in' && session.csrfToken !== '')) {
      c.res = await decorate(c.res, config.mode === 'open' ? OPEN_BANNER : userBar(principal.username, principal.role, session.csrfToken));
    }
  });

  const startSession = (c: Context, id: string, s: Session): void => {
    const secure = secureCookieFor(c.req.url);
    setCookie(c, cookieName(secure), id, { path: '/', httpOnly: true, secure, sameSite: 'Strict', maxAge: Math.max(0, Math.floor((s.expiresMs - nowMs()) / 1000)) });
  };
  const endSession = async (c: Context): Promise<void> => {
    for (const secure of [true, false]) {
      const id = getCookie(c, cookieName(secure));
      if (id && service) await service.end(id);
      if (id) deleteCookie(c, cookieName(secure), { path: '/', secure });
    }
  };

  app.post('/api/session', async (c) => {
    if (!service) return apiError(c, 403, 'forbidden', 'the open demo has no sign-in');
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return apiError(c, 415, 'unsupported_media_type', 'send JSON: {"username": …, "password": …}');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return apiError(c, 400, 'bad_request', 'the body is not valid JSON');
    }
    const parsed = SignInBody.safeParse(body);
    if (!parsed.success) return apiError(c, 400, 'bad_request', 'send JSON: {"username": string, "password": string}');
    const r = await service.signIn(parsed.data.username, parsed.data.password, clientAddress(c));
    if (!r.ok) {
      await audit(c, null, 'sign-in', 'failed', null, `${r.reason} for ${parsed.data.username.replace(/[^\w.@-]/g, '?')}`);
      return r.reason === 'rate-limited' ? apiError(c, 429, 'rate_limited', 'too many sign-in attempts; try again later') : apiError(c, 401, 'unauthenticated', GENERIC_FAILURE);
    }
    await audit(c, r.session.principal, 'sign-in', 'ok', r.session.principal.org, null);
    startSession(c, r.sessionId, r.session);
    const p = r.session.principal;
    return c.json({ username: p.username, role: p.role, org: p.org, csrfToken: r.session.csrfToken, expiresAt: new Date(r.session.expiresMs).toISOString() });
  });
  app.get('/api/session', (c) => {
    const s = sessionOf(c)!;
    const p = s.principal;
    return c.json({ username: p.username, role: p.role, org: p.org, csrfToken: s.csrfToken, expiresAt: config.mode !== 'sign-in' ? null : new Date(s.expiresMs).toISOString() });
  });
  app.delete('/api/session', async (c) => {
    await audit(c, sessionOf(c)!.principal, 'sign-out', 'ok', null, null);
    await endSession(c);
    return c.body(null, 204);
  });

  app.get('/signin', (c) => {
    if (!service) return c.redirect('/', 303);
    return c.html(signInPage({ next: safeNext(c.req.query('next')) ?? '' }));
  });
  app.post('/signin', async (c) => {
    if (!service) return c.redirect('/', 303);
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody();
    } catch {
      return c.html(signInPage({ next: '', error: 'The form could not be read.' }), 400);
    }
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next) ?? '';
    const parsed = SignInBody.safeParse({ username, password });
    if (!parsed.success) return c.html(signInPage({ next, username: username.slice(0, 64), error: 'Enter your username and password.' }), 400);
    const r = await service.signIn(username, password, clientAddress(c));
    if (!r.ok) {
      await audit(c, null, 'sign-in', 'failed', null, `${r.reason} for ${username.replace(/[^\w.@-]/g, '?')}`);
      return c.html(signInPage({ next, username, error: r.reason === 'rate-limited' ? 'Too many sign-in attempts. Try again later.' : GENERIC_FAILURE }), r.reason === 'rate-limited' ? 429 : 401);
    }
    await audit(c, r.session.principal, 'sign-in', 'ok', r.session.principal.org, null);
    startSession(c, r.sessionId, r.session);
    return c.redirect(next || homeFor(r.session.principal), 303);
  });
  app.post('/signout', async (c) => {
    await audit(c, sessionOf(c)!.principal, 'sign-out', 'ok', null, null);
    await endSession(c);
    return c.redirect('/signin', 303);
  });

  app.get('/api/audit', async (c) => {
    const limit = z.coerce.number().int().min(1).max(100000).safeParse(c.req.query('limit') ?? '10000');
    if (!limit.success) return apiError(c, 400, 'bad_request', 'limit: a whole number from 1 to 100000');
    await audit(c, sessionOf(c)!.principal, 'audit-read', 'allowed', null, null);
    return c.json(await readAudit(engine, limit.data));
  });
  app.get('/api/audit.csv', async (c) => {
    await audit(c, sessionOf(c)!.principal, 'audit-export', 'allowed', null, null);
    return c.body(auditCsv(await readAudit(engine, 100000)), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="gpnet-audit.csv"' });
  });
}

/** HTML responses get the bar after their opening body tag; anything else passes unchanged. */
async function decorate(res: Response, bar: string): Promise<Response> {
  if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) return res;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(withBarBytes(new Uint8Array(await res.arrayBuffer()), bar), { status: res.status, headers });
}

/**
 * The limit for a large-body route: a declared Content-Length over it is refused at once; the
 * body is otherwise passed on as a stream that fails with BodyTooLargeError past the limit.
 */
async function streamingLimit(c: Context, next: () => Promise<void>, limit: number): Promise<Response | void> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && !(Number(declared) <= limit)) return apiError(c, 413, 'payload_too_large', `request bodies to this route are limited to ${limit} bytes`);
  const body = c.req.raw.body;
  if (body) {
    let seen = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          seen += chunk.length;
          if (seen > limit) out.error(new BodyTooLargeError(limit));
          else out.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
  }
  await next();
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  // A large body (an upload) is never parsed whole just to find a token: send the header.
  if (LARGE_BODY_ROUTES.has(`${c.req.method} ${c.req.path}`)) return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  try {
    const v = (await c.req.parseBody())[name];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function forbiddenPage(): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>You do not have access – gpnet</title><link rel="stylesheet" href="/static/dashboard.css"></head>
<body><main class="nhsuk-main-wrapper" id="maincontent"><div class="nhsuk-width-container"><h1>You do not have access to this page</h1><p>Your account's role does not cover this organisation or page. The attempt has been recorded.</p><p><a href="/signin">Sign in as someone else</a></p></div></main></body></html>`;
}

export type { RouteScope };
