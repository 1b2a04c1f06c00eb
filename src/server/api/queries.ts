import { assignQuantileGroups, compareWithBenchmark, funnelLimitsTable, funnelPoints, orientGroup, type FunnelSignificance } from '../../stats/index.js';
import type { DashboardData, IndicatorRecord, OrgRecord, ResultRecord } from './dashboard-data.js';
import { type ReportingPeriod, atReportingPeriodEnds } from '../../model/reporting-period.js';
import { monthEndFor, periodEndFor, periodMonths, previousPeriodEnd, requireIndicator, requireOrg } from './params.js';
import { describeDefinition, type PlainDefinition } from './plain-english.js';

/** The API's answers: plain functions over DashboardData, used by the JSON routes and the pages. */

export interface OrgNode {
  code: string;
  name: string;
  kind: OrgRecord['kind'];
  children: OrgNode[];
}

export function organisationTree(data: DashboardData): { tree: OrgNode[]; benchmarks: { code: string; name: string }[] } {
  const node = (o: OrgRecord): OrgNode => ({ code: o.code, name: o.name, kind: o.kind, children: data.children(o.code).map(node) });
  return {
    tree: data.ofKind('collaboration').map(node),
    benchmarks: data.benchmarkOrgs().map((b) => ({ code: b.code, name: b.name })),
  };
}

export interface CatalogueEntry {
  id: string;
  title: string;
  area: string;
  kind: string;
  rationale: string;
  source: string;
  target: IndicatorRecord['definition']['target'] | null;
  polarity: string;
  plain: PlainDefinition;
  codelists: { slug: string; title: string | null; version: string }[];
  definition_hash: string;
}

export function catalogueEntry(ind: IndicatorRecord, titles: ReadonlyMap<string, string> = new Map()): CatalogueEntry {
  const d = ind.definition;
  const name = (slug: string): string => titles.get(slug) ?? slug;
  return {
    id: d.id,
    title: d.title,
    area: d.area,
    kind: d.kind,
    rationale: d.rationale,
    source: d.source,
    target: d.target ?? null,
    polarity: ind.polarity,
    plain: describeDefinition(d, name),
    codelists: Object.entries(ind.codelistVersions).map(([slug, version]) => ({ slug, title: titles.get(slug) ?? null, version })),
    definition_hash: ind.definitionHash,
  };
}

export function indicatorCatalogue(data: DashboardData): CatalogueEntry[] {
  return data.indicatorList().map((i) => catalogueEntry(i, data.codelistTitles));
}

export interface ResultsQuery {
  indicator?: string | undefined;
  org?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function results(data: DashboardData, q: ResultsQuery): ResultRecord[] {
  if (q.indicator !== undefined) requireIndicator(data, q.indicator);
  if (q.org !== undefined) requireOrg(data, q.org, ['collaboration', 'network', 'practice']);
  const from = q.from !== undefined ? monthEndFor(data, q.from, 'from') : undefined;
  const to = q.to !== undefined ? monthEndFor(data, q.to, 'to') : undefined;
  const filter: { indicator?: string; org?: string; from?: string; to?: string } = {};
  if (q.indicator !== undefined) filter.indicator = q.indicator;
  if (q.org !== undefined) filter.org = q.org;
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  return data.rows(filter);
}

export interface SeriesPoint {
  period_end: string;
  /** Withheld by the disclosure rule: value, CI and counts are null. */
  suppressed: boolean;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface SeriesLine {
  code: string;
  name: string;
  kind: OrgRecord['kind'];
  points: SeriesPoint[];
}

/** The organisation's series and its parents' (network, collaboration) and the benchmarks', up to `to`. */
export function series(
  data: DashboardData,
  q: { indicator: string; org: string; from?: string | undefined; to?: string | undefined; period?: ReportingPeriod | undefined },
): { indicator: string; target: number | null; lines: SeriesLine[] } {
  const ind = requireIndicator(data, q.indicator);
  const org = requireOrg(data, q.org, ['collaboration', 'network', 'practice']);
  const from = q.from !== undefined ? monthEndFor(data, q.from, 'from') : '';
  const to = q.to !== undefined ? monthEndFor(data, q.to, 'to') : '9999';
  // With a period, only the values at its ends (a quarter's value is its last month's).
  const period = q.period ?? 'month';
  const inRange = (p: { period_end: string }): boolean => p.period_end >= from && p.period_end <= to;
  const lines: SeriesLine[] = [];
  let cur: OrgRecord | undefined = org;
  const seen = new Set<string>();
  while (cur && !seen.has(cur.code)) {
    seen.add(cur.code);
    lines.push({
      code: cur.code,
      name: cur.name,
      kind: cur.kind,
      points: atReportingPeriodEnds(data.series(ind.definition.id, cur.code).filter(inRange), period).map((r) => ({
        period_end: r.period_end,
        suppressed: r.suppressed,
        value: r.value,
        ci_low: r.ci_low,
        ci_high: r.ci_high,
        numerator: r.numerator,
        denominator: r.denominator,
      })),
    });
    cur = cur.parent ? data.orgs.get(cur.parent) : undefined;
  }
  for (const b of data.benchmarkOrgs()) {
    lines.push({
      code: b.code,
      name: b.name,
      kind: 'benchmark',
      points: atReportingPeriodEnds(data.benchmarkSeries(b.code, ind.definition.id).filter(inRange), period).map((p) => ({ ...p, ci_low: null, ci_high: null })),
    });
  }
  return { indicator: ind.definition.id, target: ind.definition.target?.value ?? null, lines };
}

export interface ComparisonRow {
  code: string;
  name: string;
  network: string | null;
  /** Withheld by the disclosure rule: counts, value, CI, rating, funnel and decile are null. */
  suppressed: boolean;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  target: number | null;
  rag: string | null;
  /** Funnel limits around the collaboration mean, in the value's units (percent). */
  limits: { lower95: number; upper95: number; lower99_8: number; upper99_8: number } | null;
  funnel: FunnelSignificance | null;
  /** 1 = best tenth of practices, 10 = worst (lowest values when no polarity). */
  decile: number | null;
  vs_collaboration: string;
  vs_london: string;
  vs_england: string;
}

export interface Comparison {
  indicator: string;
  period_end: string;
  kind: string;
  polarity: string;
  /** The collaboration's value (pooled over its practices), in the value's units. */
  collaboration: number | null;
  london: number | null;
  england: number | null;
  decile_bounds: number[] | null;
  funnel_table: { denominator: number; lower95: number; upper95: number; lower99_8: number; upper99_8: number }[] | null;
  practices: ComparisonRow[];
}

/** Every practice of the collaboration (or one network) for one indicator and month. */
export function comparison(data: DashboardData, q: { indicator: string; month?: string | undefined; network?: string | undefined; period?: ReportingPeriod | undefined }): Comparison {
  const ind = requireIndicator(data, q.indicator);
  const periodEnd = periodEndFor(data, q.month, q.period ?? 'month');
  const network = q.network !== undefined ? requireOrg(data, q.network, ['network']) : undefined;
  const id = ind.definition.id;
  const practices = data.ofKind('practice');
  const rows = practices
    .map((p) => ({ org: p, r: data.result(id, p.code, periodEnd) }))
    .filter((x): x is { org: OrgRecord; r: ResultRecord } => x.r !== undefined);
  const isProportion = ind.definition.kind === 'proportion';
  // Withheld rows (disclosure control) are listed but take no part in the funnel or the deciles.
  const counted = rows.filter((x): x is { org: OrgRecord; r: ResultRecord & { numerator: number; denominator: number } } => x.r.numerator !== null && x.r.denominator !== null);
  const funnelInput = counted.map(({ r }) => ({ numerator: r.numerator, denominator: r.denominator }));
  const collab = data.collaboration();
  const collabRow = collab ? data.result(id, collab.code, periodEnd) : undefined;
  const collabValue = collabRow?.value ?? null;
  // The collaboration's own (disclosed) counts pool every practice, shown or withheld; without them, the practices shown.
  const baseline = collabRow && collabRow.numerator !== null && collabRow.denominator !== null && collabRow.denominator > 0 ? collabRow.numerator / collabRow.denominator : undefined;
  const fp = isProportion ? funnelPoints(funnelInput, baseline) : null;
  const funnelOf = new Map(counted.map(({ org }, i) => [org.code, fp?.points[i]]));
  const valued = rows.filter(({ r }) => r.value !== null);
  const groups = assignQuantileGroups(valued.map(({ r }) => r.value as number), 10);
  const decileOf = new Map(valued.map(({ org }, i) => [org.code, groups.groups[i] ?? null]));
  const [lon, eng] = data.benchmarkOrgs();
  const lonValue = lon ? (data.benchmarkPoint(lon.code, id, periodEnd)?.value ?? null) : null;
  const engValue = eng ? (data.benchmarkPoint(eng.code, id, periodEnd)?.value ?? null) : null;
  const scale = 100;
  const cmp = (r: ResultRecord, benchmark: number | null): string =>
    compareWithBenchmark({
      value: r.value,
      ci95: r.ci_low !== null && r.ci_high !== null ? { lower: r.ci_low, upper: r.ci_high } : null,
      benchmark,
      polarity: ind.polarity,
    }).outcome;
  const out: ComparisonRow[] = rows.map(({ org, r }) => {
    const p = funnelOf.get(org.code);
    const g = decileOf.get(org.code) ?? null;
    return {
      code: org.code,
      name: org.name,
      network: org.parent,
      suppressed: r.suppressed,
      numerator: r.numerator,
      denominator: r.denominator,
      value: r.value,
      ci_low: r.ci_low,
      ci_high: r.ci_high,
      target: r.target,
      rag: r.rag,
      limits: p?.limits
        ? { lower95: p.limits.lower95 * scale, upper95: p.limits.upper95 * scale, lower99_8: p.limits.lower99_8 * scale, upper99_8: p.limits.upper99_8 * scale }
        : null,
      funnel: p?.significance ?? null,
      decile: g === null ? null : orientGroup(g, 10, ind.polarity),
      vs_collaboration: cmp(r, collabValue),
      vs_london: cmp(r, lonValue),
      vs_england: cmp(r, engValue),
    };
  });
  const table = isProportion ? funnelLimitsTable(funnelInput, 100, fp?.baseline ?? null) : null;
  return {
    indicator: id,
    period_end: periodEnd,
    kind: ind.definition.kind,
    polarity: ind.polarity,
    collaboration: fp?.baseline != null ? fp.baseline * scale : collabValue,
    london: lonValue,
    england: engValue,
    decile_bounds: groups.bounds,
    funnel_table: table
      ? table.map((t) => ({ denominator: t.denominator, lower95: t.lower95 * scale, upper95: t.upper95 * scale, lower99_8: t.lower99_8 * scale, upper99_8: t.upper99_8 * scale }))
      : null,
    practices: network ? out.filter((r) => r.network === network.code) : out,
  };
}

export type Change = 'up' | 'down' | 'same' | null;

export interface MatrixCell {
  indicator_id: string;
  value: number | null;
  target: number | null;
  rag: string | null;
  previous: number | null;
  change: Change;
  /** Whether the change is an improvement (null without polarity or change). */
  improved: boolean | null;
  denominator: number | null;
  /** Withheld by the disclosure rule (value, rating, denominator and change are null). */
  suppressed: boolean;
  /** The previous month is withheld (previous and change are null). */
  previous_suppressed: boolean;
}

export interface Matrix {
  org: string;
  period_end: string;
  previous_period_end: string | null;
  indicators: string[];
  rows: { code: string; name: string; kind: string; cells: MatrixCell[] }[];
}

export function matrixCell(data: DashboardData, ind: IndicatorRecord, org: string, periodEnd: string, prevEnd: string | undefined): MatrixCell {
  const id = ind.definition.id;
  const r = data.result(id, org, periodEnd);
  const prev = prevEnd ? data.result(id, org, prevEnd) : undefined;
  const value = r?.value ?? null;
  const previous = prev?.value ?? null;
  let change: Change = null;
  let improved: boolean | null = null;
  if (value !== null && previous !== null) {
    const d = Math.round((value - previous) * 1e9) / 1e9;
    change = d > 0 ? 'up' : d < 0 ? 'down' : 'same';
    if (change !== 'same' && ind.polarity !== 'no-judgement' && ind.polarity !== 'not-applicable') improved = (change === 'up') === (ind.polarity === 'high-is-good');
  }
  return { indicator_id: id, value, target: r?.target ?? null, rag: r?.rag ?? null, previous, change, improved, denominator: r?.denominator ?? null, suppressed: r?.suppressed ?? false, previous_suppressed: prev?.suppressed ?? false };
}

/** The children of an organisation (networks of the collaboration, practices of a network) × indicators. */
export function matrix(data: DashboardData, q: { org: string; month?: string | undefined; period?: ReportingPeriod | undefined }): Matrix {
  const org = requireOrg(data, q.org, ['collaboration', 'network']);
  const period = q.period ?? 'month';
  const periodEnd = periodEndFor(data, q.month, period);
  const prevEnd = previousPeriodEnd(data, periodEnd, period);
  const inds = data.indicatorList();
  const members = [org, ...data.children(org.code)];
  return {
    org: org.code,
    period_end: periodEnd,
    previous_period_end: prevEnd ?? null,
    indicators: inds.map((i) => i.definition.id),
    rows: members.map((m) => ({ code: m.code, name: m.name, kind: m.kind, cells: inds.map((i) => matrixCell(data, i, m.code, periodEnd, prevEnd)) })),
  };
}

export interface PracticeIndicatorRow extends MatrixCell {
  title: string;
  kind: string;
  ci_low: number | null;
  ci_high: number | null;
  numerator: number | null;
  rank: number | null;
  of: number;
  /** For proportions below target: patients needed = ceil(target × denominator − numerator). */
  patients_needed: number | null;
  trend: { period_end: string; value: number | null }[];
}

/** Rank (1 = best) among the given practices' values, by polarity (highest first without one). */
export function rankAmong(values: Map<string, number>, code: string, polarity: string): number | null {
  const v = values.get(code);
  if (v === undefined) return null;
  let better = 0;
  for (const x of values.values()) if (polarity === 'low-is-good' ? x < v : x > v) better++;
  return better + 1;
}

export function patientsNeeded(ind: IndicatorRecord, r: ResultRecord | undefined): number | null {
  const t = ind.definition.target;
  if (!t || !r || ind.definition.kind !== 'proportion' || r.numerator === null || r.denominator === null || r.denominator <= 0) return null;
  const target = t.value / 100;
  const raw = t.direction === 'higher' ? target * r.denominator - r.numerator : r.numerator - target * r.denominator;
  const need = Math.ceil(Math.round(raw * 1e9) / 1e9);
  return need > 0 ? need : 0;
}

/** How many points the practice page's sparklines show: 24 months, 8 quarters or 5 years. */
export const TREND_POINTS: Record<ReportingPeriod, number> = { month: 24, quarter: 8, year: 5 };

export function practiceSummary(
  data: DashboardData,
  q: { org: string; month?: string | undefined; trendMonths?: number; period?: ReportingPeriod | undefined },
): { org: OrgRecord; period_end: string; rows: PracticeIndicatorRow[] } {
  const org = requireOrg(data, q.org, ['practice']);
  const period = q.period ?? 'month';
  const periodEnd = periodEndFor(data, q.month, period);
  const prevEnd = previousPeriodEnd(data, periodEnd, period);
  const siblings = org.parent ? data.children(org.parent) : [org];
  const trendMonths = q.trendMonths ?? TREND_POINTS[period];
  const ends = periodMonths(data, period);
  const idx = ends.indexOf(periodEnd);
  const trendSet = ends.slice(Math.max(0, idx - trendMonths + 1), idx + 1);
  const rows = data.indicatorList().map((ind) => {
    const id = ind.definition.id;
    const cell = matrixCell(data, ind, org.code, periodEnd, prevEnd);
    const r = data.result(id, org.code, periodEnd);
    const values = new Map<string, number>();
    for (const s of siblings) {
      const v = data.result(id, s.code, periodEnd)?.value;
      if (v !== null && v !== undefined) values.set(s.code, v);
    }
    return {
      ...cell,
      title: ind.definition.title,
      kind: ind.definition.kind,
      ci_low: r?.ci_low ?? null,
      ci_high: r?.ci_high ?? null,
      numerator: r?.numerator ?? null,
      rank: rankAmong(values, org.code, ind.polarity),
      of: values.size,
      patients_needed: patientsNeeded(ind, r),
      trend: trendSet.map((m) => ({ period_end: m, value: data.result(id, org.code, m)?.value ?? null })),
    };
  });
  return { org, period_end: periodEnd, rows };
}
