import { loadCodelists } from '../../codelists/load.js';
import { IndicatorDefinition } from '../../indicators/definition.js';
import { RESULT_COLUMNS } from '../../indicators/results.js';
import type { Engine } from '../../store/engine.js';
import type { Polarity } from '../../stats/index.js';
import { discloseBenchmark, discloseResults, type DisclosedBenchmarkPoint, type DisclosedResult, type StoredBenchmarkPoint, type StoredResult } from '../disclosure/apply.js';
import { NO_DISCLOSURE, ruleText, type DisclosureRule } from '../disclosure/rule.js';

/**
 * Everything the dashboard shows, read once from the store through the Engine interface and
 * indexed in memory. The store holds a few hundred thousand result rows at most (organisations ×
 * indicators × months, independent of the number of patients), so answering from memory keeps
 * every request within a few milliseconds; the engine stays open for /healthz.
 *
 * DashboardData.load gives the rows as stored (rule `none`); `disclosed(rule)` gives a view of the
 * same store with the disclosure rule applied once to every row, which is what the server answers
 * from (createApp), so that no answer is built from undisclosed counts.
 */
/** A result row as the server shows it: after the disclosure rule (src/server/disclosure). */
export type ResultRecord = DisclosedResult;

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

export type BenchmarkPoint = DisclosedBenchmarkPoint;

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
  /** The rows and benchmark points as stored (kept by the loaded instance, for disclosed views). */
  private stored: { rows: StoredResult[]; benchmarks: { code: string; indicator: string; point: StoredBenchmarkPoint }[] } = { rows: [], benchmarks: [] };
  /** The rule this instance's rows went through. */
  disclosure: DisclosureRule = NO_DISCLOSURE;
  private readonly views = new Map<string, DashboardData>();

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
    this.views.clear();
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
    const rows = await e.all<StoredResult>(
      `SELECT ${RESULT_COLUMNS.join(', ')} FROM indicator_result
       ORDER BY indicator_id, period_end, CASE org_kind WHEN 'collaboration' THEN 0 WHEN 'network' THEN 1 ELSE 2 END, org_code`,
    );
    const benchmarks: { code: string; indicator: string; point: StoredBenchmarkPoint }[] = [];
    for (const b of await e.all('SELECT benchmark, indicator_id, period_end, numerator, denominator, value FROM benchmark_series ORDER BY benchmark, indicator_id, period_end')) {
      benchmarks.push({ code: String(b.benchmark), indicator: String(b.indicator_id), point: { period_end: String(b.period_end), numerator: num(b.numerator), denominator: num(b.denominator), value: num(b.value) } });
    }
    this.stored = { rows, benchmarks };
    this.disclosure = NO_DISCLOSURE;
    this.index(NO_DISCLOSURE);
  }

  /**
   * The same store with the rule applied to every row, computed once per rule and kept. The
   * organisations, indicators and months are shared with this instance.
   */
  disclosed(rule: DisclosureRule): DashboardData {
    const key = ruleText(rule);
    if (key === ruleText(this.disclosure)) return this;
    let v = this.views.get(key);
    if (!v) {
      v = new DashboardData(this.engine);
      for (const [k, o] of this.orgs) v.orgs.set(k, o);
      for (const [k, i] of this.indicators) v.indicators.set(k, i);
      for (const [k, t] of this.codelistTitles) v.codelistTitles.set(k, t);
      v.stored = this.stored;
      v.disclosure = rule;
      v.index(rule);
      this.views.set(key, v);
    }
    return v;
  }

  /** Applies the rule to the stored rows and indexes them. */
  private index(rule: DisclosureRule): void {
    this.byIndicatorOrg.clear();
    this.benchmarks.clear();
    this.memos.clear();
    const parentOf = new Map([...this.orgs.values()].map((o) => [o.code, o.parent]));
    const definitions = new Map([...this.indicators.values()].map((i) => [i.definition.id, i.definition]));
    const rows = discloseResults(this.stored.rows, { parentOf, definitions }, rule);
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
    for (const b of this.stored.benchmarks) {
      let byInd = this.benchmarks.get(b.code);
      if (!byInd) this.benchmarks.set(b.code, (byInd = new Map()));
      let list = byInd.get(b.indicator);
      if (!list) byInd.set(b.indicator, (list = []));
      list.push(discloseBenchmark(b.point, definitions.get(b.indicator), rule));
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
