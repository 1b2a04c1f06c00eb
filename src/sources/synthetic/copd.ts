import { effectSql, type GenContext, type Step, sqlDate, sqlInt, sqlNum } from './context.js';
import { CARE_START, COPD, PROGRAMMES } from './params.js';
import { TAG } from './random.js';
import { reviewSlotsSelect } from './review-slots.js';

/**
 * COPD care: annual reviews (review code, MRC grade when 3 or worse, smoking status, care plan,
 * referral to pulmonary rehabilitation for MRC ≥ 3), a yearly smoking-status check outside the
 * review, and emergency admissions (ICD-10 J44). Case finding (more diagnoses after the
 * programme starts) is part of the population model (population.ts).
 */
export function copdSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const ramp = PROGRAMMES.copd.rampDays;
  const item = (k: number): string => rng.u(TAG.copdMrc, 'id', 'j', String(k));
  const grade = rng.u(TAG.copdMrc, 'id'); // patient-level: < mrc3Plus means grade ≥ 3
  const mrc3 = `${grade} < ${sqlNum(COPD.mrc3Plus)}`;
  const mrcRecorded = `(${mrc3} AND ${item(1)} < ${sqlNum(COPD.mrcRecorded)})`;
  const pr = effectSql(COPD.prReferral, 'd', 'prog_start', ramp, 'q');
  const cp = effectSql(COPD.carePlan, 'd', 'prog_start', ramp, 'q');
  const mrcCode = `CASE WHEN ${grade} < ${sqlNum(COPD.mrc3Plus * 0.6)} THEN ${codes.sql('mrc_grade_3', '0')}
                        WHEN ${grade} < ${sqlNum(COPD.mrc3Plus * 0.9)} THEN ${codes.sql('mrc_grade_4', '0')}
                        ELSE ${codes.sql('mrc_grade_5', '0')} END`;
  const smokeCode = (u: string): string => `CASE WHEN smoking = 2 THEN ${codes.sql('lsmok_cod', u)} ELSE ${codes.sql('exsmok_cod', u)} END`;
  return [
    {
      what: 'COPD review slots',
      sql: `CREATE TEMP TABLE g_copd_slot AS ${reviewSlotsSelect(ctx, {
        fromCol: 'copd_diag',
        intervalDays: 350,
        jitterDays: 12,
        phaseTag: TAG.copdPhase,
        jitterTag: TAG.copdPhase + 500,
        attendTag: TAG.copdAttend,
        attend: COPD.review,
        startCol: 'copd_start',
        qCol: 'q_copd',
        rampDays: ramp,
        personCols: 'p.smoking',
      })}`,
    },
    {
      what: 'COPD review events',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        SELECT id, practice, d, ${codes.sql('copdrvw_cod', '0')}, NULL, NULL, ${batch} FROM g_copd_slot
        UNION ALL
        SELECT id, practice, d, ${mrcCode}, NULL, NULL, ${batch} FROM g_copd_slot WHERE ${mrcRecorded}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('gpnet_pulmonary_rehab_referral', '0')}, NULL, NULL, ${batch}
        FROM g_copd_slot WHERE ${mrcRecorded} AND ${rng.u(TAG.copdPr, 'id', 'j')} < ${pr}
        UNION ALL
        SELECT id, practice, d, ${smokeCode(item(3))}, NULL, NULL, ${batch}
        FROM g_copd_slot WHERE smoking > 0 AND ${item(2)} < ${sqlNum(COPD.smokingRecordedAtReview)}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('gpnet_copd_care_plan', '0')}, NULL, NULL, ${batch}
        FROM g_copd_slot WHERE ${rng.u(TAG.copdCarePlan, 'id', 'j')} < ${cp}`,
    },
    {
      what: 'COPD smoking status checks',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH s AS (${reviewSlotsSelect(ctx, {
          fromCol: 'copd_diag',
          intervalDays: 365,
          jitterDays: 60,
          phaseTag: TAG.copdSmoke,
          jitterTag: TAG.copdSmoke + 500,
          attendTag: TAG.copdSmoke + 1000,
          attend: { pre: 0.6, post: 0.6 },
          startCol: 'copd_start',
          qCol: 'q_gen',
          rampDays: ramp,
          personCols: 'p.smoking',
        })})
        SELECT id, practice, d, ${smokeCode(rng.u(TAG.copdSmoke, 'id', 'j'))}, NULL, NULL, ${batch} FROM s WHERE smoking > 0`,
    },
    {
      what: 'COPD emergency admissions',
      sql: `INSERT INTO admission (patient_id, admitted, discharged, method, icd10, batch_id)
        WITH r AS (
          SELECT g.id, g.seq, greatest(g.rstart, p.copd_diag, ${sqlDate(CARE_START)}) AS lo, g.rend AS hi, p.death_date
          FROM g_reg g JOIN g_person p ON p.id = g.id
          WHERE p.copd_diag IS NOT NULL AND p.copd_diag < g.rend
        ), k AS (
          SELECT *, floor(${sqlNum(COPD.admissionsPerYear)} * datediff('day', lo, hi) / 365.25 * (0.3 + ${rng.exp(TAG.copdAdmit, 0.7, 'id')})
                          + ${rng.u(TAG.copdAdmit + 1, 'id', 'seq')})::BIGINT AS n
          FROM r WHERE lo < hi
        ), a AS (
          SELECT id, lo + floor(${rng.u(TAG.copdAdmit + 2, 'id', 'seq', 'i')} * datediff('day', lo, hi))::INTEGER AS admitted, seq, i, death_date
          FROM (SELECT *, unnest(range(n)) AS i FROM k)
        )
        SELECT id, admitted, least(admitted + 1 + floor(${rng.exp(TAG.copdAdmit + 3, 5, 'id', 'seq', 'i')})::INTEGER, death_date), 'emergency',
               CASE WHEN ${rng.u(TAG.copdAdmit + 4, 'id', 'seq', 'i')} < 0.7 THEN 'J44.1' WHEN ${rng.u(TAG.copdAdmit + 4, 'id', 'seq', 'i')} < 0.9 THEN 'J44.0' ELSE 'J44.9' END,
               ${batch}
        FROM a`,
    },
  ];
}
