import { describe, expect, it } from 'vitest';
import { reportingPeriodEnds } from '../../model/reporting-period.js';
import { beforeAfterPeriods, chooseMethod, differenceInDifferences, phaseOfPeriodEnd, samplingVariance, windowSides } from './study-window.js';

describe('periods against the phase-in', () => {
  it('puts a period by its value date (its last month end): before, inside (transition) or after', () => {
    const phase = { from: '2009-09', to: '2010-01' };
    expect(phaseOfPeriodEnd('2009-06-30', phase)).toBe('before');
    expect(phaseOfPeriodEnd('2009-09-30', phase)).toBe('transition');
    expect(phaseOfPeriodEnd('2009-12-31', phase)).toBe('transition');
    expect(phaseOfPeriodEnd('2010-01-31', phase)).toBe('transition');
    expect(phaseOfPeriodEnd('2010-03-31', phase)).toBe('after');
  });
  it('gives MMR1 (quarterly 2006-Q1–2010-Q3, phase-in Sep 2009–Jan 2010) an ITS: 14 quarters before, 2 in the phase-in, 3 after', () => {
    const sides = windowSides(reportingPeriodEnds('2006-01', '2010-09', 'quarter'), { from: '2009-09', to: '2010-01' });
    expect([sides.before.length, sides.transition, sides.after]).toEqual([14, ['2009-09-30', '2009-12-31'], ['2010-03-31', '2010-06-30', '2010-09-30']]);
    expect(chooseMethod(sides)).toBe('comparative ITS');
  });
  it('gives diabetes retinal screening (QOF years 2007–2012, phase-in Oct 2009–Apr 2010) a before/after from 2009 to 2012', () => {
    const ends = reportingPeriodEnds('2006-04', '2012-03', 'year', 'qof');
    const sides = windowSides(ends, { from: '2009-10', to: '2010-04' });
    expect([sides.before, sides.transition, sides.after]).toEqual([['2007-03-31', '2008-03-31', '2009-03-31'], ['2010-03-31'], ['2011-03-31', '2012-03-31']]);
    expect(chooseMethod(sides)).toBe('comparative before/after');
    expect(beforeAfterPeriods(ends, sides)).toEqual({ from: '2009-03-31', to: '2012-03-31', from_is_before_phase_in: true });
  });
  it('starts a before/after at the window’s first period when the window starts inside the phase-in (statins 2009–2011)', () => {
    const ends = reportingPeriodEnds('2008-04', '2011-03', 'year', 'qof');
    const sides = windowSides(ends, { from: '2008-01', to: '2010-04' });
    expect(sides.before).toEqual([]);
    expect(beforeAfterPeriods(ends, sides)).toEqual({ from: '2009-03-31', to: '2011-03-31', from_is_before_phase_in: false });
    expect(beforeAfterPeriods(['2009-03-31'], windowSides(['2009-03-31'], { from: '2008-01', to: '2010-04' }))).toBeNull();
  });
});

describe('the comparative before/after estimate', () => {
  it('uses binomial variance for percentages, Poisson for rates, the squared SE for means', () => {
    expect(samplingVariance({ value: 20, numerator: 20, denominator: 100 }, 'binomial', 100)).toBeCloseTo((100 * 100 * 0.2 * 0.8) / 100, 12);
    expect(samplingVariance({ value: 50, numerator: 5, denominator: 100 }, 'poisson', 1000)).toBeCloseTo((1000 * 1000 * 5) / 10000, 12);
    expect(samplingVariance({ value: 7.8, numerator: 780, denominator: 100, se: 0.1 }, 'mean', 1)).toBeCloseTo(0.01, 12);
    expect(samplingVariance({ value: 7.8, numerator: 780, denominator: 100 }, 'mean', 1)).toBeNull();
  });
  it('is the collaboration’s change minus the comparator’s, with a normal CI from the four variances', () => {
    const p = (x: number, n: number) => ({ value: (100 * x) / n, numerator: x, denominator: n });
    const d = differenceInDifferences({ before: p(100, 1000), after: p(800, 1000) }, { before: p(2000, 10000), after: p(2500, 10000) }, 'binomial', 100)!;
    expect(d.treated_change).toBeCloseTo(70, 10);
    expect(d.comparator_change).toBeCloseTo(5, 10);
    expect(d.estimate).toBeCloseTo(65, 10);
    const v = (q: number, n: number) => (1e4 * q * (1 - q)) / n;
    const se = Math.sqrt(v(0.1, 1000) + v(0.8, 1000) + v(0.2, 10000) + v(0.25, 10000));
    expect(d.se).toBeCloseTo(se, 12);
    expect(d.ci_lower).toBeCloseTo(65 - 1.959963984540054 * se, 10);
    expect(d.p!).toBeLessThan(1e-10);
    // No difference: P near 1.
    const same = differenceInDifferences({ before: p(100, 1000), after: p(150, 1000) }, { before: p(1000, 10000), after: p(1500, 10000) }, 'binomial', 100)!;
    expect(same.estimate).toBeCloseTo(0, 10);
    expect(same.p!).toBeGreaterThan(0.99);
  });
});
