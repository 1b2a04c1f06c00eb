import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { SchemeError, catalogueOf, checkYear, loadScheme, parseScheme } from '../../src/programmes/incentives/load-scheme.js';
import { CATALOGUE, scheme } from './helpers.js';

const FILE = 'schemes/bad.yaml';

/** A valid scheme, one line per entry so tests can point at lines (line 1 is `id:`). */
const LINES = [
  'id: good', //                                                             1
  'title: A good scheme', //                                                 2
  'years: { from: 2009, to: 2010 }', //                                      3
  'pot:', //                                                                 4
  '  per: year', //                                                          5
  '  total: "£112,000"', //                                                  6
  '  split: { by: equal }', //                                               7
  'advance:', //                                                             8
  '  share: 50%', //                                                         9
  '  paid: year_start', //                                                  10
  'performance:', //                                                        11
  '  share: 50%', //                                                        12
  '  components:', //                                                       13
  '    - id: a', //                                                         14
  '      indicator: dm-care-plan', //                                       15
  '      weight: 60%', //                                                   16
  '      rule: { type: sliding_scale, lower: 50, upper: 90 }', //           17
  '    - id: b', //                                                         18
  '      indicator: dm-bp-chol', //                                         19
  '      weight: 40%', //                                                   20
  '      rule:', //                                                         21
  '        type: sliding_scale', //                                         22
  '        lower: 35', //                                                   23
  '        upper: 50', //                                                   24
  '      floor: { value: 30, clawback: 25% }', //                           25
];

/** The valid scheme with some lines replaced (1-based line number → new text). */
function edited(changes: Record<number, string>): string {
  return LINES.map((l, i) => changes[i + 1] ?? l).join('\n');
}

function rejection(text: string): SchemeError {
  try {
    parseScheme(text, FILE, CATALOGUE);
  } catch (err) {
    if (err instanceof SchemeError) return err;
    throw err;
  }
  throw new Error('the scheme was accepted');
}

describe('scheme validation', () => {
  it('accepts the valid scheme', () => {
    const s = scheme(LINES.join('\n'));
    expect(s.performance.components.map((c) => [c.id, c.weight, c.direction])).toEqual([
      ['a', 6000, 'higher'],
      ['b', 4000, 'higher'],
    ]);
    expect(s.pot).toEqual({ kind: 'total', total: 11_200_000n, split: { by: 'equal' }, per: 'year', byYear: null, byYearWritten: null });
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects weights that do not add up to 100%', () => {
    const e = rejection(edited({ 20: '      weight: 30%' }));
    expect(e).toMatchObject({ file: FILE, field: 'performance.components', line: 13 });
    expect(e.message).toBe(`${FILE} line 13: performance.components: the component weights add up to 90%, not 100% (a 60%, b 30%)`);
  });

  it('rejects advance and performance shares that do not add up to 100%', () => {
    const e = rejection(edited({ 9: '  share: 70%' }));
    expect(e).toMatchObject({ field: 'performance.share', line: 12 });
    expect(e.reason).toMatch(/advance \(70%\) and performance \(50%\) shares add up to 120%, not 100%/);
  });

  it('rejects inverted thresholds, naming the component', () => {
    const e = rejection(edited({ 23: '        lower: 60' }));
    expect(e).toMatchObject({ file: FILE, field: 'performance.components.1.rule.upper', line: 24 });
    expect(e.reason).toMatch(/upper threshold \(50\) must be above the lower threshold \(60\)/);
    // Equal thresholds are inverted too (the scale would have no width).
    expect(rejection(edited({ 17: '      rule: { type: sliding_scale, lower: 90, upper: 90 }' })).field).toBe('performance.components.0.rule.upper');
  });

  it('rejects an unknown indicator id', () => {
    const e = rejection(edited({ 19: '      indicator: dm-bp-cholesterol' }));
    expect(e).toMatchObject({ field: 'performance.components.1.indicator', line: 19 });
    expect(e.reason).toMatch(/unknown indicator "dm-bp-cholesterol" \(not in indicators\/\); did you mean dm-/);
    const split = rejection(edited({ 7: '  split: { by: register, indicator: no-such-register }' }));
    expect(split).toMatchObject({ field: 'pot.split.indicator', line: 7 });
  });

  it('rejects a floor above the lower threshold', () => {
    const e = rejection(edited({ 25: '      floor: { value: 40, clawback: 25% }' }));
    expect(e).toMatchObject({ field: 'performance.components.1.floor.value', line: 25 });
    expect(e.reason).toMatch(/floor \(40\) must not be above the lower threshold \(35\)/);
  });

  it('rejects a floor on the wrong side for a lower-is-better indicator', () => {
    const text = edited({
      19: '      indicator: dm-hba1c-mean',
      23: '        lower: 7.5',
      24: '        upper: 8',
      25: '      floor: { value: 7.9, clawback: 25% }',
    });
    const e = rejection(text);
    expect(e.field).toBe('performance.components.1.floor.value');
    expect(e.reason).toMatch(/lower-is-better indicator the floor \(7.9\) must not be below the upper threshold \(8\)/);
    // 8.5 is on the right side.
    expect(scheme(edited({ 19: '      indicator: dm-hba1c-mean', 23: '        lower: 7.5', 24: '        upper: 8', 25: '      floor: { value: 8.5, clawback: 25% }' })).performance.components[1]?.direction).toBe('lower');
  });

  it('rejects money that is not pounds and pence', () => {
    const e = rejection(edited({ 6: '  total: "£1.7m"' }));
    expect(e).toMatchObject({ field: 'pot.total', line: 6 });
    expect(e.reason).toMatch(/an amount in pounds/);
    expect(rejection(edited({ 6: '  total: 112000.5' })).field).toBe('pot.total');
  });

  it('rejects a percentage out of range or too precise', () => {
    expect(rejection(edited({ 16: '      weight: 60.005%' }))).toMatchObject({ field: 'performance.components.0.weight', line: 16 });
    expect(rejection(edited({ 9: '  share: 150%' }))).toMatchObject({ field: 'advance.share', line: 9 });
  });

  it('rejects a measurement date that is not a month end, or not a date', () => {
    const notEnd = rejection(edited({ 16: '      weight: 60%\n      measured_at: "03-30"' }));
    expect(notEnd).toMatchObject({ field: 'performance.components.0.measured_at', line: 17 });
    expect(notEnd.reason).toMatch(/2010-03-30 in 2009\/10, which is not a month end/);
    const notDate = rejection(edited({ 10: '  paid: "02-30"' }));
    expect(notDate).toMatchObject({ field: 'advance.paid', line: 10 });
    expect(notDate.reason).toMatch(/not a day of the year/);
    // February's end moves in leap years; a fixed 02-28 is not a month end in 2011/12 (2012 is a leap year).
    const leap = rejection(edited({ 3: 'years: { from: 2010, to: 2011 }', 16: '      weight: 60%\n      measured_at: "02-28"' }));
    expect(leap.reason).toMatch(/2012-02-28 in 2011\/12, which is not a month end/);
  });

  it('rejects a fixed date in a scheme that runs for several years', () => {
    const e = rejection(edited({ 10: '  paid: 2009-04-01' }));
    expect(e).toMatchObject({ field: 'advance.paid', line: 10 });
    expect(e.reason).toMatch(/ambiguous/);
    // In a one-year scheme it is fine.
    expect(scheme(edited({ 3: 'years: 2009', 10: '  paid: 2009-04-15' })).advance.paid).toBe('2009-04-15');
  });

  it('rejects years in the wrong order, unknown keys, duplicate component ids and per_network with split', () => {
    expect(rejection(edited({ 3: 'years: { from: 2011, to: 2009 }' }))).toMatchObject({ field: 'years.to', line: 3 });
    const typo = rejection(edited({ 20: '      wieght: 40%' }));
    expect(typo).toMatchObject({ field: 'performance.components.1.weight', line: 18 });
    expect(typo.reason).toBe('missing (required); unrecognised key "wieght" here');
    expect(rejection(edited({ 18: '    - id: a' }))).toMatchObject({ field: 'performance.components.1.id', line: 18 });
    expect(rejection(edited({ 6: '  per_network: "£14,000"' }))).toMatchObject({ field: 'pot.split', line: 7 });
    expect(rejection(edited({ 6: '  total: "£1"', 7: '' })).field).toBe('pot.split');
  });

  it('rejects YAML that does not parse, with its line', () => {
    const e = rejection(edited({ 17: '      rule: { type: sliding_scale, lower: 50, upper: 90' }));
    expect(e.reason).toMatch(/not valid YAML/);
    expect(e.line).toBeGreaterThanOrEqual(17);
  });

  it('rejects a year outside the scheme, naming the file and the years field', () => {
    const s = scheme(LINES.join('\n'), FILE);
    expect(() => checkYear(s, 2009)).not.toThrow();
    expect(() => checkYear(s, 2011)).toThrow(SchemeError);
    try {
      checkYear(s, 2011);
    } catch (err) {
      expect(err).toMatchObject({ file: FILE, field: 'years', line: 3 });
      expect((err as Error).message).toBe(`${FILE} line 3: years: the scheme does not run in 2011/12; it runs 2009/10 to 2010/11`);
    }
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadScheme('/no/such/scheme.yaml', CATALOGUE)).toThrow(/\/no\/such\/scheme\.yaml: \(top level\): cannot read the file \(ENOENT\)/);
  });
});

describe('the shipped schemes, against the real indicator library', () => {
  const catalogue = catalogueOf(loadIndicators(loadCodelists()));
  const dir = join(import.meta.dirname, '..', '..', 'schemes');
  const work = mkdtempSync(join(tmpdir(), 'gpnet-schemes-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('childhood immunisation: £112,000, equal split, 50/50, all or nothing at 95% MMR1', () => {
    const s = loadScheme(join(dir, 'childhood-immunisation.yaml'), catalogue);
    // The review's £112,000 is the scheme's whole-life pot, half in each of its two years.
    expect(s.pot).toMatchObject({ kind: 'total', total: 11_200_000n, split: { by: 'equal' }, per: 'scheme' });
    expect([...(s.pot.byYear ?? [])]).toEqual([
      [2009, 5_600_000n],
      [2010, 5_600_000n],
    ]);
    expect([s.advance.shareBp, s.performance.shareBp]).toEqual([5000, 5000]);
    expect(s.performance.components).toMatchObject([{ indicator: 'mmr1-by-2', weight: 10000, rule: { type: 'all_or_nothing', target: { value: 95 } } }]);
  });

  it('type 2 diabetes: £1.7 million by register, 70/30 over the four diabetes KPIs', () => {
    const s = loadScheme(join(dir, 'type-2-diabetes.yaml'), catalogue);
    expect(s.pot).toMatchObject({ kind: 'total', total: 170_000_000n, split: { by: 'register', indicator: 'dm-register' }, per: 'scheme' });
    expect([s.advance.shareBp, s.performance.shareBp]).toEqual([7000, 3000]);
    expect(s.performance.components.map((c) => [c.indicator, c.direction])).toEqual([
      ['dm-care-plan', 'higher'],
      ['dm-retinal-screening', 'higher'],
      ['dm-bp-chol', 'higher'],
      ['dm-hba1c-mean', 'lower'],
    ]);
  });

  it('COPD: £300,000 a year for three years, 70/30', () => {
    const s = loadScheme(join(dir, 'copd.yaml'), catalogue);
    expect(s.years).toEqual({ from: 2010, to: 2012 });
    expect(s.pot).toMatchObject({ kind: 'total', total: 30_000_000n, per: 'year', byYear: null });
    expect([s.advance.shareBp, s.performance.shareBp]).toEqual([7000, 3000]);
  });

  it('checks indicator ids against the real library', () => {
    const path = join(work, 'typo.yaml');
    writeFileSync(path, LINES.join('\n').replace('indicator: dm-bp-chol', 'indicator: dm-bp-chl'));
    expect(() => loadScheme(path, catalogue)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 19: performance\\.components\\.1\\.indicator: unknown indicator "dm-bp-chl"`));
  });
});
