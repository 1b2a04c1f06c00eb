import { describe, expect, it } from 'vitest';
import { funnelLimit, funnelLimits, funnelLimitsTable, funnelPoints, funnelSignificance, pooledBaseline } from '../../src/stats/funnel.js';
import { Z95, Z998, wilson } from '../../src/stats/proportion.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

interface FunnelPracticeRef {
  practice: string;
  numerator: number;
  denominator: number;
  phe_funnel_limits_uncapped: { lower95: number; upper95: number; lower99_8: number; upper99_8: number };
  phe_significance: string;
}
interface FunnelRef {
  baseline: number;
  practices: FunnelPracticeRef[];
  limits_grid: { denominator: number; lower95: number; upper95: number; lower99_8: number; upper99_8: number }[];
}

const ref = referenceBlock<FunnelRef>('funnel_proportion');

describe('funnel limits: stats-reference.json funnel_proportion (1e-9 relative)', () => {
  const baseline = pooledBaseline(ref.practices)!;
  it('pools the baseline as Σx/Σn', () => expectClose(baseline, ref.baseline, 1e-9, 0, 'baseline'));
  it.each(ref.practices)('$practice: uncapped limits and PHE label', (p) => {
    const lim = funnelLimits(baseline, p.denominator, false);
    const e = p.phe_funnel_limits_uncapped;
    expectClose(lim.lower95, e.lower95, 1e-9, 0, 'lower95');
    expectClose(lim.upper95, e.upper95, 1e-9, 0, 'upper95');
    expectClose(lim.lower99_8, e.lower99_8, 1e-9, 0, 'lower99.8');
    expectClose(lim.upper99_8, e.upper99_8, 1e-9, 0, 'upper99.8');
    expect(funnelSignificance(p.numerator, p.denominator, baseline)).toBe(p.phe_significance);
  });
  it.each(ref.limits_grid)('grid at n = $denominator', (g) => {
    const lim = funnelLimits(ref.baseline, g.denominator, false);
    // The grid is computed from the baseline printed to 11 dp, hence the looser 1e-9 absolute part.
    expectClose(lim.lower95, g.lower95, 1e-9, 1e-9, 'lower95');
    expectClose(lim.upper95, g.upper95, 1e-9, 1e-9, 'upper95');
    expectClose(lim.lower99_8, g.lower99_8, 1e-9, 1e-9, 'lower99.8');
    expectClose(lim.upper99_8, g.upper99_8, 1e-9, 1e-9, 'upper99.8');
  });
  it('each limit is the proportion whose Wilson interval just touches the baseline (sigma_adjustment)', () => {
    for (const n of [52, 300, 5000]) {
      for (const z of [Z95, Z998]) {
        const low = funnelLimit(baseline, n, z, 'low');
        const high = funnelLimit(baseline, n, z, 'high');
        expectClose(wilson(low * n, n, z)!.upper, baseline, 1e-12, 0, `wilson upper at the low limit, n=${n}`);
        expectClose(wilson(high * n, n, z)!.lower, baseline, 1e-12, 0, `wilson lower at the high limit, n=${n}`);
      }
    }
  });
});

describe('funnel: PHEindicatormethods testdata_funnel_prop (303 PCTs)', () => {
  const inputs = referenceCsv('pheindicatormethods/testdata_funnel_prop_inputs.csv').map((r) => ({
    area: r.Area!,
    numerator: Number(r.numerator),
    denominator: Number(r.denominator),
    significance: r.significance!,
  }));
  it('labels all 303 areas as assign_funnel_significance does', () => {
    expect(inputs).toHaveLength(303);
    const { baseline, points } = funnelPoints(inputs);
    expectClose(baseline! * 100, 80.642448, 0, 5e-7, 'baseline %');
    const mismatches = points.flatMap((p, i) => (p.significance === inputs[i]!.significance ? [] : [inputs[i]!.area]));
    expect(mismatches).toEqual([]);
  });
  const compareTable = (file: string, rows: typeof inputs, abs: number): void => {
    const expected = referenceCsv(file);
    const table = funnelLimitsTable(rows)!;
    expect(table).toHaveLength(100);
    expect(expected).toHaveLength(100);
    table.forEach((row, i) => {
      const e = expected[i]!;
      expect(row.denominator, `row ${i + 1} population`).toBe(Number(e.Population));
      expectClose(row.lower95 * 100, Number(e.Lower2s0025limit), 0, abs, `row ${i + 1} lower 95%`);
      expectClose(row.upper95 * 100, Number(e.Upper2s0025limit), 0, abs, `row ${i + 1} upper 95%`);
      expectClose(row.lower99_8 * 100, Number(e.Lower3s0001limit), 0, abs, `row ${i + 1} lower 99.8%`);
      expectClose(row.upper99_8 * 100, Number(e.Upper3s0001limit), 0, abs, `row ${i + 1} upper 99.8%`);
      expectClose(row.baseline * 100, Number(e.Baseline), 0, abs, `row ${i + 1} baseline`);
    });
  };
  it('reproduces the 100-row limits table (printed to 6 dp: ±5e-7 absolute, in %)', () => {
    compareTable('pheindicatormethods/testdata_funnel_prop_outputs.csv', inputs, 5.0001e-7);
  });
  it('reproduces the table with a non-zero axis minimum (denominators < 31000; printed to 8 dp: ±5e-9)', () => {
    compareTable(
      'pheindicatormethods/testdata_funnel_prop_outputs_with_axis_variation.csv',
      inputs.filter((r) => r.denominator < 31000),
      5.0001e-9,
    );
  });
});

describe('funnel edge cases', () => {
  it('handles zero denominators, 0% and 100% without NaN', () => {
    const { baseline, points } = funnelPoints([
      { numerator: 0, denominator: 0 },
      { numerator: 0, denominator: 40 },
      { numerator: 40, denominator: 40 },
      { numerator: 30, denominator: 40 },
    ]);
    expect(baseline).toBeCloseTo(70 / 120, 15);
    expect(points[0]).toMatchObject({ value: null, limits: null, significance: null });
    expect(points[1]!.significance).toBe('Low (0.001)');
    expect(points[2]!.significance).toBe('High (0.001)');
    for (const p of points.slice(1)) for (const v of Object.values(p.limits!)) expect(v >= 0 && v <= 1).toBe(true);
  });
  it('has no baseline and no table when every denominator is 0', () => {
    expect(pooledBaseline([{ numerator: 0, denominator: 0 }])).toBeNull();
    expect(funnelLimitsTable([{ numerator: 0, denominator: 0 }])).toBeNull();
  });
  it('rejects a numerator above its denominator, naming the point', () => {
    expect(() => pooledBaseline([{ numerator: 1, denominator: 2 }, { numerator: 5, denominator: 4 }])).toThrow(/points\[1\]\.numerator/);
  });
  it('with a baseline of 0% or 100% every limit collapses onto it', () => {
    expect(funnelLimits(0, 50)).toEqual({ lower95: 0, upper95: 0, lower99_8: 0, upper99_8: 0 });
    expect(funnelSignificance(50, 50, 1)).toBe('Not significant');
  });
});
