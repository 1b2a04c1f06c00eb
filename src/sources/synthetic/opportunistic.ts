import { diastolicSql, type GenContext, type Step, sqlInt, sqlNum, systolicSql } from './context.js';
import { HYPERTENSION, OPPORTUNISTIC } from './params.js';
import { TAG, uniformFromBits } from './random.js';

/**
 * Opportunistic recording during face-to-face consultations with adults: a blood pressure at some
 * of them, a smoking status at a few. Patients on the diabetes or CVD registers are left out (their
 * readings come from their reviews, which the programmes change), so the programme indicators are
 * untouched. Reads the consultations this batch has just written.
 */
export function opportunisticSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const O = OPPORTUNISTIC;
  const H = HYPERTENSION;
  const n = (tag: number, k: string): string => rng.normal(tag, 'id', k);
  const nd = (k: string): string => rng.normal(TAG.opportunistic, 'id', 'd', k);
  const hyp = '(hyp_diag IS NOT NULL AND hyp_diag <= d)';
  const sys = systolicSql(`CASE WHEN ${hyp} THEN ${sqlNum(H.systolic.mean)} + ${sqlNum(H.systolic.sd)} * ${n(TAG.hypPhase, '1')}
                          ELSE 124 + 14 * ${n(TAG.generalBp, '1')} END + 9 * ${nd('1')}`);
  const dia = diastolicSql(`CASE WHEN ${hyp} THEN ${sqlNum(H.diastolic.mean)} + ${sqlNum(H.diastolic.sd)} * (0.6 * ${n(TAG.hypPhase, '1')} + 0.8 * ${n(TAG.hypPhase, '2')})
                          ELSE 76 + 9 * (0.6 * ${n(TAG.generalBp, '1')} + 0.8 * ${n(TAG.generalBp, '2')}) END + 6 * ${nd('2')}`);
  return [
    {
      what: 'opportunistic BP and smoking status at consultations',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH c AS (
          SELECT patient_id AS id, practice, date AS d, ${rng.bits(TAG.opportunistic, 'patient_id', 'date', 'clinician')} AS bits
          FROM consultation WHERE batch_id = ${batch} AND mode = 'face_to_face'
        ), s AS (
          SELECT c.id, c.practice, c.d, c.bits, p.hyp_diag, p.smoking
          FROM c JOIN g_person p ON p.id = c.id
          WHERE c.d >= p.adult_from AND (p.dm_diag IS NULL OR p.dm_diag > c.d) AND (p.cvd_diag IS NULL OR p.cvd_diag > c.d)
            AND (${uniformFromBits('c.bits', 0)} < ${sqlNum(O.bpShare)} OR (p.smoking > 0 AND ${uniformFromBits('c.bits', 1)} < ${sqlNum(O.smokingShare)}))
        )
        SELECT id, practice, d, ${codes.sql('sysbp_cod', uniformFromBits('bits', 2))}, ${sys}, 'mmHg', ${batch} FROM s WHERE ${uniformFromBits('bits', 0)} < ${sqlNum(O.bpShare)}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('diabp_cod', uniformFromBits('bits', 2))}, ${dia}, 'mmHg', ${batch} FROM s WHERE ${uniformFromBits('bits', 0)} < ${sqlNum(O.bpShare)}
        UNION ALL
        SELECT id, practice, d, CASE WHEN smoking = 2 THEN ${codes.sql('lsmok_cod', uniformFromBits('bits', 2))} ELSE ${codes.sql('exsmok_cod', uniformFromBits('bits', 2))} END, NULL, NULL, ${batch}
        FROM s WHERE smoking > 0 AND ${uniformFromBits('bits', 1)} < ${sqlNum(O.smokingShare)}`,
    },
  ];
}
