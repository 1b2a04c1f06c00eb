#!/usr/bin/env node
// Server load benchmark: 50 concurrent SIGNED-IN clients of mixed roles against `gpnet serve`
// on a PostgreSQL store (or, with --db, on the DuckDB store), on loopback. See bench/README.md.
//
//   node bench/server-load.mjs [--patients 100000] [--seed 1] [--clients 50] [--seconds 60]
//                              [--pg-pool 10] [--db] [--mix all|api]
//
// 1. Builds (or reuses, from bench/out/, which keeps it for the next run) a demo store in DuckDB:
//    gpnet generate + gpnet measure (every indicator, every month end 2004–2013).
// 2. PostgreSQL (the default): starts its own throwaway cluster (initdb into a temp folder, a free
//    loopback port; as root, initdb and postgres run as the `postgres` system user) and copies the
//    store into it with `gpnet copy`. With --db, serves a copy of the DuckDB file instead.
// 3. Creates 50 accounts of mixed roles (practice, network and commissioner users, with
//    organisations from the store) and starts `gpnet serve --pg URL` (or --db) as a child process.
// 4. Each client signs in (POST /api/session, from its own loopback address, as users do from
//    their own machines: the sign-in rate limit is per address) and then, until the time is up,
//    requests a mix of API routes and pages its role may see, one request at a time.
// Counts every non-2xx answer and network error as an error; prints requests, errors and
// p50/p95/p99 overall and per route class, and a JSON summary as the last line. Exits 1 on any error.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '60' },
    'pg-pool': { type: 'string', default: '10' },
    db: { type: 'boolean', default: false },
    mix: { type: 'string', default: 'all' },
  },
});
const patients = Number(opts.patients);
const clients = Number(opts.clients);
const seconds = Number(opts.seconds);
const poolSize = Number(opts['pg-pool']);
const engine = opts.db ? 'duckdb' : 'postgres';
for (const [name, v] of [['--patients', patients], ['--clients', clients], ['--seconds', seconds], ['--pg-pool', poolSize]]) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} must be a positive whole number`);
    process.exit(2);
  }
}
if (opts.mix !== 'all' && opts.mix !== 'api') {
  console.error('--mix must be all (API routes and pages) or api (API routes only)');
  process.exit(2);
}
if (clients > 200) {
  console.error('--clients must be at most 200 (each client signs in from its own loopback address)');
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const gpnetJs = join(root, 'bin', 'gpnet.js');
const log = (s) => process.stderr.write(`${s}\n`);
const cleanups = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const f of cleanups.reverse()) await f().catch((e) => log(`cleanup: ${e.message}`));
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

function gpnet(...args) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [gpnetJs, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`gpnet ${args[0]} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  log(`gpnet ${args.slice(0, 2).join(' ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s — ${r.stdout.trim().split('\n').pop()}`);
  return r.stdout;
}

// --- 1. the demo store (DuckDB), built once per size and seed ---------------------------------
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const cached = join(outDir, `server-load-${patients}-seed${opts.seed}.duckdb`);
if (!existsSync(cached)) {
  const building = `${cached}.building`;
  for (const f of [building, `${building}.wal`]) rmSync(f, { force: true });
  gpnet('generate', '--patients', String(patients), '--seed', String(opts.seed), '--db', building);
  gpnet('measure', '--db', building, '--from', '2004-01', '--to', '2013-12', '--allow-sparse'); // the demo's fixed window, whatever the size
  spawnSync('mv', [building, cached]);
} else {
  log(`reusing ${cached}`);
}
const work = mkdtempSync(join(tmpdir(), 'gpnet-server-load-'));
cleanups.push(async () => rmSync(work, { recursive: true, force: true }));

// --- 2. the store to serve -----------------------------------------------------------------------
async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway PostgreSQL cluster, as test/postgres/pg-server.ts starts one (durable settings: fsync on). */
async function startPostgres() {
  const base = '/usr/lib/postgresql';
  const version = process.env.GPNET_PG_BIN
    ? null
    : readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0];
  const bin = process.env.GPNET_PG_BIN ?? (version ? join(base, version, 'bin') : null);
  if (!bin) throw new Error('PostgreSQL server binaries not found: run scripts/install-test-deps.sh');
  const dir = mkdtempSync(join(tmpdir(), 'gpnet-load-pg-'));
  const dataDir = join(dir, 'data');
  chmodSync(dir, 0o700);
  let asUser = { cwd: dir };
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!uid) throw new Error("running as root but there is no 'postgres' system user");
    chownSync(dir, uid, gid);
    asUser = { uid, gid, cwd: dir };
  }
  const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { encoding: 'utf8', ...asUser });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  const port = await freePort();
  const args = ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'shared_buffers=256MB', '-c', 'work_mem=64MB', '-c', 'max_connections=100', '-c', 'logging_collector=off'];
  const child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...asUser });
  let errText = '';
  child.stderr.on('data', (d) => (errText = (errText + d).slice(-4000)));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited while starting:\n${errText}`);
    const probe = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { encoding: 'utf8' });
    if (probe.status === 0) break;
    if (Date.now() > deadline) throw new Error(`postgres did not start:\n${errText}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const created = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', 'CREATE DATABASE gpnet_load'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
  return { url: url.replace(/\/postgres$/, '/gpnet_load'), version: version ?? bin };
}

const setupT0 = Date.now();
let store;
let pgVersion = null;
if (engine === 'postgres') {
  const pg = await startPostgres();
  pgVersion = pg.version;
  gpnet('copy', '--db', cached, '--to-pg', pg.url);
  store = ['--pg', pg.url, '--pg-pool', String(poolSize)];
} else {
  const copy = join(work, 'served.duckdb');
  copyFileSync(cached, copy);
  store = ['--db', copy];
}
const location = store[0] === '--pg' ? { pg: store[1] } : { db: store[1] };

// --- 3. accounts of mixed roles ------------------------------------------------------------------
const { openStore } = await import(pathToFileURL(join(root, 'dist', 'store', 'open.js')).href);
const { addUser } = await import(pathToFileURL(join(root, 'dist', 'server', 'auth', 'users.js')).href);
const password = randomBytes(18).toString('base64url');
const accounts = [];
let allNetworks = [];
let practicesOf = new Map();
{
  const e = await openStore(location);
  try {
    const orgs = await e.all("SELECT code, kind, parent FROM organisation WHERE kind IN ('network', 'practice') ORDER BY code");
    const networks = orgs.filter((o) => o.kind === 'network');
    const practices = orgs.filter((o) => o.kind === 'practice');
    // Of every 10 clients: 6 practice users, 3 network users, 1 commissioner.
    for (let i = 0; i < clients; i++) {
      const slot = i % 10;
      const role = slot < 6 ? 'practice' : slot < 9 ? 'network' : 'commissioner';
      const org = role === 'practice' ? practices[i % practices.length] : role === 'network' ? networks[i % networks.length] : null;
      const account = { username: `load${String(i).padStart(3, '0')}`, role, org: org?.code ?? null, network: role === 'practice' ? org.parent : role === 'network' ? org.code : null };
      await addUser(e, { username: account.username, role, org: account.org, password });
      accounts.push(account);
    }
    allNetworks = networks.map((n) => n.code);
    practicesOf = new Map(networks.map((n) => [n.code, practices.filter((p) => p.parent === n.code).map((p) => p.code)]));
  } finally {
    await e.close();
  }
}
log(`${accounts.length} accounts: ${['practice', 'network', 'commissioner'].map((r) => `${accounts.filter((a) => a.role === r).length} ${r}`).join(', ')}`);

// --- 4. the server ---------------------------------------------------------------------------------
const server = spawn(process.execPath, [gpnetJs, 'serve', ...store, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => (serverErr = (serverErr + d).slice(-4000)));
cleanups.push(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`gpnet serve exited (${code}) before listening:\n${serverErr}`)));
  setTimeout(() => reject(new Error('gpnet serve did not start within 180 s')), 180_000).unref();
}).catch(async (err) => {
  await cleanup();
  throw err;
});
const setupSeconds = (Date.now() - setupT0) / 1000;
log(`serving ${engine} on ${base} (set-up ${setupSeconds.toFixed(0)} s)`);

/** One request on the client's own keep-alive agent (own loopback source address). */
function request(agent, method, path, { cookie, body } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const headers = {};
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/json';
    const req = http.request(`${base}${path}`, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: err.message }));
    });
    req.on('error', (err) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: err.message }));
    if (body) req.write(body);
    req.end();
  });
}

// Parameters: indicators and months as the server reports them (read once, as a commissioner).
const probeAgent = new http.Agent({ keepAlive: true });
const commissioner = accounts.find((a) => a.role === 'commissioner') ?? accounts[0];
const probeSignIn = await request(probeAgent, 'POST', '/api/session', { body: JSON.stringify({ username: commissioner.username, password }) });
if (probeSignIn.status !== 200) throw new Error(`probe sign-in failed: HTTP ${probeSignIn.status} ${probeSignIn.body}`);
const probeCookie = String(probeSignIn.headers['set-cookie']).split(';')[0];
const getJson = async (p) => JSON.parse((await request(probeAgent, 'GET', p, { cookie: probeCookie })).body.toString('utf8'));
const indicators = (await getJson('/api/indicators')).map((i) => i.id);
const months = await getJson('/api/months');
const recent = months.slice(-36);
const collaboration = (await getJson('/api/organisations')).tree[0].code;
probeAgent.destroy();

let seed = Number(opts.seed) >>> 0 || 1;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

/** What each role asks for (route class, route name, path), weighted by repetition; --mix api: no pages. */
function routesFor(a) {
  const all = routesOfRole(a);
  return opts.mix === 'api' ? all.filter(([cls]) => cls !== 'page') : all;
}

function routesOfRole(a) {
  const ind = () => pick(indicators);
  const m = () => pick(recent);
  const catalogue = [
    ['api-catalogue', 'months', () => '/api/months'],
    ['api-catalogue', 'indicators', () => '/api/indicators'],
    ['api-catalogue', 'organisations', () => '/api/organisations'],
    ['api-catalogue', 'session', () => '/api/session'],
  ];
  if (a.role === 'practice') {
    const p = a.org;
    return [
      ...catalogue,
      ['api-aggregate', 'series', () => `/api/series?indicator=${ind()}&org=${p}`],
      ['api-aggregate', 'series', () => `/api/series?indicator=${ind()}&org=${collaboration}`],
      ['api-aggregate', 'results', () => `/api/results?indicator=${ind()}&org=${p}&from=${pick(months.slice(0, 60))}&to=${pick(months.slice(60))}`],
      ['api-aggregate', 'matrix', () => `/api/matrix?org=${collaboration}&month=${m()}`],
      ['api-aggregate', 'practice', () => `/api/practices/${p}?month=${m()}`],
      ['api-aggregate', 'practice', () => `/api/practices/${p}?month=${m()}`],
      ['page', 'practice page', () => `/practices/${p}?month=${m()}`],
      ['page', 'practice page', () => `/practices/${p}`],
      ['page', 'about alerts', () => '/about/alerts'],
    ];
  }
  if (a.role === 'network') {
    const n = a.network;
    const ps = practicesOf.get(n);
    return [
      ...catalogue,
      ['api-aggregate', 'comparison', () => `/api/comparison?indicator=${ind()}&network=${n}&month=${m()}`],
      ['api-aggregate', 'alerts', () => `/api/alerts?network=${n}&month=${m()}`],
      ['api-aggregate', 'matrix', () => `/api/matrix?org=${n}&month=${m()}`],
      ['api-aggregate', 'series', () => `/api/series?indicator=${ind()}&org=${pick(ps)}`],
      ['api-aggregate', 'practice', () => `/api/practices/${pick(ps)}?month=${m()}`],
      ['page', 'network page', () => `/networks/${n}?month=${m()}`],
      ['page', 'network report', () => `/networks/${n}/report?month=${m().slice(0, 7)}`],
      ['page', 'practice page', () => `/practices/${pick(ps)}`],
      ['page', 'incentives', () => '/incentives'],
    ];
  }
  return [
    ...catalogue,
    ['api-aggregate', 'results', () => `/api/results?indicator=${ind()}&org=${pick(allNetworks)}&from=${pick(months.slice(0, 60))}&to=${pick(months.slice(60))}`],
    ['api-aggregate', 'comparison', () => `/api/comparison?indicator=${ind()}&network=${pick(allNetworks)}&month=${m()}`],
    ['api-aggregate', 'matrix', () => `/api/matrix?org=${pick([collaboration, ...allNetworks])}&month=${m()}`],
    ['api-aggregate', 'alerts', () => `/api/alerts?network=${pick(allNetworks)}&month=${m()}`],
    ['page', 'overview', () => `/?month=${m()}`],
    ['page', 'network page', () => `/networks/${pick(allNetworks)}`],
    ['page', 'indicator page', () => `/indicators/${ind()}`],
    ['page', 'incentives', () => '/incentives'],
  ];
}

// --- 5. the load ----------------------------------------------------------------------------------
const byClass = new Map();
const byRoute = new Map();
const failures = [];
function record(cls, route, r) {
  for (const [map, key] of [[byClass, cls], [byRoute, route]]) {
    if (!map.has(key)) map.set(key, { ms: [], errors: 0 });
    map.get(key).ms.push(r.ms);
    if (!(r.status >= 200 && r.status < 300)) map.get(key).errors++;
  }
  if (!(r.status >= 200 && r.status < 300) && failures.length < 20) failures.push(`${route}: ${r.status === 0 ? r.error : `HTTP ${r.status} ${String(r.body).slice(0, 200)}`}`);
}

let deadline = 0;
/** Signs in (all clients at once); returns the client's agent and session cookie, or null. */
async function signInClient(a, i) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: `127.0.1.${i + 1}` });
  const signIn = await request(agent, 'POST', '/api/session', { body: JSON.stringify({ username: a.username, password }) });
  record('sign-in', 'sign-in', signIn);
  if (signIn.status !== 200) {
    agent.destroy();
    return null;
  }
  return { agent, cookie: String(signIn.headers['set-cookie']).split(';')[0] };
}
async function runClient(a, i, signedIn) {
  if (!signedIn) return;
  const { agent, cookie } = signedIn;
  const routes = routesFor(a);
  let k = i;
  while (Date.now() < deadline) {
    const [cls, name, path] = routes[k++ % routes.length];
    record(cls, name, await request(agent, 'GET', path(), { cookie }));
  }
  agent.destroy();
}
// Every client signs in at once (argon2id checks: CPU-bound on the server), then the timed
// window starts for all of them together, so the figures below are the steady state.
const s0 = Date.now();
const sessions = await Promise.all(accounts.map((a, i) => signInClient(a, i)));
const signInSeconds = (Date.now() - s0) / 1000;
log(`${sessions.filter(Boolean).length} of ${accounts.length} clients signed in within ${signInSeconds.toFixed(1)} s`);
const t0 = Date.now();
deadline = t0 + seconds * 1000;
await Promise.all(accounts.map((a, i) => runClient(a, i, sessions[i])));
const elapsed = (Date.now() - t0) / 1000;

// --- 6. report -------------------------------------------------------------------------------------
const q = (sorted, f) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(f * sorted.length) - 1)] : null);
const r1 = (x) => (x === null ? null : Math.round(x * 10) / 10);
function stats(entry) {
  const s = [...entry.ms].sort((a, b) => a - b);
  return { requests: s.length, errors: entry.errors, p50: r1(q(s, 0.5)), p95: r1(q(s, 0.95)), p99: r1(q(s, 0.99)) };
}
// Overall: the timed window (sign-in is its own class); errors: every request, sign-in included.
const timed = [...byClass].filter(([name]) => name !== 'sign-in').map(([, e]) => e);
const overall = { ...stats({ ms: timed.flatMap((e) => e.ms), errors: 0 }), errors: [...byClass.values()].reduce((n, e) => n + e.errors, 0) };
const line = (name, s) => `${name.padEnd(16)} ${String(s.requests).padStart(8)} ${String(s.errors).padStart(7)} ${String(s.p50).padStart(8)} ${String(s.p95).padStart(8)} ${String(s.p99).padStart(8)}`;
console.log(`${engine}${engine === 'postgres' ? ` (pool ${poolSize})` : ''}, mix ${opts.mix}, ${patients.toLocaleString('en-GB')} patients, ${accounts.length} signed-in clients, ${elapsed.toFixed(1)} s`);
console.log(`${'route class'.padEnd(16)} ${'requests'.padStart(8)} ${'errors'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
const classes = {};
for (const [name, e] of byClass) console.log(line(name, (classes[name] = stats(e))));
console.log(line('ALL but sign-in', overall));
const routes = {};
for (const [name, e] of [...byRoute].sort()) routes[name] = stats(e);
console.log(`${overall.requests} requests in the timed window (${Math.round(overall.requests / elapsed)}/s) after ${accounts.length} sign-ins in ${signInSeconds.toFixed(1)} s; ${overall.errors} errors`);
for (const f of failures) console.log(`  error: ${f}`);
await cleanup();
const summary = { benchmark: 'server-load', engine, mix: opts.mix, sign_in_seconds: Math.round(signInSeconds * 10) / 10, pool: engine === 'postgres' ? poolSize : null, postgres: pgVersion, patients, clients: accounts.length, seconds: Math.round(elapsed * 10) / 10, setup_seconds: Math.round(setupSeconds), rps: Math.round(overall.requests / elapsed), overall, classes, routes };
console.log(JSON.stringify(summary));
process.exit(overall.errors > 0 ? 1 : 0);
