import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tQuantile } from './t-distribution.js';

const ref = JSON.parse(readFileSync(new URL('../../../shared/reference/stats-reference.json', import.meta.url), 'utf8')) as {
  mean_ci: { values: number[]; mean: number; sd: number; lower95: number; upper95: number };
};

describe('tQuantile', () => {
  it('matches well-known quantiles of Student t (R qt)', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736, 8);
    expect(tQuantile(0.975, 7)).toBeCloseTo(2.364624252, 8);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272456, 8);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228138852, 8);
  });
  it('reproduces the PHE mean CI reference (phe_mean)', () => {
    const { values, mean, lower95, upper95 } = ref.mean_ci;
    const n = values.length;
    const m = values.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1));
    const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
    expect(m).toBeCloseTo(mean, 9);
    expect(m - half).toBeCloseTo(lower95, 9);
    expect(m + half).toBeCloseTo(upper95, 9);
  });
});
