import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../store/engine.js';
import { DashboardData } from './api/dashboard-data.js';
import { createApp, whenIdle, type AppOptions } from './app.js';
import { renderPdf } from './pdf.js';
import { OpenModeRefused, assertOpenModeAllowed, isLoopbackHost } from './auth/open-mode.js';
import { RenderTickets } from './auth/render-tickets.js';
import { DEFAULT_DISCLOSURE, type DisclosureRule } from './disclosure/rule.js';

export interface RunningServer {
  url: string;
  /** The results as stored, and (shown) as the server discloses them. */
  data: DashboardData;
  shown: DashboardData;
  close(): Promise<void>;
}

/**
 * Loads the store's results and serves the dashboard; port 0 picks a free port.
 * access: 'sign-in' (gpnet serve); 'open', the demo, refused off loopback or on non-synthetic
 * data; 'internal' (the default, for CLI tools rendering PDFs), refused off loopback.
 */
export async function startServer(
  engine: Engine,
  opts: { port: number; host: string; pdf?: boolean; access: 'sign-in' | 'open' | 'internal'; imports?: AppOptions['imports']; disclosure?: DisclosureRule },
): Promise<RunningServer> {
  const access = opts.access;
  if (access === 'open') await assertOpenModeAllowed(engine, opts.host);
  if (access === 'internal' && !isLoopbackHost(opts.host)) throw new OpenModeRefused(`a server without sign-in listens on loopback only (got --host ${opts.host})`);
  const data = await DashboardData.load(engine);
  let base = '';
  const tickets = new RenderTickets();
  const auth = access === 'sign-in' ? ({ mode: 'sign-in', renderTickets: tickets } as const) : ({ mode: access } as const);
  const imports = opts.imports ? { imports: opts.imports } : {};
  const disclosure = opts.disclosure ?? DEFAULT_DISCLOSURE;
  const app = createApp(data, opts.pdf === false ? { auth, disclosure, ...imports } : { auth, disclosure, ...imports, renderPdf: (path) => renderPdf(`${base}${tickets.pathFor(path)}`) });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: tickets.wrapFetch(app.fetch), port: opts.port, hostname: opts.host }, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  base = `http://${host}:${addr.port}`;
  return {
    url: base,
    data,
    shown: data.disclosed(disclosure),
    // Stop accepting requests, then let background work (recall count jobs) finish before the caller closes the store.
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await whenIdle(app);
    },
  };
}
