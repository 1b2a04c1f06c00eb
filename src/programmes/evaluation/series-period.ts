/**
 * `gpnet evaluate --period quarter|year`: a monthly series taken to period ends. A quarter's value
 * is the value at the quarter's last month end, and a year's the value at the end of the QOF year
 * (31 March) or of the calendar year (--year-basis calendar), as everywhere in gpnet
 * (src/model/reporting-period.ts). Months that do not end a period are left out; a period whose
 * last month is missing is a gap, not filled from earlier months.
 */
import { type ReportingPeriod, type YearBasis, isReportingPeriodEnd, reportingPeriodIndex } from '../../model/reporting-period.js';
import { EvaluationInputError } from './errors.js';
import { formatPeriod } from './period.js';
import type { InputSeries } from './series.js';

export function seriesAtPeriodEnds(series: InputSeries, period: ReportingPeriod, yearBasis: YearBasis = 'qof'): InputSeries {
  if (period === 'month') {
    if (series.periodicity !== 'month') throw new EvaluationInputError(`--period month needs a monthly series; ${series.label} is ${series.periodicity}ly`);
    return series;
  }
  if (series.periodicity !== 'month') {
    throw new EvaluationInputError(`--period ${period} takes a monthly series to ${period} ends; ${series.label} is ${series.periodicity}ly already (leave --period out)`);
  }
  const observations = series.observations
    .filter((o) => isReportingPeriodEnd(formatPeriod(o.period), period, yearBasis))
    .map((o) => {
      const month = formatPeriod(o.period);
      return {
        ...o,
        period: { periodicity: period, ordinal: reportingPeriodIndex(month, period, yearBasis), ...(period === 'year' ? { yearBasis } : {}) },
      };
    });
  if (observations.length === 0) {
    const ends = period === 'quarter' ? 'March, June, September or December' : yearBasis === 'qof' ? 'March (the end of a QOF year)' : 'December';
    throw new EvaluationInputError(`${series.label} has no month ending a ${period === 'year' ? `${yearBasis === 'qof' ? 'QOF' : 'calendar'} year` : 'quarter'} (${ends}), so it has no ${period}ly values`);
  }
  return { ...series, periodicity: period, observations, reporting: { period, yearBasis } };
}
