import { afterEach, describe, expect, it } from 'vitest';
import { linearTrend, projectScheme } from '../../src/programmes/incentives/projection.js';
import type { Engine } from '../../src/store/engine.js';
import { CATALOGUE, addResults, scheme, storeWith } from './helpers.js';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const TEXT = `
id: dm
title: Diabetes
years: 2010
pot: { per: year, per_network: "£10,000" }
advance: { share: 70%, paid: year_start }
performance:
  share: 30%
  components:
    - { id: care-plan, indicator: dm-care-plan, weight: 100%, rule: { type: sliding_scale, lower: 50, upper: 90 } }
`;

const MONTHS = ['2010-07-31', '2010-08-31', '2010-09-30', '2010-10-31', '2010-11-30', '2010-12-31'];

describe('linear trend', () => {
  it('fits a least-squares line and extrapolates it', () => {
    // y = 2t + 1 exactly.
    expect(linearTrend([0, 1, 2, 3].map((t) => ({ t, y: 2 * t + 1 })), 10)).toEqual({ value: 21, slope: 2 });
    // (0,0), (1,2), (2,1): mean t 1, mean y 1; slope = Σ(dt·dy)/Σdt² = ((−1)(−1) + 0·1 + 1·0)/2 = 0.5; at t = 4: 1 + 0.5 × 3 = 2.5.
    expect(linearTrend([{ t: 0, y: 0 }, { t: 1, y: 2 }, { t: 2, y: 1 }], 4)).toEqual({ value: 2.5, slope: 0.5 });
    expect(linearTrend([{ t: 5, y: 7 }], 9)).toEqual({ value: 7, slope: null });
    expect(linearTrend([], 9)).toBeNull();
  });
});

describe('projection: at current trajectory', () => {
  it('extrapolates the last six months to the measurement date and applies the rule', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    await addResults(engine, [
      // N1 climbs 2 points a month from 50% in July 2010 (July … December: 50, 52, …, 60).
      ...MONTHS.map((p, i) => ({ indicator: 'dm-care-plan', org: 'N1', period: p, numerator: 50 + 2 * i, denominator: 100 })),
      // N2 is flat at 40%.
      ...MONTHS.map((p) => ({ indicator: 'dm-care-plan', org: 'N2', period: p, numerator: 40, denominator: 100 })),
      // An older month outside the six-month window is not used.
      { indicator: 'dm-care-plan', org: 'N1', period: '2010-01-31', numerator: 99, denominator: 100 },
    ]);
    const p = await projectScheme(engine, scheme(TEXT), 2010, CATALOGUE);
    const n1 = p.networks[0];
    // N1: December 2010 is 60%, +2 a month; March 2011 is 3 months later → 66%.
    // Share (66 − 50) / 40 = 0.4 of the £3,000 performance pot = £1,200; with the £7,000 advance, £8,200 of £10,000.
    expect(n1?.components[0]).toMatchObject({ basis: 'trend', measured_at: '2011-03-31', earned_pence: 120_000 });
    expect(n1?.components[0]?.slope_per_month).toBeCloseTo(2, 10);
    expect(n1?.components[0]?.projected_value).toBeCloseTo(66, 10);
    expect(n1?.components[0]?.points).toHaveLength(6);
    expect(n1).toMatchObject({ advance_pence: 700_000, projected_performance_pence: 120_000, projected_total_pence: 820_000 });
    expect(n1?.sentence).toBe('At current trajectory Network N1 (N1) will earn £8,200.00 of £10,000.00.');
    // N2: flat at 40% → below the lower threshold → advance only, £7,000.
    expect(p.networks[1]).toMatchObject({ projected_total_pence: 700_000 });
    expect(p.totals.sentence).toBe('At current trajectory the networks will earn £15,200.00 of £20,000.00.');
  });

  it('projects from an earlier month when asked, and uses the actual result once the date is measured', async () => {
    engine = await storeWith({ N1: ['P1'] });
    await addResults(engine, [
      ...MONTHS.map((p, i) => ({ indicator: 'dm-care-plan', org: 'N1', period: p, numerator: 50 + 2 * i, denominator: 100 })),
      { indicator: 'dm-care-plan', org: 'N1', period: '2011-03-31', numerator: 90, denominator: 100 },
    ]);
    // As of September 2010 with three months (Jul 50, Aug 52, Sep 54): +2 a month, six months on → 66%.
    const early = await projectScheme(engine, scheme(TEXT), 2010, CATALOGUE, { asOf: '2010-09-30', months: 3 });
    expect(early.networks[0]?.components[0]?.points.map((x) => x.period_end)).toEqual(['2010-07-31', '2010-08-31', '2010-09-30']);
    expect(early.networks[0]?.components[0]?.projected_value).toBeCloseTo(66, 10);
    // With March 2011 measured (90%), the actual result is used: the whole £3,000.
    const late = await projectScheme(engine, scheme(TEXT), 2010, CATALOGUE);
    expect(late.networks[0]?.components[0]).toMatchObject({ basis: 'actual', projected_value: 90, earned_pence: 300_000 });
  });

  it('keeps a projected percentage within 0–100 and says when there is nothing to project from', async () => {
    engine = await storeWith({ N1: ['P1'], N2: ['P2'] });
    // N1 climbs 10 points a month from 60%: the line would pass 100%.
    await addResults(
      engine,
      MONTHS.map((p, i) => ({ indicator: 'dm-care-plan', org: 'N1', period: p, numerator: 45 + 10 * i, denominator: 100 })),
    );
    const p = await projectScheme(engine, scheme(TEXT), 2010, CATALOGUE);
    expect(p.networks[0]?.components[0]?.projected_value).toBe(100);
    expect(p.networks[1]?.components[0]).toMatchObject({ basis: 'none', projected_value: null, status: 'missing', earned_pence: 0 });
  });
});
