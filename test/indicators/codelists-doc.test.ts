import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CODELIST_DIR, loadCodelists } from '../../src/codelists/load.js';
import { regenerateCodelistsDoc } from '../../src/cli/codelists-doc.js';
import { indicatorCatalogue } from '../../src/indicators/catalogue.js';
import { codelistSlugs } from '../../src/indicators/definition.js';
import { loadIndicators } from '../../src/indicators/load.js';

/** Keeps docs/CODELISTS.md in step with codelists.yaml and the indicator library. */
describe('docs/CODELISTS.md', () => {
  const doc = readFileSync(join(DEFAULT_CODELIST_DIR, '..', 'docs', 'CODELISTS.md'), 'utf8');
  const lists = loadCodelists();
  const library = loadIndicators(lists);
  const tableRow = (slug: string): string | undefined => doc.split('\n').find((l) => l.startsWith(`| \`${slug}\` |`));

  it('has a row for every codelist, with its system, version and code count', () => {
    for (const l of lists.values()) {
      const row = tableRow(l.slug);
      expect(row, l.slug).toBeDefined();
      expect(row).toContain(`| ${l.system} | \`${l.version}\` | ${l.codes.length} |`);
    }
  });

  it('names, in each codelist row, every indicator that uses the list', () => {
    for (const { definition } of library) {
      for (const slug of codelistSlugs(definition)) expect(tableRow(slug), `${slug} row lacks ${definition.id}`).toContain(`\`${definition.id}\``);
    }
  });

  it('is up to date: regenerating its generated parts (npm run docs:codelists) changes nothing', () => {
    expect(regenerateCodelistsDoc(doc, indicatorCatalogue(library, lists))).toBe(doc);
  });

  it('lists every local concept and stand-in among the gaps', () => {
    const gaps = doc.slice(doc.indexOf('## Gaps'));
    const expected = [...lists.values()].filter((l) => l.system === 'gpnet-local').map((l) => l.slug);
    expected.push('mrc_grade_3_plus', 'mmr_vaccination', 'smoking_status_cod');
    for (const slug of expected) expect(gaps, slug).toContain(`| \`${slug}\` |`);
  });
});
