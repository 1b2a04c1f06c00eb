/**
 * The childhood doses other than MMR follow the 2006–2013 UK schedule (docs/GENERATOR.md):
 * DTaP/IPV/Hib at 8, 12 and 16 weeks, PCV with the first and third, the one-year boosters at the
 * MMR1 visit; and they leave every other row of the store as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRaw } from '../../src/indicators/compile/compute.js';
import { loadIndicators } from '../../src/indicators/load.js';
import type { Engine } from '../../src/store/engine.js';
import { CODELISTS, generatedStore, num } from './helpers.js';

let db: Engine;

beforeAll(async () => {
  db = (await generatedStore(20_000, 5)).db;
}, 120_000);
afterAll(async () => db?.close());

const dosesOf = (slug: string): string =>
  `(SELECT e.patient_id, e.date, p.birth_date, row_number() OVER (PARTITION BY e.patient_id ORDER BY e.date) AS k
    FROM clinical_event e JOIN codelist_code c ON c.code = e.code AND c.slug = '${slug}' JOIN patient p ON p.id = e.patient_id)`;

describe('synthetic generator: childhood primary course and boosters', () => {
  it('gives the DTaP/IPV/Hib primary course from 8 weeks, at least 4 weeks apart, at most three doses', async () => {
    const rows = await db.all<{ k: number; n: number; median_days: number; min_days: number }>(`
      SELECT k, count(*) AS n, median(date - birth_date) AS median_days, min(date - birth_date) AS min_days FROM ${dosesOf('gpnet_dtap_ipv_hib')} d GROUP BY k ORDER BY k`);
    expect(rows.map((r) => Number(r.k))).toEqual([1, 2, 3]);
    const [d1, d2, d3] = rows.map((r) => Number(r.median_days));
    expect(d1).toBeGreaterThanOrEqual(56);
    expect(d1).toBeLessThan(70);
    expect(d2! - d1!).toBeGreaterThanOrEqual(28);
    expect(d3! - d2!).toBeLessThan(40);
    expect(Number(rows[0]?.min_days)).toBeGreaterThanOrEqual(56);
    expect(
      await num(db, `SELECT count(*) FROM ${dosesOf('gpnet_dtap_ipv_hib')} a JOIN ${dosesOf('gpnet_dtap_ipv_hib')} b ON a.patient_id = b.patient_id AND b.k = a.k + 1 WHERE b.date - a.date < 28`),
    ).toBe(0);
    // No 6-in-1 before its introduction in 2017 (the demo ends in 2013).
    expect(await num(db, `SELECT count(*) FROM clinical_event WHERE code = 'GPNET-DTAPIPVHIBHEPB-001'`)).toBe(0);
  });

  it('gives PCV only to children born from July 2006, and boosters only from the first birthday', async () => {
    expect(await num(db, `SELECT count(*) FROM ${dosesOf('gpnet_pcv')} d WHERE birth_date < DATE '2005-09-04'`)).toBe(0);
    expect(await num(db, `SELECT count(*) FROM ${dosesOf('gpnet_pcv')} d WHERE birth_date < DATE '2006-07-04' AND date < (birth_date + INTERVAL 12 MONTH)::DATE`)).toBe(0);
    expect(await num(db, `SELECT count(*) FROM ${dosesOf('gpnet_hib_menc')} d WHERE birth_date < DATE '2005-09-04' OR date < (birth_date + INTERVAL 364 DAY)::DATE`)).toBe(0);
    // The PCV booster is not given after the second birthday.
    expect(await num(db, `SELECT count(*) FROM ${dosesOf('gpnet_pcv')} d WHERE date >= (birth_date + INTERVAL 2 YEAR)::DATE`)).toBe(0);
  });

  it('gives most one-year boosters on the MMR1 day', async () => {
    const total = await num(db, `SELECT count(*) FROM ${dosesOf('gpnet_hib_menc')} d`);
    const withMmr = await num(
      db,
      `SELECT count(*) FROM ${dosesOf('gpnet_hib_menc')} d WHERE EXISTS (
         SELECT 1 FROM clinical_event e JOIN codelist_code c ON c.code = e.code AND c.slug = 'mmr_vaccination' WHERE e.patient_id = d.patient_id AND e.date = d.date)`,
    );
    expect(total).toBeGreaterThan(100);
    expect(withMmr / total).toBeGreaterThan(0.8);
    expect(withMmr / total).toBeLessThan(1);
  });

  it('gives coverage like London in the demo years, the boosters rising with the MMR1 recall', async () => {
    const library = loadIndicators(CODELISTS).filter((i) => ['dtap-ipv-hib-3-by-1', 'pcv-booster-by-2', 'hib-menc-booster-by-2', 'mmr2-by-5'].includes(i.definition.id));
    const monthEnds = (from: number, to: number): string[] =>
      Array.from({ length: (to - from + 1) * 12 }, (_, i) => new Date(Date.UTC(from, i + 1, 0)).toISOString().slice(0, 10));
    const pooled = async (years: [number, number]): Promise<Record<string, number>> => {
      const raw = await computeRaw(db, library, monthEnds(...years));
      const out: Record<string, number> = {};
      for (const ind of library) {
        const rows = raw.filter((r) => r.indicator_id === ind.definition.id);
        out[ind.definition.id] = (100 * rows.reduce((a, r) => a + r.numerator, 0)) / rows.reduce((a, r) => a + r.denominator, 0);
      }
      return out;
    };
    const before = await pooled([2008, 2008]); // 2008: the boosters' first full year, before the programme
    const after = await pooled([2012, 2012]);
    for (const v of [before['dtap-ipv-hib-3-by-1'], after['dtap-ipv-hib-3-by-1']]) {
      expect(v).toBeGreaterThan(87); // London 12-month DTaP/IPV/Hib coverage ~ 90–92%
      expect(v).toBeLessThan(97);
    }
    for (const id of ['pcv-booster-by-2', 'hib-menc-booster-by-2']) {
      expect(after[id]).toBeGreaterThan(85);
      expect(after[id]! - before[id]!).toBeGreaterThan(4);
    }
    expect(after['mmr2-by-5']).toBeGreaterThan(72); // two doses by 5: London ~ 80%
    expect(after['mmr2-by-5']).toBeLessThan(92);
  }, 60_000);
});
