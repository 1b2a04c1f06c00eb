/**
 * Which number of each period the model uses:
 *   OLS:     value if the series has one; else the percentage 100 × numerator ÷ denominator; else count.
 *   Poisson: count (with the --offset column as population at risk, if named); else numerator as
 *            the count with log(denominator) as the offset.
 * Periods with a zero denominator (or no population at risk) are left out and listed.
 */
import { EvaluationInputError } from './errors.js';
import type { ModelFamily } from './report.js';
import type { InputSeries } from './series.js';
import { alignObservations, type Timeline } from './timeline.js';

export interface Outcome {
  /** Plain description for the report. */
  description: string;
  y: (number | null)[];
  /** Population at risk per period (Poisson with an offset), null where unknown. */
  exposure: (number | null)[] | null;
  exposureDescription: string | null;
  /** Rates in the report are per this many units of the exposure. */
  ratePer: number | null;
  /** Indices left out because the denominator (or population at risk) is 0 or missing. */
  noDenominator: number[];
}

export function selectOutcome(series: InputSeries, family: ModelFamily, timeline: Timeline): Outcome {
  const rows = alignObservations(series, timeline);
  const { columns } = series;
  const noDenominator: number[] = [];
  if (family === 'ols') {
    if (columns.offset) throw new EvaluationInputError('--offset is for Poisson models (--model poisson or quasipoisson); a linear model uses the value itself');
    if (columns.value) {
      const y = rows.map((o, i) => {
        if (o && o.value === null && o.denominator === 0) noDenominator.push(i);
        return o?.value ?? null;
      });
      return { description: series.valueDescription ?? 'value', y, exposure: null, exposureDescription: null, ratePer: null, noDenominator };
    }
    if (columns.numeratorDenominator) {
      const y = rows.map((o, i) => {
        if (!o || o.numerator === null || o.denominator === null) return null;
        if (o.denominator === 0) {
          noDenominator.push(i);
          return null;
        }
        return (100 * o.numerator) / o.denominator;
      });
      return { description: 'percentage: 100 × numerator ÷ denominator', y, exposure: null, exposureDescription: null, ratePer: null, noDenominator };
    }
    return { description: 'count', y: rows.map((o) => o?.count ?? null), exposure: null, exposureDescription: null, ratePer: null, noDenominator };
  }

  if (series.indicatorKind === 'mean') {
    throw new EvaluationInputError(`${series.label} is a mean, not a count: use --model ols`);
  }
  if (columns.count) {
    const y = rows.map((o) => o?.count ?? null);
    if (!columns.offset) return { description: 'count', y, exposure: null, exposureDescription: null, ratePer: null, noDenominator };
    const exposure = rows.map((o) => o?.offset ?? null);
    const usable = y.map((v, i) => {
      if (v === null) return null;
      if (exposure[i] === null) {
        noDenominator.push(i);
        return null;
      }
      return v;
    });
    return {
      description: 'count',
      y: usable,
      exposure,
      exposureDescription: `${columns.offset} (population at risk; its log is the offset)`,
      ratePer: 1000,
      noDenominator,
    };
  }
  if (columns.numeratorDenominator) {
    if (columns.offset) throw new EvaluationInputError(`--offset cannot be combined with numerator and denominator columns: the denominator is already the population at risk`);
    const exposure = rows.map((o) => (o && o.denominator !== null && o.denominator > 0 ? o.denominator : null));
    const y = rows.map((o, i) => {
      if (!o || o.numerator === null || o.denominator === null) return null;
      if (o.denominator === 0) {
        noDenominator.push(i);
        return null;
      }
      return o.numerator;
    });
    return {
      description: 'numerator, as a count',
      y,
      exposure,
      exposureDescription: 'denominator (its log is the offset)',
      ratePer: series.ratePer ?? 100,
      noDenominator,
    };
  }
  throw new EvaluationInputError(
    `a Poisson model needs counts, but ${series.label} has only a value column: add a 'count' column, or 'numerator' and 'denominator' columns, or use --model ols`,
  );
}
