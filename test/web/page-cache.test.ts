/**
 * Cached pages on a signed-in server: the same page for the same role, path and query is served
 * from the cache, but what differs by role (the practice page's recall link, for practice users
 * only) and by user (the signed-in bar) is never shared between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { Client, makeFixture, type Fixture } from '../security/fixture.js';

let f: Fixture;
let prac: Client;
let comm: Client;

beforeAll(async () => {
  f = await makeFixture(1000);
  const app = createApp(f.data, { auth: { mode: 'sign-in' } });
  prac = new Client(app, '10.9.0.1');
  comm = new Client(app, '10.9.0.2');
  expect((await prac.signIn('prac1')).status).toBe(200);
  expect((await comm.signIn('comm1')).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await f?.close();
});

describe('cached pages', () => {
  it('answer the same page twice, and keep role and user apart', async () => {
    const path = `/practices/${f.codes.practice}`;
    const a = await prac.request(path);
    const b = await prac.request(path);
    expect(a.status).toBe(200);
    const [ta, tb] = [await a.text(), await b.text()];
    expect(tb).toBe(ta);
    expect(ta).toContain('Recall worklists');
    expect(ta).toContain('prac1');
    const other = await (await comm.request(path)).text();
    expect(other).not.toContain('Recall worklists');
    expect(other).toContain('comm1');
    expect(other).not.toContain('prac1');
    // The CSV of a page's table and a month given explicitly are their own entries.
    const csv = await prac.request(`${path}?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await (await prac.request(`${path}?format=csv`)).text()).toBe(await csv.text());
    // Errors are answered afresh, never cached.
    expect((await prac.request(`${path}?month=1999-01`)).status).toBe(400);
    expect((await prac.request(`${path}?month=1999-01`)).status).toBe(400);
  });
});
