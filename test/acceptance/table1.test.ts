import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { measure } from '../../src/indicators/measure.js';
import { loadStudy, monthEnd } from '../../src/programmes/study.js';
import { generateSynthetic } from '../../src/sources/synthetic/generate.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';

/**
 * Acceptance: the default scenario (300,000 patients, seed 1) reproduces the direction and rough
 * size of every Table 1 change in Pettigrew et al. 2018 (programmes/tower-hamlets.yaml), measured
 * by the real indicator definitions on the collaboration as a whole.
 *
 * Tolerances, stated once:
 * - proportions: the start and end values each within 6 percentage points of what the study reported;
 * - mean HbA1c: within 0.12 (% DCCT) at start and end, and lower at the end;
 * - COPD register: relative growth between +11% and +31% (reported +21%);
 * - changes the studies reported: the change goes the reported way by more than a third of the
 *   reported change;
 * - "no change" KPIs (COPD smoking, influenza vaccination): the change is within ±5 points.
 */
const study = loadStudy('tower-hamlets');
const kpis = study.programmes.flatMap((p) => p.kpis);
let db: DuckDBEngine;
const values = new Map<string, number>();

beforeAll(async () => {
  db = await DuckDBEngine.open(':memory:');
  const codelists = loadCodelists();
  const indicators = loadIndicators(codelists);
  await generateSynthetic(db, { patients: 300_000, seed: 1, force: false }, { codelists });
  const months = kpis.flatMap((k) => [k.from.period, k.to.period]).sort();
  await measure(db, { indicators, codelists, indicatorIds: [...new Set(kpis.map((k) => k.indicator))], from: months[0], to: months[months.length - 1] });
  const rows = await db.all<{ indicator_id: string; period_end: string; value: number | null }>(
    "SELECT indicator_id, CAST(period_end AS VARCHAR) AS period_end, value FROM indicator_result WHERE org_kind = 'collaboration'",
  );
  for (const r of rows) if (r.value !== null) values.set(`${r.indicator_id}@${r.period_end}`, r.value);
}, 600_000);

afterAll(async () => {
  await db?.close();
});

function observed(indicator: string, month: string): number {
  const v = values.get(`${indicator}@${monthEnd(month)}`);
  if (v === undefined) throw new Error(`no collaboration result for ${indicator} at ${month}`);
  return v;
}

describe('Table 1 of the review, reproduced by the default scenario', () => {
  for (const k of kpis) {
    it(`${k.indicator}: ${k.from.period} → ${k.to.period} (${k.change})`, () => {
      const a = observed(k.indicator, k.from.period);
      const b = observed(k.indicator, k.to.period);
      if ('relative' in k.from && 'relative' in k.to) {
        const growth = (100 * (b - a)) / a;
        const reported = k.to.relative - k.from.relative;
        expect(growth).toBeGreaterThan(reported - 10);
        expect(growth).toBeLessThan(reported + 10);
        return;
      }
      if (!('value' in k.from) || !('value' in k.to)) throw new Error(`${k.indicator}: the study file gives no values`);
      const tolerance = k.indicator === 'dm-hba1c-mean' ? 0.12 : 6;
      expect(Math.abs(a - k.from.value)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(b - k.to.value)).toBeLessThanOrEqual(tolerance);
      const reportedChange = k.to.value - k.from.value;
      if (k.change === 'none') expect(Math.abs(b - a)).toBeLessThanOrEqual(5);
      else if (k.change === 'increase') expect(b - a).toBeGreaterThan(reportedChange / 3);
      else expect(b - a).toBeLessThan(reportedChange / 3);
    });
  }
});
