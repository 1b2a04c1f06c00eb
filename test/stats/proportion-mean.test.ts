import { describe, expect, it } from 'vitest';
import { meanCi } from '../../src/stats/mean-ci.js';
import { Z95, Z998, wilson } from '../../src/stats/proportion.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

interface WilsonCase {
  numerator: number;
  denominator: number;
  lower95: number;
  upper95: number;
  lower99_8: number;
  upper99_8: number;
}

// Reference values are printed to 12 decimal places: 1e-9 relative, or 1e-12 absolute near 0.
const REL = 1e-9;
const ABS = 1e-12;

describe('Wilson interval: stats-reference.json wilson_proportion_ci (1e-9 relative)', () => {
  const { cases } = referenceBlock<{ cases: WilsonCase[] }>('wilson_proportion_ci');
  it.each(cases)('$numerator/$denominator', (c) => {
    const a = wilson(c.numerator, c.denominator, Z95)!;
    const b = wilson(c.numerator, c.denominator, Z998)!;
    expectClose(a.lower, c.lower95, REL, ABS, 'lower95');
    expectClose(a.upper, c.upper95, REL, ABS, 'upper95');
    expectClose(b.lower, c.lower99_8, REL, ABS, 'lower99.8');
    expectClose(b.upper, c.upper99_8, REL, ABS, 'upper99.8');
  });
});

describe('Wilson interval: PHEindicatormethods testdata_Prop (full-precision xlsx, 1e-12 relative)', () => {
  const rows = referenceCsv('pheindicatormethods/xlsx_testdata_Proportion__testdata_Prop.csv').filter((r) => r.Numerator && r.Denominator);
  it('has the 16 complete rows', () => expect(rows).toHaveLength(16));
  it.each(rows)('$Area × $multiplier', (r) => {
    const m = Number(r.multiplier);
    const a = wilson(Number(r.Numerator), Number(r.Denominator), Z95)!;
    const b = wilson(Number(r.Numerator), Number(r.Denominator), Z998)!;
    expectClose(a.lower * m, Number(r.lower95_0cl), 1e-12, 0, 'lower95');
    expectClose(a.upper * m, Number(r.upper95_0cl), 1e-12, 0, 'upper95');
    expectClose(b.lower * m, Number(r.lower99_8cl), 1e-12, 0, 'lower99.8');
    expectClose(b.upper * m, Number(r.upper99_8cl), 1e-12, 0, 'upper99.8');
  });
  it('testdata_Prop_g: grouped data summed first, 95% (1e-12 relative)', () => {
    const grouped = referenceCsv('pheindicatormethods/xlsx_testdata_Proportion__testdata_Prop_g.csv').filter((r) => r.Numerator && r.Denominator);
    expect(grouped).toHaveLength(8);
    for (const r of grouped) {
      const ci = wilson(Number(r.Numerator), Number(r.Denominator), Z95)!;
      expectClose(ci.lower, Number(r.lowercl), 1e-12, 0, `${r.Area} lower`);
      expectClose(ci.upper, Number(r.uppercl), 1e-12, 0, `${r.Area} upper`);
    }
  });
});

interface MeanRef {
  values: number[];
  mean: number;
  sd: number;
  lower95: number;
  upper95: number;
  lower99_8: number;
  upper99_8: number;
}

describe('mean with Student-t CI: stats-reference.json mean_ci (1e-9 relative)', () => {
  const ref = referenceBlock<MeanRef>('mean_ci');
  it('reproduces value, sd and both intervals', () => {
    const a = meanCi(ref.values, 0.95);
    const b = meanCi(ref.values, 0.998);
    if (a.status !== 'ok' || b.status !== 'ok') throw new Error('expected a computable mean');
    expectClose(a.mean, ref.mean, REL, 0, 'mean');
    expectClose(a.sd, ref.sd, REL, 0, 'sd');
    expectClose(a.lower, ref.lower95, REL, 0, 'lower95');
    expectClose(a.upper, ref.upper95, REL, 0, 'upper95');
    expectClose(b.lower, ref.lower99_8, REL, 0, 'lower99.8');
    expectClose(b.upper, ref.upper99_8, REL, 0, 'upper99.8');
  });
});

describe('mean with Student-t CI: PHEindicatormethods testdata_Mean_results (1e-10 relative)', () => {
  const values = referenceCsv('pheindicatormethods/xlsx_testdata_Mean__testdata_Mean.csv');
  const results = referenceCsv('pheindicatormethods/xlsx_testdata_Mean__testdata_Mean_results.csv');
  it.each(results)('$area', (r) => {
    const xs = values.filter((v) => r.area === 'No grouping' || v.area === r.area).map((v) => Number(v.values));
    expect(xs).toHaveLength(Number(r.value_count));
    const a = meanCi(xs, 0.95);
    const b = meanCi(xs, 0.998);
    if (a.status !== 'ok' || b.status !== 'ok') throw new Error('expected a computable mean');
    expectClose(a.mean, Number(r.value), 1e-12, 0, 'value');
    expectClose(a.sd, Number(r.stdev), 1e-12, 0, 'sd');
    expectClose(a.lower, Number(r.lower95_0cl), 1e-10, 0, 'lower95');
    expectClose(a.upper, Number(r.upper95_0cl), 1e-10, 0, 'upper95');
    expectClose(b.lower, Number(r.lower99_8cl), 1e-10, 0, 'lower99.8');
    expectClose(b.upper, Number(r.upper99_8cl), 1e-10, 0, 'upper99.8');
    expect(a.method).toBe(r.method);
  });
  it('answers clearly for no values, one value and constant values', () => {
    expect(meanCi([])).toMatchObject({ status: 'not-computable', mean: null });
    expect(meanCi([4])).toMatchObject({ status: 'not-computable', mean: 4 });
    expect(meanCi([3, 3, 3])).toMatchObject({ status: 'ok', mean: 3, sd: 0, lower: 3, upper: 3 });
    expect(() => meanCi([1, Number.NaN])).toThrow(/values\[1\]/);
  });
});
