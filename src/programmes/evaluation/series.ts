/**
 * A series to evaluate, as read from a CSV file or from the store, before any model is chosen:
 * one observation per period, holding whichever measures the source had.
 */
import type { ReportingPeriodOf } from './intervention.js';
import type { Period, Periodicity } from './period.js';

export interface SeriesObservation {
  period: Period;
  /** Line of the CSV file it came from (null for the store). */
  line: number | null;
  value: number | null;
  count: number | null;
  numerator: number | null;
  denominator: number | null;
  /** The --offset column (population at risk), when one was named. */
  offset: number | null;
}

export interface SeriesColumns {
  value: boolean;
  count: boolean;
  /** Both numerator and denominator are present. */
  numeratorDenominator: boolean;
  /** Name of the offset column, when one was named. */
  offset: string | null;
}

export interface InputSeries {
  /** How to name the series in messages: a file name, or "indicator X for Y". */
  label: string;
  periodicity: Periodicity;
  columns: SeriesColumns;
  /** In period order, one per period (gaps allowed). */
  observations: SeriesObservation[];
  /** For store series: how many units the indicator value is expressed per (100 for a percentage). */
  ratePer?: number;
  /** For store series: what the value column holds, e.g. "indicator value (percentage)". */
  valueDescription?: string;
  /** For store series: the indicator kind (proportion, mean, count, rate_per_1000) when known. */
  indicatorKind?: string | null;
  /** For a monthly series taken to quarter or year ends (series-period.ts): how. */
  reporting?: ReportingPeriodOf;
}
