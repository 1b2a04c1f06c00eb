import { Hono } from 'hono';
import type { DashboardData } from './api/dashboard-data.js';
import { ApiError } from './api/errors.js';
import { apiRoutes } from './api/routes.js';
import { IncentiveService, incentiveApiRoutes } from './api/incentives.js';
import { incentivePageRoutes } from './pages/incentives.js';
import { scalar } from '../store/engine.js';
import { pageRoutes } from './pages/routes.js';
import { dashboardCss, readUnder } from './static-assets.js';
import { installAuth, LARGE_BODY_ROUTES, type AuthConfig } from './auth/middleware.js';
import { ImportService } from './imports/import-service.js';
import { importRoutes } from './imports/routes.js';
import type { Engine } from '../store/engine.js';
import { mountRecall } from './recall/routes.js';
import { DEFAULT_DISCLOSURE, type DisclosureRule } from './disclosure/rule.js';

export interface AppOptions {
  /** Renders a network's feedback report to PDF (needs chromium); absent → the PDF link is not offered. */
  renderPdf?: (path: string) => Promise<Uint8Array>;
  /** Incentive scheme files shown under /incentives (default: the project's schemes/*.yaml). */
  schemeFiles?: readonly string[];
  /**
   * Who may see what; see src/server/auth and docs/SECURITY.md. `gpnet serve` passes sign-in,
   * `--open`/`gpnet demo` the open demo, and CLI tools rendering PDFs in-process pass 'internal'
   * (no sign-in, loopback only, read-only). There is no default: every caller chooses.
   */
  auth: AuthConfig;
  /** Imports through POST /api/imports: a dedicated store connection per import (see src/server/imports). */
  imports?: { openStore?: () => Promise<Engine>; tempDir?: string };
  /** Disclosure control for every count shown or exported (default suppress:1-7; docs/SECURITY.md). */
  disclosure?: DisclosureRule;
}

/** The whole web application: JSON API under /api, pages at /, static files. */
/** Each app's background work (recall count jobs), which must finish before its store is closed. */
const BACKGROUND = new WeakMap<Hono, () => Promise<void>>();

/** Resolves when the app has no background work running (count jobs read the store after their request has been answered). */
export function whenIdle(app: Hono): Promise<void> {
  return BACKGROUND.get(app)?.() ?? Promise.resolve();
}

export function createApp(stored: DashboardData, options: AppOptions): Hono {
  const app = new Hono();
  // Everything below answers from the disclosed view, computed once here (not per request).
  const data = stored.disclosed(options.disclosure ?? DEFAULT_DISCLOSURE);
  app.onError((err, c) => {
    if (err instanceof ApiError) {
      if (c.req.path.startsWith('/api/') || c.req.path === '/healthz') return c.json(err.toJSON(), err.status);
      return c.html(errorPage(err), err.status);
    }
    console.error(err);
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  // Before every route: body limit, sessions, CSRF, the route → scope table, the audit log.
  installAuth(app, data.engine, data.orgs, options.auth);
  // The store is asked at most once a second; a burst of health checks shares the answer.
  let lastCheck: { at: number; check: Promise<unknown> } | null = null;
  app.get('/healthz', async (c) => {
    const now = Date.now();
    if (!lastCheck || now - lastCheck.at > 1000) lastCheck = { at: now, check: scalar(data.engine, 'SELECT 1') };
    await lastCheck.check.catch((err: unknown) => {
      lastCheck = null;
      throw err;
    });
    return c.json({ status: 'ok', store: data.engine.location, months: data.months.length, latest: data.months[data.months.length - 1]?.slice(0, 7) ?? null });
  });
  const incentives = new IncentiveService(data.engine, options.schemeFiles);
  app.route('/api/incentives', incentiveApiRoutes(incentives, data));
  const importService = new ImportService(data.engine, { ...options.imports, maxBytes: LARGE_BODY_ROUTES.get('POST /api/imports') ?? 0 });
  app.route('/api/imports', importRoutes(importService, data.engine));
  app.route('/api', apiRoutes(data));
  // Call and recall: practice worklists (identifiable, practice role only) and network counts.
  const recall = mountRecall(app, data, options);
  BACKGROUND.set(app, () => recall.idle());
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: { code: 'not_found', message: `no API endpoint ${c.req.path}` } }, 404)
      : c.html(errorPage(new ApiError(404, 'not_found', `no page at ${c.req.path}`)), 404),
  );
  app.get('/static/dashboard.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(dashboardCss(), 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  app.get('/static/*', (c) => serveFile('web', c.req.path.slice('/static/'.length)));
  app.get('/assets/*', (c) => serveFile('nhsuk-assets', c.req.path.slice('/assets/'.length)));
  app.route('/', incentivePageRoutes(data, incentives, options));
  app.route('/', pageRoutes(data, options));
  return app;
}

function serveFile(root: 'web' | 'nhsuk-assets', rel: string): Response {
  const f = readUnder(root, decodeURIComponent(rel));
  if (!f) return new Response('not found', { status: 404 });
  return new Response(new Uint8Array(f.body), { headers: { 'Content-Type': f.type, 'Cache-Control': 'public, max-age=3600' } });
}

function errorPage(err: ApiError): string {
  // A minimal page; the full layout is used by pages that render normally.
  const esc = (s: string): string => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${err.status === 404 ? 'Page not found' : 'There is a problem'} – gpnet</title><link rel="stylesheet" href="/static/dashboard.css"></head>
<body><main class="nhsuk-main-wrapper" id="maincontent"><div class="nhsuk-width-container"><h1>${err.status === 404 ? 'Page not found' : 'There is a problem'}</h1><p>${esc(err.message)}</p><p><a href="/">Go to the collaboration overview</a></p></div></main></body></html>`;
}
