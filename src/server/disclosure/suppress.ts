/**
 * Statistical disclosure control for aggregate counts: primary and secondary suppression
 * (applied to result sets by ./apply.ts; the rule is chosen by ./rule.ts).
 *
 * Rule (configurable): a row is suppressed when its numerator, its denominator or the
 * difference between them is between `low` and `high` (default 1–7). Because a parent's counts
 * are the sums of its children's (collaboration = Σ networks, network = Σ practices), a lone
 * suppressed row in such a group could be recovered by subtraction; secondary suppression then
 * hides the unsuppressed child with the smallest denominator (or, when no child is left, the
 * parent), repeated until no group has exactly one suppressed member, and no group with its
 * parent shown has suppressed children whose total (parent less the shown children) is itself
 * from `low` to `high`.
 */
export interface SuppressionRange {
  low: number;
  high: number;
}

export const DEFAULT_RULE: SuppressionRange = { low: 1, high: 7 };

export interface CountRow {
  key: string;
  /** The key of the row whose counts are the sum of this row's and its siblings', or null. */
  parent: string | null;
  numerator: number | null;
  denominator: number | null;
  /**
   * The counts the primary rule tests; absent → numerator, denominator and their difference
   * (right for proportions; a mean's numerator is a sum of measurements, not a count).
   */
  counts?: readonly (number | null)[];
}

/** The counts the rule tests: `counts`, or numerator, denominator and their difference. */
function tested(r: CountRow): readonly (number | null)[] {
  return r.counts ?? [r.numerator, r.denominator, r.numerator !== null && r.denominator !== null ? r.denominator - r.numerator : null];
}

function primary(r: CountRow, rule: SuppressionRange): boolean {
  return tested(r).some((n) => n !== null && n >= rule.low && n <= rule.high);
}

/** The keys to suppress among rows of one measure at one time (one indicator, one month). */
export function suppress(rows: readonly CountRow[], rule: SuppressionRange = DEFAULT_RULE): Set<string> {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const hidden = new Set(rows.filter((r) => primary(r, rule)).map((r) => r.key));
  // Groups: a parent and its children, where the parent is among the rows.
  const groups = new Map<string, CountRow[]>();
  for (const r of rows) {
    if (r.parent === null || !byKey.has(r.parent)) continue;
    const g = groups.get(r.parent) ?? [];
    g.push(r);
    groups.set(r.parent, g);
  }
  const small = (n: number | null): boolean => n !== null && n >= rule.low && n <= rule.high;
  /**
   * With the parent shown, the withheld children's total is the parent's counts less the shown
   * children's; when that total is itself small, it tells too much about each withheld child
   * (e.g. two withheld practices summing to 5), so one more child is withheld.
   */
  const smallRemainder = (parent: CountRow, children: CountRow[]): boolean => {
    if (hidden.has(parent.key) || !children.some((c) => hidden.has(c.key))) return false;
    const total = tested(parent);
    const shown = children.filter((c) => !hidden.has(c.key)).map(tested);
    return total.some((t, i) => {
      if (t === null || shown.some((c) => c[i] === null || c[i] === undefined)) return false;
      return small(t - shown.reduce((sum, c) => sum + (c[i] as number), 0));
    });
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const [parent, children] of groups) {
      const members = [parent, ...children.map((c) => c.key)];
      const count = members.filter((k) => hidden.has(k)).length;
      if (count !== 1 && !smallRemainder(byKey.get(parent)!, children)) continue;
      const candidates = children.filter((c) => !hidden.has(c.key)).sort((a, b) => (a.denominator ?? 0) - (b.denominator ?? 0) || a.key.localeCompare(b.key));
      hidden.add(candidates[0]?.key ?? parent);
      changed = true;
    }
  }
  return hidden;
}
