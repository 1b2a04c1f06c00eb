/**
 * Seasonal terms for monthly (or other periodic) series.
 *   harmonic: like tsModel::harmonic(x, nfreq, period) — columns sin(2πkx/period), k = 1..nfreq,
 *             then cos(2πkx/period), k = 1..nfreq (names sin1.., cos1..);
 *   dummies:  one indicator per season except the reference (lowest) season (names season2..).
 */
import { StatsInputError, requireFinite } from './errors.js';

export type Seasonality =
  | { kind: 'none' }
  | { kind: 'harmonic'; /** Season of each period, e.g. month 1–12. */ season: readonly number[]; harmonics: number; period?: number }
  | { kind: 'dummies'; season: readonly number[]; period?: number };

export interface SeasonalTerms {
  names: string[];
  /** The columns for one season value. */
  columnsFor(season: number): number[];
  /** The season of any period index, continuing the cycle past the end of the data. */
  seasonAt(index: number): number | null;
}

function harmonicTerms(harmonics: number, period: number): Pick<SeasonalTerms, 'names' | 'columnsFor'> {
  if (!Number.isInteger(harmonics) || harmonics < 1) throw new StatsInputError('harmonic', 'harmonics', `must be a whole number ≥ 1, got ${harmonics}`);
  if (harmonics > period / 2) throw new StatsInputError('harmonic', 'harmonics', `(${harmonics}) must not exceed period/2 (${period / 2})`);
  const ks = Array.from({ length: harmonics }, (_, i) => i + 1);
  return {
    names: [...ks.map((k) => `sin${k}`), ...ks.map((k) => `cos${k}`)],
    columnsFor: (s) => {
      const angle = (2 * Math.PI * s) / period;
      return [...ks.map((k) => Math.sin(angle * k)), ...ks.map((k) => Math.cos(angle * k))];
    },
  };
}

function dummyTerms(season: readonly number[], period: number): Pick<SeasonalTerms, 'names' | 'columnsFor'> {
  season.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1 || s > period) throw new StatsInputError('seasonDummies', `season[${i}]`, `must be a whole number 1..${period}, got ${s}`);
  });
  const others = [...new Set(season)].sort((a, b) => a - b).slice(1);
  return { names: others.map((s) => `season${s}`), columnsFor: (s) => others.map((o) => (s === o ? 1 : 0)) };
}

/** The seasonal terms of a series of n periods. */
export function seasonalTerms(seasonality: Seasonality, n: number): SeasonalTerms {
  if (seasonality.kind === 'none') return { names: [], columnsFor: () => [], seasonAt: () => null };
  const period = seasonality.period ?? 12;
  if (!(period > 0) || !Number.isFinite(period)) throw new StatsInputError('seasonality', 'period', `must be positive, got ${period}`);
  const { season } = seasonality;
  if (season.length !== n) throw new StatsInputError('seasonality', 'season', `has ${season.length} values for a series of ${n}`);
  season.forEach((s, i) => requireFinite('seasonality', `season[${i}]`, s));
  const terms = seasonality.kind === 'harmonic' ? harmonicTerms(seasonality.harmonics, period) : dummyTerms(season, period);
  const seasonAt = (index: number): number | null => {
    if (index < n) return season[index] ?? null;
    if (n === 0) return null;
    const last = season[n - 1]!;
    return ((((last - 1 + (index - (n - 1))) % period) + period) % period) + 1;
  };
  return { ...terms, seasonAt };
}

/** tsModel::harmonic(season, harmonics, period) as a matrix (one row per period). */
export function harmonicColumns(season: readonly number[], harmonics: number, period = 12): { names: string[]; rows: number[][] } {
  const t = seasonalTerms({ kind: 'harmonic', season, harmonics, period }, season.length);
  return { names: t.names, rows: season.map((s) => t.columnsFor(s)) };
}
