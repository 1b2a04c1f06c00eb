import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCodelists } from '../../src/codelists/load.js';
import { IndicatorDefinition, codelistSlugs } from '../../src/indicators/definition.js';
import { DefinitionError, loadIndicators } from '../../src/indicators/load.js';

const codelists = loadCodelists();
const library = loadIndicators(codelists);
const AREAS = IndicatorDefinition.shape.area.options;

describe('the indicator library (indicators/*.yaml)', () => {
  it('has at least 20 definitions, each in a file named after its id', () => {
    expect(library.length).toBeGreaterThanOrEqual(20);
    for (const l of library) expect(basename(l.file)).toBe(`${l.definition.id}.yaml`);
  });

  it('gives every definition a unique id and a unique hash', () => {
    const ids = library.map((l) => l.definition.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(library.map((l) => l.hash)).size).toBe(library.length);
  });

  it('has indicators in every clinical area', () => {
    const byArea = new Map<string, number>();
    for (const l of library) byArea.set(l.definition.area, (byArea.get(l.definition.area) ?? 0) + 1);
    for (const area of AREAS) expect(byArea.get(area) ?? 0, area).toBeGreaterThan(0);
  });

  it('pins exactly the codelists each definition uses, at the project versions', () => {
    for (const l of library) {
      const used = codelistSlugs(l.definition).sort();
      expect(Object.keys(l.definition.codelists).sort(), l.definition.id).toEqual(used);
      for (const [slug, version] of Object.entries(l.codelistVersions)) expect(codelists.get(slug)?.version).toBe(version);
    }
  });

  it('gives every proportion and mean a target, and no count a target', () => {
    for (const { definition: d } of library) {
      if (d.kind === 'proportion' || d.kind === 'mean' || d.kind === 'rate_per_1000' || d.kind === 'deaths_per_100000') expect(d.target, d.id).toBeDefined();
      if (d.kind === 'count') expect(d.target, d.id).toBeUndefined();
    }
  });

  it('carries the Tower Hamlets programme targets', () => {
    const target = (id: string) => library.find((l) => l.definition.id === id)?.definition.target;
    expect(target('mmr1-by-2')).toMatchObject({ value: 95, direction: 'higher' });
    expect(target('dm-care-plan')).toMatchObject({ value: 90, direction: 'higher' });
    expect(target('dm-retinal-screening')).toMatchObject({ value: 80, direction: 'higher' });
    expect(target('dm-bp-chol')).toMatchObject({ value: 50, direction: 'higher' });
    expect(target('dm-hba1c-mean')).toMatchObject({ value: 7.5, direction: 'lower' });
    expect(target('copd-review')).toMatchObject({ value: 80, direction: 'higher' });
    expect(target('copd-pr-referral')).toMatchObject({ value: 75, direction: 'higher' });
    expect(target('copd-smoking')?.direction).toBe('lower');
  });
});

describe('broken definitions are rejected with the file and field named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpnet-indicators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const valid = {
    id: 'copd-review-test',
    title: 'COPD review (test)',
    area: 'copd',
    rationale: 'A valid definition that each case below breaks in one place.',
    source: 'test',
    kind: 'proportion',
    population: { on_register: { codelist: 'copd_cod', resolved_by: 'copdres_cod' } },
    numerator: { has_event: { codelist: 'copdrvw_cod', window: { months: 12 } } },
    target: { value: 80, direction: 'higher', amber_margin: 10 },
    codelists: { copd_cod: '20250912', copdres_cod: '20200812', copdrvw_cod: '20250912' },
  };

  /** Loads a folder holding just this definition; returns the error it raises. */
  function loadAlone(name: string, def: unknown): DefinitionError {
    const sub = mkdtempSync(join(dir, `${name}-`));
    writeFileSync(join(sub, `${name}.yaml`), stringify(def));
    try {
      loadIndicators(codelists, sub);
    } catch (err) {
      expect(err).toBeInstanceOf(DefinitionError);
      return err as DefinitionError;
    }
    throw new Error(`${name}: expected the definition to be rejected`);
  }

  it('accepts the unbroken definition', () => {
    const sub = mkdtempSync(join(dir, 'valid-'));
    writeFileSync(join(sub, 'valid.yaml'), stringify(valid));
    expect(loadIndicators(codelists, sub).map((l) => l.definition.id)).toEqual(['copd-review-test']);
  });

  const cases: { name: string; def: unknown; field: string; reason: RegExp }[] = [
    {
      name: 'unknown-codelist',
      def: { ...valid, numerator: { has_event: { codelist: 'no_such_cod' } }, codelists: { ...valid.codelists, no_such_cod: '1' } },
      field: 'codelists.no_such_cod',
      reason: /unknown codelist no_such_cod/,
    },
    {
      name: 'unlisted-codelist',
      def: { ...valid, numerator: { has_event: { codelist: 'flu_cod' } } },
      field: 'codelists',
      reason: /uses codelist flu_cod/,
    },
    {
      name: 'wrong-version',
      def: { ...valid, codelists: { ...valid.codelists, copdrvw_cod: '20200812' } },
      field: 'codelists.copdrvw_cod',
      reason: /version 20200812 but the project has 20250912/,
    },
    {
      name: 'missing-numerator',
      def: { ...valid, numerator: undefined },
      field: 'numerator',
      reason: /needs a numerator/,
    },
    {
      name: 'bad-window',
      def: { ...valid, numerator: { has_event: { codelist: 'copdrvw_cod', window: { months: 0 } } } },
      field: 'numerator.has_event.window.months',
      reason: /too small/i,
    },
    {
      name: 'min-over-max-age',
      def: { ...valid, population: { all: [valid.population, { age: { min: 65, max: 40, unit: 'years' } }] } },
      field: 'population.all.1.age',
      reason: /min is greater than max/,
    },
    {
      name: 'admission-without-date',
      def: { ...valid, population: { has_admission: { method: 'emergency', icd10_prefixes: ['I21'], window: { months: 12 } } } },
      field: 'population.has_admission.date',
      reason: /admitted.*discharged|expected one of/i,
    },
    {
      name: 'bad-icd10-prefix',
      def: {
        ...valid,
        numerator: {
          admission_then: {
            admission: { method: 'emergency', icd10_prefixes: ['i21'], date: 'discharged' },
            then: { codelist: 'copdrvw_cod', within_days: 21 },
          },
        },
      },
      field: 'numerator.admission_then.admission.icd10_prefixes.0',
      reason: /ICD-10 code or prefix/,
    },
    {
      name: 'deaths-on-a-proportion',
      def: { ...valid, deaths: { window: { months: 12 } } },
      field: 'deaths',
      reason: /deaths is only for kind deaths_per_100000/,
    },
    {
      name: 'death-rate-without-deaths',
      def: { ...valid, kind: 'deaths_per_100000', numerator: undefined },
      field: 'deaths',
      reason: /a death rate needs deaths/,
    },
    {
      name: 'deaths-age-window',
      def: { ...valid, kind: 'deaths_per_100000', numerator: undefined, deaths: { window: { before_age_months: 900 } } },
      field: 'deaths.window',
      reason: /unrecognised key "before_age_months"/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      const err = loadAlone(c.name, c.def);
      expect(err.file.endsWith(`${c.name}.yaml`)).toBe(true);
      expect(err.field).toBe(c.field);
      expect(err.reason).toMatch(c.reason);
      // The message names the file, the line of the offending field in the YAML, and the field.
      expect(err.line).toBeGreaterThanOrEqual(1);
      expect(err.message).toContain(`${c.name}.yaml line ${err.line}: ${c.field}: `);
    });
  }

  it('rejects two files with the same id', () => {
    const sub = mkdtempSync(join(dir, 'dup-'));
    writeFileSync(join(sub, 'a.yaml'), stringify(valid));
    writeFileSync(join(sub, 'b.yaml'), stringify(valid));
    expect(() => loadIndicators(codelists, sub)).toThrow(/b\.yaml line 1: id: id copd-review-test is also used by .*a\.yaml/);
  });

  it('names the line and the unrecognised key of a bad window', () => {
    const sub = mkdtempSync(join(dir, 'weeks-'));
    const text = stringify({ ...valid, numerator: { has_event: { codelist: 'copdrvw_cod', window: { weeks: 2 } } } });
    writeFileSync(join(sub, 'weeks.yaml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('weeks')) + 1;
    expect(() => loadIndicators(codelists, sub)).toThrow(new RegExp(`weeks\\.yaml line (${line}|${line - 1}): numerator\\.has_event\\.window.*weeks`));
  });

  it('rejects a file that is not YAML', () => {
    const sub = mkdtempSync(join(dir, 'notyaml-'));
    writeFileSync(join(sub, 'broken.yaml'), 'id: [unclosed\n');
    expect(() => loadIndicators(codelists, sub)).toThrow(/broken\.yaml line \d+: \(top level\): not valid YAML/);
  });
});
