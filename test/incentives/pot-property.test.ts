import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { lifetimePotTotal, schemeYears, yearPotTotal } from '../../src/programmes/incentives/lifetime.js';
import { catalogueOf, loadScheme, parseScheme, type IndicatorCatalogue } from '../../src/programmes/incentives/load-scheme.js';
import { networkPayment, splitAdvances, totalsOf, type Measured } from '../../src/programmes/incentives/payments.js';
import { splitYearPot } from '../../src/programmes/incentives/pots.js';
import { ratio } from '../../src/programmes/incentives/ratio.js';
import type { Scheme } from '../../src/programmes/incentives/scheme.js';
import { paymentDates } from '../../src/programmes/incentives/calculate.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

/**
 * Property: for every scheme (the four shipped ones and randomly written ones), every year it
 * runs and 1–12 networks with random split sizes and random achievements (some missing, some
 * below a floor), each network's advance + performance earned + unearned = its pot, to the penny;
 * the networks' pots add up to the year's pot; and the years' pots add up to the lifetime pot.
 * A small seeded generator (mulberry32), so a failure names the seed and case that reproduce it.
 */


type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const catalogue: IndicatorCatalogue = catalogueOf(loadIndicators(loadCodelists()));
const SHIPPED = ['childhood-immunisation', 'type-2-diabetes', 'copd', 'cardiovascular-disease'].map((id) =>
  loadScheme(join(import.meta.dirname, '..', '..', 'schemes', `${id}.yaml`), catalogue),
);

/** Whole percentages (with two-decimal basis points) that add up to 100%. */
function shares(r: Rand, n: number): string[] {
  const cuts = Array.from({ length: n - 1 }, () => int(r, 0, 10000)).sort((a, b) => a - b);
  const bps = [...cuts, 10000].map((c, i) => c - (i === 0 ? 0 : (cuts[i - 1] as number)));
  return bps.map((bp) => `${Math.floor(bp / 100)}${bp % 100 ? `.${String(bp % 100).padStart(2, '0')}` : ''}%`);
}

const pounds = (pence: number): string => `£${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;

/** A random valid scheme file: yearly or lifetime pot (by_year as amounts or shares), per network or a total with a split. */
function randomScheme(r: Rand, k: number): Scheme {
  const from = int(r, 2008, 2012);
  const to = from + int(r, 0, 3);
  const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const amount = int(r, 1, 5_000_000_00);
  const perNetwork = r() < 0.3;
  const lifetime = r() < 0.6;
  const lines = [`id: random-${k}`, 'title: Random', `years: { from: ${from}, to: ${to} }`, 'pot:', `  per: ${lifetime ? 'scheme' : 'year'}`];
  lines.push(perNetwork ? `  per_network: "${pounds(amount)}"` : `  total: "${pounds(amount)}"`);
  if (!perNetwork) lines.push(`  split: ${pick(r, ['{ by: equal }', '{ by: register, indicator: dm-register }', '{ by: list_size }'])}`);
  if (lifetime) {
    if (r() < 0.5) {
      const s = shares(r, years.length);
      lines.push(`  by_year: { ${years.map((y, i) => `${y}: "${s[i]}"`).join(', ')} }`);
    } else {
      // Amounts that add up exactly to the stated pot.
      const cuts = Array.from({ length: years.length - 1 }, () => int(r, 0, amount)).sort((a, b) => a - b);
      const parts = [...cuts, amount].map((c, i) => c - (i === 0 ? 0 : (cuts[i - 1] as number)));
      lines.push(`  by_year: { ${years.map((y, i) => `${y}: "${pounds(parts[i] as number)}"`).join(', ')} }`);
    }
  }
  const [adv, perf] = shares(r, 2) as [string, string];
  lines.push('advance: { share: ' + adv + ', paid: year_start }', 'performance:', `  share: ${perf}`, '  components:');
  const n = int(r, 1, 4);
  const ws = shares(r, n);
  const indicators = ['dm-care-plan', 'dm-bp-chol', 'copd-review', 'mmr1-by-2'];
  for (let i = 0; i < n; i++) {
    const lower = int(r, 10, 60);
    const rule = r() < 0.5 ? `{ type: all_or_nothing, target: ${lower + 10} }` : `{ type: sliding_scale, lower: ${lower}, upper: ${lower + int(r, 1, 30)} }`;
    const floor = r() < 0.4 ? `, floor: { value: ${lower - int(r, 0, 9)}, clawback: ${shares(r, 2)[0]} }` : '';
    lines.push(`    - { id: c${i}, indicator: ${indicators[i]}, weight: ${ws[i]}, rule: ${rule}${floor} }`);
  }
  return parseScheme(lines.join('\n'), `random-${k}.yaml`, catalogue);
}

/** A random achievement for a component: missing (null) sometimes, else 0–100 (or 5–12 for a mean) as an exact ratio. */
function achievement(r: Rand, kind: string): Measured {
  if (r() < 0.1) return { value: null, achievement: null, result: null };
  const den = BigInt(int(r, 1, 5000));
  const a = kind === 'mean' ? ratio(BigInt(int(r, 500, 1200)) * den, 100n * den) : ratio(100n * BigInt(int(r, 0, Number(den))), den);
  return { value: Number(a.num) / Number(a.den), achievement: a, result: null };
}

function checkYear(scheme: Scheme, year: number, networkCount: number, r: Rand): void {
  const networks = Array.from({ length: networkCount }, (_, i) => ({ code: `N${String(i + 1).padStart(2, '0')}`, name: `Network ${i + 1}` }));
  const needsSizes = scheme.pot.kind === 'total' && scheme.pot.split.by !== 'equal';
  let sizes: bigint[] | null = null;
  if (needsSizes) {
    sizes = networks.map((): bigint => BigInt(r() < 0.1 ? 0 : int(r, 1, 50_000)));
    if (!sizes.some((s) => s > 0n)) sizes[0] = 1n;
  }
  const pots = splitYearPot(scheme, year, networks, sizes);
  const yearPot = yearPotTotal(scheme, year, networkCount);
  expect(pots.reduce((s, n) => s + n.pot, 0n)).toBe(yearPot);
  const advances = splitAdvances(
    scheme,
    pots.map((n) => n.pot),
  );
  const dates = paymentDates(scheme, year);
  const outcomes = pots.map((n, i) => {
    const measured = scheme.performance.components.map((c) => achievement(r, catalogue.get(c.indicator)?.kind ?? 'proportion'));
    return networkPayment(scheme, n, advances[i] as bigint, measured, dates);
  });
  for (const n of outcomes) {
    // The property: advance + performance earned + unearned = pot, to the penny (and nothing is negative).
    expect(n.advance_pence + n.performance_pence + n.unearned_pence).toBe(n.pot_pence);
    expect(n.total_pence + n.clawback_pence + n.unearned_pence).toBe(n.pot_pence);
    expect(Math.min(n.advance_pence, n.performance_pence, n.unearned_pence, n.clawback_pence)).toBeGreaterThanOrEqual(0);
  }
  const t = totalsOf(outcomes);
  expect(t.advance_pence + t.performance_pence + t.unearned_pence).toBe(t.pot_pence);
  expect(BigInt(t.pot_pence)).toBe(yearPot);
}

describe('pot property: advance + performance + unearned = pot, to the penny', () => {
  it('holds for the shipped schemes, every year, 1–12 networks, random achievements', () => {
    const r = mulberry32(20261207);
    for (const scheme of SHIPPED) {
      let sum = 0n;
      for (const year of schemeYears(scheme)) {
        sum += yearPotTotal(scheme, year, 8);
        for (let n = 1; n <= 12; n++) for (let rep = 0; rep < 5; rep++) checkYear(scheme, year, n, r);
      }
      expect(sum).toBe(lifetimePotTotal(scheme, 8));
    }
  });

  it('holds for 300 random schemes (yearly and lifetime pots), every year, 1–12 networks', () => {
    for (let k = 0; k < 300; k++) {
      const r = mulberry32(1000 + k);
      const scheme = randomScheme(r, k);
      const networkCount = int(r, 1, 12);
      let sum = 0n;
      for (const year of schemeYears(scheme)) {
        sum += yearPotTotal(scheme, year, networkCount);
        checkYear(scheme, year, networkCount, r);
      }
      // The years' pots add up to the lifetime pot; for a lifetime pot that is the stated amount (× networks when per network).
      expect(sum).toBe(lifetimePotTotal(scheme, networkCount));
      if (scheme.pot.per === 'scheme') {
        const stated = scheme.pot.kind === 'per_network' ? scheme.pot.perNetwork * BigInt(networkCount) : scheme.pot.total;
        expect(sum).toBe(stated);
      }
    }
  });
});
