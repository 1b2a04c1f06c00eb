import type { IndicatorDefinition } from '../../indicators/definition.js';
import { ragFor, valueAndCi, type ResultRow } from '../../indicators/results.js';
import type { DisclosureRule } from './rule.js';
import { suppress, type CountRow } from './suppress.js';

/**
 * Applies the disclosure rule to a whole result set at once (when the server loads the store),
 * so that every answer built from it — API, pages, CSV, PDF — shows the same disclosed numbers.
 *
 * suppress: per indicator × month, across the organisation hierarchy (collaboration = Σ networks,
 *   network = Σ practices), a row is hidden when one of its counts is from low to high, and more
 *   rows are hidden until no group has exactly one hidden member (./suppress.ts). A hidden row
 *   keeps its organisation, indicator, month and target; its counts, value, CI and rating are null.
 * round: numerator and denominator are rounded to the nearest base; value, CI and rating are
 *   computed from the rounded counts (a value from the true counts, to full precision, would give
 *   the true counts back). A mean's numerator is a sum of measurements, not a count: it is withheld
 *   (sum ÷ mean = the true denominator), while the mean and its CI stay as measured. A value is
 *   withheld when the denominator rounds to 0.
 * none: the rows as stored.
 */
export type StoredResult = Omit<ResultRow, 'org_kind' | 'rag' | 'definition_hash' | 'codelist_versions'> & {
  org_kind: string;
  rag: string | null;
};

export type DisclosedResult = Omit<StoredResult, 'numerator' | 'denominator'> & {
  numerator: number | null;
  denominator: number | null;
  /** True when the row's counts and everything derived from them are withheld. */
  suppressed: boolean;
};

export interface StoredBenchmarkPoint {
  period_end: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
}

export type DisclosedBenchmarkPoint = StoredBenchmarkPoint & { suppressed: boolean };

export interface DisclosureContext {
  /** Organisation code → its parent's code (practice → network → collaboration). */
  parentOf: ReadonlyMap<string, string | null>;
  definitions: ReadonlyMap<string, IndicatorDefinition>;
}

/** The counts the suppression rule tests, by indicator kind (docs/SECURITY.md). */
export function countsOf(kind: IndicatorDefinition['kind'] | undefined, numerator: number | null, denominator: number | null): (number | null)[] {
  const diff = numerator !== null && denominator !== null ? denominator - numerator : null;
  switch (kind) {
    case 'mean':
      return [denominator];
    case 'rate_per_1000':
    case 'deaths_per_100000':
      // Items (admissions, deaths) are not a subset of the denominator: no difference to protect.
      return [numerator, denominator];
    default:
      // proportion, count (patients counted of the list size) and anything unknown: the most cautious.
      return [numerator, denominator, diff];
  }
}

export function roundTo(n: number, base: number): number {
  return Math.round(n / base) * base;
}

/** One object literal for every disclosed row, fields always in the same order (one shape for the engine's object model). */
function row(r: StoredResult, c: Pick<DisclosedResult, 'numerator' | 'denominator' | 'value' | 'ci_low' | 'ci_high' | 'rag' | 'suppressed'>): DisclosedResult {
  return {
    indicator_id: r.indicator_id,
    org_kind: r.org_kind,
    org_code: r.org_code,
    period_end: r.period_end,
    numerator: c.numerator,
    denominator: c.denominator,
    value: c.value,
    ci_low: c.ci_low,
    ci_high: c.ci_high,
    target: r.target,
    rag: c.rag,
    suppressed: c.suppressed,
  };
}

function asStored(r: StoredResult): DisclosedResult {
  return row(r, { numerator: r.numerator, denominator: r.denominator, value: r.value, ci_low: r.ci_low, ci_high: r.ci_high, rag: r.rag, suppressed: false });
}

function withheld(r: StoredResult): DisclosedResult {
  return row(r, { numerator: null, denominator: null, value: null, ci_low: null, ci_high: null, rag: null, suppressed: true });
}

function rounded(r: StoredResult, def: IndicatorDefinition | undefined, base: number): DisclosedResult {
  const numerator = roundTo(r.numerator, base);
  const denominator = roundTo(r.denominator, base);
  if (!def) return row(r, { numerator, denominator, value: null, ci_low: null, ci_high: null, rag: null, suppressed: false });
  if (def.kind === 'mean') {
    const shown = denominator > 0;
    return row(r, { numerator: null, denominator, value: shown ? r.value : null, ci_low: shown ? r.ci_low : null, ci_high: shown ? r.ci_high : null, rag: shown ? r.rag : null, suppressed: false });
  }
  const v = def.kind === 'count' || denominator > 0 ? valueAndCi(def, { numerator, denominator, sum_sq: 0 }) : { value: null, ci_low: null, ci_high: null };
  return row(r, { numerator, denominator, value: v.value, ci_low: v.ci_low, ci_high: v.ci_high, rag: ragFor(v.value, def.target), suppressed: false });
}

export function discloseResults(rows: readonly StoredResult[], ctx: DisclosureContext, rule: DisclosureRule): DisclosedResult[] {
  if (rule.mode === 'none') return rows.map(asStored);
  if (rule.mode === 'round') return rows.map((r) => rounded(r, ctx.definitions.get(r.indicator_id), rule.base));
  const groups = new Map<string, StoredResult[]>();
  for (const r of rows) {
    const key = `${r.indicator_id}\u0000${r.period_end}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const hidden = new Set<StoredResult>();
  for (const g of groups.values()) {
    const kind = ctx.definitions.get(g[0]!.indicator_id)?.kind;
    const byCode = new Map(g.map((r) => [r.org_code, r]));
    const countRows: CountRow[] = g.map((r) => ({
      key: r.org_code,
      // Benchmarks (and anything outside the collaboration's tree) stand alone.
      parent: r.org_kind === 'practice' || r.org_kind === 'network' ? (ctx.parentOf.get(r.org_code) ?? null) : null,
      numerator: r.numerator,
      denominator: r.denominator,
      counts: countsOf(kind, r.numerator, r.denominator),
    }));
    for (const code of suppress(countRows, rule)) hidden.add(byCode.get(code)!);
  }
  return rows.map((r) => (hidden.has(r) ? withheld(r) : asStored(r)));
}

/** Benchmark series (London, England) stand alone: only the primary rule, or rounding. */
export function discloseBenchmark(p: StoredBenchmarkPoint, def: IndicatorDefinition | undefined, rule: DisclosureRule): DisclosedBenchmarkPoint {
  if (rule.mode === 'none' || p.numerator === null || p.denominator === null) return { ...p, suppressed: false };
  if (rule.mode === 'suppress') {
    const small = countsOf(def?.kind, p.numerator, p.denominator).some((n) => n !== null && n >= rule.low && n <= rule.high);
    return small ? { period_end: p.period_end, numerator: null, denominator: null, value: null, suppressed: true } : { ...p, suppressed: false };
  }
  const r = rounded({ indicator_id: '', org_kind: 'benchmark', org_code: '', period_end: p.period_end, numerator: p.numerator, denominator: p.denominator, value: p.value, ci_low: null, ci_high: null, target: null, rag: null }, def, rule.base);
  return { period_end: p.period_end, numerator: r.numerator, denominator: r.denominator, value: r.value, suppressed: false };
}
