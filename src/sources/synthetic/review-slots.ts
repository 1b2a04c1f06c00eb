import { effectSql, type GenContext, slotDateSql, slotRangeSql, sqlDate, sqlInt } from './context.js';
import { CARE_START, type Effect } from './params.js';

export interface ReviewSlotOptions {
  /** g_person column: the date care for this condition begins (diagnosis), NULL when not applicable. */
  fromCol: string;
  intervalDays: number;
  jitterDays: number;
  phaseTag: number;
  jitterTag: number;
  attendTag: number;
  /** Attendance (or invitation and attendance) at each slot; with a programme, it moves pre → post. */
  attend: Effect;
  /** g_practice columns: the network's programme start and the practice's logit shift. */
  startCol: string;
  qCol: string;
  rampDays: number;
  /** Extra g_person columns to carry (comma-separated, each prefixed p.). */
  personCols?: string;
}

/**
 * The attended review slots (a query): for every registration of a patient with the condition,
 * slots every `intervalDays` (± jitter) from a patient-specific phase after the start date, kept
 * when they fall inside the registration (and after CARE_START) and the patient attends.
 * Columns: id, seq, pidx, practice, j, d, prog_start, q, and the requested person columns.
 */
export function reviewSlotsSelect(ctx: GenContext, o: ReviewSlotOptions): string {
  const { rng } = ctx;
  const extra = o.personCols ? `, ${o.personCols}` : '';
  return `WITH r AS (
      SELECT g.id, g.seq, g.pidx, g.practice, g.rend, pr.${o.startCol} AS prog_start, pr.${o.qCol} AS q,
             p.${o.fromCol} + floor(${rng.u(o.phaseTag, 'g.id')} * ${sqlInt(o.intervalDays)})::INTEGER AS anchor,
             greatest(g.rstart, p.${o.fromCol}, ${sqlDate(CARE_START)}) AS lo${extra}
      FROM g_reg g JOIN g_person p ON p.id = g.id JOIN g_practice pr ON pr.pidx = g.pidx
      WHERE p.${o.fromCol} IS NOT NULL AND p.${o.fromCol} < g.rend
    ), s AS (
      SELECT *, ${slotRangeSql('anchor', 'lo', 'rend', o.intervalDays)} AS j FROM r
    ), d AS (
      SELECT *, ${slotDateSql(rng, o.jitterTag, 'anchor', o.intervalDays, o.jitterDays, 'id')} AS d FROM s
    )
    SELECT * EXCLUDE (anchor, lo) FROM d
    WHERE d >= lo AND d < rend
      AND ${rng.u(o.attendTag, 'id', 'j')} < ${effectSql(o.attend, 'd', 'prog_start', o.rampDays, 'q')}`;
}
