import { loadCodelists } from '../../codelists/load.js';
import { IndicatorDefinition } from '../../indicators/definition.js';
import { RESULT_COLUMNS } from '../../indicators/results.js';
import type { Engine } from '../../store/engine.js';
import type { Polarity } from '../../stats/index.js';

/**
 * Everything the dashboard shows, read once from the store through the Engine interface and
 * indexed in memory. The store holds a few hundred thousand result rows at most (organisations ×
 * indicators × months, independent of the number of patients), so answering from memory keeps
 * every request within a few milliseconds; the engine stays open for /healthz.
 */
export type ResultRecord = {
  indicator_id: string;
  org_kind: string;
  org_code: string;
  period_end: string;
  numerator: number;
  denominator: number;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  target: number | null;
  rag: string | null;
};

export interface OrgRecord {
  code: string;
  name: string;
  kind: 'collaboration' | 'network' | 'practice' | 'benchmark';
  parent: string | null;
}

export interface IndicatorRecord {
  definition: IndicatorDefinition;
  codelistVersions: Record<string, string>;
  definitionHash: string;
  polarity: Polarity;
}

export interface BenchmarkPoint {
  period_end: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
}

export class DashboardData {
  readonly orgs = new Map<string, OrgRecord>();
  readonly indicators = new Map<string, IndicatorRecord>();
  /** Codelist slug → title, from the project's codelists/ (empty when they cannot be read). */
  readonly codelistTitles = new Map<string, string>();
  /** Sorted month ends 'YYYY-MM-DD' with results. */
  months: string[] = [];
  /** indicator → org → period_end → row. */
  private readonly byIndicatorOrg = new Map<string, Map<string, Map<string, ResultRecord>>>();
  /** benchmark code → indicator → sorted points. */
  private readonly benchmarks = new Map<string, Map<string, BenchmarkPoint[]>>();
  /** All rows in export order. */
  private allRows: ResultRecord[] = [];

  /** Derived values (per indicator and month) computed on first use; cleared on reload. */
  private readonly memos = new Map<string, unknown>();

  private constructor(readonly engine: Engine) {}

  /** The store is read-only while served, so derived values can be kept once computed. */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = compute();
    this.memos.set(key, v);
    return v;
  }

  static async load(engine: Engine): Promise<DashboardData> {
    const d = new DashboardData(engine);
    await d.reload();
    return d;
  }

  async reload(): Promise<void> {
    const e = this.engine;
    this.orgs.clear();
    this.indicators.clear();
    this.byIndicatorOrg.clear();
    this.benchmarks.clear();
    this.memos.clear();
    this.codelistTitles.clear();
    try {
      for (const [slug, list] of loadCodelists()) this.codelistTitles.set(slug, list.title);
    } catch {
      // Titles are a nicety: the catalogue falls back to the slugs.
    }
    for (const o of await e.all('SELECT code, name, kind, parent FROM organisation ORDER BY code')) {
      this.orgs.set(String(o.code), { code: String(o.code), name: String(o.name), kind: o.kind as OrgRecord['kind'], parent: o.parent === null ? null : String(o.parent) });
    }
    for (const r of await e.all('SELECT id, definition_hash, definition_json, codelist_versions FROM indicator_definition ORDER BY id')) {
      const parsed = IndicatorDefinition.safeParse(JSON.parse(String(r.definition_json)));
      if (!parsed.success) throw new Error(`indicator_definition ${String(r.id)} in ${e.location}: stored definition does not validate: ${parsed.error.issues[0]?.message}`);
      const def = parsed.data;
      const polarity: Polarity = def.target ? (def.target.direction === 'higher' ? 'high-is-good' : 'low-is-good') : 'no-judgement';
      this.indicators.set(def.id, {
        definition: def,
        codelistVersions: JSON.parse(String(r.codelist_versions)) as Record<string, string>,
        definitionHash: String(r.definition_hash),
        polarity,
      });
    }
    const rows = await e.all<ResultRecord>(
      `SELECT ${RESULT_COLUMNS.join(', ')} FROM indicator_result
       ORDER BY indicator_id, period_end, CASE org_kind WHEN 'collaboration' THEN 0 WHEN 'network' THEN 1 ELSE 2 END, org_code`,
    );
    this.allRows = rows;
    const months = new Set<string>();
    for (const r of rows) {
      months.add(r.period_end);
      let byOrg = this.byIndicatorOrg.get(r.indicator_id);
      if (!byOrg) this.byIndicatorOrg.set(r.indicator_id, (byOrg = new Map()));
      let byMonth = byOrg.get(r.org_code);
      if (!byMonth) byOrg.set(r.org_code, (byMonth = new Map()));
      byMonth.set(r.period_end, r);
    }
    this.months = [...months].sort();
    for (const b of await e.all('SELECT benchmark, indicator_id, period_end, numerator, denominator, value FROM benchmark_series ORDER BY benchmark, indicator_id, period_end')) {
      const code = String(b.benchmark);
      let byInd = this.benchmarks.get(code);
      if (!byInd) this.benchmarks.set(code, (byInd = new Map()));
      const id = String(b.indicator_id);
      let list = byInd.get(id);
      if (!list) byInd.set(id, (list = []));
      list.push({ period_end: String(b.period_end), numerator: num(b.numerator), denominator: num(b.denominator), value: num(b.value) });
    }
  }

  /** Rows in export order, filtered. */
  rows(filter: { indicator?: string; org?: string; from?: string; to?: string }): ResultRecord[] {
    const from = filter.from ?? '';
    const to = filter.to ?? '9999';
    const inRange = (r: ResultRecord): boolean => r.period_end >= from && r.period_end <= to;
    if (filter.indicator !== undefined && filter.org !== undefined) {
      const m = this.byIndicatorOrg.get(filter.indicator)?.get(filter.org);
      return m ? [...m.values()].filter(inRange) : [];
    }
    return this.allRows.filter((r) => (filter.indicator === undefined || r.indicator_id === filter.indicator) && (filter.org === undefined || r.org_code === filter.org) && inRange(r));
  }

  result(indicator: string, org: string, periodEnd: string): ResultRecord | undefined {
    return this.byIndicatorOrg.get(indicator)?.get(org)?.get(periodEnd);
  }

  /** The organisation's rows for one indicator, in month order. */
  series(indicator: string, org: string): ResultRecord[] {
    const m = this.byIndicatorOrg.get(indicator)?.get(org);
    return m ? [...m.values()].sort((a, b) => a.period_end.localeCompare(b.period_end)) : [];
  }

  benchmarkSeries(benchmark: string, indicator: string): BenchmarkPoint[] {
    return this.benchmarks.get(benchmark)?.get(indicator) ?? [];
  }

  benchmarkPoint(benchmark: string, indicator: string, periodEnd: string): BenchmarkPoint | undefined {
    return this.benchmarkSeries(benchmark, indicator).find((p) => p.period_end === periodEnd);
  }

  children(code: string): OrgRecord[] {
    return [...this.orgs.values()].filter((o) => o.parent === code).sort((a, b) => a.code.localeCompare(b.code));
  }

  ofKind(kind: OrgRecord['kind']): OrgRecord[] {
    return [...this.orgs.values()].filter((o) => o.kind === kind).sort((a, b) => a.code.localeCompare(b.code));
  }

  collaboration(): OrgRecord | undefined {
    return this.ofKind('collaboration')[0];
  }

  /** The benchmark organisations: London first, then England (by code suffix or name). */
  benchmarkOrgs(): OrgRecord[] {
    const rank = (o: OrgRecord): number => (/london|lon/i.test(o.name + o.code) ? 0 : /england|eng/i.test(o.name + o.code) ? 1 : 2);
    return this.ofKind('benchmark').sort((a, b) => rank(a) - rank(b) || a.code.localeCompare(b.code));
  }

  indicatorList(): IndicatorRecord[] {
    return [...this.indicators.values()];
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
