import { describe, expect, it } from 'vitest';
import { discloseRecallCounts, MEASURES } from './disclosed-counts.js';
import type { CountRow } from './service.js';

/** A seeded network of practices with list sizes that are often small. */
function network(seed: number, practices: number, programmes: readonly string[]): CountRow[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const size = (): number => (rand() < 0.3 ? 0 : rand() < 0.5 ? Math.floor(rand() * 9) : Math.floor(rand() * 200));
  const rows: CountRow[] = [];
  for (let p = 0; p < practices; p++) {
    for (const programme of programmes) {
      const overdue = size();
      rows.push({ network: 'N1', practice: `P${p}`, practice_name: `Practice ${p}`, programme, overdue, due_soon: size(), defaulters: Math.min(overdue, size()) });
    }
  }
  return rows;
}

const PROGRAMMES = ['mmr1', 'dm-hba1c', 'copd-review'];

describe('recall counts under the disclosure rule', () => {
  it('suppress:1-7: no small count shown, and no withheld count can be worked out from the total', () => {
    let withheld = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rows = network(seed, 2 + (seed % 6), PROGRAMMES);
      const out = discloseRecallCounts('N1', PROGRAMMES, rows, { mode: 'suppress', low: 1, high: 7 });
      for (const programme of PROGRAMMES) {
        const total = out.totals.find((t) => t.programme === programme)!;
        const stored = rows.filter((r) => r.programme === programme);
        const shown = out.rows.filter((r) => r.programme === programme);
        for (const m of MEASURES) {
          const values = [total[m], ...shown.map((r) => r[m])];
          for (const v of values) if (v !== null) expect(v < 1 || v > 7, `${seed} ${programme} ${m} ${v}`).toBe(true);
          const hidden = values.filter((v) => v === null).length;
          expect(hidden === 0 || hidden >= 2, `${seed} ${programme} ${m}: ${hidden} withheld`).toBe(true);
          withheld += hidden;
          // Shown counts are the stored ones; the shown total less the shown practices is not small.
          shown.forEach((r, i) => r[m] === null || expect(r[m]).toBe(stored[i]![m]));
          if (total[m] !== null && hidden > 0) {
            const rest = (total[m] as number) - shown.reduce((a, r) => a + (r[m] ?? 0), 0);
            expect(rest < 1 || rest > 7, `${seed} ${programme} ${m}: remainder ${rest}`).toBe(true);
          }
          if (total[m] !== null) expect(total[m]).toBe(stored.reduce((a, r) => a + r[m], 0));
        }
      }
    }
    expect(withheld).toBeGreaterThan(100); // the seeded networks really exercise the rule
  });

  it('round:5 rounds every count and total; none leaves them as they are', () => {
    const rows = network(7, 5, PROGRAMMES);
    const rounded = discloseRecallCounts('N1', PROGRAMMES, rows, { mode: 'round', base: 5 });
    for (const r of [...rounded.rows, ...rounded.totals]) for (const m of MEASURES) expect((r[m] as number) % 5).toBe(0);
    expect(rounded.rows[0]!.overdue).toBe(Math.round(rows[0]!.overdue / 5) * 5);
    const plain = discloseRecallCounts('N1', PROGRAMMES, rows, { mode: 'none' });
    expect(plain.rows).toEqual(rows);
    expect(plain.totals.find((t) => t.programme === 'mmr1')!.overdue).toBe(rows.filter((r) => r.programme === 'mmr1').reduce((a, r) => a + r.overdue, 0));
  });
});
