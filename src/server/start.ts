import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../store/engine.js';
import { DashboardData } from './api/dashboard-data.js';
import { createApp } from './app.js';
import { renderPdf } from './pdf.js';

export interface RunningServer {
  url: string;
  data: DashboardData;
  close(): Promise<void>;
}

/** Loads the store's results and serves the dashboard; port 0 picks a free port. */
export async function startServer(engine: Engine, opts: { port: number; host: string; pdf?: boolean }): Promise<RunningServer> {
  const data = await DashboardData.load(engine);
  let base = '';
  const app = createApp(data, opts.pdf === false ? {} : { renderPdf: (path) => renderPdf(`${base}${path}`) });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  base = `http://${host}:${addr.port}`;
  return {
    url: base,
    data,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
