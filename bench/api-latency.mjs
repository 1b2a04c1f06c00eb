#!/usr/bin/env node
// API latency benchmark: starts `gpnet serve` on a store, drives the main API endpoints with N
// concurrent keep-alive clients on loopback for a bounded time and request count, and prints
// p50/p95/p99 per endpoint and overall, the error count, and a JSON summary as the last line.
//
//   node bench/api-latency.mjs --db gpnet-demo.duckdb [--clients 50] [--seconds 20] [--max-requests 200000]
//
// Parameters (indicator, organisation, month) are drawn at random, with a fixed seed, from what
// the server itself reports (/api/indicators, /api/organisations, /api/months).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    db: { type: 'string' },
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    'max-requests': { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
  },
});
if (!opts.db) {
  console.error('usage: node bench/api-latency.mjs --db FILE [--clients 50] [--seconds 20] [--max-requests 200000]');
  process.exit(2);
}
const clients = Number(opts.clients);
const seconds = Number(opts.seconds);
const maxRequests = Number(opts['max-requests']);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// --- start the server -------------------------------------------------------------------------
// --open: the demo store without sign-in, so this measures the API itself (bench/server-load.mjs signs in).
const server = spawn(process.execPath, [join(root, 'bin', 'gpnet.js'), 'serve', '--db', opts.db, '--port', '0', '--host', '127.0.0.1', '--open'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`gpnet serve exited (${code}) before listening`)));
  setTimeout(() => reject(new Error('gpnet serve did not start within 120 s')), 120_000).unref();
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);

const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
function get(path) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(`${base}${path}`, { agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, body: Buffer.concat(chunks) }));
    });
    req.on('error', (err) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: err.message }));
  });
}

// --- parameters from the server -----------------------------------------------------------------
const json = async (p) => JSON.parse((await get(p)).body.toString('utf8'));
const indicators = (await json('/api/indicators')).map((i) => i.id);
const months = await json('/api/months');
const tree = await json('/api/organisations');
const networks = [];
const practices = [];
for (const c of tree.tree) for (const n of c.children) {
  networks.push(n.code);
  for (const p of n.children) practices.push(p.code);
}
const orgs = [tree.tree[0].code, ...networks, ...practices];

let seed = Number(opts.seed) >>> 0 || 1;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const recent = months.slice(-36);

const ENDPOINTS = {
  results: () => `/api/results?indicator=${pick(indicators)}&org=${pick(orgs)}&from=${pick(months.slice(0, 60))}&to=${pick(months.slice(60))}`,
  series: () => `/api/series?indicator=${pick(indicators)}&org=${pick(orgs)}`,
  comparison: () => `/api/comparison?indicator=${pick(indicators)}&month=${pick(recent)}`,
  matrix: () => `/api/matrix?org=${pick([tree.tree[0].code, ...networks])}&month=${pick(recent)}`,
  practice: () => `/api/practices/${pick(practices)}?month=${pick(recent)}`,
  alerts: () => `/api/alerts?network=${pick(networks)}&month=${pick(recent)}`,
  organisations: () => '/api/organisations',
  indicators: () => '/api/indicators',
  healthz: () => '/healthz',
};
const names = Object.keys(ENDPOINTS);

// --- load ---------------------------------------------------------------------------------------
const lat = Object.fromEntries(names.map((n) => [n, []]));
const errors = Object.fromEntries(names.map((n) => [n, 0]));
let sent = 0;
const deadline = Date.now() + seconds * 1000;
async function client(i) {
  let k = i;
  while (Date.now() < deadline && sent < maxRequests) {
    sent++;
    const name = names[k++ % names.length];
    const r = await get(ENDPOINTS[name]());
    lat[name].push(r.ms);
    if (r.status !== 200) errors[name]++;
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
const elapsed = (Date.now() - t0) / 1000;

const q = (xs, f) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)];
};
const r2 = (x) => (x === null ? null : Math.round(x * 100) / 100);
const summary = { db: opts.db, clients, seconds: Math.round(elapsed * 10) / 10, requests: sent, rps: Math.round(sent / elapsed), endpoints: {} };
console.log(`${'endpoint'.padEnd(14)} ${'n'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`);
for (const n of names) {
  const e = { n: lat[n].length, p50: r2(q(lat[n], 0.5)), p95: r2(q(lat[n], 0.95)), p99: r2(q(lat[n], 0.99)), errors: errors[n] };
  summary.endpoints[n] = e;
  console.log(`${n.padEnd(14)} ${String(e.n).padStart(7)} ${String(e.p50).padStart(8)} ${String(e.p95).padStart(8)} ${String(e.p99).padStart(8)} ${String(e.errors).padStart(7)}`);
}
const all = names.flatMap((n) => lat[n]);
summary.overall = { p50: r2(q(all, 0.5)), p95: r2(q(all, 0.95)), p99: r2(q(all, 0.99)), errors: Object.values(errors).reduce((a, b) => a + b, 0) };
console.log(`${'ALL'.padEnd(14)} ${String(all.length).padStart(7)} ${String(summary.overall.p50).padStart(8)} ${String(summary.overall.p95).padStart(8)} ${String(summary.overall.p99).padStart(8)} ${String(summary.overall.errors).padStart(7)}`);
console.log(`${sent} requests in ${summary.seconds} s (${summary.rps}/s), ${clients} clients`);
agent.destroy();
stop();
console.log(JSON.stringify(summary));
