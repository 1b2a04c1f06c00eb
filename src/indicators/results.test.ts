import { describe, expect, it } from 'vitest';
import { IndicatorDefinition } from './definition.js';
import { indicatorUnit, ragFor, unitOfKind, valueAndCi } from './results.js';

const base = { title: 't', area: 'cvd', rationale: 'r', source: 's', codelists: {} };
const deaths = IndicatorDefinition.parse({
  ...base,
  id: 'deaths',
  kind: 'deaths_per_100000',
  population: { age: { max: 74, unit: 'years' } },
  deaths: { window: { months: 12 } },
  target: { value: 30, direction: 'lower', amber_margin: 10 },
});
const rate = IndicatorDefinition.parse({
  ...base,
  id: 'rate',
  kind: 'rate_per_1000',
  population: { age: { min: 0, unit: 'years' } },
  count: { admissions: { method: 'any', icd10_prefixes: ['J44'], window: { months: 12 } } },
});

describe('deaths_per_100000 results', () => {
  it('are 100,000 × deaths ÷ population, with the Byar interval scaled the same way as per 1,000', () => {
    const d = valueAndCi(deaths, { numerator: 3, denominator: 12_000, sum_sq: 0 });
    const r = valueAndCi(rate, { numerator: 3, denominator: 12_000, sum_sq: 0 });
    expect(d.value).toBeCloseTo(25, 9);
    expect(d.ci_low).toBeCloseTo((r.ci_low as number) * 100, 9);
    expect(d.ci_high).toBeCloseTo((r.ci_high as number) * 100, 9);
    expect(d.ci_low as number).toBeLessThan(25);
    expect(d.ci_high as number).toBeGreaterThan(25);
    expect(valueAndCi(deaths, { numerator: 0, denominator: 0, sum_sq: 0 }).value).toBeNull();
  });

  it('are rated lower-is-better against the target and shown per 100,000', () => {
    expect(ragFor(25, deaths.target)).toBe('green');
    expect(ragFor(40, deaths.target)).toBe('amber');
    expect(ragFor(40.1, deaths.target)).toBe('red');
    expect(unitOfKind('deaths_per_100000')).toBe('per 100,000');
    expect(indicatorUnit(deaths)).toBe('per 100,000');
    expect(indicatorUnit(rate)).toBe('per 1,000');
  });
});
