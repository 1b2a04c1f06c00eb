import { BENCHMARK_ENGLAND, BENCHMARK_LONDON, BENCHMARK_PCT_A, BENCHMARK_PCT_B } from './organisations.js';
import { HISTORY_END, HISTORY_START } from './params.js';
import { mulberry32 } from '../../util/seeded-random.js';

/**
 * Comparator series for two neighbouring PCTs, "rest of London" and "England", in the style of
 * published statistics: one row per benchmark, indicator and month end with a numerator, a
 * denominator and a value. They come from a simple population-level model, not from patients: a
 * registered population that grows slowly, an eligible share for each indicator, and a value that
 * follows a slow piecewise-linear trend with autocorrelated noise (at least as large as the
 * sampling noise of the area's denominator). The values are plausible for 2004–2013 but are NOT
 * real published figures (docs/GENERATOR.md).
 *
 * The neighbouring PCTs are like the collaboration's borough (young, deprived, the same
 * guidelines and templates) but have no networks: their values improve more slowly around the
 * programme dates, with no step at any network start. PCT B is PCT A shifted a little (worse).
 */

type Knots = readonly (readonly [date: string, value: number])[];

/** Who the denominator is: children, people on a disease register, or (nearly) everyone. Areas differ in these shares. */
type Group = 'children' | 'chronic' | 'all';

interface BenchmarkModel {
  /**
   * proportion: value = 100 × numerator / denominator; mean: numerator = the sum of the values;
   * count: numerator = the count, value = numerator, denominator = the population;
   * rate: numerator = events, denominator = the population at risk, value = numerator × per / denominator.
   */
  kind: 'proportion' | 'mean' | 'count' | 'rate';
  /** For rates: per 1,000 or per 100,000. */
  per?: number;
  group: Group;
  /** Eligible share of England's registered population (the denominator), at the start and end of the history. */
  eligible: readonly [number, number];
  /** The value over time (percent, mean, or rate); for counts the eligible share is the count. */
  england: Knots;
  london: Knots;
  /** Neighbouring PCT A; PCT B is this shifted by pctB (additive for proportions and means, relative for rates). */
  pct: Knots;
  pctB?: number;
  /** Noise: sd of the AR(1) innovation, in value units (relative for counts and rates). */
  noise: number;
}

const M = (y: number, m: number): string => `${y}-${String(m).padStart(2, '0')}-01`;
const S = M(2004, 1);
const E = M(2013, 12);
/** A straight line from the start of the history to its end. */
const line = (a: number, b: number): Knots => [[S, a], [E, b]];

const DM: readonly [number, number] = [0.04, 0.056];
const COPD: readonly [number, number] = [0.0145, 0.0172];
const CHD: readonly [number, number] = [0.035, 0.034];
const STROKE: readonly [number, number] = [0.016, 0.0175];
const CVD: readonly [number, number] = [0.046, 0.048];
const HYP: readonly [number, number] = [0.125, 0.137];
/** Patients with an emergency admission for a new MI in 12 months, as a share of the population. */
const NEW_MI: readonly [number, number] = [0.0013, 0.0011];

export const BENCHMARK_MODELS: Record<string, BenchmarkModel> = {
  'mmr1-by-2': { kind: 'proportion', group: 'children', eligible: [0.0125, 0.0135], england: [[S, 83], [M(2009, 9), 85], [M(2011, 3), 88], [E, 92]], london: [[S, 75.5], [M(2009, 9), 79], [M(2011, 3), 83], [E, 87]], pct: [[S, 77.5], [M(2009, 9), 80], [M(2011, 3), 84], [E, 88]], noise: 0.35 },
  'dm-care-plan': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(4, 24), london: line(3, 21), pct: [[S, 5], [M(2009, 3), 9], [M(2012, 3), 30], [E, 34]], noise: 0.4 },
  'dm-retinal-screening': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(69, 80), london: line(64, 76), pct: [[S, 66], [M(2009, 9), 71], [M(2011, 9), 75], [E, 78]], noise: 0.4 },
  'dm-bp-chol': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(32, 41), london: line(30, 39), pct: [[S, 31], [M(2009, 9), 34], [M(2011, 9), 38], [E, 41]], noise: 0.4 },
  'dm-bp-140-80': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(55, 62), london: line(53, 60), pct: [[S, 53], [M(2009, 9), 55], [M(2011, 9), 57], [E, 58]], noise: 0.4 },
  'dm-chol-4': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(55, 62), london: line(54, 61), pct: [[S, 55], [M(2009, 9), 57], [M(2011, 9), 60], [E, 61]], noise: 0.4 },
  'dm-chol-5': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(82, 88), london: line(80, 87), pct: [[S, 83], [M(2009, 9), 85], [M(2011, 9), 87], [E, 88]], noise: 0.3 },
  'dm-hba1c-58': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(50, 56), london: line(47, 53), pct: [[S, 44], [M(2009, 9), 45], [M(2011, 9), 47], [E, 48]], noise: 0.4 },
  'dm-hba1c-mean': { kind: 'mean', group: 'chronic', eligible: [0.036, 0.05], england: line(7.93, 7.62), london: line(8.03, 7.72), pct: [[S, 8.0], [M(2009, 9), 7.85], [M(2011, 9), 7.8], [E, 7.75]], pctB: 0.04, noise: 0.01 },
  'copd-register': { kind: 'count', group: 'chronic', eligible: COPD, england: [], london: [], pct: [], noise: 0.002 },
  'copd-review': { kind: 'proportion', group: 'chronic', eligible: COPD, england: line(69, 78), london: line(61, 72), pct: [[S, 50], [M(2010, 3), 54], [M(2012, 3), 63], [E, 67]], noise: 0.45 },
  'copd-pr-referral': { kind: 'proportion', group: 'chronic', eligible: [0.0044, 0.0052], england: line(34, 45), london: line(31, 42), pct: [[S, 38], [M(2010, 3), 44], [M(2012, 3), 50], [E, 53]], noise: 0.6 },
  'copd-smoking': { kind: 'proportion', group: 'chronic', eligible: [0.014, 0.0168], england: line(37, 35), london: line(39, 37), pct: line(41, 40), noise: 0.35 },
  'copd-flu': { kind: 'proportion', group: 'chronic', eligible: COPD, england: line(85, 83.5), london: line(80, 79), pct: line(81, 80), noise: 0.5 },
  'copd-emergency-admissions': { kind: 'rate', per: 1000, group: 'chronic', eligible: COPD, england: line(230, 215), london: line(245, 230), pct: line(255, 245), noise: 0.01 },
  'dm-flu': { kind: 'proportion', group: 'chronic', eligible: DM, england: line(82, 81), london: line(76, 75), pct: line(78, 77), noise: 0.5 },
  'cvd-flu': { kind: 'proportion', group: 'chronic', eligible: CVD, england: line(85, 84), london: line(80, 79), pct: line(82, 81), noise: 0.4 },
  'cvd-statin': { kind: 'proportion', group: 'chronic', eligible: CVD, england: line(77, 86), london: line(75, 84), pct: line(80, 88), noise: 0.3 },
  'cvd-care-plan': { kind: 'proportion', group: 'chronic', eligible: CVD, england: line(19, 35), london: line(17, 32), pct: [[S, 30], [M(2011, 3), 34], [M(2012, 3), 40], [E, 43]], noise: 0.45 },
  'chd-bp-150-90': { kind: 'proportion', group: 'chronic', eligible: CHD, england: line(86, 90), london: line(84, 89), pct: [[S, 70], [M(2008, 1), 71], [M(2010, 4), 73], [E, 75]], noise: 0.3 },
  'chd-bp-140-90': { kind: 'proportion', group: 'chronic', eligible: CHD, england: line(62, 72), london: line(60, 70), pct: [[S, 56], [M(2008, 1), 58], [M(2010, 4), 61], [E, 63]], noise: 0.4 },
  'chd-chol-5': { kind: 'proportion', group: 'chronic', eligible: CHD, england: line(70, 80), london: line(68, 78), pct: [[S, 62], [M(2008, 1), 64], [M(2010, 4), 67], [E, 70]], noise: 0.4 },
  'chd-chol-4': { kind: 'proportion', group: 'chronic', eligible: CHD, england: line(40, 48), london: line(38, 46), pct: [[S, 34], [M(2008, 1), 35], [M(2010, 4), 37], [E, 40]], noise: 0.4 },
  'stroke-bp-140-90': { kind: 'proportion', group: 'chronic', eligible: STROKE, england: line(60, 70), london: line(58, 68), pct: [[S, 53], [M(2008, 1), 55], [M(2010, 4), 57], [E, 60]], noise: 0.5 },
  'stroke-chol-5': { kind: 'proportion', group: 'chronic', eligible: STROKE, england: line(68, 78), london: line(66, 76), pct: [[S, 62], [M(2008, 1), 64], [M(2010, 4), 67], [E, 70]], noise: 0.5 },
  'stroke-chol-4': { kind: 'proportion', group: 'chronic', eligible: STROKE, england: line(38, 46), london: line(36, 44), pct: [[S, 34], [M(2008, 1), 35], [M(2010, 4), 37], [E, 40]], noise: 0.5 },
  'hyp-bp-140-90': { kind: 'proportion', group: 'chronic', eligible: HYP, england: line(50, 58), london: line(48, 56), pct: line(44, 48), noise: 0.3 },
  // Slow rises, smaller than the collaboration's published +2.4 points (2009 → 2012): areas without networks.
  'mi-review-3-weeks': { kind: 'proportion', group: 'chronic', eligible: NEW_MI, england: line(63, 65), london: line(60, 62), pct: line(64, 65), noise: 0.8 },
  'cardiac-rehab': { kind: 'proportion', group: 'chronic', eligible: NEW_MI, england: line(40, 43), london: line(35, 38), pct: line(33, 32), noise: 0.9 },
  'mi-mortality-under-75': { kind: 'rate', per: 100_000, group: 'all', eligible: [0.92, 0.92], england: [[S, 9], [M(2010, 12), 6.75], [E, 6]], london: [[S, 9.5], [M(2010, 12), 7.1], [E, 6.3]], pct: [[S, 12], [M(2010, 12), 9], [E, 8]], noise: 0.02 },
};

interface Area {
  /** Registered population at the start and end of the history. */
  population: readonly [number, number];
  /** The area's eligible shares relative to England's, by group (young, deprived areas: more children, fewer on registers). */
  scale: Record<Group, number>;
}

/** Rest of London excludes the collaboration's borough; the PCTs are about 250,000–300,000 registered each. */
const AREAS: Record<string, Area> = {
  // London and England keep the noise streams (0, 1) they had before the PCTs were added.
  [BENCHMARK_LONDON]: { population: [7_600_000, 8_700_000], scale: { children: 1.1, chronic: 0.85, all: 1.02 } },
  [BENCHMARK_ENGLAND]: { population: [52_000_000, 56_300_000], scale: { children: 1, chronic: 1, all: 1 } },
  [BENCHMARK_PCT_A]: { population: [258_000, 292_000], scale: { children: 1.3, chronic: 0.75, all: 1.04 } },
  [BENCHMARK_PCT_B]: { population: [244_000, 281_000], scale: { children: 1.25, chronic: 0.78, all: 1.04 } },
};
export const BENCHMARK_AREAS = Object.keys(AREAS);

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


export function interpolate(knots: Knots, t: number): number {
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

/** The trend of an indicator in an area at time t (PCT B: PCT A shifted). */
function trendOf(model: BenchmarkModel, area: string, t: number): number {
  if (area === BENCHMARK_ENGLAND) return interpolate(model.england, t);
  if (area === BENCHMARK_LONDON) return interpolate(model.london, t);
  const a = interpolate(model.pct, t);
  if (area !== BENCHMARK_PCT_B) return a;
  if (model.kind === 'rate') return a * (1 + (model.pctB ?? 0.1));
  return a + (model.pctB ?? (model.kind === 'mean' ? 0.04 : -2.5));
}

/**
 * Sampling sd of the value for a denominator of n (for the noise floor): binomial for proportions,
 * Poisson for rates (relative), about one %-point of HbA1c between patients for means.
 */
function samplingSd(model: BenchmarkModel, trend: number, n: number): number {
  if (n <= 0) return 0;
  if (model.kind === 'proportion') return Math.sqrt((trend / 100) * (1 - trend / 100) / n) * 100;
  if (model.kind === 'mean') return 1 / Math.sqrt(n);
  if (model.kind === 'rate') {
    const events = (trend * n) / (model.per ?? 1000);
    return events > 0 ? 1 / Math.sqrt(events) : 0;
  }
  return 0;
}

/** AR(1) coefficient of the noise; the stationary sd is innovation / sqrt(1 − φ²). */
const PHI = 0.7;

export function benchmarkRows(seed: number): BenchmarkRow[] {
  const months = historyMonthEnds();
  const t0 = Date.parse(`${months[0]}T00:00:00Z`);
  const t1 = Date.parse(`${months[months.length - 1]}T00:00:00Z`);
  const rows: BenchmarkRow[] = [];
  Object.entries(BENCHMARK_MODELS).forEach(([id, model], mi) => {
    BENCHMARK_AREAS.forEach((area, ai) => {
      const rand = mulberry32((seed * 7919 + mi * 104_729 + ai * 15_485_863) >>> 0);
      const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      const a = AREAS[area] as Area;
      const [p0, p1] = a.population;
      const scale = a.scale[model.group];
      let ar = 0;
      for (const month of months) {
        const t = Date.parse(`${month}T00:00:00Z`);
        const f = (t - t0) / (t1 - t0);
        const pop = p0 + (p1 - p0) * f;
        const eligible = scale * (model.eligible[0] + (model.eligible[1] - model.eligible[0]) * f);
        const denominator = Math.round(pop * eligible);
        const trend = model.kind === 'count' ? 0 : trendOf(model, area, t);
        const innovation = Math.max(model.noise, samplingSd(model, trend, denominator) * Math.sqrt(1 - PHI * PHI));
        ar = PHI * ar + innovation * normal();
        if (model.kind === 'count') {
          const count = Math.round(pop * eligible * (1 + ar));
          rows.push({ benchmark: area, indicator_id: id, period_end: month, numerator: count, denominator: Math.round(pop), value: count });
        } else if (model.kind === 'rate') {
          const per = model.per ?? 1000;
          const numerator = Math.max(0, Math.round(((trend * (1 + ar)) * denominator) / per));
          rows.push({ benchmark: area, indicator_id: id, period_end: month, numerator, denominator, value: (numerator * per) / denominator });
        } else if (model.kind === 'mean') {
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
