import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { computeRawReference } from '../../src/indicators/reference/index.js';
import { caseFiles, loadCase } from './case-file.js';
import { rawDifferences } from './compare-raw.js';
import { REQUIRED_FEATURES, featuresOf } from './coverage.js';

/** The spec cases on the reference engine (the DuckDB half is spec-duckdb.test.ts). */
const codelists = loadCodelists();
const files = caseFiles();

describe('spec cases on the reference engine', () => {
  it('finds the case files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    const c = loadCase(file, codelists);
    it(`${c.name}: ${c.description}`, () => {
      const got = computeRawReference(c.data, [c.indicator], c.periods, codelists);
      expect(rawDifferences(c.expected, got, { expected: 'expected', got: 'reference' })).toEqual([]);
    });
  }

  it('together exercise every rule of the indicator language', () => {
    const seen = new Set<string>();
    for (const file of files) for (const f of featuresOf(loadCase(file, codelists).indicator.definition)) seen.add(f);
    expect(REQUIRED_FEATURES.filter((f) => !seen.has(f))).toEqual([]);
  });
});

describe('spec case files: bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpnet-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const base = [
    'description: a case',
    'indicator:',
    '  kind: count',
    '  population: { on_register: { codelist: dm_cod } }',
    'periods: [2024-03-31]',
    'patients:',
    '  - { id: 1, birth_date: 1960-01-01, sex: F }',
    'registrations:',
    '  - { patient_id: 1, practice: P1, start_date: 2000-01-01 }',
  ];

  it('names the file, line and field of a bad date', () => {
    const path = write('bad-date.yaml', [...base.slice(0, 6), '  - { id: 1, birth_date: 1960-02-30, sex: F }', ...base.slice(7), 'expected: []'].join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(`${path}:7: patients.0.birth_date: a date YYYY-MM-DD`);
  });

  it('names a missing field', () => {
    const path = write('no-expected.yaml', base.join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(/no-expected\.yaml.*expected/);
  });

  it('rejects an unquoted code, naming where it is', () => {
    const path = write('number-code.yaml', [...base, 'events:', '  - { patient_id: 1, practice: P1, date: 2020-01-01, code: 73211009 }', 'expected: []'].join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(`${path}:11: events.0.code: a code, written as a quoted string`);
  });

  it('rejects a code that is in no codelist (a typo would make a case pass for the wrong reason)', () => {
    const path = write('typo.yaml', [...base, 'events:', '  - { patient_id: 1, practice: P1, date: 2020-01-01, code: "73211008" }', 'expected: []'].join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(/typo\.yaml:11: events\.0\.code: code 73211008 is in no project codelist/);
  });

  it('reports an invalid definition inside the indicator, with its line', () => {
    const lines = [...base];
    lines[3] = '  population: { on_register: { codelist: dm_cod, resolved: dmres_cod } }';
    const path = write('bad-def.yaml', [...lines, 'expected: []'].join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(/bad-def\.yaml:4: indicator\.population/);
  });

  it('rejects an unknown codelist slug', () => {
    const lines = [...base];
    lines[3] = '  population: { on_register: { codelist: no_such_list } }';
    const path = write('bad-slug.yaml', [...lines, 'expected: []'].join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(/bad-slug\.yaml:\d+: indicator: unknown codelist no_such_list/);
  });

  it('rejects records of a patient that is not listed', () => {
    const path = write('ghost.yaml', [...base, '  - { patient_id: 2, practice: P1, start_date: 2000-01-01 }', 'expected: []'].join('\n'));
    expect(() => loadCase(path, codelists)).toThrow(/ghost\.yaml:10: registrations\.1\.patient_id: no patient 2/);
  });
});
