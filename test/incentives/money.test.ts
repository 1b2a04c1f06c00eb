import { describe, expect, it } from 'vitest';
import { allocate, applyRatio, formatPounds, parseMoney } from '../../src/programmes/incentives/money.js';
import { fromDecimal, ratio, toFixed } from '../../src/programmes/incentives/ratio.js';
import { dateSpecProblem, resolveDate } from '../../src/programmes/incentives/financial-year.js';

describe('money in integer pence', () => {
  it('reads amounts as written in scheme files, exactly', () => {
    expect(parseMoney('£112,000')).toBe(11_200_000n);
    expect(parseMoney('£1,700,000')).toBe(170_000_000n);
    expect(parseMoney('£14,000.50')).toBe(1_400_050n);
    expect(parseMoney('300000')).toBe(30_000_000n);
    expect(parseMoney(14000)).toBe(1_400_000n);
    // Not money: fractions of a penny, floats, malformed thousands, shorthand.
    for (const bad of ['£1.7m', '£14,000.5', '£14,00', '14000.505', 14000.5, -5, '']) expect(parseMoney(bad)).toBeNull();
  });

  it('prints pounds and pence', () => {
    expect(formatPounds(11_200_000n)).toBe('£112,000.00');
    expect(formatPounds(1n)).toBe('£0.01');
    expect(formatPounds(-123_456n)).toBe('−£1,234.56');
  });

  it('splits by largest remainder so the parts add up exactly', () => {
    // £100,000.01 three ways: 10,000,001 / 3 = 3,333,333 remainder 2 each; the two pennies left
    // go to the first two (equal remainders and weights: earlier part first).
    expect(allocate(10_000_001n, [1n, 1n, 1n])).toEqual([3_333_334n, 3_333_334n, 3_333_333n]);
    // £1,000,000 by list sizes 3 : 3 : 1. 100,000,000 × 3/7 = 42,857,142 r 6 (twice), × 1/7 = 14,285,714 r 2.
    // Floors sum to 99,999,998; the 2 pennies go to the remainders of 6.
    expect(allocate(100_000_000n, [3n, 3n, 1n])).toEqual([42_857_143n, 42_857_143n, 14_285_714n]);
    // 70/30 of 1,000,003p: 700,002.1 and 300,000.9 → the penny goes to the larger remainder (.9).
    expect(allocate(1_000_003n, [7000n, 3000n])).toEqual([700_002n, 300_001n]);
    // Zero weights get nothing; equal remainders: the larger weight first.
    expect(allocate(10n, [0n, 1n, 2n])).toEqual([0n, 3n, 7n]);
    expect(allocate(1n, [1n, 3n])).toEqual([0n, 1n]);
  });

  it('keeps totals exact where a float product would not be (products beyond 2^53)', () => {
    const total = 999_999_999_999n; // ~£10 billion in pence
    const weights = [123_456_789n, 987_654_321n, 555_555_555n];
    const parts = allocate(total, weights);
    expect(parts.reduce((s, p) => s + p, 0n)).toBe(total);
    // total × w passes 2^53 here, which a float split would round.
    expect(total * (weights[1] as bigint) > 2n ** 53n).toBe(true);
  });

  it('applies a ratio with one rounding to the nearest penny, halves up', () => {
    expect(applyRatio(99_990n, ratio(5n, 12n))).toBe(41_663n); // 41,662.5 → 41,663
    expect(applyRatio(100_021n, ratio(68n, 100n))).toBe(68_014n); // 68,014.28 → 68,014
    expect(applyRatio(315_001n, ratio(1n, 2n))).toBe(157_501n); // 157,500.5 → 157,501
    expect(applyRatio(7n, ratio(1n, 3n))).toBe(2n); // 2.33 → 2
  });
});

describe('exact thresholds', () => {
  it('reads decimals through their written form', () => {
    expect(fromDecimal(86.5)).toEqual({ num: 173n, den: 2n });
    expect(fromDecimal(7.5)).toEqual({ num: 15n, den: 2n });
    expect(fromDecimal(0.1 + 0.2)).toBeNull(); // 0.30000000000000004: more than six decimals
    expect(toFixed(ratio(5n, 12n), 6)).toBe('0.416667');
  });
});

describe('financial years', () => {
  it('resolves the dates a scheme names', () => {
    expect(resolveDate('year_start', 2009)).toBe('2009-04-01');
    expect(resolveDate('year_end', 2009)).toBe('2010-03-31');
    expect(resolveDate('09-30', 2009)).toBe('2009-09-30');
    expect(resolveDate('01-31', 2009)).toBe('2010-01-31');
    expect(resolveDate('03-31 of previous year', 2009)).toBe('2009-03-31');
    expect(resolveDate('06-30 of next year', 2009)).toBe('2010-06-30');
    expect(resolveDate('02-29', 2011)).toBe('2012-02-29');
    expect(() => resolveDate('02-29', 2009)).toThrow(/not a leap year/);
    expect(dateSpecProblem('13-01')).toMatch(/not a day/);
    expect(dateSpecProblem('end of year')).toMatch(/not a date/);
  });
});
