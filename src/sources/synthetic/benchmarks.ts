import { BENCHMARK_ENGLAND, BENCHMARK_LONDON } from './organisations.js';
import { HISTORY_END, HISTORY_START } from './params.js';

/**
 * Comparator series for "rest of London" and "England", in the style of published statistics:
 * one row per benchmark, indicator and month end with a numerator, a denominator and a value.
 * They come from a simple population-level model, not from patients: a registered population
 * that grows slowly, an eligible share for each indicator, and a value that follows a slow
 * piecewise-linear trend with autocorrelated noise. The values are plausible for 2005–2013 but
 * are NOT real published figures (docs/GENERATOR.md).
 */

type Knots = readonly (readonly [date: string, value: number])[];

interface BenchmarkModel {
  kind: 'proportion' | 'mean' | 'count';
  /** Eligible share of the registered population (the denominator), at the start and end of the history. */
  eligible: readonly [number, number];
  /** The value over time (percent, mean, or for counts the eligible share is the count and value = numerator). */
  england: Knots;
  london: Knots;
  /** Noise: sd of the AR(1) innovation, in value units (relative for counts). */
  noise: number;
}

const M = (y: number, m: number): string => `${y}-${String(m).padStart(2, '0')}-01`;

export const BENCHMARK_MODELS: Record<string, BenchmarkModel> = {
  'mmr1-by-2': { kind: 'proportion', eligible: [0.0125, 0.0135], england: [[M(2005, 1), 83.5], [M(2009, 9), 85], [M(2011, 3), 88], [M(2013, 12), 92]], london: [[M(2005, 1), 76], [M(2009, 9), 79], [M(2011, 3), 83], [M(2013, 12), 87]], noise: 0.35 },
  'dm-care-plan': { kind: 'proportion', eligible: [0.042, 0.056], england: [[M(2005, 1), 5], [M(2013, 12), 24]], london: [[M(2005, 1), 4], [M(2013, 12), 21]], noise: 0.4 },
  'dm-retinal-screening': { kind: 'proportion', eligible: [0.042, 0.056], england: [[M(2005, 1), 70], [M(2013, 12), 80]], london: [[M(2005, 1), 65], [M(2013, 12), 76]], noise: 0.4 },
  'dm-bp-chol': { kind: 'proportion', eligible: [0.042, 0.056], england: [[M(2005, 1), 33], [M(2013, 12), 41]], london: [[M(2005, 1), 31], [M(2013, 12), 39]], noise: 0.4 },
  'dm-hba1c-mean': { kind: 'mean', eligible: [0.037, 0.05], england: [[M(2005, 1), 7.9], [M(2013, 12), 7.62]], london: [[M(2005, 1), 8.0], [M(2013, 12), 7.72]], noise: 0.01 },
  'copd-register': { kind: 'count', eligible: [0.0148, 0.0172], england: [], london: [], noise: 0.002 },
  'copd-review': { kind: 'proportion', eligible: [0.0148, 0.0172], england: [[M(2005, 1), 70], [M(2013, 12), 78]], london: [[M(2005, 1), 62], [M(2013, 12), 72]], noise: 0.45 },
  'copd-pr-referral': { kind: 'proportion', eligible: [0.0045, 0.0052], england: [[M(2005, 1), 35], [M(2013, 12), 45]], london: [[M(2005, 1), 32], [M(2013, 12), 42]], noise: 0.6 },
  'copd-smoking': { kind: 'proportion', eligible: [0.0144, 0.0168], england: [[M(2005, 1), 37], [M(2013, 12), 35]], london: [[M(2005, 1), 39], [M(2013, 12), 37]], noise: 0.35 },
  'copd-flu': { kind: 'proportion', eligible: [0.0148, 0.0172], england: [[M(2005, 1), 85], [M(2013, 12), 83.5]], london: [[M(2005, 1), 80], [M(2013, 12), 79]], noise: 0.5 },
  'dm-flu': { kind: 'proportion', eligible: [0.042, 0.056], england: [[M(2005, 1), 82], [M(2013, 12), 81]], london: [[M(2005, 1), 76], [M(2013, 12), 75]], noise: 0.5 },
  'cvd-statin': { kind: 'proportion', eligible: [0.045, 0.048], england: [[M(2005, 1), 78], [M(2013, 12), 86]], london: [[M(2005, 1), 76], [M(2013, 12), 84]], noise: 0.3 },
  'cvd-care-plan': { kind: 'proportion', eligible: [0.045, 0.048], england: [[M(2005, 1), 20], [M(2013, 12), 35]], london: [[M(2005, 1), 18], [M(2013, 12), 32]], noise: 0.45 },
  'cardiac-rehab': { kind: 'proportion', eligible: [0.0011, 0.001], england: [[M(2005, 1), 40], [M(2013, 12), 43]], london: [[M(2005, 1), 35], [M(2013, 12), 38]], noise: 0.9 },
};

/** Registered population of each area at the start and end of the history (rest of London excludes the collaboration's borough). */
const POPULATION: Record<string, readonly [number, number]> = {
  [BENCHMARK_ENGLAND]: [52_500_000, 56_300_000],
  [BENCHMARK_LONDON]: [7_700_000, 8_700_000],
};

export interface BenchmarkRow {
  benchmark: string;
  indicator_id: string;
  period_end: string;
  numerator: number;
  denominator: number;
  value: number;
}

/** Month ends from HISTORY_START to the day before HISTORY_END. */
export function historyMonthEnds(): string[] {
  const out: string[] = [];
  const end = Date.parse(`${HISTORY_END}T00:00:00Z`);
  const d = new Date(`${HISTORY_START}T00:00:00Z`);
  for (;;) {
    const monthEnd = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    if (monthEnd.getTime() >= end) break;
    out.push(monthEnd.toISOString().slice(0, 10));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** A small deterministic generator (mulberry32) of uniform numbers, for the benchmark noise. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function interpolate(knots: Knots, t: number): number {
  const pts = knots.map(([d, v]) => [Date.parse(`${d}T00:00:00Z`), v] as const);
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (!first || !last) return 0;
  if (t <= first[0]) return first[1];
  for (let i = 1; i < pts.length; i++) {
    const [t1, v1] = pts[i] as readonly [number, number];
    const [t0, v0] = pts[i - 1] as readonly [number, number];
    if (t <= t1) return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return last[1];
}

export function benchmarkRows(seed: number): BenchmarkRow[] {
  const months = historyMonthEnds();
  const t0 = Date.parse(`${months[0]}T00:00:00Z`);
  const t1 = Date.parse(`${months[months.length - 1]}T00:00:00Z`);
  const rows: BenchmarkRow[] = [];
  const areas = [BENCHMARK_LONDON, BENCHMARK_ENGLAND];
  Object.entries(BENCHMARK_MODELS).forEach(([id, model], mi) => {
    areas.forEach((area, ai) => {
      const rand = mulberry32((seed * 7919 + mi * 104_729 + ai * 15_485_863) >>> 0);
      const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      const [p0, p1] = POPULATION[area] as readonly [number, number];
      let ar = 0;
      for (const month of months) {
        const t = Date.parse(`${month}T00:00:00Z`);
        const f = (t - t0) / (t1 - t0);
        ar = 0.7 * ar + model.noise * normal();
        const pop = p0 + (p1 - p0) * f;
        const eligible = model.eligible[0] + (model.eligible[1] - model.eligible[0]) * f;
        if (model.kind === 'count') {
          const count = Math.round(pop * eligible * (1 + ar));
          rows.push({ benchmark: area, indicator_id: id, period_end: month, numerator: count, denominator: Math.round(pop), value: count });
          continue;
        }
        const denominator = Math.round(pop * eligible);
        const trend = interpolate(area === BENCHMARK_ENGLAND ? model.england : model.london, t);
        if (model.kind === 'mean') {
          const value = Math.round((trend + ar) * 1000) / 1000;
          rows.push({ benchmark: area, indicator_id: id, period_end: month, numerator: Math.round(value * denominator * 1000) / 1000, denominator, value });
        } else {
          const pct = Math.min(100, Math.max(0, trend + ar));
          const numerator = Math.round((pct / 100) * denominator);
          rows.push({ benchmark: area, indicator_id: id, period_end: month, numerator, denominator, value: (100 * numerator) / denominator });
        }
      }
    });
  });
  return rows;
}
