import type { Engine } from '../../store/engine.js';
import type { ListSizeUsed, PotDescription, ResultUsed } from './calculation-types.js';
import { resolveDate } from './financial-year.js';
import type { IndicatorCatalogue } from './load-scheme.js';
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
  if (pot.kind === 'per_network') {
    return {
      networks: networks.map((n) => ({ ...n, pot: pot.perNetwork, splitSize: null })),
      description: {
        basis: 'per_network',
        total_pence: penceToNumber(pot.perNetwork * BigInt(networks.length)),
        per_network_pence: penceToNumber(pot.perNetwork),
      },
      results: [],
      listSizes: [],
      warnings: [],
    };
  }
  const split = pot.split;
  const total = penceToNumber(pot.total);
  const withSizes = (sizes: readonly bigint[]): NetworkPot[] => {
    const parts = allocate(pot.total, sizes);
    return networks.map((n, i) => ({ ...n, pot: parts[i] as Pence, splitSize: Number(sizes[i]) }));
  };
  if (split.by === 'equal') {
    const parts = allocate(
      pot.total,
      networks.map(() => 1n),
    );
    return {
      networks: networks.map((n, i) => ({ ...n, pot: parts[i] as Pence, splitSize: null })),
      description: { basis: 'equal', total_pence: total },
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
      description: { basis: 'list_size', total_pence: total, date, source: split.source },
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
    description: { basis: 'register', total_pence: total, date, indicator: split.indicator, measure },
    results: used,
    listSizes: [],
    warnings: [],
  };
}
