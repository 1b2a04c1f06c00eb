import type { ComponentOutcome, NetworkOutcome, ResultUsed, Totals } from './calculation-types.js';
import { formatBp } from './format-values.js';
import { allocate, applyRatio, penceToNumber, type Pence } from './money.js';
import { ZERO, ratio, toFixed, type Ratio } from './ratio.js';
import { describeRule, earnedFraction, isBelowFloor, statusOf } from './rules.js';
import type { Scheme } from './scheme.js';

/** A network taking part, with its pot for the year. */
export interface NetworkPot {
  code: string;
  name: string;
  pot: Pence;
  splitSize: number | null;
}

/** What was measured for one component of one network. */
export interface Measured {
  value: number | null;
  achievement: Ratio | null;
  result: ResultUsed | null;
}

export interface PaymentDates {
  advancePaidOn: string;
  performancePaidOn: string | null;
  /** Per component, the measurement date. */
  measuredAt: readonly string[];
}

/**
 * One network's payment for the year, from its pot and its measured achievement per component
 * (in the scheme's component order). Pure: no store, no clock.
 *
 * The network's advance comes from splitAdvances (so that the scheme's advances add up to
 * exactly the advance share of the whole pot); performance pot = pot − advance;
 * performance pot → components by weight (largest remainder); advance → components by weight
 * (largest remainder, the parts a floor can claw back); earned = component pot × earned share,
 * clawback = advance part × clawback share, each rounded to the nearest penny, halves up.
 */
export function networkPayment(scheme: Scheme, network: NetworkPot, advance: Pence, measured: readonly Measured[], dates: PaymentDates): NetworkOutcome {
  const components = scheme.performance.components;
  if (measured.length !== components.length) throw new Error('one measurement per component is needed');
  if (advance < 0n || advance > network.pot) throw new Error(`advance ${advance} outside the pot ${network.pot}`);
  const performancePot = network.pot - advance;
  const weights = components.map((c) => BigInt(c.weight));
  const perfParts = allocate(performancePot, weights);
  const advParts = allocate(advance, weights);
  let performance = 0n;
  let clawback = 0n;
  const outcomes: ComponentOutcome[] = components.map((c, i) => {
    const m = measured[i] as Measured;
    const fraction = m.achievement ? earnedFraction(c, m.achievement) : null;
    const partPot = perfParts[i] as Pence;
    const advPart = advParts[i] as Pence;
    const earned = fraction ? applyRatio(partPot, fraction) : 0n;
    const below = m.achievement ? isBelowFloor(c, m.achievement) : false;
    const clawed = below && c.floor ? applyRatio(advPart, ratio(BigInt(c.floor.clawback), 10000n)) : 0n;
    performance += earned;
    clawback += clawed;
    return {
      id: c.id,
      title: c.title ?? null,
      indicator: c.indicator,
      weight_bp: c.weight,
      direction: c.direction,
      rule: describeRule(c, formatBp),
      measured_at: dates.measuredAt[i] as string,
      value: m.value,
      achievement: m.achievement ? toFixed(m.achievement, 6) : null,
      status: statusOf(fraction),
      earned_share: toFixed(fraction ?? ZERO, 6),
      component_pot_pence: penceToNumber(partPot),
      earned_pence: penceToNumber(earned),
      advance_part_pence: penceToNumber(advPart),
      below_floor: below,
      clawback_pence: penceToNumber(clawed),
      result: m.result,
    };
  });
  return {
    code: network.code,
    name: network.name,
    split_size: network.splitSize,
    pot_pence: penceToNumber(network.pot),
    advance_pence: penceToNumber(advance),
    advance_paid_on: dates.advancePaidOn,
    performance_pot_pence: penceToNumber(performancePot),
    performance_pence: penceToNumber(performance),
    performance_paid_on: dates.performancePaidOn,
    unearned_pence: penceToNumber(performancePot - performance),
    clawback_pence: penceToNumber(clawback),
    total_pence: penceToNumber(advance + performance - clawback),
    components: outcomes,
  };
}

/**
 * Each network's advance. The scheme's pot is split into advance and performance by the
 * shares (largest remainder), and the advance is shared between the networks in proportion to
 * their pots (largest remainder). So the advances add up to exactly the advance share of the
 * whole pot, and each network's advance is within a penny of the advance share of its own pot.
 */
export function splitAdvances(scheme: Scheme, pots: readonly Pence[]): Pence[] {
  const total = pots.reduce((s, p) => s + p, 0n);
  if (total === 0n) return pots.map(() => 0n);
  const [advance] = allocate(total, [BigInt(scheme.advance.shareBp), BigInt(scheme.performance.shareBp)]) as [Pence, Pence];
  return allocate(advance, pots);
}

/** Scheme totals, summed in BigInt. */
export function totalsOf(networks: readonly NetworkOutcome[]): Totals {
  const sum = (f: (n: NetworkOutcome) => number): number => penceToNumber(networks.reduce((s, n) => s + BigInt(f(n)), 0n));
  return {
    pot_pence: sum((n) => n.pot_pence),
    advance_pence: sum((n) => n.advance_pence),
    performance_pot_pence: sum((n) => n.performance_pot_pence),
    performance_pence: sum((n) => n.performance_pence),
    unearned_pence: sum((n) => n.unearned_pence),
    clawback_pence: sum((n) => n.clawback_pence),
    total_pence: sum((n) => n.total_pence),
  };
}
