import { createHash } from 'node:crypto';
import { canonicalJson } from '../../indicators/load.js';
import type { Engine } from '../../store/engine.js';
import type { Calculation } from './calculation-types.js';

/**
 * Calculations are kept as numbered versions per (scheme, year). Recalculating with the same
 * scheme and the same results does not make a new version (it reports the existing one); a
 * recalculation after late data, or with a changed scheme, makes version n + 1, and its
 * difference from version n is given.
 *
 * The tables are created here with CREATE TABLE IF NOT EXISTS until they move into a migration.
 */


/**
 * The hash that decides whether a recalculation changed anything: the whole calculation except
 * the scheme's file path and the results' computed_at times (re-measuring the same data is not
 * a change; a changed value, row or definition hash is).
 */
export function resultHash(calc: Calculation): string {
  const { scheme, trace, ...rest } = calc;
  const strip = <T extends { computed_at: string | null }>(r: T): Omit<T, 'computed_at'> => {
    const { computed_at: _omit, ...keep } = r;
    return keep;
  };
  const content = {
    ...rest,
    scheme: { id: scheme.id, hash: scheme.hash },
    networks: calc.networks.map((n) => ({ ...n, components: n.components.map((c) => ({ ...c, result: c.result ? strip(c.result) : null })) })),
    trace: { results: trace.results.map(strip), list_sizes: trace.list_sizes },
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface VersionInfo {
  version: number;
  status: 'new' | 'unchanged';
  calculated_at: string;
  /** The version before this one, or null for the first. */
  previous: number | null;
}

export interface Delta {
  from: number;
  to: number;
  change: number;
}

export interface ComponentChange {
  id: string;
  indicator: string;
  value: { from: number | null; to: number | null };
  status: { from: string; to: string };
  earned: Delta;
  clawback: Delta;
}

export interface NetworkChange {
  code: string;
  presence: 'both' | 'added' | 'removed';
  pot: Delta;
  advance: Delta;
  performance: Delta;
  clawback: Delta;
  total: Delta;
  components: ComponentChange[];
}

export interface Changes {
  from_version: number;
  to_version: number;
  scheme_changed: boolean;
  total: Delta;
  /** Only networks where something changed. */
  networks: NetworkChange[];
}

/** A version as kept in the payment and component tables: what a difference compares. */
export interface VersionSummary {
  version: number;
  scheme_hash: string;
  payments: Map<
    string,
    {
      pot: number;
      advance: number;
      performance: number;
      clawback: number;
      total: number;
      components: Map<string, { indicator: string; value: number | null; status: string; earned: number; clawback: number }>;
    }
  >;
}

function summaryOf(calc: Calculation, version: number): VersionSummary {
  return {
    version,
    scheme_hash: calc.scheme.hash,
    payments: new Map(
      calc.networks.map((n) => [
        n.code,
        {
          pot: n.pot_pence,
          advance: n.advance_pence,
          performance: n.performance_pence,
          clawback: n.clawback_pence,
          total: n.total_pence,
          components: new Map(
            n.components.map((c) => [c.id, { indicator: c.indicator, value: c.value, status: c.status, earned: c.earned_pence, clawback: c.clawback_pence }]),
          ),
        },
      ]),
    ),
  };
}

async function readSummary(engine: Engine, schemeId: string, year: number, version: number): Promise<VersionSummary> {
  const head = await engine.all<{ scheme_hash: string }>('SELECT scheme_hash FROM incentive_calculation WHERE scheme_id = $1 AND year = $2 AND version = $3', [
    schemeId,
    year,
    version,
  ]);
  const pays = await engine.all<{ network_code: string; pot_pence: number; advance_pence: number; performance_pence: number; clawback_pence: number; total_pence: number }>(
    `SELECT network_code, pot_pence, advance_pence, performance_pence, clawback_pence, total_pence FROM incentive_payment
     WHERE scheme_id = $1 AND year = $2 AND version = $3 ORDER BY network_code`,
    [schemeId, year, version],
  );
  const comps = await engine.all<{
    network_code: string;
    component_id: string;
    indicator_id: string;
    value: number | null;
    status: string;
    earned_pence: number;
    clawback_pence: number;
  }>(
    `SELECT network_code, component_id, indicator_id, value, status, earned_pence, clawback_pence FROM incentive_component
     WHERE scheme_id = $1 AND year = $2 AND version = $3`,
    [schemeId, year, version],
  );
  const payments: VersionSummary['payments'] = new Map();
  for (const p of pays)
    payments.set(p.network_code, {
      pot: p.pot_pence,
      advance: p.advance_pence,
      performance: p.performance_pence,
      clawback: p.clawback_pence,
      total: p.total_pence,
      components: new Map(),
    });
  for (const c of comps)
    payments.get(c.network_code)?.components.set(c.component_id, {
      indicator: c.indicator_id,
      value: c.value,
      status: c.status,
      earned: c.earned_pence,
      clawback: c.clawback_pence,
    });
  return { version, scheme_hash: head[0]?.scheme_hash ?? '', payments };
}

const delta = (from: number, to: number): Delta => ({ from, to, change: to - from });

/** What changed between two versions (networks and components where anything differs). */
export function compareVersions(before: VersionSummary, after: VersionSummary): Changes {
  const codes = [...new Set([...before.payments.keys(), ...after.payments.keys()])].sort();
  const networks: NetworkChange[] = [];
  let totalFrom = 0;
  let totalTo = 0;
  const none = { pot: 0, advance: 0, performance: 0, clawback: 0, total: 0, components: new Map() };
  for (const code of codes) {
    const a = before.payments.get(code);
    const b = after.payments.get(code);
    const x = a ?? none;
    const y = b ?? none;
    totalFrom += x.total;
    totalTo += y.total;
    const ids = [...new Set([...x.components.keys(), ...y.components.keys()])];
    const components: ComponentChange[] = [];
    for (const id of ids) {
      const p = x.components.get(id);
      const q = y.components.get(id);
      const changed = !p || !q || p.value !== q.value || p.status !== q.status || p.earned !== q.earned || p.clawback !== q.clawback;
      if (!changed) continue;
      components.push({
        id,
        indicator: (q ?? p)?.indicator ?? '',
        value: { from: p?.value ?? null, to: q?.value ?? null },
        status: { from: p?.status ?? 'absent', to: q?.status ?? 'absent' },
        earned: delta(p?.earned ?? 0, q?.earned ?? 0),
        clawback: delta(p?.clawback ?? 0, q?.clawback ?? 0),
      });
    }
    const change: NetworkChange = {
      code,
      presence: a && b ? 'both' : a ? 'removed' : 'added',
      pot: delta(x.pot, y.pot),
      advance: delta(x.advance, y.advance),
      performance: delta(x.performance, y.performance),
      clawback: delta(x.clawback, y.clawback),
      total: delta(x.total, y.total),
      components,
    };
    const moved = [change.pot, change.advance, change.performance, change.clawback, change.total].some((d) => d.change !== 0);
    if (moved || components.length || change.presence !== 'both') networks.push(change);
  }
  return {
    from_version: before.version,
    to_version: after.version,
    scheme_changed: before.scheme_hash !== after.scheme_hash,
    total: delta(totalFrom, totalTo),
    networks,
  };
}

export interface StoredCalculation {
  version: VersionInfo;
  /** The difference from the previous version; null for a first version or an unchanged recalculation. */
  changes: Changes | null;
}

/** Keeps a calculation as a new version unless it is identical to the latest one. */
export async function storeCalculation(engine: Engine, calc: Calculation): Promise<StoredCalculation> {
  const hash = resultHash(calc);
  return engine.transaction(async (tx) => {
    const latest = await tx.all<{ version: number; scheme_hash: string; result_hash: string; calculated_at: string }>(
      `SELECT version, scheme_hash, result_hash, CAST(calculated_at AS VARCHAR) AS calculated_at FROM incentive_calculation
       WHERE scheme_id = $1 AND year = $2 ORDER BY version DESC LIMIT 1`,
      [calc.scheme.id, calc.year],
    );
    const last = latest[0];
    if (last && last.result_hash === hash && last.scheme_hash === calc.scheme.hash) {
      const prior = await tx.all<{ v: number | null }>('SELECT MAX(version) AS v FROM incentive_calculation WHERE scheme_id = $1 AND year = $2 AND version < $3', [
        calc.scheme.id,
        calc.year,
        last.version,
      ]);
      return { version: { version: last.version, status: 'unchanged', calculated_at: last.calculated_at, previous: prior[0]?.v ?? null }, changes: null };
    }
    const version = (last?.version ?? 0) + 1;
    await tx.run(
      `INSERT INTO incentive_calculation (scheme_id, year, version, scheme_file, scheme_hash, result_hash, pot_pence, paid_pence, result_json, calculated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CURRENT_TIMESTAMP)`,
      [calc.scheme.id, calc.year, version, calc.scheme.file, calc.scheme.hash, hash, calc.totals.pot_pence, calc.totals.total_pence, JSON.stringify(calc)],
    );
    await tx.insertRows(
      'incentive_payment',
      ['scheme_id', 'year', 'version', 'network_code', 'pot_pence', 'advance_pence', 'performance_pot_pence', 'performance_pence', 'clawback_pence', 'total_pence'],
      calc.networks.map((n) => [
        calc.scheme.id,
        calc.year,
        version,
        n.code,
        n.pot_pence,
        n.advance_pence,
        n.performance_pot_pence,
        n.performance_pence,
        n.clawback_pence,
        n.total_pence,
      ]),
    );
    await tx.insertRows(
      'incentive_component',
      [
        'scheme_id',
        'year',
        'version',
        'network_code',
        'component_id',
        'indicator_id',
        'measured_at',
        'value',
        'achievement',
        'status',
        'earned_share',
        'component_pot_pence',
        'earned_pence',
        'clawback_pence',
        'definition_hash',
      ],
      calc.networks.flatMap((n) =>
        n.components.map((c) => [
          calc.scheme.id,
          calc.year,
          version,
          n.code,
          c.id,
          c.indicator,
          c.measured_at,
          c.value,
          c.achievement,
          c.status,
          c.earned_share,
          c.component_pot_pence,
          c.earned_pence,
          c.clawback_pence,
          c.result?.definition_hash ?? null,
        ]),
      ),
    );
    const at = await tx.all<{ t: string }>('SELECT CAST(calculated_at AS VARCHAR) AS t FROM incentive_calculation WHERE scheme_id = $1 AND year = $2 AND version = $3', [
      calc.scheme.id,
      calc.year,
      version,
    ]);
    const changes = last ? compareVersions(await readSummary(tx, calc.scheme.id, calc.year, last.version), summaryOf(calc, version)) : null;
    return { version: { version, status: 'new', calculated_at: at[0]?.t ?? '', previous: last?.version ?? null }, changes };
  });
}

/** The difference between two stored versions. */
export async function compareStoredVersions(engine: Engine, schemeId: string, year: number, from: number, to: number): Promise<Changes> {
  return compareVersions(await readSummary(engine, schemeId, year, from), await readSummary(engine, schemeId, year, to));
}

export interface VersionListing {
  version: number;
  calculated_at: string;
  scheme_hash: string;
  pot_pence: number;
  paid_pence: number;
}

export async function listVersions(engine: Engine, schemeId: string, year: number): Promise<VersionListing[]> {
  return engine.all<VersionListing & Record<string, string | number>>(
    `SELECT version, CAST(calculated_at AS VARCHAR) AS calculated_at, scheme_hash, pot_pence, paid_pence FROM incentive_calculation
     WHERE scheme_id = $1 AND year = $2 ORDER BY version`,
    [schemeId, year],
  );
}
