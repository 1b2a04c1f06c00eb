import type { Engine } from '../../store/engine.js';
import type { CodePicker } from './codes.js';
import type { SyntheticPractice } from './organisations.js';
import type { Effect } from './params.js';
import { Rng, sqlDate, sqlInt, sqlNum } from './random.js';

/** What every generation step needs. */
export interface GenContext {
  engine: Engine;
  rng: Rng;
  seed: number;
  patients: number;
  practices: readonly SyntheticPractice[];
  codes: CodePicker;
  batchId: number;
}

/** One SQL statement of a generation phase, with a short description for errors. */
export interface Step {
  what: string;
  sql: string;
}

/**
 * SQL for a probability that moves from `e.pre` to `e.post` as a network's programme ramps up:
 * before `startCol` it is pre, `rampDays` later it is post, linear in between. With `logitShift`
 * (a practice's variation), the probability is shifted on the logit scale.
 */
export function effectSql(e: Effect, dateExpr: string, startCol: string, rampDays: number, logitShift?: string): string {
  const progress = `(least(greatest(datediff('day', ${startCol}, ${dateExpr}), 0), ${sqlInt(rampDays)})::DOUBLE / ${sqlInt(rampDays)})`;
  const p = `(${sqlNum(e.pre)} + ${sqlNum(e.post - e.pre)} * ${progress})`;
  if (!logitShift) return p;
  const clamped = `least(greatest(${p}, 0.000001), 0.999999)`;
  return `(1.0 / (1.0 + exp(-(ln(${clamped} / (1.0 - ${clamped})) + ${logitShift}))))`;
}

/**
 * The rows of a regular series of dates inside [lo, hi): slot j falls on anchor + j·interval + jitter.
 * Returns SQL for `unnest(range(j0, j1))`, the slot numbers that can land in the interval.
 */
export function slotRangeSql(anchor: string, lo: string, hi: string, intervalDays: number): string {
  const iv = sqlInt(intervalDays);
  return `unnest(range(greatest(0, floor(datediff('day', ${anchor}, ${lo}) / ${iv})::BIGINT - 1), greatest(0, floor(datediff('day', ${anchor}, ${hi}) / ${iv})::BIGINT + 2)))`;
}

/** The date of slot j (column `j`) with a symmetric jitter of up to ±jitterDays. */
export function slotDateSql(rng: Rng, tag: number, anchor: string, intervalDays: number, jitterDays: number, ...keys: string[]): string {
  return `(${anchor} + (j * ${sqlInt(intervalDays)} + floor((${rng.u(tag, ...keys, 'j')} - 0.5) * ${sqlInt(2 * jitterDays)}))::INTEGER)`;
}

/** Clinically plausible bounds for recorded blood pressures (extreme draws are clipped). */
export function systolicSql(expr: string): string {
  return `least(230.0, greatest(80.0, round(${expr})))`;
}
export function diastolicSql(expr: string): string {
  return `least(130.0, greatest(40.0, round(${expr})))`;
}

export { sqlDate, sqlInt, sqlNum };
