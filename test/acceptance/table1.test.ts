import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { measure } from '../../src/indicators/measure.js';
import { generateSynthetic } from '../../src/sources/synthetic/generate.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { storeCodelists } from '../../src/store/load-data.js';
import { ISSUE13 } from '../generator/indicator-sql.js';
import { PUBLISHED, monthEndOf } from '../generator/published.js';
import { rehabByPhaseSql } from '../generator/rehab-by-phase.js';

/**
 * Acceptance: the default scenario (300,000 patients, seed 1) reproduces Table 1 of Pettigrew et
 * al. 2018 as published — the values at the published dates (test/generator/published.ts) —
 * measured by the indicator definitions on the collaboration as a whole. The demo is calibrated to
 * these values: this shows the pipeline end to end, it is not evidence of the effect.
 *
 * Tolerances, stated once. Each value must lie within max(base, 2 × its binomial standard error)
 * of the published one, base = 3 percentage points for proportions (the model's misfit once the
 * sampling noise is negligible, as it is with thousands of diabetes or COPD patients), 0.06 for
 * mean HbA1c (% DCCT), 6 points for the COPD register's relative growth. The change must go the
 * published way when the published change is larger than twice the standard error of the
 * difference (for the small MI denominators — about 100 patients — a 2.4-point change is not),
 * and a "no change" KPI must move by at most max(3, 2 × that standard error).
 *
 * mi-review-3-weeks is measured from the MI admission's discharge (issue 13). Until the library's
 * definition reads admissions, the plain-SQL mirror of that definition stands in for it.
 */
let db: DuckDBEngine;
const values = new Map<string, { value: number; denominator: number }>();

beforeAll(async () => {
  db = await DuckDBEngine.open(':memory:');
  const codelists = loadCodelists();
  const indicators = loadIndicators(codelists);
  await generateSynthetic(db, { patients: 300_000, seed: 1, force: false }, { codelists });
  await storeCodelists(db, codelists.values());
  const months = PUBLISHED.flatMap((p) => [p.from.month, p.to.month]).sort();
  const fromLibrary = new Set(
    PUBLISHED.map((p) => p.indicator).filter((id) => {
      const def = indicators.find((i) => i.definition.id === id);
      return def && (id !== 'mi-review-3-weeks' || JSON.stringify(def.definition).includes('admission'));
    }),
  );
  await measure(db, { indicators, codelists, indicatorIds: [...fromLibrary], from: months[0], to: months[months.length - 1] });
  const rows = await db.all<{ indicator_id: string; period_end: string; value: number | null; denominator: number }>(
    "SELECT indicator_id, CAST(period_end AS VARCHAR) AS period_end, value, denominator FROM indicator_result WHERE org_kind = 'collaboration'",
  );
  for (const r of rows) if (r.value !== null) values.set(`${r.indicator_id}@${r.period_end}`, { value: r.value, denominator: Number(r.denominator) });
  for (const p of PUBLISHED) {
    if (fromLibrary.has(p.indicator)) continue;
    const mirror = ISSUE13[p.indicator as keyof typeof ISSUE13];
    if (!mirror) throw new Error(`${p.indicator}: neither in the library nor mirrored`);
    for (const m of [p.from.month, p.to.month]) {
      const f = await mirror(db, monthEndOf(m));
      values.set(`${p.indicator}@${monthEndOf(m)}`, { value: f.value, denominator: f.denominator });
    }
  }
}, 1_200_000);

afterAll(async () => {
  await db?.close();
});

function observed(indicator: string, month: string): { value: number; denominator: number } {
  const v = values.get(`${indicator}@${monthEndOf(month)}`);
  if (v === undefined) throw new Error(`no collaboration result for ${indicator} at ${month}`);
  return v;
}

/** Binomial standard error in percentage points. */
const se = (pct: number, n: number): number => 100 * Math.sqrt(Math.max(pct / 100, 0.01) * Math.max(1 - pct / 100, 0.01) / n);

describe('Table 1 of the review as published, reproduced by the default scenario', () => {
  for (const p of PUBLISHED) {
    it(`${p.indicator}: ${p.from.value} (${p.from.month}) → ${p.to.value} (${p.to.month})`, () => {
      const a = observed(p.indicator, p.from.month);
      const b = observed(p.indicator, p.to.month);
      if (p.kind === 'relative') {
        const growth = (100 * (b.value - a.value)) / a.value;
        expect(Math.abs(growth - p.to.value)).toBeLessThanOrEqual(6);
        return;
      }
      if (p.kind === 'mean') {
        expect(Math.abs(a.value - p.from.value)).toBeLessThanOrEqual(0.06);
        expect(Math.abs(b.value - p.to.value)).toBeLessThanOrEqual(0.06);
        expect(Math.sign(b.value - a.value)).toBe(Math.sign(p.to.value - p.from.value));
        return;
      }
      const seA = se(a.value, a.denominator);
      const seB = se(b.value, b.denominator);
      expect(Math.abs(a.value - p.from.value)).toBeLessThanOrEqual(Math.max(3, 2 * seA));
      expect(Math.abs(b.value - p.to.value)).toBeLessThanOrEqual(Math.max(3, 2 * seB));
      const published = p.to.value - p.from.value;
      const seDiff = Math.sqrt(seA * seA + seB * seB);
      if (Math.abs(published) <= 1) expect(Math.abs(b.value - a.value)).toBeLessThanOrEqual(Math.max(3, 2 * seDiff));
      else if (Math.abs(published) > 2 * seDiff) expect(Math.sign(b.value - a.value)).toBe(Math.sign(published));
    });
  }
});

describe('the falls too noisy to assert on the indicator', () => {
  it('cardiac rehabilitation attendance after an MI falls after the CVD programme (every MI, patient level)', async () => {
    // ~600 MIs before the networks' starts and ~400 a year or more after: se of the difference ~3 points.
    const rows = await db.all<{ phase: string; n: number; rehab: number }>(rehabByPhaseSql());
    const by = Object.fromEntries(rows.map((r) => [r.phase, r]));
    expect(by['before']?.n).toBeGreaterThan(300);
    expect(by['after']?.n).toBeGreaterThan(300);
    expect(by['after']?.rehab).toBeLessThan(by['before']?.rehab ?? 0);
  });
});
