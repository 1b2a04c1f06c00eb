import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE, suppress, type CountRow } from './suppress.js';

const row = (key: string, parent: string | null, numerator: number, denominator: number): CountRow => ({ key, parent, numerator, denominator });

/** Builds a collaboration of networks of practices; parents are the sums of their children. */
function tree(practices: [string, string, number, number][]): CountRow[] {
  const rows = practices.map(([k, n, num, den]) => row(k, n, num, den));
  const nets = [...new Set(practices.map((p) => p[1]))];
  for (const n of nets) {
    const kids = rows.filter((r) => r.parent === n);
    rows.push(row(n, 'C', kids.reduce((s, r) => s + r.numerator!, 0), kids.reduce((s, r) => s + r.denominator!, 0)));
  }
  const top = rows.filter((r) => r.parent === 'C');
  rows.push(row('C', null, top.reduce((s, r) => s + r.numerator!, 0), top.reduce((s, r) => s + r.denominator!, 0)));
  return rows;
}

/** No group (a parent and its children) has exactly one hidden member: nothing recoverable by subtraction. */
function noLoneSuppression(rows: CountRow[], hidden: Set<string>): boolean {
  const parents = new Set(rows.map((r) => r.parent).filter((p): p is string => p !== null));
  return [...parents].every((p) => [p, ...rows.filter((r) => r.parent === p).map((r) => r.key)].filter((k) => hidden.has(k)).length !== 1);
}

/** Groups whose parent is shown and whose withheld children total (parent − shown children) a count from 1 to 7. */
function smallRemainders(rows: CountRow[], hidden: Set<string>): string[] {
  const bad: string[] = [];
  for (const p of rows.filter((r) => !hidden.has(r.key))) {
    const kids = rows.filter((r) => r.parent === p.key);
    if (!kids.some((k) => hidden.has(k.key))) continue;
    const shown = kids.filter((k) => !hidden.has(k.key));
    const num = p.numerator! - shown.reduce((s, k) => s + k.numerator!, 0);
    const den = p.denominator! - shown.reduce((s, k) => s + k.denominator!, 0);
    if ([num, den, den - num].some((n) => n >= 1 && n <= 7)) bad.push(p.key);
  }
  return bad;
}

describe('disclosure control', () => {
  it('suppresses numerators, denominators and complements from 1 to 7, not 0 or 8', () => {
    const rows = [row('a', null, 0, 100), row('b', null, 1, 100), row('c', null, 7, 100), row('d', null, 8, 100), row('e', null, 95, 100), row('f', null, 92, 100), row('g', null, 0, 0), row('h', null, 3, 5)];
    expect([...suppress(rows)].sort()).toEqual(['b', 'c', 'e', 'h']);
  });

  it('adds a secondary suppression so a lone small count cannot be recovered from the total', () => {
    const rows = tree([
      ['P1', 'N1', 3, 50],
      ['P2', 'N1', 20, 40],
      ['P3', 'N1', 30, 60],
      ['P4', 'N2', 25, 70],
      ['P5', 'N2', 30, 80],
    ]);
    const hidden = suppress(rows);
    expect(hidden.has('P1')).toBe(true);
    expect(hidden.has('P2')).toBe(true); // the smallest other practice in N1
    expect(hidden.has('N1')).toBe(false);
    expect(noLoneSuppression(rows, hidden)).toBe(true);
  });

  it('hides the parent when no unsuppressed child is left, and cascades up the hierarchy', () => {
    const rows = tree([
      ['P1', 'N1', 2, 30],
      ['P4', 'N2', 25, 70],
      ['P5', 'N2', 30, 80],
    ]);
    const hidden = suppress(rows);
    expect(hidden.has('P1') && hidden.has('N1')).toBe(true);
    expect(noLoneSuppression(rows, hidden)).toBe(true);
  });

  it('never leaves a lone suppressed cell in random hierarchies', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let t = 0; t < 300; t++) {
      const practices: [string, string, number, number][] = [];
      const nets = 1 + rand(5);
      for (let n = 0; n < nets; n++) {
        const size = 1 + rand(6);
        for (let p = 0; p < size; p++) {
          const den = rand(4) === 0 ? rand(12) : 10 + rand(200);
          practices.push([`P${n}-${p}`, `N${n}`, rand(den + 1), den]);
        }
      }
      const rows = tree(practices);
      const hidden = suppress(rows, DEFAULT_RULE);
      expect(noLoneSuppression(rows, hidden)).toBe(true);
      expect(smallRemainders(rows, hidden)).toEqual([]);
      for (const r of rows) if (r.numerator! >= 1 && r.numerator! <= 7) expect(hidden.has(r.key)).toBe(true);
    }
  });

  it('withholds one more practice when the withheld ones would total a small count', () => {
    // P1 (3) and P2 (2 of 40; complement 38) would be withheld; N1 less P3 and P4 gives their total, 5: P3 goes too.
    const rows = tree([
      ['P1', 'N1', 3, 50],
      ['P2', 'N1', 2, 40],
      ['P3', 'N1', 30, 60],
      ['P4', 'N1', 35, 70],
      ['P5', 'N2', 25, 70],
      ['P6', 'N2', 30, 80],
    ]);
    const hidden = suppress(rows);
    expect([...hidden].sort()).toEqual(['P1', 'P2', 'P3']);
    expect(smallRemainders(rows, hidden)).toEqual([]);
  });

  it('is configurable', () => {
    const rows = [row('a', null, 9, 100), row('b', null, 3, 100)];
    expect([...suppress(rows, { low: 1, high: 10 })].sort()).toEqual(['a', 'b']);
    expect(suppress(rows, { low: 1, high: 2 }).size).toBe(0);
  });
});
