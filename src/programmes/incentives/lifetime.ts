import { financialYearLabel } from './financial-year.js';
import { SchemeError, statedPotForYear } from './load-scheme.js';
import type { Pence } from './money.js';
import type { Scheme } from './scheme.js';

/**
 * A scheme's pots across its life, without the store (docs/INCENTIVES.md, "Lifetime pots").
 * A pot is stated either per year (`per: year`: the same pot every year, so the lifetime pot is
 * the yearly pot × the years) or for the scheme's whole life (`per: scheme`, split between the
 * years by `by_year`). A per-network pot is multiplied by the number of networks, which comes
 * from the scheme's `networks:` list or, failing that, from the caller (the store).
 */

export function schemeYears(scheme: Scheme): number[] {
  return Array.from({ length: scheme.years.to - scheme.years.from + 1 }, (_, i) => scheme.years.from + i);
}

function networksFor(scheme: Scheme, networkCount: number | null, field: string): bigint {
  if (scheme.pot.kind === 'total') return 1n;
  const count = scheme.networks?.length ?? networkCount;
  if (count === null) throw new SchemeError(scheme.file, field, 'a per-network pot has no total until the networks are known: list them under networks, or give --db');
  return BigInt(count);
}

/** The whole scheme's pot (all networks) in one financial year. */
export function yearPotTotal(scheme: Scheme, year: number, networkCount: number | null): Pence {
  return statedPotForYear(scheme, year) * networksFor(scheme, networkCount, 'pot.per_network');
}

/** The whole scheme's pot over its life: the sum of its years' pots. */
export function lifetimePotTotal(scheme: Scheme, networkCount: number | null): Pence {
  return schemeYears(scheme).reduce((s, y) => s + yearPotTotal(scheme, y, networkCount), 0n);
}

/** The pot as the scheme file states it, for all networks: a year's pot (per: year) or the lifetime pot (per: scheme). */
export function publishedPot(scheme: Scheme, networkCount: number | null): Pence {
  const stated = scheme.pot.kind === 'per_network' ? scheme.pot.perNetwork : scheme.pot.total;
  return stated * networksFor(scheme, networkCount, 'pot.per_network');
}

export interface YearPot {
  year: number;
  financial_year: string;
  pot_pence: Pence;
  /** The lifetime pot less this year's and the earlier years' pots: what is left for later years. */
  left_after_pence: Pence;
}

/** Each year's pot and what the lifetime pot has left after it. */
export function yearPots(scheme: Scheme, networkCount: number | null): YearPot[] {
  const lifetime = lifetimePotTotal(scheme, networkCount);
  let used = 0n;
  return schemeYears(scheme).map((y) => {
    const pot = yearPotTotal(scheme, y, networkCount);
    used += pot;
    return { year: y, financial_year: financialYearLabel(y), pot_pence: pot, left_after_pence: lifetime - used };
  });
}
