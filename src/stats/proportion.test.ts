import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Z95, Z998, wilson } from './proportion.js';

interface WilsonCase {
  numerator: number;
  denominator: number;
  lower95: number;
  upper95: number;
  lower99_8?: number;
  upper99_8?: number;
}
const ref = JSON.parse(readFileSync(new URL('../../../shared/reference/stats-reference.json', import.meta.url), 'utf8')) as {
  wilson_proportion_ci: { cases: WilsonCase[] };
};

describe('wilson', () => {
  const cases = ref.wilson_proportion_ci.cases;
  it('has published reference cases to check against', () => {
    expect(cases.length).toBeGreaterThan(3);
  });
  for (const c of cases) {
    it(`matches the reference for ${c.numerator}/${c.denominator} (1e-9 relative)`, () => {
      const ci95 = wilson(c.numerator, c.denominator, Z95);
      expect(ci95).not.toBeNull();
      expect(ci95!.lower).toBeCloseTo(c.lower95, 9);
      expect(ci95!.upper).toBeCloseTo(c.upper95, 9);
      if (c.lower99_8 !== undefined && c.upper99_8 !== undefined) {
        const ci998 = wilson(c.numerator, c.denominator, Z998)!;
        expect(ci998.lower).toBeCloseTo(c.lower99_8, 9);
        expect(ci998.upper).toBeCloseTo(c.upper99_8, 9);
      }
    });
  }
  it('returns null for a zero denominator and rejects impossible counts', () => {
    expect(wilson(0, 0)).toBeNull();
    expect(() => wilson(5, 4)).toThrow(/greater than denominator/);
    expect(() => wilson(-1, 4)).toThrow(/negative/);
  });
  it('stays inside [0, 1] at 0% and 100%', () => {
    expect(wilson(0, 10)!.lower).toBe(0);
    expect(wilson(10, 10)!.upper).toBe(1);
  });
});
