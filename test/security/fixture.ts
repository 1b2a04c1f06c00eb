import { rmSync } from 'node:fs';
import { DashboardData } from '../../src/server/api/dashboard-data.js';
import { createApp } from '../../src/server/app.js';
import { addUser } from '../../src/server/auth/users.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/store/engine.js';
import { buildDemoStore } from '../web/helpers.js';

export const PASSWORD = 'correct horse battery staple';

export interface Fixture {
  dir: string;
  engine: Engine;
  data: DashboardData;
  /** A practice in network NET, another practice in NET, and a practice and network elsewhere. */
  codes: { practice: string; sibling: string; network: string; otherPractice: string; otherNetwork: string; collaboration: string; benchmark: string };
  close(): Promise<void>;
}

/** A small measured demo store with one account per role. */
export async function makeFixture(patients = 1000): Promise<Fixture> {
  const s = buildDemoStore(patients);
  const engine = await DuckDBEngine.open(s.db);
  const data = await DashboardData.load(engine);
  const orgs = [...data.orgs.values()];
  const networks = orgs.filter((o) => o.kind === 'network').map((o) => o.code).sort();
  const inNet = (n: string): string[] => orgs.filter((o) => o.kind === 'practice' && o.parent === n).map((o) => o.code).sort();
  const network = networks[0]!;
  const otherNetwork = networks[1]!;
  const codes = {
    practice: inNet(network)[0]!,
    sibling: inNet(network)[1]!,
    network,
    otherPractice: inNet(otherNetwork)[0]!,
    otherNetwork,
    collaboration: orgs.find((o) => o.kind === 'collaboration')!.code,
    benchmark: orgs.find((o) => o.kind === 'benchmark')!.code,
  };
  await addUser(engine, { username: 'prac1', role: 'practice', org: codes.practice, password: PASSWORD });
  await addUser(engine, { username: 'net1', role: 'network', org: codes.network, password: PASSWORD });
  await addUser(engine, { username: 'comm1', role: 'commissioner', password: PASSWORD });
  await addUser(engine, { username: 'eval1', role: 'evaluator', password: PASSWORD });
  await addUser(engine, { username: 'admin1', role: 'admin', password: PASSWORD });
  return {
    dir: s.dir,
    engine,
    data,
    codes,
    close: async () => {
      await engine.close();
      rmSync(s.dir, { recursive: true, force: true });
    },
  };
}

export type App = ReturnType<typeof createApp>;

/** Requests as one client (its own address, so the per-address sign-in limit is per test client). */
export class Client {
  cookie = '';
  csrf = '';
  constructor(
    readonly app: App,
    readonly address = '10.0.0.1',
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    return this.app.request(path, { ...init, headers }, { incoming: { socket: { remoteAddress: this.address } } });
  }

  async signIn(username: string, password = PASSWORD): Promise<Response> {
    const res = await this.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.status === 200) {
      const setCookie = res.headers.get('set-cookie') ?? '';
      this.cookie = setCookie.split(';')[0]!;
      this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return res;
  }
}

export async function deniedCount(engine: Engine, username: string | null): Promise<number> {
  const rows = await engine.all(
    username === null ? "SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied' AND username IS NULL" : "SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied' AND username = $1",
    username === null ? [] : [username],
  );
  return Number(rows[0]!.n);
}
