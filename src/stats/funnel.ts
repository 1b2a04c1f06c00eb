/**
 * Funnel plots for proportions, as PHEindicatormethods calculate_funnel_limits /
 * assign_funnel_significance (statistic = "proportion"; statistics.md §1).
 *
 * The baseline is the pooled proportion Σx/Σn. PHE's sigma_adjustment(p, n, avg, side) is the
 * closed-form root of the Wilson equation: the observed proportion whose Wilson interval at z just
 * touches the baseline. Solving that quadratic, the discriminant factorises and the root simplifies to
 *     limit = p0 ∓ z·√(p0(1 − p0)/n),
 * i.e. the score-test limit (the Wilson interval is the inverted score test). The tests check both the
 * PHE outputs and the defining property wilsonUpper(n·lower) = p0.
 */
import { StatsInputError, requireFinite, requireNonNegative } from './errors.js';
import { Z95, Z998 } from './proportion.js';
import { roundHalfEven } from './rounding.js';

export type FunnelSide = 'low' | 'high';

/** One control limit (proportion scale, NOT capped to [0, 1]) at denominator n around baseline p0. */
export function funnelLimit(baseline: number, n: number, z: number, side: FunnelSide): number {
  if (!(baseline >= 0 && baseline <= 1)) throw new StatsInputError('funnelLimit', 'baseline', `must be a proportion in [0, 1], got ${baseline}`);
  if (!(n > 0) || !Number.isFinite(n)) throw new StatsInputError('funnelLimit', 'denominator', `must be positive, got ${n}`);
  const half = z * Math.sqrt((baseline * (1 - baseline)) / n);
  return side === 'low' ? baseline - half : baseline + half;
}

export interface FunnelLimits {
  lower95: number;
  upper95: number;
  lower99_8: number;
  upper99_8: number;
}

/** The four limits at denominator n. With cap (default) they are clipped to [0, 1] as PHE's table is. */
export function funnelLimits(baseline: number, n: number, cap = true): FunnelLimits {
  const clip = (v: number): number => (cap ? Math.min(1, Math.max(0, v)) : v);
  return {
    lower95: clip(funnelLimit(baseline, n, Z95, 'low')),
    upper95: clip(funnelLimit(baseline, n, Z95, 'high')),
    lower99_8: clip(funnelLimit(baseline, n, Z998, 'low')),
    upper99_8: clip(funnelLimit(baseline, n, Z998, 'high')),
  };
}

export type FunnelSignificance = 'Low (0.001)' | 'Low (0.025)' | 'High (0.001)' | 'High (0.025)' | 'Not significant';

export interface FunnelPointInput {
  numerator: number;
  denominator: number;
}

function checkPoint(fn: string, p: FunnelPointInput, i: number): void {
  requireNonNegative(fn, `points[${i}].numerator`, p.numerator);
  requireNonNegative(fn, `points[${i}].denominator`, p.denominator);
  if (p.numerator > p.denominator) {
    throw new StatsInputError(fn, `points[${i}].numerator`, `${p.numerator} is greater than its denominator ${p.denominator}`);
  }
}

/** Pooled baseline Σx/Σn; null when every denominator is 0. */
export function pooledBaseline(points: readonly FunnelPointInput[]): number | null {
  let x = 0;
  let n = 0;
  points.forEach((p, i) => {
    checkPoint('pooledBaseline', p, i);
    x += p.numerator;
    n += p.denominator;
  });
  return n > 0 ? x / n : null;
}

/**
 * PHE's label for one point, in PHE's order (99.8% before 95%, low before high). Null when the
 * denominator is 0 (nothing to plot).
 */
export function funnelSignificance(numerator: number, denominator: number, baseline: number): FunnelSignificance | null {
  checkPoint('funnelSignificance', { numerator, denominator }, 0);
  if (denominator === 0) return null;
  const p = numerator / denominator;
  if (p < funnelLimit(baseline, denominator, Z998, 'low')) return 'Low (0.001)';
  if (p < funnelLimit(baseline, denominator, Z95, 'low')) return 'Low (0.025)';
  if (p > funnelLimit(baseline, denominator, Z998, 'high')) return 'High (0.001)';
  if (p > funnelLimit(baseline, denominator, Z95, 'high')) return 'High (0.025)';
  return 'Not significant';
}

export interface FunnelTableRow extends FunnelLimits {
  denominator: number;
  baseline: number;
}

/** R's signif.floor/ceiling helpers of calculate_funnel_limits: neat axis ends. */
function axisFloor(x: number): number {
  if (x === 0) return 0;
  const v = Math.floor(x * 0.95);
  const digits = String(v).length - 1;
  return Math.floor((x * 0.95) / 10 ** digits) * 10 ** digits;
}
function axisCeiling(x: number): number {
  if (x === 0) return 0;
  const v = Math.ceil(x * 1.05);
  const digits = String(v).length - 2;
  return Math.ceil((x * 1.05) / 10 ** digits) * 10 ** digits;
}

/**
 * The 100-row plotting table of calculate_funnel_limits: denominators spaced geometrically from the
 * axis minimum (0 → 1 when max > 2·min, else 95% of the minimum floored to neat figures) to 105% of
 * the maximum (ceiled to two significant figures). Limits are capped to [0, 1] and reported on the
 * proportion scale; multiply by 100 for PHE's percentages. Null when there is no usable point.
 * The baseline is pooled over the points unless given (e.g. a total that includes withheld points).
 */
export function funnelLimitsTable(points: readonly FunnelPointInput[], rows = 100, baseline: number | null = pooledBaseline(points)): FunnelTableRow[] | null {
  const dens = points.map((p) => p.denominator).filter((d) => d > 0);
  if (baseline === null || dens.length === 0) return null;
  if (!Number.isInteger(rows) || rows < 2) throw new StatsInputError('funnelLimitsTable', 'rows', `must be an integer ≥ 2, got ${rows}`);
  const minDen = Math.min(...dens);
  const maxDen = Math.max(...dens);
  const axisMin = maxDen > 2 * minDen ? 0 : axisFloor(minDen);
  const axisMax = axisCeiling(maxDen);
  const out: FunnelTableRow[] = [];
  let n = Math.max(1, axisMin);
  for (let j = 1; j <= rows; j++) {
    if (j > 1) n = Math.max(roundHalfEven((axisMax / n) ** (1 / (rows + 1 - j)) * n), n + 1);
    requireFinite('funnelLimitsTable', 'denominator', n);
    out.push({ denominator: n, baseline, ...funnelLimits(baseline, n, true) });
  }
  return out;
}

export interface FunnelPoint extends FunnelPointInput {
  value: number | null;
  limits: FunnelLimits | null;
  significance: FunnelSignificance | null;
}

/** Every point with its value, its (capped) limits and its PHE label around the baseline (pooled over the points unless given). */
export function funnelPoints(points: readonly FunnelPointInput[], baseline: number | null = pooledBaseline(points)): { baseline: number | null; points: FunnelPoint[] } {
  return {
    baseline,
    points: points.map((p) => {
      const usable = baseline !== null && p.denominator > 0;
      return {
        ...p,
        value: p.denominator > 0 ? p.numerator / p.denominator : null,
        limits: usable ? funnelLimits(baseline, p.denominator, true) : null,
        significance: usable ? funnelSignificance(p.numerator, p.denominator, baseline) : null,
      };
    }),
  };
}
