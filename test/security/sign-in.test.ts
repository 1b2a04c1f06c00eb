import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { LOCKOUT_FAILURES, LOCKOUT_MS, SESSION_TTL_MS } from '../../src/server/auth/sessions.js';
import { Client, PASSWORD, makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let clock = Date.parse('2026-01-01T09:00:00Z');
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  f = await makeFixture();
  app = createApp(f.data, { auth: { mode: 'sign-in', now: () => clock } });
});
afterAll(async () => {
  await f?.close();
});

const errorShape = async (res: Response): Promise<{ code: string; message: string }> => {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  return body.error;
};

describe('sign-in', () => {
  it('signs in with the right password: an HttpOnly, SameSite=Strict session cookie and a CSRF token', async () => {
    const c = new Client(app, '10.1.0.1');
    const res = await c.signIn('comm1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { username: string; role: string; csrfToken: string };
    expect(body).toMatchObject({ username: 'comm1', role: 'commissioner' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Max-Age=\d+/);
    // app.request uses http://localhost: plain loopback http, so not Secure (documented); elsewhere Secure with __Host-.
    expect(cookie).not.toMatch(/Secure/);
    expect((await c.request('/api/session')).status).toBe(200);
    expect((await c.request('/api/months')).status).toBe(200);
  });

  it('sets a Secure __Host- cookie when not on plain loopback http', async () => {
    const res = await app.request('https://dash.example.org/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'eval1', password: PASSWORD }) }, { incoming: { socket: { remoteAddress: '10.1.0.2' } } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-gpnet_session=/);
    expect(cookie).toMatch(/Secure/);
  });

  it('refuses a wrong password and an unknown user with the same generic message, and no cookie', async () => {
    const c = new Client(app, '10.1.0.3');
    const wrong = await c.signIn('comm1', 'not the password at all');
    const unknown = await c.signIn('nobody-here', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await errorShape(wrong)).message).toBe((await errorShape(unknown)).message);
  });

  it(`locks an account after ${LOCKOUT_FAILURES} failures, refuses even the right password while locked, and unlocks after the lock-out`, async () => {
    const c = new Client(app, '10.1.0.4');
    for (let i = 0; i < LOCKOUT_FAILURES; i++) expect((await c.signIn('eval1', `wrong password ${i}`)).status).toBe(401);
    const locked = await c.signIn('eval1');
    expect(locked.status).toBe(401);
    expect((await errorShape(locked)).code).toBe('unauthenticated');
    clock += LOCKOUT_MS + 1000;
    expect((await c.signIn('eval1')).status).toBe(200);
  });

  it('rate-limits sign-in attempts from one address', async () => {
    const c = new Client(app, '10.1.0.5');
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await c.signIn(`user${i}`, 'x')).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });

  it('signs in through the form and redirects to the role\'s home page', async () => {
    const body = new URLSearchParams({ username: 'prac1', password: PASSWORD, next: '' });
    const res = await app.request('/signin', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, { incoming: { socket: { remoteAddress: '10.1.0.6' } } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/practices/${f.codes.practice}`);
    const offsite = new URLSearchParams({ username: 'prac1', password: PASSWORD, next: '//evil.example/' });
    const res2 = await app.request('/signin', { method: 'POST', body: offsite, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, { incoming: { socket: { remoteAddress: '10.1.0.6' } } });
    expect(res2.headers.get('location')).toBe(`/practices/${f.codes.practice}`);
    const page = await app.request('/signin');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
  });

  it('redirects pages and refuses the API without a session', async () => {
    const page = await app.request('/');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/signin?next=%2F');
    const api = await app.request('/api/months');
    expect(api.status).toBe(401);
    expect((await errorShape(api)).code).toBe('unauthenticated');
  });
});

describe('sessions', () => {
  it('expires sessions', async () => {
    const c = new Client(app, '10.2.0.1');
    expect((await c.signIn('comm1')).status).toBe(200);
    expect((await c.request('/api/months')).status).toBe(200);
    clock += SESSION_TTL_MS + 1;
    expect((await c.request('/api/months')).status).toBe(401);
  });

  it('rejects forged, malformed and signed-out session ids', async () => {
    for (const forged of ['A'.repeat(43), 'abc', "' OR 1=1 --", '../../etc/passwd', 'x'.repeat(5000)]) {
      const res = await app.request('/api/months', { headers: { cookie: `gpnet_session=${encodeURIComponent(forged)}` } });
      expect(res.status).toBe(401);
    }
    const c = new Client(app, '10.2.0.2');
    await c.signIn('comm1');
    const old = c.cookie;
    expect((await c.request('/api/session', { method: 'DELETE', headers: { 'x-csrf-token': c.csrf } })).status).toBe(204);
    expect((await app.request('/api/months', { headers: { cookie: old } })).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses state-changing requests with a missing or wrong token, and changes nothing', async () => {
    const c = new Client(app, '10.3.0.1');
    await c.signIn('admin1');
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': `${c.csrf.slice(0, -1)}${c.csrf.endsWith('A') ? 'B' : 'A'}` }] as Record<string, string>[]) {
      const res = await c.request('/api/session', { method: 'DELETE', headers });
      expect(res.status).toBe(403);
      expect((await errorShape(res)).code).toBe('csrf');
      expect((await c.request('/api/session')).status).toBe(200);
    }
    const form = await c.request('/signout', { method: 'POST', body: new URLSearchParams({ csrf: 'nope' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(403);
    expect((await c.request('/api/session')).status).toBe(200);
    const ok = await c.request('/signout', { method: 'POST', body: new URLSearchParams({ csrf: c.csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ok.status).toBe(303);
    expect((await c.request('/api/session')).status).toBe(401);
    const denied = await f.engine.all("SELECT count(*) AS n FROM audit_log WHERE username = 'admin1' AND detail = 'missing or wrong CSRF token'");
    expect(Number(denied[0]!.n)).toBe(4);
  });
});

describe('malformed input', () => {
  it('answers oversize, malformed and wrongly typed sign-in bodies with 4xx and the stable error shape', async () => {
    const post = async (body: string, type = 'application/json'): Promise<Response> =>
      app.request('/api/session', { method: 'POST', body, headers: { 'content-type': type } }, { incoming: { socket: { remoteAddress: '10.4.0.1' } } });
    const big = await post(JSON.stringify({ username: 'admin1', password: 'x'.repeat(100_000) }));
    expect(big.status).toBe(413);
    expect((await errorShape(big)).code).toBe('payload_too_large');
    for (const bad of ['{', '{"username": "a", "password": }', 'null', '[]', '"text"', '{"username": 1, "password": 2}', '{"username": "a", "password": "b", "role": "admin"}']) {
      const res = await post(bad);
      expect(res.status).toBe(400);
      expect((await errorShape(res)).code).toBe('bad_request');
    }
    const wrongType = await post('username=a&password=b', 'application/x-www-form-urlencoded');
    expect(wrongType.status).toBe(415);
    await errorShape(wrongType);
  });
});
