import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CODELIST_DIR } from '../../src/codelists/load.js';
import { CodelistManifest } from '../../src/codelists/manifest.js';

/**
 * Real codelists are byte-for-byte copies of ../shared/codelists (the curated, provenance-checked
 * source). This pins that: any edit to a copied CSV, or a copy from the wrong version, fails.
 */
const SHARED_DIR = resolve(DEFAULT_CODELIST_DIR, '..', '..', 'shared', 'codelists');
const manifest = CodelistManifest.parse(parseYaml(readFileSync(join(DEFAULT_CODELIST_DIR, 'codelists.yaml'), 'utf8')));
const files = [...new Set(manifest.codelists.flatMap((e) => (e.file ? [e.file] : [])))];
const copied = files.filter((f) => !f.startsWith('local/'));
const local = files.filter((f) => f.startsWith('local/'));
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(!existsSync(SHARED_DIR))(`copied codelists equal the shared copies in ${SHARED_DIR}`, () => {
  it('has copied files to check', () => {
    expect(copied.length).toBeGreaterThanOrEqual(25);
  });
  for (const file of copied) {
    it(file, () => {
      expect(existsSync(join(SHARED_DIR, file)), `${file} is not in the shared codelists`).toBe(true);
      expect(sha256(join(DEFAULT_CODELIST_DIR, file))).toBe(sha256(join(SHARED_DIR, file)));
    });
  }
});

describe('codelists/PROVENANCE.md', () => {
  const provenance = readFileSync(join(DEFAULT_CODELIST_DIR, 'PROVENANCE.md'), 'utf8');
  it('has a row for every copied file and describes every local code file', () => {
    for (const file of [...copied, ...local]) expect(provenance, file).toContain(`\`${file}\``);
  });
});
