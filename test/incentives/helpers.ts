import type { Engine } from '../../src/store/engine.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { IndicatorCatalogue, IndicatorInfo } from '../../src/programmes/incentives/load-scheme.js';
import { parseScheme } from '../../src/programmes/incentives/load-scheme.js';
import type { Scheme } from '../../src/programmes/incentives/scheme.js';

/** A small indicator catalogue for tests (the real library is used where it matters). */
export const CATALOGUE: IndicatorCatalogue = new Map<string, IndicatorInfo>(
  (
    [
      ['mmr1-by-2', 'proportion', 'higher'],
      ['dm-care-plan', 'proportion', 'higher'],
      ['dm-bp-chol', 'proportion', 'higher'],
      ['dm-hba1c-mean', 'mean', 'lower'],
      ['dm-register', 'count', null],
      ['copd-review', 'proportion', 'higher'],
      ['copd-pr-referral', 'proportion', 'higher'],
      ['copd-register', 'count', null],
    ] as const
  ).map(([id, kind, direction]) => [id, { id, kind, direction, hash: `hash-${id}` }]),
);

export function scheme(text: string, file = 'schemes/test.yaml'): Scheme {
  return parseScheme(text, file, CATALOGUE);
}

/** A collaboration with networks N1… and practices under them. */
export async function storeWith(networks: Record<string, string[]>, listSizeReference: Record<string, number> = {}): Promise<Engine> {
  const engine = await DuckDBEngine.open(':memory:');
  await addOrganisations(engine, networks, listSizeReference);
  return engine;
}

export async function addOrganisations(engine: Engine, networks: Record<string, string[]>, listSizeReference: Record<string, number> = {}): Promise<void> {
  const rows: (string | number | boolean | null)[][] = [['C', 'Collaboration', 'collaboration', null, true, null]];
  for (const [n, practices] of Object.entries(networks)) {
    rows.push([n, `Network ${n}`, 'network', 'C', true, null]);
    for (const p of practices) rows.push([p, `Practice ${p}`, 'practice', n, true, listSizeReference[p] ?? null]);
  }
  await engine.insertRows('organisation', ['code', 'name', 'kind', 'parent', 'synthetic', 'list_size_reference'], rows);
}

export interface ResultInput {
  indicator: string;
  org: string;
  period: string;
  numerator: number;
  denominator: number;
  /** Default: percent for proportions (100 × n / d), the numerator for counts. */
  value?: number | null;
  hash?: string;
  kind?: 'network' | 'practice' | 'collaboration';
}

export async function addResults(engine: Engine, results: readonly ResultInput[]): Promise<void> {
  await engine.insertRows(
    'indicator_result',
    ['indicator_id', 'org_kind', 'org_code', 'period_end', 'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'target', 'rag', 'definition_hash', 'codelist_versions', 'computed_at'],
    results.map((r) => {
      const kind = CATALOGUE.get(r.indicator)?.kind;
      const value = r.value !== undefined ? r.value : kind === 'count' ? r.numerator : r.denominator > 0 ? (100 * r.numerator) / r.denominator : null;
      return [r.indicator, r.kind ?? 'network', r.org, r.period, r.numerator, r.denominator, value, null, null, null, null, r.hash ?? `hash-${r.indicator}`, '{}', '2024-01-01 00:00:00'];
    }),
  );
}

/** Replaces one result (late or corrected data), as a re-measure would. */
export async function replaceResult(engine: Engine, r: ResultInput): Promise<void> {
  await engine.run('DELETE FROM indicator_result WHERE indicator_id = $1 AND org_code = $2 AND period_end = CAST($3 AS DATE)', [r.indicator, r.org, r.period]);
  await addResults(engine, [r]);
}
