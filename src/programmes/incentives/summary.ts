import type { Engine } from '../../store/engine.js';
import { calculateScheme } from './calculate.js';
import type { Calculation } from './calculation-types.js';
import { financialYearLabel } from './financial-year.js';
import { lifetimePotTotal, publishedPot, schemeYears, yearPotTotal } from './lifetime.js';
import { SchemeError, type IndicatorCatalogue } from './load-scheme.js';
import { penceToNumber } from './money.js';
import type { Scheme } from './scheme.js';
import { IncentiveDataError, readNetworks } from './store-reads.js';

/**
 * `gpnet incentives summary`: a scheme over its whole life — the lifetime pot, what each year's
 * calculation paid, left unearned and clawed back, and the same per network. Every year is a
 * dry run of the calculation (nothing is stored). Amounts are integer pence; for every year and
 * network, pot = paid + unearned + clawed back, so the lifetime pot = paid + unearned + clawed
 * back + the pots of any years that could not be calculated.
 */

export interface SummaryYear {
  year: number;
  financial_year: string;
  /** ok, or not_calculated when the store lacks data the calculation needs (reason says what). */
  status: 'ok' | 'not_calculated';
  reason: string | null;
  pot_pence: number;
  advance_pence: number;
  performance_pot_pence: number;
  performance_pence: number;
  unearned_pence: number;
  clawed_back_pence: number;
  /** advance + performance − clawback. */
  paid_pence: number;
  /** The lifetime pot less this year's and the earlier years' pots. */
  left_after_pence: number;
  warnings: string[];
}

export interface SummaryNetwork {
  network: string;
  name: string;
  /** The network's pots summed over the years calculated. */
  pot_pence: number;
  paid_pence: number;
  unearned_pence: number;
  clawed_back_pence: number;
}

export interface SchemeSummary {
  scheme: string;
  title: string;
  /** What the scheme file's amount covers: each year (year) or the scheme's whole life (scheme). */
  pot_per: 'year' | 'scheme';
  lifetime_pot_pence: number;
  /** The pot as the scheme file states it, for all networks: a year's pot (pot_per year) or the lifetime pot (pot_per scheme). */
  published_pot_pence: number;
  paid_pence: number;
  unearned_pence: number;
  clawed_back_pence: number;
  /** The pots of years that could not be calculated (0 when complete). */
  not_calculated_pence: number;
  complete: boolean;
  years: SummaryYear[];
  networks: SummaryNetwork[];
}

export type YearOutcome = { year: number; calc: Calculation } | { year: number; error: string };

/** The summary from each year's calculation (or why it failed). Pure: no store. */
export function summarise(scheme: Scheme, outcomes: readonly YearOutcome[], networkCount: number): SchemeSummary {
  const lifetime = lifetimePotTotal(scheme, networkCount);
  let used = 0n;
  const sum = { paid: 0n, unearned: 0n, clawed: 0n, missing: 0n };
  const networks = new Map<string, { name: string; pot: bigint; paid: bigint; unearned: bigint; clawed: bigint }>();
  const years: SummaryYear[] = outcomes.map((o) => {
    const pot = yearPotTotal(scheme, o.year, networkCount);
    used += pot;
    const base = { year: o.year, financial_year: financialYearLabel(o.year), pot_pence: penceToNumber(pot), left_after_pence: penceToNumber(lifetime - used) };
    if ('error' in o) {
      sum.missing += pot;
      return {
        ...base,
        status: 'not_calculated',
        reason: o.error,
        advance_pence: 0,
        performance_pot_pence: 0,
        performance_pence: 0,
        unearned_pence: 0,
        clawed_back_pence: 0,
        paid_pence: 0,
        warnings: [],
      };
    }
    const t = o.calc.totals;
    if (BigInt(t.pot_pence) !== pot) throw new Error(`${scheme.id} ${o.year}: the calculation's pot ${t.pot_pence} is not the year's pot ${pot}`);
    sum.paid += BigInt(t.total_pence);
    sum.unearned += BigInt(t.unearned_pence);
    sum.clawed += BigInt(t.clawback_pence);
    for (const n of o.calc.networks) {
      const acc = networks.get(n.code) ?? { name: n.name, pot: 0n, paid: 0n, unearned: 0n, clawed: 0n };
      acc.pot += BigInt(n.pot_pence);
      acc.paid += BigInt(n.total_pence);
      acc.unearned += BigInt(n.unearned_pence);
      acc.clawed += BigInt(n.clawback_pence);
      networks.set(n.code, acc);
    }
    return {
      ...base,
      status: 'ok',
      reason: null,
      advance_pence: t.advance_pence,
      performance_pot_pence: t.performance_pot_pence,
      performance_pence: t.performance_pence,
      unearned_pence: t.unearned_pence,
      clawed_back_pence: t.clawback_pence,
      paid_pence: t.total_pence,
      warnings: o.calc.warnings,
    };
  });
  return {
    scheme: scheme.id,
    title: scheme.title,
    pot_per: scheme.pot.per,
    lifetime_pot_pence: penceToNumber(lifetime),
    published_pot_pence: penceToNumber(publishedPot(scheme, networkCount)),
    paid_pence: penceToNumber(sum.paid),
    unearned_pence: penceToNumber(sum.unearned),
    clawed_back_pence: penceToNumber(sum.clawed),
    not_calculated_pence: penceToNumber(sum.missing),
    complete: sum.missing === 0n,
    years,
    networks: [...networks.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([code, n]) => ({
        network: code,
        name: n.name,
        pot_pence: penceToNumber(n.pot),
        paid_pence: penceToNumber(n.paid),
        unearned_pence: penceToNumber(n.unearned),
        clawed_back_pence: penceToNumber(n.clawed),
      })),
  };
}

/** Calculates every year of the scheme from the store (dry runs) and summarises them. */
export async function summariseScheme(engine: Engine, scheme: Scheme, catalogue: IndicatorCatalogue): Promise<SchemeSummary> {
  const networks = await readNetworks(engine, scheme.networks);
  const outcomes: YearOutcome[] = [];
  for (const year of schemeYears(scheme)) {
    try {
      outcomes.push({ year, calc: await calculateScheme(engine, scheme, year, catalogue) });
    } catch (err) {
      if (!(err instanceof IncentiveDataError || err instanceof SchemeError)) throw err;
      outcomes.push({ year, error: err.message });
    }
  }
  return summarise(scheme, outcomes, networks.length);
}
