/**
 * The names and plain-words meanings of the model terms in the report. The statistics modules call
 * them intercept, time, level_change, slope_change (and treated_* for the comparative model); the
 * report calls them baseline_level, pre_trend, level_change, slope_change, difference_in_*.
 */
import type { Periodicity } from './period.js';

export interface TermContext {
  unit: Periodicity;
  firstPeriod: string;
  firstPostPeriod: string;
  slopeStart: number;
  /** 'log' for Poisson models (coefficients on the log-rate scale). */
  scale: 'outcome' | 'log';
}

const REPORT_NAME: Record<string, string> = {
  intercept: 'baseline_level',
  time: 'pre_trend',
  level_change: 'level_change',
  slope_change: 'slope_change',
  treated: 'difference_in_baseline_level',
  treated_time: 'difference_in_pre_trend',
  treated_level_change: 'difference_in_level_change',
  treated_slope_change: 'difference_in_slope_change',
};

export function reportName(statsName: string): string {
  return REPORT_NAME[statsName] ?? statsName;
}

function levelChangeAt(c: TermContext): string {
  return c.slopeStart === 0 ? `in ${c.firstPostPeriod}` : `one ${c.unit} before ${c.firstPostPeriod} (slope_change counts from 1 in ${c.firstPostPeriod})`;
}

/** Meaning of a term of the single-series model. */
export function describeTerm(statsName: string, c: TermContext): string {
  const log = c.scale === 'log';
  switch (statsName) {
    case 'intercept':
      return log ? `log rate in ${c.firstPeriod} on the pre-intervention line (rate_ratio is that rate per unit of the offset)` : `modelled level in ${c.firstPeriod} (the start of the pre-intervention line)`;
    case 'time':
      return log ? `change in the log rate per ${c.unit} before the intervention (rate_ratio: the ratio from one ${c.unit} to the next)` : `change per ${c.unit} before the intervention`;
    case 'level_change':
      return log
        ? `immediate change in the log rate at the intervention, ${levelChangeAt(c)}, beyond the pre-intervention trend (rate_ratio: after ÷ expected)`
        : `immediate change in level at the intervention, ${levelChangeAt(c)}, beyond the pre-intervention trend`;
    case 'slope_change':
      return log ? `change in the per-${c.unit} trend of the log rate after the intervention (rate_ratio: per ${c.unit})` : `change in the trend per ${c.unit} after the intervention`;
    default:
      if (/^(sin|cos)\d+$/.test(statsName)) return `seasonal term (${statsName.slice(0, 3)} harmonic ${statsName.slice(3)} of the calendar month)`;
      return statsName;
  }
}

/** Meaning of a term of the comparative (treated vs comparator) model. */
export function describeComparativeTerm(statsName: string, c: TermContext): string {
  const log = c.scale === 'log';
  const what = log ? 'log rate' : 'level';
  switch (statsName) {
    case 'intercept':
      return `comparator: ${log ? 'log rate' : 'modelled level'} in ${c.firstPeriod}`;
    case 'time':
      return `comparator: change in ${what} per ${c.unit} before the intervention`;
    case 'level_change':
      return `comparator: immediate change in ${what} at the intervention, ${levelChangeAt(c)}`;
    case 'slope_change':
      return `comparator: change in the per-${c.unit} trend after the intervention`;
    case 'treated':
      return `treated minus comparator: difference in ${what} in ${c.firstPeriod}`;
    case 'treated_time':
      return `treated minus comparator: difference in the pre-intervention trend (near 0 if the comparator tracked the treated series before)`;
    case 'treated_level_change':
      return `treated minus comparator: difference in the immediate change at the intervention${log ? ' (rate_ratio: ratio of the two rate ratios)' : ''}`;
    case 'treated_slope_change':
      return `treated minus comparator: difference in the change of trend per ${c.unit} after the intervention${log ? ' (rate_ratio: ratio of the two rate ratios)' : ''}`;
    default:
      return statsName;
  }
}
