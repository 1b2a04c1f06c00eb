import { type GenContext, type Step, sqlInt, sqlNum } from './context.js';
import { CONDITION_DETAIL } from './params.js';
import { TAG } from './random.js';

/**
 * Diagnosis events (and a few resolved codes) for the latent conditions. A diagnosis made before
 * the patient joined (or between two registrations) arrives with the record and is written with
 * the practice the patient joins; diagnoses after the patient left, or after death, are never seen.
 */

/** SQL joining an event CTE `ev(id, d, …)` to the practice holding the record at d (or NULL when unseen). */
export const ATTRIBUTE_PRACTICE_JOIN = `JOIN g_person ap ON ap.id = ev.id
  JOIN g_reg ar ON ar.id = ev.id AND ev.d < ar.rend AND (ar.seq = 1 OR ev.d >= ap.rend1)`;

export function diagnosisSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const u = (slot: number): string => rng.u(TAG.code, 'id', String(slot));
  const rs = CONDITION_DETAIL.resolvedShare;
  const resolved = (col: string, share: number, slot: number, pick: 'dmres_cod' | 'hypres_cod' | 'copdres_cod'): string =>
    `SELECT id, ${col} + 30 + floor(${rng.exp(TAG.resolvedDelay, 3 * 365.25, 'id', String(slot))})::INTEGER AS d, ${codes.sql(pick, '0')} AS code
     FROM g_person WHERE ${col} IS NOT NULL AND ${rng.u(TAG.resolved, 'id', String(slot))} < ${sqlNum(share)}`;
  return [
    {
      what: 'diagnosis events',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH ev AS (
          SELECT id, dm_diag AS d, ${codes.sql('dm_cod', u(1))} AS code FROM g_person WHERE dm_diag IS NOT NULL
          UNION ALL SELECT id, hyp_diag, ${codes.sql('hyp_cod', u(2))} FROM g_person WHERE hyp_diag IS NOT NULL
          UNION ALL SELECT id, chd_diag, CASE WHEN chd_is_mi THEN ${codes.sql('mi_cod', u(3))} ELSE ${codes.sql('chd_cod', u(3))} END FROM g_person WHERE chd_diag IS NOT NULL
          UNION ALL SELECT id, stroke_diag, CASE WHEN stroke_is_tia THEN ${codes.sql('tia_cod', u(4))} ELSE ${codes.sql('strk_cod', u(4))} END FROM g_person WHERE stroke_diag IS NOT NULL
          UNION ALL SELECT id, copd_diag, ${codes.sql('copd_cod', u(5))} FROM g_person WHERE copd_diag IS NOT NULL
          UNION ALL ${resolved('dm_diag', rs.dm, 1, 'dmres_cod')}
          UNION ALL ${resolved('hyp_diag', rs.hyp, 2, 'hypres_cod')}
          UNION ALL ${resolved('copd_diag', rs.copd, 5, 'copdres_cod')}
        )
        SELECT ev.id, ar.practice, ev.d, ev.code, NULL, NULL, ${batch}
        FROM ev ${ATTRIBUTE_PRACTICE_JOIN}
        WHERE ev.d >= ap.birth_date`,
    },
  ];
}
