import type { Engine } from '../../store/engine.js';
import type { Calculation, ResultUsed } from './calculation-types.js';
import { financialYearEnd, financialYearLabel, financialYearStart, resolveDate } from './financial-year.js';
import { checkYear, type IndicatorCatalogue } from './load-scheme.js';
import { networkPayment, splitAdvances, totalsOf, type Measured, type PaymentDates } from './payments.js';
import { networkPots } from './pots.js';
import { achievementOf } from './rules.js';
import type { Scheme } from './scheme.js';
import { readNetworkResultsAt, readNetworks } from './store-reads.js';

/** The dates a scheme names, resolved for one year. */
export function paymentDates(scheme: Scheme, year: number): PaymentDates {
  return {
    advancePaidOn: resolveDate(scheme.advance.paid, year),
    performancePaidOn: scheme.performance.paid ? resolveDate(scheme.performance.paid, year) : null,
    measuredAt: scheme.performance.components.map((c) => resolveDate(c.measured_at, year)),
  };
}

/**
 * Calculates a scheme for one financial year from the store's network results: each network's
 * pot, advance, performance payment per component, clawback and total, with every result row
 * read (and its definition hash) in the trace. Deterministic: the same store and scheme give the
 * same calculation, byte for byte.
 *
 * A network with no result at a component's measurement date earns nothing for that component
 * (and has nothing clawed back for it); the calculation says so in `warnings`, and a
 * recalculation once the data arrive makes a new version.
 */
export async function calculateScheme(engine: Engine, scheme: Scheme, year: number, catalogue: IndicatorCatalogue): Promise<Calculation> {
  checkYear(scheme, year);
  const networks = await readNetworks(engine, scheme.networks);
  const pots = await networkPots(engine, scheme, year, networks, catalogue);
  const dates = paymentDates(scheme, year);
  const warnings = [...pots.warnings];
  const trace: ResultUsed[] = [...pots.results];

  // One read per (indicator, date); components sharing both share the read.
  const cache = new Map<string, Map<string, ResultUsed>>();
  const perComponent: Map<string, ResultUsed>[] = [];
  for (const [i, c] of scheme.performance.components.entries()) {
    const at = dates.measuredAt[i] as string;
    const key = `${c.indicator}\u0000${at}`;
    let rows = cache.get(key);
    if (!rows) {
      rows = await readNetworkResultsAt(engine, c.indicator, at, catalogue);
      cache.set(key, rows);
      for (const n of networks) {
        const r = rows.get(n.code);
        if (r) trace.push(r);
      }
    }
    perComponent.push(rows);
  }

  const advances = splitAdvances(
    scheme,
    pots.networks.map((n) => n.pot),
  );
  const outcomes = pots.networks.map((n, k) => {
    const measured: Measured[] = scheme.performance.components.map((c, i) => {
      const r = perComponent[i]?.get(n.code) ?? null;
      const kind = catalogue.get(c.indicator)?.kind ?? 'proportion';
      const achievement = r ? achievementOf(kind, r) : null;
      if (!r) warnings.push(`${n.code}: no ${c.indicator} result for ${dates.measuredAt[i]}; component ${c.id} earns nothing until it is measured`);
      else if (!achievement) warnings.push(`${n.code}: ${c.indicator} has no value on ${dates.measuredAt[i]} (denominator 0); component ${c.id} earns nothing`);
      return { value: r?.value ?? null, achievement, result: r };
    });
    return networkPayment(scheme, n, advances[k] as bigint, measured, dates);
  });

  const stale = new Set(trace.filter((r) => !r.current_definition).map((r) => r.indicator_id));
  for (const id of [...stale].sort())
    warnings.push(`${id}: results were computed with a definition other than the current one (hash ${catalogue.get(id)?.hash.slice(0, 12) ?? '?'}); re-measure before paying`);

  return {
    scheme: { id: scheme.id, title: scheme.title, file: scheme.file, hash: scheme.hash },
    year,
    financial_year: financialYearLabel(year),
    period: { start: financialYearStart(year), end: financialYearEnd(year) },
    pot: pots.description,
    networks: outcomes,
    totals: totalsOf(outcomes),
    trace: { results: trace, list_sizes: pots.listSizes },
    warnings,
  };
}
