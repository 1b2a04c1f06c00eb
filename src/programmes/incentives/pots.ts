import type { Engine } from '../../store/engine.js';
import type { ListSizeUsed, PotDescription, ResultUsed } from './calculation-types.js';
import { resolveDate } from './financial-year.js';
import { lifetimePotTotal, yearPotTotal } from './lifetime.js';
import { statedPotForYear, type IndicatorCatalogue } from './load-scheme.js';
import { allocate, penceToNumber, type Pence } from './money.js';
import type { NetworkPot } from './payments.js';
import type { Scheme } from './scheme.js';
import { IncentiveDataError, readListSizes, readNetworkResultsAt, type Network } from './store-reads.js';

export interface Pots {
  networks: NetworkPot[];
  description: PotDescription;
  results: ResultUsed[];
  listSizes: ListSizeUsed[];
  warnings: string[];
}

/**
 * Each network's pot for the year: the per-network amount, or the total split between the
 * networks by largest remainder — equally, by registered list size at a date, or by register
 * size (an indicator's network numerator or denominator at a month end). The pots add up
 * exactly to the total.
 */
export async function networkPots(engine: Engine, scheme: Scheme, year: number, networks: readonly Network[], catalogue: IndicatorCatalogue): Promise<Pots> {
  const pot = scheme.pot;
  // This year's pot: the same every year (per: year), or this year's part of the lifetime pot (per: scheme).
  const stated = statedPotForYear(scheme, year);
  const lifetime = lifetimeOf(scheme, year, networks.length);
  if (pot.kind === 'per_network') {
    return {
      networks: networks.map((n) => ({ ...n, pot: stated, splitSize: null })),
      description: {
        basis: 'per_network',
        total_pence: penceToNumber(stated * BigInt(networks.length)),
        per_network_pence: penceToNumber(stated),
        ...lifetime,
      },
      results: [],
      listSizes: [],
      warnings: [],
    };
  }
  const split = pot.split;
  const total = penceToNumber(stated);
  const withSizes = (sizes: readonly bigint[]): NetworkPot[] => splitYearPot(scheme, year, networks, sizes);
  if (split.by === 'equal') {
    return {
      networks: splitYearPot(scheme, year, networks, null),
      description: { basis: 'equal', total_pence: total, ...lifetime },
      results: [],
      listSizes: [],
      warnings: [],
    };
  }
  const date = resolveDate(split.date, year);
  if (split.by === 'list_size') {
    const listSizes = await readListSizes(
      engine,
      networks.map((n) => n.code),
      date,
      split.source,
    );
    const sizes = networks.map((n) => listSizes.filter((l) => l.network === n.code).reduce((s, l) => s + BigInt(l.patients), 0n));
    if (sizes.every((s) => s === 0n))
      throw new IncentiveDataError(
        `cannot split the pot by list size: no network has registered patients on ${date}${split.source === 'registration' ? ' in the registration table (use source: list_size_reference to split by the practices\' reference list sizes)' : ''}`,
      );
    const warnings = networks.filter((_, i) => sizes[i] === 0n).map((n) => `${n.code} has no registered patients on ${date}: its pot is £0.00`);
    return {
      networks: withSizes(sizes),
      description: { basis: 'list_size', total_pence: total, date, source: split.source, ...lifetime },
      results: [],
      listSizes,
      warnings,
    };
  }
  const info = catalogue.get(split.indicator);
  if (!info) throw new IncentiveDataError(`unknown indicator ${split.indicator}`);
  const measure = split.measure ?? (info.kind === 'count' ? 'numerator' : 'denominator');
  const results = await readNetworkResultsAt(engine, split.indicator, date, catalogue);
  const missing = networks.filter((n) => !results.has(n.code)).map((n) => n.code);
  if (missing.length)
    throw new IncentiveDataError(
      `cannot split the pot by register size: no ${split.indicator} result on ${date} for network${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (measure that month first)`,
    );
  const used = networks.map((n) => results.get(n.code) as ResultUsed);
  const sizes = used.map((r) => BigInt(Math.round(r[measure])));
  if (sizes.every((s) => s === 0n)) throw new IncentiveDataError(`cannot split the pot by register size: every network's ${split.indicator} ${measure} on ${date} is 0`);
  return {
    networks: withSizes(sizes),
    description: { basis: 'register', total_pence: total, date, indicator: split.indicator, measure, ...lifetime },
    results: used,
    listSizes: [],
    warnings: [],
  };
}

/**
 * Each network's pot for the year, given the sizes the pot is split by (null for a per-network
 * pot or an equal split). Pure: the parts add up exactly to the year's pot (largest remainder).
 */
export function splitYearPot(scheme: Scheme, year: number, networks: readonly Network[], sizes: readonly bigint[] | null): NetworkPot[] {
  const stated = statedPotForYear(scheme, year);
  if (scheme.pot.kind === 'per_network') return networks.map((n) => ({ ...n, pot: stated, splitSize: null }));
  if (sizes === null) {
    if (scheme.pot.split.by !== 'equal') throw new Error(`a ${scheme.pot.split.by} split needs the networks' sizes`);
    const parts = allocate(stated, networks.map(() => 1n));
    return networks.map((n, i) => ({ ...n, pot: parts[i] as Pence, splitSize: null }));
  }
  if (sizes.length !== networks.length) throw new Error('one size per network is needed');
  const parts = allocate(stated, sizes);
  return networks.map((n, i) => ({ ...n, pot: parts[i] as Pence, splitSize: Number(sizes[i]) }));
}

/** The lifetime side of a year's pot description: what the pot covers, the lifetime pot, and what is left of it after this year. */
function lifetimeOf(scheme: Scheme, year: number, networkCount: number): Pick<PotDescription, 'per' | 'lifetime_pot_pence' | 'left_after_year_pence' | 'year_part'> {
  const lifetime = lifetimePotTotal(scheme, networkCount);
  let used = 0n;
  for (let y = scheme.years.from; y <= year; y++) used += yearPotTotal(scheme, y, networkCount);
  return {
    per: scheme.pot.per,
    lifetime_pot_pence: penceToNumber(lifetime),
    left_after_year_pence: penceToNumber(lifetime - used),
    year_part: scheme.pot.byYearWritten?.get(year) ?? null,
  };
}
