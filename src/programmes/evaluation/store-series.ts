/**
 * Series from the store for `gpnet evaluate --db FILE --indicator ID --org CODE [--comparator CODE]`:
 * an organisation's monthly results of one indicator (indicator_result), and a comparator that is
 * either a benchmark (benchmark_series: e.g. England, London) or another organisation.
 */
import { z } from 'zod';
import type { Engine } from '../../store/engine.js';
import { EvaluationInputError } from './errors.js';
import { isPeriod, parsePeriod } from './period.js';
import type { InputSeries, SeriesObservation } from './series.js';

interface ResultRowRead {
  period_end: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  [key: string]: string | number | boolean | null;
}

export interface StoreIndicator {
  id: string;
  /** proportion, mean, count, rate_per_1000 or deaths_per_100000; null when the store has results but no definition. */
  kind: string | null;
  title: string | null;
}

const DefinitionJson = z.looseObject({ kind: z.string(), title: z.string().optional() });

/** Indicator value units: 100 for a percentage, 1000 for per-1,000 rates and counts (per 1,000 list), 100,000 for death rates. */
export function ratePerFor(kind: string | null): number {
  if (kind === 'deaths_per_100000') return 100_000;
  return kind === 'rate_per_1000' || kind === 'count' ? 1000 : 100;
}

function list(values: readonly string[], max = 12): string {
  if (values.length === 0) return 'none';
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')} … (${values.length} in all)`;
}

export async function findIndicator(engine: Engine, id: string): Promise<StoreIndicator> {
  const defs = await engine.all<{ definition_json: string }>('SELECT definition_json FROM indicator_definition WHERE id = $1', [id]);
  const results = await engine.all<{ n: number }>('SELECT count(*) AS n FROM indicator_result WHERE indicator_id = $1', [id]);
  const def = defs[0];
  if (!def && (results[0]?.n ?? 0) === 0) {
    const known = await engine.all<{ id: string }>(
      'SELECT DISTINCT indicator_id AS id FROM indicator_result UNION SELECT id FROM indicator_definition ORDER BY id',
    );
    throw new EvaluationInputError(`unknown indicator '${id}' in ${engine.location} (indicators in the store: ${list(known.map((k) => k.id))})`);
  }
  let kind: string | null = null;
  let title: string | null = null;
  if (def) {
    try {
      const parsed = DefinitionJson.safeParse(JSON.parse(def.definition_json));
      if (parsed.success) {
        kind = parsed.data.kind;
        title = parsed.data.title ?? null;
      }
    } catch {
      // A definition that does not parse leaves the kind unknown; the results still stand.
    }
  }
  return { id, kind, title };
}

function toObservations(rows: readonly ResultRowRead[], label: string): SeriesObservation[] {
  const seen = new Map<number, string>();
  return rows.map((r) => {
    const period = parsePeriod(String(r.period_end).slice(0, 10));
    if (!isPeriod(period)) throw new EvaluationInputError(`${label}: period_end ${r.period_end} is not a date`);
    const before = seen.get(period.ordinal);
    if (before !== undefined) throw new EvaluationInputError(`${label}: period ends ${before} and ${r.period_end} fall in the same month; the evaluation needs one result per month`);
    seen.set(period.ordinal, r.period_end);
    return { period, line: null, value: r.value, count: null, numerator: r.numerator, denominator: r.denominator, offset: null };
  });
}

/** The value of a benchmark row that has only numerator and denominator. */
function valueFromParts(kind: string | null, numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  if (kind === 'mean') return numerator / denominator;
  if (kind === 'count') return numerator;
  return (ratePerFor(kind) * numerator) / denominator;
}

const VALUE_UNITS: Record<string, string> = {
  proportion: 'percentage',
  mean: 'mean',
  count: 'count',
  rate_per_1000: 'rate per 1,000',
  deaths_per_100000: 'rate per 100,000',
};

function seriesOf(rows: readonly ResultRowRead[], label: string, indicator: StoreIndicator): InputSeries {
  return {
    label,
    periodicity: 'month',
    columns: { value: true, count: false, numeratorDenominator: true, offset: null },
    observations: toObservations(rows, label),
    ratePer: ratePerFor(indicator.kind),
    valueDescription: `indicator value${indicator.kind ? ` (${VALUE_UNITS[indicator.kind] ?? indicator.kind})` : ''}`,
    indicatorKind: indicator.kind,
  };
}

const RESULT_SQL =
  "SELECT strftime(period_end, '%Y-%m-%d') AS period_end, numerator, denominator, value FROM indicator_result WHERE indicator_id = $1 AND org_code = $2 ORDER BY period_end";

async function organisationName(engine: Engine, code: string): Promise<{ name: string; kind: string } | null> {
  const rows = await engine.all<{ name: string; kind: string }>('SELECT name, kind FROM organisation WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** The monthly results of an indicator for one organisation. */
export async function readOrganisationSeries(engine: Engine, indicator: StoreIndicator, orgCode: string, role = 'organisation'): Promise<InputSeries> {
  const rows = await engine.all<ResultRowRead>(RESULT_SQL, [indicator.id, orgCode]);
  const org = await organisationName(engine, orgCode);
  if (rows.length === 0) {
    const anyResults = await engine.all<{ n: number }>('SELECT count(*) AS n FROM indicator_result WHERE org_code = $1', [orgCode]);
    if (!org && (anyResults[0]?.n ?? 0) === 0) {
      const known = await engine.all<{ code: string }>(
        'SELECT DISTINCT org_code AS code FROM indicator_result WHERE indicator_id = $1 ORDER BY code',
        [indicator.id],
      );
      throw new EvaluationInputError(`unknown ${role} '${orgCode}' in ${engine.location} (organisations with results for ${indicator.id}: ${list(known.map((k) => k.code))})`);
    }
    throw new EvaluationInputError(`${role} ${orgCode}${org ? ` (${org.name})` : ''} has no results for indicator ${indicator.id} in ${engine.location}`);
  }
  return seriesOf(rows, `indicator ${indicator.id} for ${orgCode}${org ? ` (${org.name})` : ''}`, indicator);
}

/**
 * The comparator: a benchmark's series from benchmark_series when CODE is a benchmark (an
 * organisation of kind 'benchmark', or any benchmark code in benchmark_series), otherwise another
 * organisation's results.
 */
export async function readComparatorSeries(engine: Engine, indicator: StoreIndicator, code: string): Promise<InputSeries> {
  const org = await organisationName(engine, code);
  const benchmarkRows = await engine.all<ResultRowRead>(
    "SELECT strftime(period_end, '%Y-%m-%d') AS period_end, numerator, denominator, value FROM benchmark_series WHERE benchmark = $1 AND indicator_id = $2 ORDER BY period_end",
    [code, indicator.id],
  );
  const isBenchmark = org?.kind === 'benchmark' || benchmarkRows.length > 0;
  if (!isBenchmark) {
    const known = await engine.all<{ code: string }>('SELECT DISTINCT benchmark AS code FROM benchmark_series WHERE indicator_id = $1 ORDER BY code', [indicator.id]);
    const hasResults = await engine.all<{ n: number }>('SELECT count(*) AS n FROM indicator_result WHERE org_code = $1', [code]);
    if (!org && (hasResults[0]?.n ?? 0) === 0) {
      throw new EvaluationInputError(
        `unknown comparator '${code}' in ${engine.location}: it is neither an organisation nor a benchmark (benchmarks with ${indicator.id}: ${list(known.map((k) => k.code))})`,
      );
    }
    return readOrganisationSeries(engine, indicator, code, 'comparator');
  }
  if (benchmarkRows.length === 0) {
    throw new EvaluationInputError(`benchmark ${code}${org ? ` (${org.name})` : ''} has no series for indicator ${indicator.id} in benchmark_series`);
  }
  const rows = benchmarkRows.map((r) => ({ ...r, value: r.value ?? valueFromParts(indicator.kind, r.numerator, r.denominator) }));
  return seriesOf(rows, `benchmark ${code}${org ? ` (${org.name})` : ''}`, indicator);
}
