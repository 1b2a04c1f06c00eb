import type { Calculation, ComponentOutcome, NetworkOutcome, ResultUsed } from '../../programmes/incentives/calculation-types.js';
import type { DashboardData } from '../api/dashboard-data.js';
import { ruleText } from './rule.js';

/**
 * An incentive calculation as the server shows it: the result rows it read carry the disclosed
 * numbers (the same as everywhere else on the server); the payments, statuses and shares earned
 * are shown as calculated, because they are what the network is paid. The exact achievement
 * (a ratio of the true counts, to six decimals) is withheld wherever the rule changes the counts
 * (a suppressed row, or rounding), since it would give them back.
 */
export type DisclosedResultUsed = Omit<ResultUsed, 'numerator' | 'denominator' | 'value'> & {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed: boolean;
};

export type DisclosedComponent = Omit<ComponentOutcome, 'result' | 'value' | 'achievement'> & {
  value: number | null;
  achievement: string | null;
  result: DisclosedResultUsed | null;
};

export type DisclosedNetwork = Omit<NetworkOutcome, 'components'> & { components: DisclosedComponent[] };

export type DisclosedCalculation = Omit<Calculation, 'networks' | 'trace'> & {
  networks: DisclosedNetwork[];
  trace: { results: DisclosedResultUsed[]; list_sizes: Calculation['trace']['list_sizes'] };
  /** The rule applied (as given to gpnet serve --disclosure). */
  disclosure: string;
};

const cache = new WeakMap<Calculation, Map<DashboardData, DisclosedCalculation>>();

/** `shown` is the server's disclosed view of the store (DashboardData.disclosed). Kept per calculation. */
export function discloseCalculation(calc: Calculation, shown: DashboardData): DisclosedCalculation {
  let byView = cache.get(calc);
  if (!byView) cache.set(calc, (byView = new Map()));
  const hit = byView.get(shown);
  if (hit) return hit;
  const plain = shown.disclosure.mode === 'none';
  const result = (r: ResultUsed): DisclosedResultUsed => {
    if (plain) return { ...r, suppressed: false };
    const d = shown.result(r.indicator_id, r.org_code, r.period_end);
    // A row read by the calculation but not in the server's view is withheld rather than shown raw.
    if (!d) return { ...r, numerator: null, denominator: null, value: null, suppressed: true };
    return { ...r, numerator: d.numerator, denominator: d.denominator, value: d.value, suppressed: d.suppressed };
  };
  const component = (c: ComponentOutcome): DisclosedComponent => {
    const r = c.result ? result(c.result) : null;
    // The achievement is a ratio of the true counts: shown only where the counts themselves are.
    const shownAsIs = plain || (shown.disclosure.mode === 'suppress' && r !== null && !r.suppressed);
    return { ...c, result: r, value: r ? r.value : c.value, achievement: shownAsIs ? c.achievement : null };
  };
  const out: DisclosedCalculation = {
    ...calc,
    networks: calc.networks.map((n) => ({ ...n, components: n.components.map(component) })),
    trace: { results: calc.trace.results.map(result), list_sizes: calc.trace.list_sizes },
    disclosure: ruleText(shown.disclosure),
  };
  byView.set(shown, out);
  return out;
}
