import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../codelists/load.js';
import type { IndicatorDefinition } from '../../indicators/definition.js';
import { loadIndicators } from '../../indicators/load.js';
import { wilson, Z95 } from '../../stats/proportion.js';
import { countsOf, discloseBenchmark, discloseResults, type DisclosedResult, type StoredResult } from './apply.js';
import { parseDisclosure } from './rule.js';

const definitions = new Map<string, IndicatorDefinition>(loadIndicators(loadCodelists()).map((i) => [i.definition.id, i.definition]));
const PROP = 'dm-care-plan';
const MEAN = 'dm-hba1c-mean';
const COUNT = 'copd-register';
const RATE = 'copd-emergency-admissions';
it('uses one indicator of each kind', () => {
  for (const [id, kind] of [[PROP, 'proportion'], [MEAN, 'mean'], [COUNT, 'count'], [RATE, 'rate_per_1000']] as const) expect(definitions.get(id)?.kind).toBe(kind);
});

/** A collaboration C of networks of practices: parents' counts are their children's sums, as the store holds them. */
function hierarchy(indicator: string, periodEnd: string, practices: [code: string, network: string, numerator: number, denominator: number][]): { rows: StoredResult[]; parentOf: Map<string, string | null> } {
  const parentOf = new Map<string, string | null>([['C', null]]);
  const row = (kind: string, code: string, numerator: number, denominator: number): StoredResult => ({
    indicator_id: indicator,
    org_kind: kind,
    org_code: code,
    period_end: periodEnd,
    numerator,
    denominator,
    value: denominator > 0 ? (100 * numerator) / denominator : null,
    ci_low: null,
    ci_high: null,
    target: 70,
    rag: 'red',
  });
  const rows: StoredResult[] = [];
  const nets = [...new Set(practices.map((p) => p[1]))];
  const sum = (ps: typeof practices, i: 2 | 3): number => ps.reduce((s, p) => s + p[i], 0);
  rows.push(row('collaboration', 'C', sum(practices, 2), sum(practices, 3)));
  for (const n of nets) {
    parentOf.set(n, 'C');
    const kids = practices.filter((p) => p[1] === n);
    rows.push(row('network', n, sum(kids, 2), sum(kids, 3)));
  }
  for (const [code, net, num, den] of practices) {
    parentOf.set(code, net);
    rows.push(row('practice', code, num, den));
  }
  return { rows, parentOf };
}

/** Groups: a parent and its children; recoverable by subtraction when exactly one member is withheld. */
function loneSuppressions(rows: DisclosedResult[], parentOf: Map<string, string | null>): string[] {
  const bad: string[] = [];
  const hidden = new Set(rows.filter((r) => r.suppressed).map((r) => `${r.indicator_id}|${r.period_end}|${r.org_code}`));
  const keys = new Set(rows.map((r) => `${r.indicator_id}|${r.period_end}`));
  for (const k of keys) {
    const codes = rows.filter((r) => `${r.indicator_id}|${r.period_end}` === k).map((r) => r.org_code);
    for (const parent of codes) {
      const members = [parent, ...codes.filter((c) => parentOf.get(c) === parent)];
      if (members.length < 2) continue;
      if (members.filter((m) => hidden.has(`${k}|${m}`)).length === 1) bad.push(`${k}|${parent}`);
    }
  }
  return bad;
}

let seed = 11;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
}

function randomPractices(): [string, string, number, number][] {
  const out: [string, string, number, number][] = [];
  const nets = 1 + rand(5);
  for (let n = 0; n < nets; n++) {
    const size = 1 + rand(7);
    for (let p = 0; p < size; p++) {
      const den = rand(3) === 0 ? rand(15) : 8 + rand(300);
      out.push([`P${n}-${p}`, `N${n}`, rand(den + 1), den]);
    }
  }
  return out;
}

describe('suppression over a result set', () => {
  const rule = parseDisclosure('suppress:1-7');

  it('withholds a small practice and its smallest sibling, keeping organisation, indicator, month and target', () => {
    const { rows, parentOf } = hierarchy(PROP, '2012-03-31', [
      ['P1', 'N1', 3, 50],
      ['P2', 'N1', 20, 40],
      ['P3', 'N1', 30, 60],
      ['P4', 'N2', 25, 70],
      ['P5', 'N2', 30, 80],
    ]);
    const out = discloseResults(rows, { parentOf, definitions }, rule);
    const by = new Map(out.map((r) => [r.org_code, r]));
    expect([...out].filter((r) => r.suppressed).map((r) => r.org_code).sort()).toEqual(['P1', 'P2']);
    expect(by.get('P1')).toEqual({ indicator_id: PROP, org_kind: 'practice', org_code: 'P1', period_end: '2012-03-31', numerator: null, denominator: null, value: null, ci_low: null, ci_high: null, target: 70, rag: null, suppressed: true });
    expect(by.get('P3')).toMatchObject({ numerator: 30, denominator: 60, value: 50, suppressed: false });
    expect(by.get('N1')).toMatchObject({ numerator: 53, denominator: 150, suppressed: false });
    expect(loneSuppressions(out, parentOf)).toEqual([]);
  });

  it('in random hierarchies, no shown count is from 1 to 7 and no group has exactly one withheld row', () => {
    for (let t = 0; t < 200; t++) {
      const { rows, parentOf } = hierarchy(PROP, '2012-03-31', randomPractices());
      const out = discloseResults(rows, { parentOf, definitions }, rule);
      for (const r of out) {
        if (r.suppressed) {
          expect([r.numerator, r.denominator, r.value, r.ci_low, r.ci_high, r.rag]).toEqual([null, null, null, null, null, null]);
          continue;
        }
        for (const n of [r.numerator!, r.denominator!, r.denominator! - r.numerator!]) expect(n === 0 || n > 7).toBe(true);
      }
      expect(loneSuppressions(out, parentOf)).toEqual([]);
    }
  });

  it('tests the counts that are counts for each kind of indicator', () => {
    expect(countsOf('proportion', 3, 10)).toEqual([3, 10, 7]);
    expect(countsOf('count', 40, 5000)).toEqual([40, 5000, 4960]);
    expect(countsOf('mean', 350.5, 50)).toEqual([50]); // a sum of HbA1c values is not a count
    expect(countsOf('rate_per_1000', 9, 200)).toEqual([9, 200]); // admissions can exceed patients
    const { rows, parentOf } = hierarchy(MEAN, '2012-03-31', [
      ['P1', 'N1', 5, 100], // sum of measurements 5: not small as a count
      ['P2', 'N1', 700, 100],
    ]);
    expect(discloseResults(rows, { parentOf, definitions }, rule).filter((r) => r.suppressed)).toEqual([]);
  });

  it('groups by indicator and month: a small count in one month does not hide another month', () => {
    const a = hierarchy(PROP, '2012-03-31', [['P1', 'N1', 3, 50], ['P2', 'N1', 20, 40]]);
    const b = hierarchy(PROP, '2012-04-30', [['P1', 'N1', 30, 50], ['P2', 'N1', 20, 40]]);
    const out = discloseResults([...a.rows, ...b.rows], { parentOf: a.parentOf, definitions }, rule);
    expect(out.filter((r) => r.period_end === '2012-04-30').every((r) => !r.suppressed)).toBe(true);
    expect(out.filter((r) => r.period_end === '2012-03-31' && r.suppressed).length).toBeGreaterThanOrEqual(2);
  });
});

describe('rounding over a result set', () => {
  const rule = parseDisclosure('round:5');

  it('rounds every count to a multiple of 5 and recomputes value, CI and rating from the rounded counts', () => {
    for (let t = 0; t < 50; t++) {
      const { rows, parentOf } = hierarchy(PROP, '2012-03-31', randomPractices());
      for (const r of discloseResults(rows, { parentOf, definitions }, rule)) {
        expect(r.suppressed).toBe(false);
        expect(r.numerator! % 5).toBe(0);
        expect(r.denominator! % 5).toBe(0);
        if (r.denominator === 0) {
          expect(r.value).toBeNull();
          continue;
        }
        expect(r.value).toBeCloseTo((100 * r.numerator!) / r.denominator!, 12);
        const ci = wilson(r.numerator!, r.denominator!, Z95)!;
        expect(r.ci_low).toBeCloseTo(100 * ci.lower, 12);
        const target = definitions.get(PROP)!.target!;
        expect(r.rag).toBe(r.value! >= target.value ? 'green' : r.value! >= target.value - target.amber_margin ? 'amber' : 'red');
      }
    }
  });

  it('withholds a mean\'s sum (it would give the true number of patients) and a mean of a denominator rounding to 0', () => {
    const { rows, parentOf } = hierarchy(MEAN, '2012-03-31', [
      ['P1', 'N1', 7.2 * 23, 23],
      ['P2', 'N1', 6.9 * 2, 2],
    ]);
    rows.forEach((r) => (r.value = r.numerator / r.denominator));
    const out = new Map(discloseResults(rows, { parentOf, definitions }, rule).map((r) => [r.org_code, r]));
    expect(out.get('P1')).toMatchObject({ numerator: null, denominator: 25, suppressed: false });
    expect(out.get('P1')!.value).toBeCloseTo(7.2, 12);
    expect(out.get('P2')).toMatchObject({ numerator: null, denominator: 0, value: null });
  });

  it('rounds counts and rates, and benchmark points', () => {
    const { rows, parentOf } = hierarchy(COUNT, '2012-03-31', [['P1', 'N1', 13, 4998]]);
    const p1 = discloseResults(rows, { parentOf, definitions }, rule).find((r) => r.org_code === 'P1')!;
    expect([p1.numerator, p1.denominator, p1.value]).toEqual([15, 5000, 15]);
    const r = hierarchy(RATE, '2012-03-31', [['P1', 'N1', 12, 998]]);
    const rate = discloseResults(r.rows, { parentOf: r.parentOf, definitions }, rule).find((x) => x.org_code === 'P1')!;
    expect(rate.value).toBeCloseTo((1000 * 10) / 1000, 12);
    expect(discloseBenchmark({ period_end: '2012-03-31', numerator: 123456, denominator: 234567, value: 52.63 }, definitions.get(PROP), rule)).toMatchObject({ numerator: 123455, denominator: 234565, suppressed: false });
    expect(discloseBenchmark({ period_end: '2012-03-31', numerator: 3, denominator: 20000, value: 0.015 }, definitions.get(PROP), parseDisclosure('suppress:1-7'))).toEqual({ period_end: '2012-03-31', numerator: null, denominator: null, value: null, suppressed: true });
  });
});

describe('none', () => {
  it('leaves the rows as stored', () => {
    const { rows, parentOf } = hierarchy(PROP, '2012-03-31', randomPractices());
    expect(discloseResults(rows, { parentOf, definitions }, parseDisclosure('none'))).toEqual(rows.map((r) => ({ ...r, suppressed: false })));
  });
});
