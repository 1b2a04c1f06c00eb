import { describe, expect, it } from 'vitest';
import { cusum, percentileRanks } from '../../src/server/api/alerts.js';
import { describeCriterion } from '../../src/server/api/plain-english.js';
import { stripFontFaces } from '../../src/server/static-assets.js';
import { accessibleSvg } from '../../src/server/pages/charts.js';

describe('alert arithmetic', () => {
  it('percentile ranks: 0 worst, 100 best, mid-rank for ties, mirrored when low is good', () => {
    const v = new Map([['A', 10], ['B', 20], ['C', 20], ['D', 40]]);
    expect(Object.fromEntries(percentileRanks(v, 'high-is-good'))).toEqual({ A: 0, B: 50, C: 50, D: 100 });
    expect(Object.fromEntries(percentileRanks(v, 'low-is-good'))).toEqual({ A: 100, B: 50, C: 50, D: 0 });
  });

  it('two-sided tabular CUSUM by hand', () => {
    // mu0 = 50, k = 5: shortfalls 20-5, 20-5, 0 (x = 50 → max(0, 30 + 0 - 5) = 25)
    expect(cusum([30, 30, 50], 50, 5)).toEqual({ upper: 0, lower: 25 });
    // upper: 5, 5 + 15 = 20, 20 − 15 = 5; lower: 0, 0, 0 + 10 − 5 = 5
    expect(cusum([60, 70, 40], 50, 5)).toEqual({ upper: 5, lower: 5 });
    expect(cusum([70, 70, 70], 50, 5)).toEqual({ upper: 45, lower: 0 });
  });
});

describe('wording and safety helpers', () => {
  it('describes criteria in plain English with codelist titles', () => {
    const name = (s: string): string => ({ dm_cod: 'Diabetes diagnosis' })[s] ?? s;
    expect(describeCriterion({ all: [{ on_register: { codelist: 'dm_cod' } }, { age: { min: 17, unit: 'years' } }] }, name)).toBe(
      'on the Diabetes diagnosis register, and aged 17 years or over',
    );
    expect(describeCriterion({ not: { registered_for: { months: 3 } } })).toBe('registered for less than 3 months');
    expect(describeCriterion({ has_event: { codelist: 'x', window: { months: 15 }, value: { op: '<=', value: 150 } } })).toBe(
      'a code from x in the last 15 months with a value at or below 150',
    );
  });

  it('removes @font-face rules (external fonts) and keeps the rest', () => {
    const css = 'a{color:red}@font-face{font-family:F;src:url(https://example.org/f.woff2)}b{x:y}';
    expect(stripFontFaces(css)).toBe('a{color:red}b{x:y}');
  });

  it('makes a Plot SVG one labelled image: role, desc, no labels on inner groups', () => {
    const out = accessibleSvg('<svg aria-label="T" aria-description="D" class="p"><g aria-label="rule" stroke="red"></g></svg>');
    expect(out).toBe('<svg role="img" aria-label="T" class="p"><desc>D</desc><g stroke="red"></g></svg>');
  });
});
