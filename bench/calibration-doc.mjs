#!/usr/bin/env node
// Regenerates the calibration table in docs/GENERATOR.md ("Calibration to the published values")
// from `gpnet demo --calibration --format md` on the default demo (300,000 patients, seed 1): the
// section between the calibration:start and calibration:end markers is replaced by the command's
// output. test/evaluation/study-acceptance.test.ts checks that the section matches the command on
// the default demo. Run after changing the generator or the study file.
//
//   npm run build && node bench/calibration-doc.mjs [--db gpnet-demo.duckdb] [--check]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const i = args.indexOf('--db');
const db = i >= 0 ? args[i + 1] : join(root, 'gpnet-demo.duckdb');
const check = args.includes('--check');
const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'demo', '--calibration', '--db', db, '--format', 'md'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (r.status !== 0) process.exit(r.status ?? 1);
const doc = join(root, 'docs', 'GENERATOR.md');
const text = readFileSync(doc, 'utf8');
const START = '<!-- calibration:start (bench/calibration-doc.mjs) -->\n';
const END = '<!-- calibration:end -->';
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) {
  process.stderr.write(`${doc}: no calibration:start / calibration:end markers\n`);
  process.exit(1);
}
const updated = `${text.slice(0, a + START.length)}${r.stdout}${text.slice(b)}`;
if (check) {
  if (updated !== text) {
    process.stderr.write(`${doc}: the calibration table differs from gpnet demo --calibration; run node bench/calibration-doc.mjs\n`);
    process.exit(1);
  }
  process.stdout.write('docs/GENERATOR.md calibration table is up to date\n');
} else {
  writeFileSync(doc, updated);
  process.stdout.write(`updated the calibration table in ${doc}\n`);
}
