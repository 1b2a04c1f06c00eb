import { assignQuantileGroups, orientGroup } from '../../stats/index.js';
import type { DashboardData, IndicatorRecord } from './dashboard-data.js';
import { monthEndFor, requireOrg } from './params.js';

/**
 * Alerts for a network's practices at a month (docs/DASHBOARD.md, "Alerts"):
 *  - worst decile: the practice was in the worst tenth of the collaboration's practices (deciles by
 *    src/stats quantileBounds, oriented by polarity) in this month and the two before it;
 *  - drift: a two-sided tabular CUSUM on the practice's percentile rank among the collaboration's
 *    practices (0 = worst, 100 = best). Reference μ0 = the mean rank over the BASELINE months that
 *    end WINDOW months before this one; σ = their standard deviation, at least SIGMA_FLOOR points;
 *    k = K·σ, h = H·σ; S⁺ and S⁻ start at 0 and run over the last WINDOW months up to this one.
 *    S⁻ > h reads "drifting worse", S⁺ > h "drifting better".
 *  Only practice-months with a denominator of at least MIN_DENOMINATOR are alerted on or ranked.
 */
export const CUSUM = { BASELINE: 12, WINDOW: 6, K: 0.5, H: 5, SIGMA_FLOOR: 10, MIN_BASELINE: 6 } as const;
/** Practice-months with a smaller denominator are too noisy to alert on (and are left out of the ranks). */
export const MIN_DENOMINATOR = 10;
export const RUN_MONTHS = 3;

export interface WorstDecileAlert {
  practice: string;
  name: string;
  indicator: string;
  title: string;
  months: string[];
  values: (number | null)[];
}

export interface DriftAlert {
  practice: string;
  name: string;
  indicator: string;
  title: string;
  direction: 'worse' | 'better';
  /** The CUSUM statistic that crossed h, and h, in percentile points. */
  cusum: number;
  h: number;
  baseline_rank: number;
  current_rank: number | null;
}

export interface Alerts {
  network: string;
  period_end: string;
  parameters: typeof CUSUM & { RUN_MONTHS: number; MIN_DENOMINATOR: number };
  worst_decile: WorstDecileAlert[];
  drifting: DriftAlert[];
}

function judged(ind: IndicatorRecord): boolean {
  return ind.polarity === 'high-is-good' || ind.polarity === 'low-is-good';
}

/** Percentile rank (0 worst … 100 best, mid-rank for ties) of every practice with a value. */
export function percentileRanks(values: Map<string, number>, polarity: IndicatorRecord['polarity']): Map<string, number> {
  const score = (v: number): number => (polarity === 'low-is-good' ? -v : v);
  const list = [...values.entries()].map(([code, v]) => ({ code, s: score(v) }));
  const out = new Map<string, number>();
  const n = list.length;
  for (const a of list) {
    let below = 0;
    let ties = 0;
    for (const b of list) {
      if (b.s < a.s) below++;
      else if (b.s === a.s) ties++;
    }
    out.set(a.code, n > 1 ? (100 * (below + 0.5 * (ties - 1))) / (n - 1) : 50);
  }
  return out;
}

/** Two-sided tabular CUSUM over xs against μ0 with k and h; the final S⁺ and S⁻. */
export function cusum(xs: readonly number[], mu0: number, k: number): { upper: number; lower: number } {
  let upper = 0;
  let lower = 0;
  for (const x of xs) {
    upper = Math.max(0, upper + (x - mu0 - k));
    lower = Math.max(0, lower + (mu0 - x - k));
  }
  return { upper, lower };
}

export function alerts(data: DashboardData, q: { network: string; month?: string | undefined }): Alerts {
  const network = requireOrg(data, q.network, ['network']);
  const periodEnd = monthEndFor(data, q.month);
  const idx = data.months.indexOf(periodEnd);
  const practices = data.ofKind('practice');
  const members = data.children(network.code).filter((p) => p.kind === 'practice');
  const worst: WorstDecileAlert[] = [];
  const drifting: DriftAlert[] = [];
  for (const ind of data.indicatorList()) {
    if (!judged(ind)) continue;
    const id = ind.definition.id;
    const valuesAt = (m: string): Map<string, number> =>
      data.memo(`practice-values\u0000${id}\u0000${m}`, () => {
        const v = new Map<string, number>();
        for (const p of practices) {
          const x = data.result(id, p.code, m)?.value;
          if (x !== null && x !== undefined) v.set(p.code, x);
        }
        return v;
      });
    // Worst decile three months running.
    if (idx - (RUN_MONTHS - 1) >= 0) {
      const runMonths = data.months.slice(idx - (RUN_MONTHS - 1), idx + 1);
      const worstSets = runMonths.map((m) =>
        data.memo(`worst-decile\u0000${id}\u0000${m}`, () => {
          const v = valuesAt(m);
          const codes = [...v.keys()];
          const g = assignQuantileGroups([...v.values()], 10);
          return new Set(codes.filter((_, i) => g.groups[i] !== null && orientGroup(g.groups[i]!, 10, ind.polarity) === 10));
        }),
      );
      for (const p of members) {
        if (worstSets.every((s, i) => s.has(p.code) && (data.result(id, p.code, runMonths[i]!)?.denominator ?? 0) >= MIN_DENOMINATOR)) {
          worst.push({ practice: p.code, name: p.name, indicator: id, title: ind.definition.title, months: runMonths.map((m) => m.slice(0, 7)), values: runMonths.map((m) => data.result(id, p.code, m)?.value ?? null) });
        }
      }
    }
    // CUSUM drift on percentile rank.
    const start = idx - CUSUM.WINDOW - CUSUM.BASELINE + 1;
    if (start < 0) continue;
    const ranks = data.months.slice(start, idx + 1).map((m) =>
      data.memo(`percentile-ranks\u0000${id}\u0000${m}`, () => {
        const v = new Map([...valuesAt(m)].filter(([code]) => (data.result(id, code, m)?.denominator ?? 0) >= MIN_DENOMINATOR));
        return percentileRanks(v, ind.polarity);
      }),
    );
    for (const p of members) {
      const series = ranks.map((r) => r.get(p.code));
      const base = series.slice(0, CUSUM.BASELINE).filter((x): x is number => x !== undefined);
      const recent = series.slice(CUSUM.BASELINE).filter((x): x is number => x !== undefined);
      if (base.length < CUSUM.MIN_BASELINE || recent.length === 0) continue;
      const mu0 = base.reduce((a, b) => a + b, 0) / base.length;
      const sd = Math.sqrt(base.reduce((a, b) => a + (b - mu0) ** 2, 0) / Math.max(1, base.length - 1));
      const sigma = Math.max(sd, CUSUM.SIGMA_FLOOR);
      const h = CUSUM.H * sigma;
      const s = cusum(recent, mu0, CUSUM.K * sigma);
      const current = series[series.length - 1] ?? null;
      const common = { practice: p.code, name: p.name, indicator: id, title: ind.definition.title, h, baseline_rank: mu0, current_rank: current };
      if (s.lower > h) drifting.push({ ...common, direction: 'worse', cusum: s.lower });
      else if (s.upper > h) drifting.push({ ...common, direction: 'better', cusum: s.upper });
    }
  }
  drifting.sort((a, b) => (a.direction === b.direction ? b.cusum / b.h - a.cusum / a.h : a.direction === 'worse' ? -1 : 1));
  return { network: network.code, period_end: periodEnd, parameters: { ...CUSUM, RUN_MONTHS, MIN_DENOMINATOR }, worst_decile: worst, drifting };
}
