/**
 * The design of a segmented (interrupted time series) regression:
 *   outcome ~ intercept + time + level_change + slope_change [+ seasonal terms]
 * time = timeOrigin + index; level_change = 1 from the first post-intervention period; slope_change
 * counts periods since then: 0, 1, 2, … ('zero-at-first-post', Linden's itsa coding, so that
 * level_change is the jump at the first post period) or 1, 2, 3, … ('one-at-first-post', Lopez Bernal
 * et al.'s I(time − 36):smokban). An optional transition (phase-in) window of `transitionLength`
 * periods from the intervention is left out of the fit, and the post segment starts after it.
 */
import { StatsInputError } from './errors.js';
import { type Seasonality, seasonalTerms } from './seasonality.js';

export type SlopeCoding = 'zero-at-first-post' | 'one-at-first-post';

export interface SegmentedSpec {
  /** Number of periods in the series. */
  length: number;
  /** 0-based index of the first period after the intervention. */
  interventionIndex: number;
  /** Periods from the intervention left out of the fit as a transition window (default 0). */
  transitionLength?: number;
  /** Value of the time variable at index 0 (default 0). */
  timeOrigin?: number;
  slopeCoding?: SlopeCoding;
  seasonality?: Seasonality;
  /**
   * Which intervention terms to model (default both). A level-only model is Lopez Bernal et al.'s
   * step-change model; a slope-only model assumes no immediate jump.
   */
  terms?: 'level-and-slope' | 'level-only' | 'slope-only';
}

export interface SegmentedDesign {
  names: string[];
  /** First period of the post segment (after any transition window). */
  postStart: number;
  interventionIndex: number;
  transitionLength: number;
  /** Design row for any index ≥ 0 (indices past the end continue the time and seasonal pattern). */
  row(index: number): number[];
  /** The same row with the intervention switched off (the counterfactual). */
  counterfactualRow(index: number): number[];
  /** Value of the slope_change term at an index. */
  slopeTerm(index: number): number;
  /** True for indices inside the excluded transition window. */
  inTransition(index: number): boolean;
}

export function buildSegmentedDesign(spec: SegmentedSpec, fn = 'segmented regression'): SegmentedDesign {
  const { length, interventionIndex } = spec;
  const transitionLength = spec.transitionLength ?? 0;
  const timeOrigin = spec.timeOrigin ?? 0;
  if (!Number.isInteger(length) || length < 0) throw new StatsInputError(fn, 'length', `must be a whole number, got ${length}`);
  if (!Number.isInteger(interventionIndex) || interventionIndex < 0 || interventionIndex > length) {
    throw new StatsInputError(fn, 'interventionIndex', `must be a whole number from 0 to ${length}, got ${interventionIndex}`);
  }
  if (!Number.isInteger(transitionLength) || transitionLength < 0) {
    throw new StatsInputError(fn, 'transitionLength', `must be a whole number ≥ 0, got ${transitionLength}`);
  }
  if (!Number.isFinite(timeOrigin)) throw new StatsInputError(fn, 'timeOrigin', `must be finite, got ${timeOrigin}`);
  const seasonality = spec.seasonality ?? { kind: 'none' };
  const seasonal = seasonalTerms(seasonality, length);
  const seasonalRow = (index: number): number[] => {
    const season = seasonal.seasonAt(index);
    return season === null ? [] : seasonal.columnsFor(season);
  };
  const postStart = interventionIndex + transitionLength;
  const offset = spec.slopeCoding === 'one-at-first-post' ? 1 : 0;
  const slopeTerm = (index: number): number => (index >= postStart ? index - postStart + offset : 0);
  const terms = spec.terms ?? 'level-and-slope';
  const withLevel = terms !== 'slope-only';
  const withSlope = terms !== 'level-only';
  const interventionColumns = (index: number, on: boolean): number[] => [
    ...(withLevel ? [on && index >= postStart ? 1 : 0] : []),
    ...(withSlope ? [on ? slopeTerm(index) : 0] : []),
  ];
  return {
    names: ['intercept', 'time', ...(withLevel ? ['level_change'] : []), ...(withSlope ? ['slope_change'] : []), ...seasonal.names],
    postStart,
    interventionIndex,
    transitionLength,
    row: (index) => [1, timeOrigin + index, ...interventionColumns(index, true), ...seasonalRow(index)],
    counterfactualRow: (index) => [1, timeOrigin + index, ...interventionColumns(index, false), ...seasonalRow(index)],
    slopeTerm,
    inTransition: (index) => index >= interventionIndex && index < postStart,
  };
}

/** Periods usable on each side, for the "at least 3 points on each side" rule. */
export function countSides(design: SegmentedDesign, usable: readonly boolean[]): { pre: number; post: number } {
  let pre = 0;
  let post = 0;
  usable.forEach((ok, i) => {
    if (!ok) return;
    if (i < design.interventionIndex) pre++;
    else if (i >= design.postStart) post++;
  });
  return { pre, post };
}

export const MIN_POINTS_PER_SIDE = 3;

export function sidesProblem(sides: { pre: number; post: number }, label = 'the series'): string | null {
  if (sides.pre < MIN_POINTS_PER_SIDE) return `${label} has ${sides.pre} usable period(s) before the intervention; at least ${MIN_POINTS_PER_SIDE} are needed`;
  if (sides.post < MIN_POINTS_PER_SIDE) return `${label} has ${sides.post} usable period(s) after the intervention; at least ${MIN_POINTS_PER_SIDE} are needed`;
  return null;
}
