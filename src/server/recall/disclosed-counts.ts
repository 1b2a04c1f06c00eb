import type { DisclosureRule } from '../disclosure/rule.js';
import { roundTo } from '../disclosure/apply.js';
import { suppress, type CountRow as SuppressionRow } from '../disclosure/suppress.js';
import type { CountRow } from './service.js';

/**
 * The network recall view under the server's disclosure rule (docs/SECURITY.md, "Disclosure
 * control"). Each list size — overdue, due soon, defaulters — is a count of patients, shown per
 * practice and as the network's total, which is the practices' sum. Per programme and measure the
 * same rule as for indicator results applies: suppression with secondary suppression across the
 * network total and its practices (so no withheld practice can be worked out by subtraction), or
 * rounding of every count, or none. A withheld count is null.
 */
export const MEASURES = ['overdue', 'due_soon', 'defaulters'] as const;
export type Measure = (typeof MEASURES)[number];

export type DisclosedCountRow = Omit<CountRow, Measure> & Record<Measure, number | null>;

export interface ProgrammeTotal {
  programme: string;
  overdue: number | null;
  due_soon: number | null;
  defaulters: number | null;
}

export function discloseRecallCounts(network: string, programmes: readonly string[], rows: readonly CountRow[], rule: DisclosureRule): { rows: DisclosedCountRow[]; totals: ProgrammeTotal[] } {
  const outRows: DisclosedCountRow[] = rows.map((r) => ({ ...r }));
  const totals: ProgrammeTotal[] = [];
  for (const programme of programmes) {
    const members = outRows.filter((r) => r.programme === programme);
    const stored = rows.filter((r) => r.programme === programme);
    const total: ProgrammeTotal = { programme, overdue: 0, due_soon: 0, defaulters: 0 };
    for (const m of MEASURES) {
      const sum = stored.reduce((a, r) => a + r[m], 0);
      if (rule.mode === 'none') {
        total[m] = sum;
      } else if (rule.mode === 'round') {
        total[m] = roundTo(sum, rule.base);
        for (const r of members) r[m] = roundTo(r[m] as number, rule.base);
      } else {
        const group: SuppressionRow[] = [
          { key: `network:${network}`, parent: null, numerator: null, denominator: sum, counts: [sum] },
          ...stored.map((r) => ({ key: r.practice, parent: `network:${network}`, numerator: null, denominator: r[m], counts: [r[m]] })),
        ];
        const hidden = suppress(group, rule);
        total[m] = hidden.has(`network:${network}`) ? null : sum;
        for (const r of members) if (hidden.has(r.practice)) r[m] = null;
      }
    }
    totals.push(total);
  }
  return { rows: outRows, totals };
}
