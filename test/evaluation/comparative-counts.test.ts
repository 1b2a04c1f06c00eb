/**
 * The comparative count model written for the evaluation programme (src/stats has none). It is
 * fully interacted, so its coefficients must equal separate Poisson fits of each series
 * (fitSegmentedCounts), the differences b4..b7 being treated minus comparator; with plain Poisson
 * errors the covariance is block-diagonal, so the SE of a difference is √(SE_t² + SE_c²).
 */
import { describe, expect, it } from 'vitest';
import { fitSegmentedCounts, type SegmentedCountResult } from '../../src/stats/index.js';
import { fitComparativeCounts, type ComparativeCountFit } from '../../src/programmes/evaluation/comparative-counts.js';
import { expectClose, referenceCsv } from './helpers.js';

const sicily = referenceCsv('its-sicily/sicily.csv');
const treated = sicily.map((r) => Number(r.aces));
const treatedExposure = sicily.map((r) => Number(r.stdpop));
// A comparator built from the same months with a different level, trend and no step: deterministic.
const comparator = treated.map((v, i) => Math.round(v * 0.6 * (1 + 0.002 * i) + 15 * Math.sin(i)));
const comparatorExposure = treatedExposure.map((e, i) => e * 0.7 + 500 * i);
const spec = { interventionIndex: 36, timeOrigin: 0 } as const;

function ok<T extends { status: string }>(r: T): Extract<T, { status: 'ok' }> {
  if (r.status !== 'ok') throw new Error(`not estimable: ${(r as unknown as { reason: string }).reason}`);
  return r as Extract<T, { status: 'ok' }>;
}

const single = (counts: number[], exposure: number[]): Extract<SegmentedCountResult, { status: 'ok' }> =>
  ok(fitSegmentedCounts({ counts, exposure, ...spec }, { family: 'poisson' }));

describe('fitComparativeCounts', () => {
  const t = single(treated, treatedExposure);
  const c = single(comparator, comparatorExposure);
  const both = ok(fitComparativeCounts({ treated, comparator, treatedExposure, comparatorExposure, ...spec }, { family: 'poisson', horizons: [1, 12] })) as ComparativeCountFit;
  const coef = (name: string): ComparativeCountFit['coefficients'][number] => both.coefficients.find((x) => x.name === name)!;

  it('the comparator terms equal a separate Poisson fit of the comparator', () => {
    for (const name of ['intercept', 'time', 'level_change', 'slope_change']) {
      const s = c.coefficients.find((x) => x.name === name)!;
      expectClose(coef(name).estimate, s.estimate, 1e-8, 1e-10, `${name} estimate`);
      expectClose(coef(name).se, s.se, 1e-6, 0, `${name} se`);
    }
  });

  it('the difference terms equal treated minus comparator, with SE √(SE_t² + SE_c²)', () => {
    const pairs = [
      ['treated', 'intercept'],
      ['treated_time', 'time'],
      ['treated_level_change', 'level_change'],
      ['treated_slope_change', 'slope_change'],
    ] as const;
    for (const [diff, name] of pairs) {
      const a = t.coefficients.find((x) => x.name === name)!;
      const b = c.coefficients.find((x) => x.name === name)!;
      expectClose(coef(diff).estimate, a.estimate - b.estimate, 1e-7, 1e-10, `${diff} estimate`);
      expectClose(coef(diff).se, Math.sqrt(a.se ** 2 + b.se ** 2), 1e-6, 0, `${diff} se`);
      expectClose(coef(diff).ratio, Math.exp(a.estimate - b.estimate), 1e-7, 0, `${diff} ratio`);
    }
    expect(both.deviance).toBeCloseTo(t.deviance + c.deviance, 6);
    expect(both.dfResidual).toBe(2 * 59 - 8);
  });

  it('effects at horizons are b6 + b7·s(h) as a ratio of rate ratios', () => {
    const [h1, h12] = both.effects;
    if (h1?.status !== 'ok' || h12?.status !== 'ok') throw new Error('expected estimable effects');
    expectClose(h1.rateRatio.ratio, coef('treated_level_change').ratio, 1e-12, 0, 'h = 1');
    expectClose(h12.effect.estimate, coef('treated_level_change').estimate + 11 * coef('treated_slope_change').estimate, 1e-12, 0, 'h = 12');
  });

  it('quasi-Poisson keeps the coefficients and scales the covariance by the pooled dispersion', () => {
    const q = ok(fitComparativeCounts({ treated, comparator, treatedExposure, comparatorExposure, ...spec }, { family: 'quasipoisson' }));
    expectClose(q.dispersion, q.pearsonChiSquare / q.dfResidual, 1e-12, 0, 'dispersion');
    q.coefficients.forEach((x, j) => {
      expectClose(x.estimate, both.coefficients[j]!.estimate, 1e-12, 1e-14, x.name);
      expectClose(x.se, both.coefficients[j]!.se * Math.sqrt(q.dispersion), 1e-9, 0, `${x.name} se`);
    });
  });

  it('names the series that has too few points or no events', () => {
    const shortComparator = comparator.map((v, i) => (i >= 38 ? null : v));
    expect(fitComparativeCounts({ treated, comparator: shortComparator, ...spec }, { family: 'poisson' })).toEqual({
      status: 'not-estimable',
      reason: 'the comparator has 2 usable period(s) after the intervention; at least 3 are needed',
    });
    const noEvents = treated.map((v, i) => (i >= 36 ? 0 : v));
    expect(fitComparativeCounts({ treated: noEvents, comparator, ...spec }, { family: 'poisson' })).toEqual({
      status: 'not-estimable',
      reason: 'the treated series has no events after the intervention, so a rate ratio cannot be estimated',
    });
  });
});
