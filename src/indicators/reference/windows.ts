import type { Comparison, Window } from '../definition.js';
import { addDays, addMonths } from './dates.js';

/**
 * Whether an event dated `date` counts for a patient born `birth` at reference date R
 * (docs/INDICATORS.md, "Windows"). Every window also requires date ≤ R.
 */
export function inWindow(window: Window | undefined, date: string, R: string, birth: string): boolean {
  if (date > R) return false;
  if (window === undefined) return true;
  if ('months' in window) return addMonths(addDays(R, 1), -window.months) <= date;
  if ('days' in window) return addDays(addDays(R, 1), -window.days) <= date;
  if ('from_age_months' in window) {
    return addMonths(birth, window.from_age_months) <= date && date < addMonths(birth, window.before_age_months);
  }
  return date < addMonths(birth, window.before_age_months);
}

/** value op threshold; a missing value never satisfies a comparison. */
export function satisfies(value: number | null, comparison: Comparison): boolean {
  if (value === null) return false;
  switch (comparison.op) {
    case '<':
      return value < comparison.value;
    case '<=':
      return value <= comparison.value;
    case '>':
      return value > comparison.value;
    case '>=':
      return value >= comparison.value;
    case '=':
      return value === comparison.value;
  }
}
