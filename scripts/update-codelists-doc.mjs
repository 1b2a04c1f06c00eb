#!/usr/bin/env node
// Regenerates the generated parts of docs/CODELISTS.md (the "Used by" column and the indicator
// gap list) from `gpnet indicators list --format json`. Run after `npm run build`:
//   npm run docs:codelists
// test/indicators/codelists-doc.test.ts fails while the doc is stale.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { regenerateCodelistsDoc } from '../dist/cli/codelists-doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = execFileSync(process.execPath, [join(root, 'bin', 'gpnet.js'), 'indicators', 'list', '--format', 'json'], { encoding: 'utf8' });
const path = join(root, 'docs', 'CODELISTS.md');
const before = readFileSync(path, 'utf8');
const after = regenerateCodelistsDoc(before, JSON.parse(json));
if (after === before) console.log('docs/CODELISTS.md is up to date');
else {
  writeFileSync(path, after);
  console.log('docs/CODELISTS.md regenerated');
}
