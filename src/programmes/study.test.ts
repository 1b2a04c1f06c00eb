import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMME_DIR, loadStudy, monthEnd, parseStudy, periodTermMonths, publishedMonth, resolveOutcome, studyOutcomes } from './study.js';

const FILE = join(DEFAULT_PROGRAMME_DIR, 'tower-hamlets.yaml');
const TEXT = readFileSync(FILE, 'utf8');

describe('study files', () => {
  it('loads the Tower Hamlets study with its four programmes', () => {
    const s = loadStudy('tower-hamlets');
    expect(s.programmes.map((p) => p.id)).toEqual(['childhood_immunisation', 'diabetes', 'copd', 'cvd']);
  });
  it('turns a month into its last day', () => {
    expect(monthEnd('2012-02')).toBe('2012-02-29');
    expect(monthEnd('2011-02')).toBe('2011-02-28');
    expect(monthEnd('2010-12')).toBe('2010-12-31');
  });
  it('reads period terms: a quarter, a QOF year (April–March, ending in the year named), a calendar year, a month', () => {
    expect(periodTermMonths('2006-Q1', 'qof')).toEqual({ from: '2006-01', to: '2006-03' });
    expect(periodTermMonths('2010-Q3', 'qof')).toEqual({ from: '2010-07', to: '2010-09' });
    expect(periodTermMonths('2007', 'qof')).toEqual({ from: '2006-04', to: '2007-03' });
    expect(periodTermMonths('2007', 'calendar')).toEqual({ from: '2007-01', to: '2007-12' });
    expect(periodTermMonths('2009-09', 'qof')).toEqual({ from: '2009-09', to: '2009-09' });
    expect(publishedMonth({ period: '2011', value: 42.7 }, 'qof')).toBe('2011-03');
  });
});

describe('the Tower Hamlets study file', () => {
  const s = loadStudy('tower-hamlets');
  const outcome = (id: string) => {
    const o = studyOutcomes(s).find((x) => x.outcome.indicator === id);
    if (!o) throw new Error(`no ${id}`);
    return o.outcome;
  };
  it('gives the windows, periods and phase-ins Table 1 states', () => {
    const mmr = outcome('mmr1-by-2');
    expect([mmr.period, mmr.window, mmr.phase_in]).toEqual(['quarter', { from: '2006-Q1', to: '2010-Q3' }, { from: '2009-09', to: '2010-01' }]);
    expect(mmr.period_ends[0]).toBe('2006-03-31');
    expect(mmr.period_ends.at(-1)).toBe('2010-09-30');
    expect(mmr.period_ends).toHaveLength(19);
    const windows = (ids: string[]) => ids.map((id) => `${outcome(id).window.from}–${outcome(id).window.to}`);
    expect(windows(['dm-retinal-screening', 'dm-bp-chol', 'dm-hba1c-mean'])).toEqual(['2007–2012', '2006–2012', '2005–2012']);
    expect(outcome('dm-care-plan').phase_in).toEqual({ from: '2009-10', to: '2010-04' });
    expect(windows(['copd-review', 'copd-flu', 'copd-emergency-admissions'])).toEqual(['2010–2013', '2005–2013', '2005–2011']);
    expect(outcome('copd-review').phase_in).toEqual({ from: '2010-04', to: '2010-06' });
    expect(windows(['cvd-statin', 'chd-bp-150-90', 'chd-chol-4', 'mi-mortality-under-75'])).toEqual(['2009–2011', '2004–2012', '2004–2012', '2004–2010']);
    expect(outcome('cvd-statin').phase_in).toEqual({ from: '2008-01', to: '2010-04' });
    for (const { outcome: o } of studyOutcomes(s)) {
      expect(o.period, o.indicator).not.toBe('month');
      expect(o.period_ends[0]! >= '2004-01-01', `${o.indicator} window starts ${o.period_ends[0]}`).toBe(true);
      // A phase-in is a transition of several months, not a single month.
      expect(o.phase_in.from < o.phase_in.to, o.indicator).toBe(true);
    }
  });
  it('gives the published values at the published dates', () => {
    const at = (id: string) => {
      const p = outcome(id).published!;
      return [p.from.month, 'value' in p.from ? p.from.value : p.from.relative, p.to.month, 'value' in p.to ? p.to.value : p.to.relative];
    };
    expect(at('mmr1-by-2')).toEqual(['2009-09', 80, '2011-03', 94]);
    expect(at('dm-care-plan')).toEqual(['2009-03', 10, '2012-03', 88]);
    expect(at('cvd-care-plan')).toEqual(['2011-03', 42.7, '2012-03', 61.6]);
    expect(at('mi-review-3-weeks')).toEqual(['2009-03', 68.9, '2012-03', 71.3]);
    expect(at('cardiac-rehab')).toEqual(['2009-03', 34.8, '2012-03', 27.7]);
    expect(at('copd-register')).toEqual(['2010-03', 100, '2013-03', 121]);
    for (const id of ['mi-mortality-under-75', 'chd-bp-150-90', 'cvd-statin', 'copd-emergency-admissions']) expect(outcome(id).published).toBeNull();
  });
  it('names the comparators each paper used: two neighbouring PCTs for diabetes and CVD, London and England for immunisation and COPD', () => {
    expect(Object.fromEntries(s.programmes.map((p) => [p.id, p.comparators]))).toEqual({
      childhood_immunisation: ['SYNB-LON', 'SYNB-ENG'],
      diabetes: ['SYNB-PCTA', 'SYNB-PCTB', 'SYNB-LON', 'SYNB-ENG'],
      copd: ['SYNB-LON', 'SYNB-ENG'],
      cvd: ['SYNB-PCTA', 'SYNB-PCTB', 'SYNB-LON', 'SYNB-ENG'],
    });
  });
  it('states a tolerance for every published value (once, overridden for mean HbA1c)', () => {
    expect(s.tolerance).toBe(5);
    expect(resolveOutcome(s, s.programmes[1]!, s.programmes[1]!.kpis.find((k) => k.indicator === 'dm-hba1c-mean')!).tolerance).toBe(0.12);
  });
  // Expected to fail until the indicators of issue 13 (mi-mortality-under-75, chd-bp-150-90, …) are merged.
  it('names only indicators that exist in indicators/', () => {
    const defined = new Set(readdirSync(join(DEFAULT_PROGRAMME_DIR, '..', 'indicators')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')));
    const unknown = studyOutcomes(s).map((o) => o.outcome.indicator).filter((id) => !defined.has(id));
    expect(unknown).toEqual([]);
  });
});

describe('mistakes in a study file name the file, line and field', () => {
  const bad = (from: string, to: string): string => {
    expect(TEXT).toContain(from);
    return TEXT.replace(from, to);
  };
  const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  it('an unknown period', () => {
    const text = bad('period: quarter', 'period: fortnight');
    expect(() => parseStudy(text, 'th.yaml')).toThrow(`th.yaml line ${lineOf(text, 'period: fortnight')}, field programmes.0.kpis.0.period:`);
  });
  it('a window term that is not the period’s', () => {
    const text = bad('window: { from: 2006-Q1, to: 2010-Q3 }', 'window: { from: 2006, to: 2010-Q3 }');
    expect(() => parseStudy(text, 'th.yaml')).toThrow(`th.yaml line ${lineOf(text, 'window: { from: 2006, to')}, field programmes.0.kpis.0.window.from: '2006' is not a quarter`);
  });
  it('a window that runs backwards', () => {
    const text = bad('window: { from: 2007, to: 2012 }', 'window: { from: 2012, to: 2007 }');
    expect(() => parseStudy(text, 'th.yaml')).toThrow(/th\.yaml line \d+, field programmes\.1\.kpis\.0\.window: the window ends \(2007\) before it starts \(2012\)/);
  });
  it('a phase-in that runs backwards, a bad month, a missing field', () => {
    expect(() => parseStudy(bad('phase_in: { from: 2009-09, to: 2010-01 }', 'phase_in: { from: 2010-01, to: 2009-09 }'), 'th.yaml')).toThrow(
      /th\.yaml line 32, field programmes\.0\.phase_in: the phase-in ends \(2009-09\) before it starts \(2010-01\)/,
    );
    expect(() => parseStudy(bad('{ period: 2009-09, value: 80 }', '{ period: 2009-13, value: 80 }'), 'th.yaml')).toThrow(/field programmes\.0\.kpis\.0\.published\.from/);
    expect(() => parseStudy(bad('    comparators: [SYNB-LON, SYNB-ENG]\n    comparators_note: the immunisation', '    comparators_note: the immunisation'), 'th.yaml')).toThrow(
      /th\.yaml line \d+, field programmes\.0\.comparators:/,
    );
  });
});
