/**
 * The intervention: a single period (the first period after it starts) or a phased transition
 * window START..END whose periods are left out of the fit; the post-intervention segment then
 * begins with the period after END.
 */
import { type ReportingPeriod, ReportingPeriodError, type YearBasis, parseReportingPeriodLabel } from '../../model/reporting-period.js';
import { EvaluationInputError } from './errors.js';
import { formatPeriod, isPeriod, type Period, type Periodicity, parsePeriod } from './period.js';
import type { Timeline } from './timeline.js';

export interface InterventionSpec {
  start: Period;
  /** Last period of the transition window, or null. */
  end: Period | null;
}

export interface ResolvedIntervention {
  /** Index of the start period on the timeline. */
  interventionIndex: number;
  /** Periods of the transition window (0 for a single intervention period). */
  transitionLength: number;
  start: string;
  transitionEnd: string | null;
  firstPostPeriod: string;
}

const EXAMPLE: Record<Periodicity, string> = { month: '2023-04 or 2023-04..2023-06', quarter: '2023-Q2 or 2023-Q2..2023-Q3', year: '2015 or 2015..2016' };

/** How a monthly series was taken to period ends (series-period.ts): its intervention may be given as a month in the period. */
export interface ReportingPeriodOf {
  period: ReportingPeriod;
  yearBasis: YearBasis;
}

/**
 * Reads --intervention. For a series taken to quarter or year ends from months, each bound may be
 * the period's label (2010-Q2, 2009/10, 2010) or any month (or date) in it, which stands for the
 * period containing it.
 */
export function parseIntervention(text: string, periodicity: Periodicity, seriesLabel: string, reporting?: ReportingPeriodOf): InterventionSpec {
  const parts = text.trim().split('..');
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) {
    throw new EvaluationInputError(`--intervention '${text}' is not a period or a range START..END (e.g. ${EXAMPLE[periodicity]})`);
  }
  const periods = parts.map((p): Period => {
    if (reporting && reporting.period !== 'month') {
      try {
        const ordinal = parseReportingPeriodLabel(p, reporting.period, reporting.yearBasis);
        return { periodicity, ordinal, ...(reporting.period === 'year' ? { yearBasis: reporting.yearBasis } : {}) };
      } catch (err) {
        if (err instanceof ReportingPeriodError) throw new EvaluationInputError(`--intervention: ${err.message}`);
        throw err;
      }
    }
    const parsed = parsePeriod(p);
    if (!isPeriod(parsed)) throw new EvaluationInputError(`--intervention: ${parsed.error}`);
    if (parsed.periodicity !== periodicity) {
      throw new EvaluationInputError(
        `--intervention '${p.trim()}' is a ${parsed.periodicity} but ${seriesLabel} is a ${periodicity}ly series; give the intervention as a ${periodicity} (e.g. ${EXAMPLE[periodicity]})`,
      );
    }
    return parsed;
  });
  const start = periods[0]!;
  const end = periods[1] ?? null;
  if (end && end.ordinal < start.ordinal) {
    throw new EvaluationInputError(`--intervention '${text}': the transition window ends (${formatPeriod(end)}) before it starts (${formatPeriod(start)})`);
  }
  return { start, end };
}

/** Places the intervention on the timeline; it must leave periods of the data on both sides. */
export function resolveIntervention(spec: InterventionSpec, timeline: Timeline, seriesLabel: string): ResolvedIntervention {
  const interventionIndex = timeline.indexOf(spec.start);
  const endIndex = spec.end ? timeline.indexOf(spec.end) : interventionIndex - 1;
  const transitionLength = spec.end ? endIndex - interventionIndex + 1 : 0;
  const range = `${timeline.label(0)} to ${timeline.label(timeline.length - 1)}`;
  const asked = spec.end ? `${formatPeriod(spec.start)}..${formatPeriod(spec.end)}` : formatPeriod(spec.start);
  if (interventionIndex <= 0) {
    throw new EvaluationInputError(`the intervention ${asked} is not after the first period of ${seriesLabel} (${range}): there are no periods before it`);
  }
  const postStart = interventionIndex + transitionLength;
  if (postStart >= timeline.length) {
    throw new EvaluationInputError(
      `the intervention ${asked} leaves no periods of ${seriesLabel} (${range}) after it${spec.end ? ' and its transition window' : ''}`,
    );
  }
  return {
    interventionIndex,
    transitionLength,
    start: formatPeriod(spec.start),
    transitionEnd: spec.end ? formatPeriod(spec.end) : null,
    firstPostPeriod: timeline.label(postStart),
  };
}
