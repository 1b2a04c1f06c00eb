import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAPS_BEGIN, GAPS_END, gapSection } from '../../src/cli/codelists-doc.js';
import type { IndicatorSummary } from '../../src/indicators/catalogue.js';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';

// Drives the built CLI (bin/gpnet.js → dist/) as a user would: `gpnet indicators list|show`.
const root = join(import.meta.dirname, '..', '..');

function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const codelists = loadCodelists();
const library = loadIndicators(codelists);
/** The Table 1 KPIs issue 13 names (ids are a contract). */
const TABLE1_IDS = ['mi-mortality-under-75', 'chd-bp-150-90', 'chd-chol-4', 'stroke-chol-4', 'dm-chol-4', 'dm-bp-140-80', 'cvd-flu', 'mi-review-3-weeks'];

describe('gpnet indicators list --format json', () => {
  const r = gpnet('indicators', 'list', '--format', 'json');
  const list = JSON.parse(r.stdout) as IndicatorSummary[];

  it('prints one entry per definition, with exactly the contract fields', () => {
    expect(r.status).toBe(0);
    expect(list.map((i) => i.id)).toEqual(library.map((l) => l.definition.id).sort());
    for (const i of list) {
      expect(Object.keys(i)).toEqual(['id', 'title', 'clinical_area', 'unit', 'target', 'codelists']);
      for (const c of i.codelists) expect(Object.keys(c)).toEqual(['id', 'source', 'published']);
    }
    for (const id of TABLE1_IDS) expect(list.map((i) => i.id), id).toContain(id);
  });

  it('gives each indicator its unit, target and codelists as the definitions and manifest say', () => {
    const byId = new Map(list.map((i) => [i.id, i]));
    expect(byId.get('mi-mortality-under-75')).toMatchObject({ clinical_area: 'cvd', unit: 'per 100,000', target: { value: 30, direction: 'lower' }, codelists: [] });
    expect(byId.get('copd-emergency-admissions')?.unit).toBe('per 1,000');
    expect(byId.get('dm-hba1c-mean')?.unit).toBe('% (DCCT)');
    expect(byId.get('dm-register')).toMatchObject({ unit: 'patients', target: null });
    expect(byId.get('mi-review-3-weeks')?.codelists).toEqual([{ id: 'gpnet_post_mi_review', source: 'gpnet-local', published: false }]);
    expect(byId.get('cvd-flu')?.codelists.find((c) => c.id === 'flu_cod')).toEqual({ id: 'flu_cod', source: 'nhsd-primary-care-domain-refsets/flu_cod/20250912', published: true });
    for (const i of list) {
      for (const c of i.codelists) expect(c.published, `${i.id} ${c.id}`).toBe(codelists.get(c.id)?.system !== 'gpnet-local');
    }
  });

  it('is what docs/CODELISTS.md generates its gap list from', () => {
    const doc = readFileSync(join(root, 'docs', 'CODELISTS.md'), 'utf8');
    const section = doc.slice(doc.indexOf(GAPS_BEGIN) + GAPS_BEGIN.length, doc.indexOf(GAPS_END)).trim();
    expect(section).toBe(gapSection(list).trim());
  });
});

describe('gpnet indicators list (table) and show', () => {
  it('lists every indicator in a table, marking unpublished codelists', () => {
    const r = gpnet('indicators', 'list');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+area\s+unit\s+target\s+codelists/);
    expect(lines).toHaveLength(library.length + 1);
    expect(lines.find((l) => l.startsWith('mi-review-3-weeks '))).toMatch(/cvd\s+%\s+≥ 80%\s+gpnet_post_mi_review\*$/);
    expect(lines.find((l) => l.startsWith('mi-mortality-under-75 '))).toMatch(/per 100,000\s+≤ 30 per 100,000/);
  });

  it('shows a definition as written and its rule in words', () => {
    const r = gpnet('indicators', 'show', 'mi-review-3-weeks');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(readFileSync(join(root, 'indicators', 'mi-review-3-weeks.yaml'), 'utf8').trimEnd());
    const words = r.stdout.slice(r.stdout.indexOf('# In words'));
    expect(words).toContain('Population: Patients registered and alive at the month end who are an emergency admission with ICD-10 I21 or I22 discharged in the last 12 months.');
    expect(words).toContain('followed by gpnet_post_mi_review within 21 days of discharge');
    expect(words).toMatch(/Exclusions:\n {2}- .*discharged in the last 21 days/);
    expect(words).toContain('gpnet_post_mi_review (gpnet-local, unpublished: a gap)');
    const deaths = gpnet('indicators', 'show', 'mi-mortality-under-75');
    expect(deaths.stdout).toContain('aged under 75 at death, within 30 days of the admission date of an emergency admission with ICD-10 I21 or I22');
  });

  it('refuses an unknown id with exit 2, naming the ids that exist', () => {
    const r = gpnet('indicators', 'show', 'no-such-indicator');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown indicator no-such-indicator; the indicators are: .*cvd-flu.*mi-mortality-under-75/);
    expect(r.stdout).toBe('');
  });

  it('refuses an unknown format with exit 2', () => {
    const r = gpnet('indicators', 'list', '--format', 'xml');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--format must be table or json');
  });
});
