/**
 * The run of equally spaced periods a model is fitted over: from the first to the last period of
 * the evaluated series, gaps included. Index 0 is the first period.
 */
import { formatPeriod, type Period, type Periodicity, shiftPeriod } from './period.js';
import type { InputSeries, SeriesObservation } from './series.js';

export interface Timeline {
  periodicity: Periodicity;
  first: Period;
  length: number;
  /** Index of a period (may be negative or ≥ length for periods outside the range). */
  indexOf(p: Period): number;
  periodAt(index: number): Period;
  label(index: number): string;
}

export function timelineOf(series: InputSeries): Timeline {
  const first = series.observations[0]!.period;
  const last = series.observations[series.observations.length - 1]!.period;
  const periodAt = (index: number): Period => shiftPeriod(first, index);
  return {
    periodicity: series.periodicity,
    first,
    length: last.ordinal - first.ordinal + 1,
    indexOf: (p) => p.ordinal - first.ordinal,
    periodAt,
    label: (index) => formatPeriod(periodAt(index)),
  };
}

/** The observations of a series laid on a timeline (null where it has no row). */
export function alignObservations(series: InputSeries, timeline: Timeline): (SeriesObservation | null)[] {
  const out: (SeriesObservation | null)[] = new Array<SeriesObservation | null>(timeline.length).fill(null);
  for (const o of series.observations) {
    const i = timeline.indexOf(o.period);
    if (i >= 0 && i < timeline.length) out[i] = o;
  }
  return out;
}
