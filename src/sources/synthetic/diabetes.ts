import { diastolicSql, effectSql, type GenContext, type Step, sqlInt, sqlNum, systolicSql } from './context.js';
import { DIABETES, PROGRAMMES } from './params.js';
import { TAG } from './random.js';
import { reviewSlotsSelect } from './review-slots.js';

/**
 * Diabetes care: 6-monthly reviews (HbA1c, BP, cholesterol, smoking
 * status, care plan) and annual retinal screening. The programme raises attendance and care
 * planning, and intensifies treatment for part of the register, which lowers later readings.
 */
export function diabetesSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const ramp = PROGRAMMES.dm.rampDays;
  const D = DIABETES;
  const n = (tag: number, k: string): string => rng.normal(tag, 'id', k);
  const nj = (tag: number, k: string): string => rng.normal(tag, 'id', 'j', k);
  // Treatment intensification: a share of the register, each from a day spread over intensifyOverDays after the later of programme start and diagnosis.
  const treated = `(${rng.u(TAG.dmTreat, 'id')} < ${sqlNum(D.intensifiedShare)} AND d >= greatest(prog_start, dm_diag) + floor(${rng.u(TAG.dmTreatDelay, 'id')} * ${sqlInt(D.intensifyOverDays)})::INTEGER)::INTEGER`;
  const sys = systolicSql(`${sqlNum(D.systolic.mean)} + ${sqlNum(D.systolic.sd)} * ${n(TAG.dmValue, '1')} + ${sqlNum(D.systolic.noise)} * ${nj(TAG.dmValue, '11')} + ${sqlNum(D.systolic.treated)} * ${treated}`);
  const dia = diastolicSql(`${sqlNum(D.diastolic.mean)} + ${sqlNum(D.diastolic.sd)} * (0.6 * ${n(TAG.dmValue, '1')} + 0.8 * ${n(TAG.dmValue, '2')}) + ${sqlNum(D.diastolic.noise)} * ${nj(TAG.dmValue, '12')} + ${sqlNum(D.diastolic.treated)} * ${treated}`);
  const chol = `greatest(2.0, round(${sqlNum(D.cholesterol.mean)} + ${sqlNum(D.cholesterol.sd)} * ${n(TAG.dmValue, '3')} + ${sqlNum(D.cholesterol.noise)} * ${nj(TAG.dmValue, '13')} + ${sqlNum(D.cholesterol.treated)} * ${treated}, 1))`;
  const hba1c = `greatest(28.0, round(exp(${sqlNum(D.hba1cLogMean)} + ${sqlNum(D.hba1cLogSd)} * ${n(TAG.dmValue, '4')}) + ${sqlNum(D.hba1cNoise)} * ${nj(TAG.dmValue, '14')} + ${sqlNum(D.hba1cTreated)} * ${treated}))`;
  const item = (k: number): string => rng.u(TAG.dmItem, 'id', 'j', String(k));
  const cp = effectSql(D.carePlan, 'd', 'prog_start', ramp, 'q');
  return [
    {
      what: 'diabetes review slots',
      sql: `CREATE TEMP TABLE g_dm_slot AS ${reviewSlotsSelect(ctx, {
        fromCol: 'dm_diag',
        intervalDays: 182,
        jitterDays: 21,
        phaseTag: TAG.dmPhase,
        jitterTag: TAG.dmJitter,
        attendTag: TAG.dmAttend,
        attend: D.attend,
        startCol: 'dm_start',
        qCol: 'q_dm',
        rampDays: ramp,
        personCols: 'p.dm_diag, p.smoking',
      })}`,
    },
    {
      what: 'diabetes review events',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        SELECT id, practice, d, ${codes.sql('ifcchbam_cod', '0')}, ${hba1c}, 'mmol/mol', ${batch} FROM g_dm_slot WHERE ${item(1)} < ${sqlNum(D.hba1cRecorded)}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('sysbp_cod', item(5))}, ${sys}, 'mmHg', ${batch} FROM g_dm_slot WHERE ${item(2)} < ${sqlNum(D.bpRecorded)}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('diabp_cod', item(5))}, ${dia}, 'mmHg', ${batch} FROM g_dm_slot WHERE ${item(2)} < ${sqlNum(D.bpRecorded)}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('chol2_cod', item(6))}, ${chol}, 'mmol/L', ${batch} FROM g_dm_slot WHERE ${item(3)} < ${sqlNum(D.cholRecorded)}
        UNION ALL
        SELECT id, practice, d, CASE WHEN smoking = 2 THEN ${codes.sql('lsmok_cod', item(7))} ELSE ${codes.sql('exsmok_cod', item(7))} END, NULL, NULL, ${batch}
        FROM g_dm_slot WHERE smoking > 0 AND j % 2 = 0 AND ${item(4)} < 0.8
        UNION ALL
        SELECT id, practice, d, ${codes.sql('gpnet_dm_care_plan', '0')}, NULL, NULL, ${batch} FROM g_dm_slot WHERE ${rng.u(TAG.dmCarePlan, 'id', 'j')} < ${cp}`,
    },
    {
      what: 'retinal screening',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH s AS (${reviewSlotsSelect(ctx, {
          fromCol: 'dm_diag',
          intervalDays: 365,
          jitterDays: 25,
          phaseTag: TAG.retinalPhase,
          jitterTag: TAG.retinalPhase + 500,
          attendTag: TAG.retinal,
          attend: D.retinal,
          startCol: 'dm_start',
          qCol: 'q_dm',
          rampDays: ramp,
        })})
        SELECT id, practice, d, ${codes.sql('gpnet_retinal_screening', '0')}, NULL, NULL, ${batch} FROM s`,
    },
  ];
}
