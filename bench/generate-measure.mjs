#!/usr/bin/env node
// Benchmark: generate the synthetic collaboration, then measure every indicator monthly for
// 8 years (2006-01 … 2013-12), as whole processes. Prints each step's wall seconds and peak RSS,
// and a machine-readable JSON last line. See bench/README.md.
//
//   node bench/generate-measure.mjs [--patients 1000000] [--seed 1] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const patients = Number(opt('patients', '1000000'));
const seed = Number(opt('seed', '1'));
const keep = args.includes('--keep');
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const db = join(outDir, `bench-${patients}.duckdb`);
for (const f of [db, `${db}.wal`]) if (existsSync(f)) rmSync(f);

const haveTime = existsSync('/usr/bin/time');
function step(name, cliArgs) {
  const cmd = haveTime ? '/usr/bin/time' : process.execPath;
  const cmdArgs = haveTime ? ['-v', process.execPath, join(root, 'bin', 'gpnet.js'), ...cliArgs] : [join(root, 'bin', 'gpnet.js'), ...cliArgs];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`${name} failed with exit code ${r.status}`);
  }
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const peakRssMb = m ? Number(m[1]) / 1024 : null;
  process.stderr.write(`${name}: ${seconds.toFixed(1)} s, peak RSS ${peakRssMb === null ? 'n/a' : peakRssMb.toFixed(0) + ' MB'}\n`);
  return { seconds: Number(seconds.toFixed(2)), peak_rss_mb: peakRssMb === null ? null : Math.round(peakRssMb) };
}

const generate = step('generate', ['generate', '--patients', String(patients), '--seed', String(seed), '--db', db]);
const measure = step('measure', ['measure', '--db', db, '--from', '2006-01', '--to', '2013-12', '--allow-sparse']);
const count = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'export', 'results', '--db', db, '--format', 'json'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
const resultRows = count.status === 0 ? JSON.parse(count.stdout).length : null;
if (!keep) for (const f of [db, `${db}.wal`]) if (existsSync(f)) rmSync(f);
const summary = {
  benchmark: 'generate-measure',
  patients,
  seed,
  months: 96,
  generate_seconds: generate.seconds,
  generate_peak_rss_mb: generate.peak_rss_mb,
  measure_seconds: measure.seconds,
  measure_peak_rss_mb: measure.peak_rss_mb,
  result_rows: resultRows,
  targets: { generate_seconds: 60, measure_seconds: 60, peak_rss_mb: 6144 },
};
console.log(JSON.stringify(summary));
