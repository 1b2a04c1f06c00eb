import type { Engine, Row } from '../../store/engine.js';
import type { ListSizeUsed, ResultUsed } from './calculation-types.js';
import type { IndicatorCatalogue } from './load-scheme.js';

/** The store reads a calculation needs: networks, network results at a date, list sizes. */

export interface Network {
  code: string;
  name: string;
}

/** A problem with the data in the store (not with the scheme file). */
export class IncentiveDataError extends Error {}

export async function readNetworks(engine: Engine, only: readonly string[] | null): Promise<Network[]> {
  const rows = await engine.all<{ code: string; name: string }>("SELECT code, name FROM organisation WHERE kind = 'network' ORDER BY code");
  if (!only) {
    if (rows.length === 0) throw new IncentiveDataError(`the store ${engine.location} has no organisations of kind network`);
    return rows;
  }
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const missing = only.filter((c) => !byCode.has(c));
  if (missing.length) throw new IncentiveDataError(`the scheme names network${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, not in the store's organisations of kind network`);
  return [...only].sort().map((c) => byCode.get(c) as Network);
}

/** A result row as read from the store: what a calculation records, before its definition is checked. */
type ResultRowRead = Omit<ResultUsed, 'current_definition'> & Row;

const RESULT_SELECT = `SELECT indicator_id, org_kind, org_code, CAST(period_end AS VARCHAR) AS period_end, numerator, denominator, value,
  definition_hash, codelist_versions, CAST(computed_at AS VARCHAR) AS computed_at FROM indicator_result`;

function used(r: ResultRowRead, catalogue: IndicatorCatalogue): ResultUsed {
  return { ...r, current_definition: catalogue.get(r.indicator_id)?.hash === r.definition_hash };
}

/** Network results of one indicator at one month end, by network code. */
export async function readNetworkResultsAt(engine: Engine, indicatorId: string, date: string, catalogue: IndicatorCatalogue): Promise<Map<string, ResultUsed>> {
  const rows = await engine.all<ResultRowRead>(`${RESULT_SELECT} WHERE indicator_id = $1 AND org_kind = 'network' AND period_end = CAST($2 AS DATE)`, [
    indicatorId,
    date,
  ]);
  return new Map(rows.map((r) => [r.org_code, used(r, catalogue)]));
}

/** Network results of one indicator at month ends from `from` to `to` (inclusive), oldest first. */
export async function readNetworkSeries(
  engine: Engine,
  indicatorId: string,
  from: string,
  to: string,
  catalogue: IndicatorCatalogue,
): Promise<ResultUsed[]> {
  const rows = await engine.all<ResultRowRead>(
    `${RESULT_SELECT} WHERE indicator_id = $1 AND org_kind = 'network' AND period_end >= CAST($2 AS DATE) AND period_end <= CAST($3 AS DATE)
     ORDER BY org_code, period_end`,
    [indicatorId, from, to],
  );
  return rows.map((r) => used(r, catalogue));
}

/** The latest month end (≤ `notAfter`) with a network result for the indicator, or null. */
export async function latestNetworkPeriod(engine: Engine, indicatorId: string, notAfter: string): Promise<string | null> {
  const rows = await engine.all<{ p: string | null }>(
    `SELECT CAST(MAX(period_end) AS VARCHAR) AS p FROM indicator_result WHERE indicator_id = $1 AND org_kind = 'network' AND period_end <= CAST($2 AS DATE)`,
    [indicatorId, notAfter],
  );
  return rows[0]?.p ?? null;
}

/**
 * Each network's practices and their list sizes at a date: from the registration table
 * (patients registered on the date and alive on it; registration.end_date is exclusive), or
 * from the practices' list_size_reference. Practices are those whose parent is the network.
 */
export async function readListSizes(
  engine: Engine,
  networks: readonly string[],
  date: string,
  source: 'registration' | 'list_size_reference',
): Promise<ListSizeUsed[]> {
  const rows =
    source === 'registration'
      ? await engine.all<{ network: string; practice: string; patients: number }>(
          `SELECT o.parent AS network, o.code AS practice, COUNT(p.id) AS patients
           FROM organisation o
           LEFT JOIN registration r ON r.practice = o.code AND r.start_date <= CAST($1 AS DATE) AND (r.end_date IS NULL OR r.end_date > CAST($1 AS DATE))
           LEFT JOIN patient p ON p.id = r.patient_id AND (p.death_date IS NULL OR p.death_date > CAST($1 AS DATE))
           WHERE o.kind = 'practice' AND o.parent IS NOT NULL
           GROUP BY o.parent, o.code ORDER BY o.parent, o.code`,
          [date],
        )
      : await engine.all<{ network: string; practice: string; patients: number | null }>(
          `SELECT parent AS network, code AS practice, list_size_reference AS patients FROM organisation
           WHERE kind = 'practice' AND parent IS NOT NULL ORDER BY parent, code`,
        );
  const wanted = new Set(networks);
  const out: ListSizeUsed[] = [];
  for (const r of rows) {
    if (!wanted.has(r.network)) continue;
    if (r.patients === null) throw new IncentiveDataError(`practice ${r.practice} (network ${r.network}) has no list_size_reference`);
    out.push({ network: r.network, practice: r.practice, patients: Number(r.patients) });
  }
  return out;
}
