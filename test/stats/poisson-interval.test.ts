import { describe, expect, it } from 'vitest';
import { byarsInterval, crudeRateCi, exactPoissonInterval } from '../../src/stats/poisson-interval.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

interface RateCase {
  count: number;
  denominator: number;
  multiplier: number;
  rate: number;
  method: 'Exact' | 'Byars';
  lower95: number;
  upper95: number;
  lower99_8: number;
  upper99_8: number;
}

describe('crude rate CI: stats-reference.json crude_rate_ci (1e-9 relative)', () => {
  const { cases } = referenceBlock<{ cases: RateCase[] }>('crude_rate_ci');
  it('covers both methods', () => expect(new Set(cases.map((c) => c.method))).toEqual(new Set(['Exact', 'Byars'])));
  it.each(cases)('$count/$denominator ($method)', (c) => {
    const a = crudeRateCi(c.count, c.denominator, c.multiplier, 0.95)!;
    const b = crudeRateCi(c.count, c.denominator, c.multiplier, 0.998)!;
    expect(a.method).toBe(c.method);
    expectClose(a.value, c.rate, 1e-12, 0, 'rate');
    expectClose(a.lower, c.lower95, 1e-9, 1e-9, 'lower95');
    expectClose(a.upper, c.upper95, 1e-9, 0, 'upper95');
    expectClose(b.lower, c.lower99_8, 1e-9, 1e-9, 'lower99.8');
    expectClose(b.upper, c.upper99_8, 1e-9, 0, 'upper99.8');
  });
});

describe('crude rate CI: PHEindicatormethods testdata_Rate (full-precision xlsx, 1e-10 relative)', () => {
  const rows = referenceCsv('pheindicatormethods/xlsx_testdata_Rate__testdata_Rate.csv');
  const complete = rows.filter((r) => r.Numerator && r.Denominator);
  it('has the 17 complete rows (rows with a missing numerator or denominator are left to the caller)', () => expect(complete).toHaveLength(17));
  it.each(complete)('$Area per $multiplier', (r) => {
    const a = crudeRateCi(Number(r.Numerator), Number(r.Denominator), Number(r.multiplier), 0.95)!;
    const b = crudeRateCi(Number(r.Numerator), Number(r.Denominator), Number(r.multiplier), 0.998)!;
    expect(a.method).toBe(r.method);
    expectClose(a.value, Number(r.value), 1e-12, 0, 'value');
    expectClose(a.lower, Number(r.lower95_0cl), 1e-10, 0, 'lower95');
    expectClose(a.upper, Number(r.upper95_0cl), 1e-10, 0, 'upper95');
    expectClose(b.lower, Number(r.lower99_8cl), 1e-10, 0, 'lower99.8');
    expectClose(b.upper, Number(r.upper99_8cl), 1e-10, 0, 'upper99.8');
  });
  it('testdata_Rate_g (grouped sums, 95%)', () => {
    const g = referenceCsv('pheindicatormethods/xlsx_testdata_Rate__testdata_Rate_g.csv').filter((r) => r.Numerator && r.Denominator);
    expect(g).toHaveLength(9);
    for (const r of g) {
      const a = crudeRateCi(Number(r.Numerator), Number(r.Denominator), Number(r.multiplier), 0.95)!;
      expectClose(a.lower, Number(r.lowercl), 1e-10, 0, `${r.Area} lower`);
      expectClose(a.upper, Number(r.uppercl), 1e-10, 0, `${r.Area} upper`);
    }
  });
});

describe("Byar's interval: PHEindicatormethods testdata_B_W (1e-12 relative)", () => {
  const rows = referenceCsv('pheindicatormethods/xlsx_testdata_Byars_Wilson__testdata_B_W.csv').filter((r) => r.method === 'Byars');
  it.each(rows)('x = $x at $confidence', (r) => {
    const ci = byarsInterval(Number(r.x), r.confidence === '95%' ? 0.95 : 0.998);
    expectClose(ci.upper, Number(r.uppercl), 1e-12, 0, 'upper');
    // The fixture leaves the lower limit blank where Byar's formula goes negative (x = 1 at 99.8%).
    if (r.lowercl) expectClose(ci.lower, Number(r.lowercl), 1e-12, 0, 'lower');
    else expect(ci.lower).toBe(0);
  });
});

describe('edge cases', () => {
  it('gives a 0 lower limit and the exact upper limit for a zero count', () => {
    const ci = exactPoissonInterval(0, 0.95);
    expect(ci.lower).toBe(0);
    expectClose(ci.upper, -Math.log(0.025), 1e-13, 0, 'upper for x = 0');
    expect(byarsInterval(0).lower).toBe(0);
  });
  it('returns null for a zero denominator and rejects impossible input', () => {
    expect(crudeRateCi(3, 0)).toBeNull();
    expect(() => crudeRateCi(-1, 10)).toThrow(/count must not be negative/);
    expect(() => crudeRateCi(1, 10, 0)).toThrow(/multiplier/);
    expect(() => exactPoissonInterval(1, 95)).toThrow(/confidence/);
  });
});
