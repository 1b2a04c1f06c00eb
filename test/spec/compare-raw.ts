import type { RawResult } from '../../src/indicators/results.js';

const key = (r: RawResult): string => `${r.indicator_id} | practice ${r.practice} | period ${r.period_end}`;

function close(a: number, b: number, relative: number): boolean {
  return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Every difference between two sets of raw results, one readable line each
 * ("<indicator> | practice P | period D: numerator: expected 3, got 2"). Counts must match
 * exactly; sums of measured values (mean numerator and sum_sq) may differ by rounding only.
 */
export function rawDifferences(
  expected: readonly RawResult[],
  got: readonly RawResult[],
  labels: { expected: string; got: string } = { expected: 'expected', got: 'got' },
  relative = 1e-9,
): string[] {
  const out: string[] = [];
  const index = (rows: readonly RawResult[], label: string): Map<string, RawResult> => {
    const m = new Map<string, RawResult>();
    for (const r of rows) {
      if (m.has(key(r))) out.push(`${key(r)}: ${label} has this row twice`);
      m.set(key(r), r);
    }
    return m;
  };
  const e = index(expected, labels.expected);
  const g = index(got, labels.got);
  for (const [k, want] of e) {
    const have = g.get(k);
    if (!have) {
      out.push(`${k}: missing from ${labels.got} (${labels.expected}: ${want.numerator}/${want.denominator})`);
      continue;
    }
    for (const field of ['numerator', 'denominator', 'sum_sq'] as const) {
      const exact = field === 'denominator';
      const ok = exact ? want[field] === have[field] : close(want[field], have[field], relative);
      if (!ok) out.push(`${k}: ${field}: ${labels.expected} ${want[field]}, ${labels.got} ${have[field]}`);
    }
  }
  for (const [k, have] of g) {
    if (!e.has(k)) out.push(`${k}: unexpected row in ${labels.got} (${have.numerator}/${have.denominator}), not in ${labels.expected}`);
  }
  return out;
}
