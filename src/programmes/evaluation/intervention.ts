/**
 * The intervention: a single period (the first period after it starts) or a phased transition
 * window START..END whose periods are left out of the fit; the post-intervention segment then
 * begins with the period after END.
 */
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

const EXAMPLE: Record<Periodicity, string> = { month: '2023-04 or 2023-04..2023-06', year: '2015 or 2015..2016' };

export function parseIntervention(text: string, periodicity: Periodicity, seriesLabel: string): InterventionSpec {
  const parts = text.trim().split('..');
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) {
    throw new EvaluationInputError(`--intervention '${text}' is not a period or a range START..END (e.g. ${EXAMPLE[periodicity]})`);
  }
  const periods = parts.map((p) => {
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
