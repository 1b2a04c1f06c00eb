import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { PASSWORD, makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let server: RunningServer;

beforeAll(async () => {
  f = await makeFixture(400);
  server = await startServer(f.engine, { port: 0, host: '127.0.0.1', access: 'sign-in' });
});
afterAll(async () => {
  await server?.close();
  await f?.close();
});

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('PDFs behind sign-in', () => {
  it('renders the network report for its network user through a single-use render ticket, not the sign-in page', async () => {
    const cookie = await signIn('net1');
    const res = await fetch(`${server.url}/networks/${f.codes.network}/report.pdf`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/pdf/);
    const out = join(f.dir, 'r.pdf');
    writeFileSync(out, new Uint8Array(await res.arrayBuffer()));
    const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(f.data.orgs.get(f.codes.network)!.name);
    expect(text).not.toMatch(/Sign in/);
    expect((await fetch(`${server.url}/networks/${f.codes.otherNetwork}/report.pdf`, { headers: { cookie } })).status).toBe(403);
  });

  it('refuses forged render tickets', async () => {
    const res = await fetch(`${server.url}/_render/${'A'.repeat(43)}/networks/${f.codes.network}/report`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/signin/);
    const header = await fetch(`${server.url}/api/months`, { headers: { 'x-gpnet-render-ticket': 'A'.repeat(43) } });
    expect(header.status).toBe(401);
  });
});
