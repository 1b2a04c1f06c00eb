import type { Organisation } from '../model/organisation.js';
import { Z95, wilson } from '../stats/proportion.js';
import { tQuantile } from '../stats/t-distribution.js';
import type { IndicatorDefinition } from './definition.js';
import type { LoadedIndicator } from './load.js';

/**
 * What an engine computes: one row per (indicator, practice, period_end) for every practice
 * with at least one registered, living patient at period_end. Both the SQL engines and the
 * reference engine produce exactly this; everything after it (networks, collaboration, CIs,
 * RAG) is computed here, once, so that engines can be compared row for row.
 *
 * - proportion: numerator = patients meeting the numerator; denominator = population − excluded.
 * - mean: numerator = sum of the patients' values; denominator = patients with a value; sum_sq = sum of squares.
 * - count: numerator = patients counted; denominator = registered list size of the practice.
 * - rate_per_1000: numerator = items counted; denominator = patients in the population.
 * - deaths_per_100000: numerator = deaths counted at the practice (of patients registered there
 *   on the day they died); denominator = patients in the population at period_end.
 */
export interface RawResult {
  indicator_id: string;
  practice: string;
  period_end: string; // YYYY-MM-DD
  numerator: number;
  denominator: number;
  sum_sq: number; // 0 unless kind is mean
}

export type Rag = 'green' | 'amber' | 'red';

export interface ResultRow {
  indicator_id: string;
  org_kind: 'practice' | 'network' | 'collaboration';
  org_code: string;
  period_end: string;
  numerator: number;
  denominator: number;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  target: number | null;
  rag: Rag | null;
  definition_hash: string;
  codelist_versions: string;
}

export const RESULT_COLUMNS = [
  'indicator_id',
  'org_kind',
  'org_code',
  'period_end',
  'numerator',
  'denominator',
  'value',
  'ci_low',
  'ci_high',
  'target',
  'rag',
] as const;

export function ragFor(value: number | null, target: IndicatorDefinition['target']): Rag | null {
  if (value === null || !target) return null;
  // Round to 10 decimal places so 94.99999999999 from floating point does not miss 95.
  const v = Math.round(value * 1e10) / 1e10;
  if (target.direction === 'higher') {
    if (v >= target.value) return 'green';
    return v >= target.value - target.amber_margin ? 'amber' : 'red';
  }
  if (v <= target.value) return 'green';
  return v <= target.value + target.amber_margin ? 'amber' : 'red';
}

export interface Sums {
  numerator: number;
  denominator: number;
  sum_sq: number;
}

export function valueAndCi(def: IndicatorDefinition, s: Sums): { value: number | null; ci_low: number | null; ci_high: number | null } {
  const { numerator: x, denominator: n } = s;
  if (def.kind === 'count') return { value: x, ci_low: null, ci_high: null };
  if (n === 0) return { value: null, ci_low: null, ci_high: null };
  switch (def.kind) {
    case 'proportion': {
      const ci = wilson(x, n, Z95);
      return { value: (100 * x) / n, ci_low: ci ? 100 * ci.lower : null, ci_high: ci ? 100 * ci.upper : null };
    }
    case 'mean': {
      const mean = x / n;
      if (n < 2) return { value: mean, ci_low: null, ci_high: null };
      const variance = Math.max(0, (s.sum_sq - n * mean * mean) / (n - 1));
      const half = tQuantile(0.975, n - 1) * Math.sqrt(variance / n);
      return { value: mean, ci_low: mean - half, ci_high: mean + half };
    }
    case 'rate_per_1000':
    case 'deaths_per_100000': {
      const per = RATE_PER[def.kind];
      const ci = poissonRateInterval(x);
      return { value: (per * x) / n, ci_low: (per * ci.lower) / n, ci_high: (per * ci.upper) / n };
    }
  }
}

/** The multiplier of each rate kind. */
export const RATE_PER = { rate_per_1000: 1000, deaths_per_100000: 100_000 } as const;

/** How a value of each kind is shown: '%', 'mean', 'patients', 'per 1,000', 'per 100,000'. */
export function unitOfKind(kind: IndicatorDefinition['kind']): string {
  switch (kind) {
    case 'proportion':
      return '%';
    case 'mean':
      return 'mean';
    case 'count':
      return 'patients';
    case 'rate_per_1000':
      return 'per 1,000';
    case 'deaths_per_100000':
      return 'per 100,000';
  }
}

/** The unit an indicator's values are in: the kind's unit, or for a mean its target's unit (e.g. '% (DCCT)'). */
export function indicatorUnit(def: IndicatorDefinition): string {
  if (def.kind === 'mean' && def.target?.unit) return def.target.unit;
  return unitOfKind(def.kind);
}

/** Byar's approximation for a Poisson count (PHE uses exact limits below 10; see stats issue). */
function poissonRateInterval(x: number): { lower: number; upper: number } {
  const z = Z95;
  const lower = x === 0 ? 0 : x * Math.pow(1 - 1 / (9 * x) - z / (3 * Math.sqrt(x)), 3);
  const x1 = x + 1;
  const upper = x1 * Math.pow(1 - 1 / (9 * x1) + z / (3 * Math.sqrt(x1)), 3);
  return { lower: Math.max(0, lower), upper };
}

/**
 * Turns practice-level raw results into result rows for practices, their networks and the
 * collaboration (sums of numerators and denominators), with value, 95% CI, target and RAG.
 */
export function finaliseResults(raw: readonly RawResult[], indicators: readonly LoadedIndicator[], orgs: readonly Organisation[]): ResultRow[] {
  const byId = new Map(indicators.map((i) => [i.definition.id, i]));
  const orgByCode = new Map(orgs.map((o) => [o.code, o]));
  const groups = new Map<string, Sums & { indicator_id: string; org_kind: ResultRow['org_kind']; org_code: string; period_end: string }>();
  const add = (r: RawResult, org_kind: ResultRow['org_kind'], org_code: string): void => {
    const key = `${r.indicator_id}\u0000${org_code}\u0000${r.period_end}`;
    let g = groups.get(key);
    if (!g) {
      g = { indicator_id: r.indicator_id, org_kind, org_code, period_end: r.period_end, numerator: 0, denominator: 0, sum_sq: 0 };
      groups.set(key, g);
    }
    g.numerator += r.numerator;
    g.denominator += r.denominator;
    g.sum_sq += r.sum_sq;
  };
  for (const r of raw) {
    add(r, 'practice', r.practice);
    // Walk up the organisation tree: practice → network → collaboration.
    let parent = orgByCode.get(r.practice)?.parent ?? null;
    const seen = new Set<string>();
    while (parent && !seen.has(parent)) {
      seen.add(parent);
      const org = orgByCode.get(parent);
      if (!org) break;
      if (org.kind === 'network' || org.kind === 'collaboration') add(r, org.kind, org.code);
      parent = org.parent;
    }
  }
  const out: ResultRow[] = [];
  for (const g of groups.values()) {
    const ind = byId.get(g.indicator_id);
    if (!ind) throw new Error(`result for unknown indicator ${g.indicator_id}`);
    const def = ind.definition;
    const { value, ci_low, ci_high } = valueAndCi(def, g);
    out.push({
      indicator_id: g.indicator_id,
      org_kind: g.org_kind,
      org_code: g.org_code,
      period_end: g.period_end,
      numerator: g.numerator,
      denominator: g.denominator,
      value,
      ci_low,
      ci_high,
      target: def.target?.value ?? null,
      rag: ragFor(value, def.target),
      definition_hash: ind.hash,
      codelist_versions: JSON.stringify(ind.codelistVersions),
    });
  }
  const kindOrder = { collaboration: 0, network: 1, practice: 2 } as const;
  return out.sort(
    (a, b) =>
      a.indicator_id.localeCompare(b.indicator_id) ||
      a.period_end.localeCompare(b.period_end) ||
      kindOrder[a.org_kind] - kindOrder[b.org_kind] ||
      a.org_code.localeCompare(b.org_code),
  );
}
