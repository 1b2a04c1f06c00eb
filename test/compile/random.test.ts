import { describe, expect, it } from 'vitest';
import { monthEndsBetween } from '../../src/indicators/compile/periods.js';
import type { RawResult } from '../../src/indicators/results.js';
import { EVENT_CODES, MEDICATION_CODES, RANDOM_LISTS, randomDefinitions } from './fixtures/random-definitions.js';
import { compute, sortRaw } from './helpers.js';
import { naiveRaw } from './naive.js';
import { randomExtract } from './random-extracts.js';

/** Numerators and denominators must agree exactly (sums of values to rounding). */
function expectSame(actual: RawResult[], expected: RawResult[]): void {
  const key = (r: RawResult): string => `${r.indicator_id} ${r.practice} ${r.period_end}`;
  expect(actual.map(key)).toEqual(expected.map(key));
  const mismatches: string[] = [];
  expected.forEach((e, i) => {
    const a = actual[i] as RawResult;
    const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
    if (!close(a.numerator, e.numerator) || a.denominator !== e.denominator || !close(a.sum_sq, e.sum_sq)) {
      mismatches.push(`${key(e)}: got ${a.numerator}/${a.denominator} (${a.sum_sq}), expected ${e.numerator}/${e.denominator} (${e.sum_sq})`);
    }
  });
  expect(mismatches.slice(0, 10)).toEqual([]);
}

describe('compiled SQL agrees with a naive patient-by-patient evaluation', () => {
  const indicators = randomDefinitions();
  const periods = monthEndsBetween('2011-01', '2013-12');
  for (const seed of [1, 2, 3]) {
    it(`random extract ${seed}`, async () => {
      const data = randomExtract(seed, { patients: 250, practices: ['P1', 'P2', 'P3'], eventCodes: EVENT_CODES, medicationCodes: MEDICATION_CODES, fromYear: 2011, toYear: 2013 });
      const expected = sortRaw(naiveRaw(data, RANDOM_LISTS, indicators, periods));
      const actual = await compute(data, RANDOM_LISTS, indicators, periods);
      // The extract must exercise the rules, not just produce zeros.
      for (const ind of indicators) {
        expect(expected.some((r) => r.indicator_id === ind.definition.id && r.numerator > 0), `${ind.definition.id} has some numerator`).toBe(true);
      }
      expectSame(actual, expected);
    });
  }
});
