import { diastolicSql, effectSql, type GenContext, type Step, sqlDate, sqlInt, sqlNum, systolicSql } from './context.js';
import { ATTRIBUTE_PRACTICE_JOIN } from './diagnoses.js';
import { CARE_START, CVD, MI, PROGRAMMES } from './params.js';
import { TAG } from './random.js';
import { reviewSlotsSelect } from './review-slots.js';

/**
 * Cardiovascular disease (CHD, stroke, TIA) care: annual reviews with BP, cholesterol and care
 * plans; treatment intensification once the programme starts (lower later readings); statins
 * (issued every 28 days) for CVD, and for some patients with diabetes or hypertension; hospital
 * admissions for MI and stroke (an MI patient who dies within 30 days — population.ts — is
 * discharged on the day of death when that comes first); after an MI admission, a post-MI review
 * dated from the discharge, and cardiac rehabilitation.
 */
export function cvdSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const ramp = PROGRAMMES.cvd.rampDays;
  const item = (k: number): string => rng.u(TAG.cvdValue, 'id', 'j', String(k));
  const n = (k: string): string => rng.normal(TAG.cvdValue, 'id', k);
  const nj = (k: string): string => rng.normal(TAG.cvdValue, 'id', 'j', k);
  // The care plan share of review slots is calendar-driven (see params.ts); at an attended review
  // the plan is recorded with probability share / attendance, so the share does not follow attendance.
  const cpShare = effectSql(CVD.carePlanShare, 'd', sqlDate(CVD.carePlanFrom), CVD.carePlanRampDays, 'q');
  const cp = `least(1.0, ${cpShare} / ${effectSql(CVD.review, 'd', 'prog_start', ramp, 'q')})`;
  // Treatment intensification: a share of CVD patients, each from a day spread over intensifyOverDays after the later of programme start and diagnosis.
  const treated = `(${rng.u(TAG.cvdTreat, 'id')} < ${sqlNum(CVD.intensifiedShare)} AND d >= greatest(prog_start, cvd_diag) + floor(${rng.u(TAG.cvdTreatDelay, 'id')} * ${sqlInt(CVD.intensifyOverDays)})::INTEGER)::INTEGER`;
  const T = CVD.treated;
  // Statins: who takes one and from when (the earliest of the reasons that apply).
  const st = CVD.statin;
  const startFor = (cond: string, from: string, prob: number, tag: number, meanDays: number): string =>
    `CASE WHEN ${cond} AND ${rng.u(TAG.statin, 'p.id', String(tag))} < ${sqlNum(prob)} THEN ${from} + floor(${rng.exp(TAG.statinStart, meanDays, 'p.id', String(tag))})::INTEGER END`;
  const cvdDiag = 'least(p.chd_diag, p.stroke_diag)';
  const programmeStarter = `CASE WHEN ${cvdDiag} IS NOT NULL AND ${rng.u(TAG.statin, 'p.id', '1')} >= ${sqlNum(st.pre)}
        AND ${rng.u(TAG.statin, 'p.id', '5')} < ${sqlNum((st.post - st.pre) / (1 - st.pre))}
      THEN greatest(pr.cvd_start, ${cvdDiag}) + floor(${rng.u(TAG.statinStart, 'p.id', '5')} * ${sqlInt(ramp)})::INTEGER END`;
  return [
    {
      what: 'CVD review slots',
      sql: `CREATE TEMP TABLE g_cvd_slot AS ${reviewSlotsSelect(ctx, {
        fromCol: 'cvd_diag',
        intervalDays: 350,
        jitterDays: 12,
        phaseTag: TAG.cvdPhase,
        jitterTag: TAG.cvdPhase + 500,
        attendTag: TAG.cvdAttend,
        attend: CVD.review,
        startCol: 'cvd_start',
        qCol: 'q_cvd',
        rampDays: ramp,
        personCols: 'p.dm_diag, p.cvd_diag',
      })}`,
    },
    {
      what: 'CVD review events',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        SELECT id, practice, d, ${codes.sql('gpnet_cvd_care_plan', '0')}, NULL, NULL, ${batch} FROM g_cvd_slot WHERE ${rng.u(TAG.cvdCarePlan, 'id', 'j')} < ${cp}
        UNION ALL
        SELECT id, practice, d, ${codes.sql('sysbp_cod', item(3))}, ${systolicSql(`134 + 13 * ${n('1')} + 9 * ${nj('11')} + ${sqlNum(T.systolic)} * ${treated}`)}, 'mmHg', ${batch}
        FROM g_cvd_slot WHERE (dm_diag IS NULL OR dm_diag > d) AND ${item(1)} < 0.92
        UNION ALL
        SELECT id, practice, d, ${codes.sql('diabp_cod', item(3))}, ${diastolicSql(`78 + 8 * (0.6 * ${n('1')} + 0.8 * ${n('2')}) + 5 * ${nj('12')} + ${sqlNum(T.diastolic)} * ${treated}`)}, 'mmHg', ${batch}
        FROM g_cvd_slot WHERE (dm_diag IS NULL OR dm_diag > d) AND ${item(1)} < 0.92
        UNION ALL
        SELECT id, practice, d, ${codes.sql('chol2_cod', item(4))}, greatest(2.0, round(4.3 + 0.8 * ${n('3')} + 0.3 * ${nj('13')} + ${sqlNum(T.cholesterol)} * ${treated}, 1)), 'mmol/L', ${batch}
        FROM g_cvd_slot WHERE (dm_diag IS NULL OR dm_diag > d) AND ${item(2)} < 0.85`,
    },
    {
      what: 'statin users',
      sql: `CREATE TEMP TABLE g_statin AS
        SELECT * FROM (
          SELECT p.id,
                 least(
                   ${startFor(`${cvdDiag} IS NOT NULL`, cvdDiag, st.pre, 1, 30)},
                   ${programmeStarter},
                   ${startFor('p.dm_diag IS NOT NULL', "greatest(p.dm_diag, p.birth_date + INTERVAL 40 YEAR)::DATE", CVD.statinDm, 2, 120)},
                   ${startFor('p.hyp_diag IS NOT NULL', 'p.hyp_diag', CVD.statinHyp, 3, 365)},
                   ${startFor('TRUE', "(p.birth_date + INTERVAL 60 YEAR)::DATE", CVD.statinOther60, 4, 1100)}
                 ) AS statin_start,
                 ${codes.sql('stat_cod', rng.u(TAG.statin, 'p.id', '6'))} AS drug
          FROM g_person p JOIN g_practice pr ON pr.pidx = p.pidx1
          WHERE p.chd_diag IS NOT NULL OR p.stroke_diag IS NOT NULL OR p.dm_diag IS NOT NULL OR p.hyp_diag IS NOT NULL
             OR p.birth_date < DATE '1954-01-01'
        ) WHERE statin_start IS NOT NULL`,
    },
    {
      what: 'statin issues',
      sql: `INSERT INTO medication_issue (patient_id, practice, date, dmd_code, batch_id)
        WITH r AS (
          SELECT g.id, g.seq, g.practice, g.rend, s.statin_start AS anchor, s.drug,
                 greatest(g.rstart, s.statin_start, ${sqlDate(CARE_START)}) AS lo
          FROM g_reg g JOIN g_statin s ON s.id = g.id
          WHERE s.statin_start < g.rend
        ), j AS (
          SELECT *, unnest(range(greatest(0, floor(datediff('day', anchor, lo) / ${sqlInt(CVD.statinIssueDays)})::BIGINT),
                                 floor(datediff('day', anchor, rend) / ${sqlInt(CVD.statinIssueDays)})::BIGINT + 1)) AS j
          FROM r WHERE lo < rend
        )
        SELECT id, practice, d, drug, ${batch} FROM (
          SELECT id, practice, drug, lo, rend, anchor + (j * ${sqlInt(CVD.statinIssueDays)} + floor(${rng.u(TAG.statin + 500, 'id', 'j')} * 5))::INTEGER AS d FROM j
        ) WHERE d >= lo AND d < rend`,
    },
    {
      what: 'MI and stroke admissions (working table)',
      sql: `CREATE TEMP TABLE g_adm AS
        WITH ev AS (
          SELECT id, chd_diag AS d, 'I21.9' AS icd10 FROM g_person WHERE chd_is_mi AND chd_diag IS NOT NULL
          UNION ALL
          SELECT id, stroke_diag, 'I63.9' FROM g_person WHERE NOT stroke_is_tia AND stroke_diag IS NOT NULL
        )
        SELECT ev.id, ev.d AS admitted,
               least(ev.d + ${sqlInt(MI.stayDaysMin)} + floor(${rng.exp(TAG.cvdValue + 600, MI.stayDaysMean, 'ev.id', 'ev.icd10')})::INTEGER, ap.death_date) AS discharged,
               ev.icd10, pr.cvd_start, pr.q_cvd
        FROM ev JOIN g_person ap ON ap.id = ev.id
        JOIN g_reg ar ON ar.id = ev.id AND ev.d >= ar.rstart AND ev.d < ar.rend
        JOIN g_practice pr ON pr.pidx = ar.pidx
        WHERE ev.d >= ${sqlDate(CARE_START)}`,
    },
    {
      what: 'MI and stroke admissions',
      sql: `INSERT INTO admission (patient_id, admitted, discharged, method, icd10, batch_id)
        SELECT id, admitted, discharged, 'emergency', icd10, ${batch} FROM g_adm`,
    },
    {
      what: 'after an MI admission: review and cardiac rehabilitation',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH mi AS (
          SELECT id, admitted AS mi_date, discharged, cvd_start, q_cvd,
                 ${rng.u(TAG.miReview, 'id', '2')} < ${effectSql(CVD.postMiReview, 'discharged', 'cvd_start', ramp, 'q_cvd')} AS reviewed_in_time
          FROM g_adm WHERE icd10 LIKE 'I21%'
        ), ev AS (
          SELECT id, discharged + floor(${rng.u(TAG.miReview, 'id', '1')} * 21)::INTEGER AS d, ${codes.sql('gpnet_post_mi_review', '0')} AS code
          FROM mi WHERE reviewed_in_time
          UNION ALL
          SELECT id, discharged + 22 + floor(${rng.u(TAG.miLateReview, 'id', '1')} * 60)::INTEGER, ${codes.sql('gpnet_post_mi_review', '0')}
          FROM mi WHERE NOT reviewed_in_time AND ${rng.u(TAG.miLateReview, 'id', '2')} < ${sqlNum(CVD.lateReview)}
          UNION ALL
          SELECT id, mi_date + 28 + floor(${rng.u(TAG.cardiacRehab, 'id', '1')} * 60)::INTEGER, ${codes.sql('gpnet_cardiac_rehab_attended', '0')}
          FROM mi WHERE ${rng.u(TAG.cardiacRehab, 'id', '2')} < ${effectSql(CVD.cardiacRehab, 'mi_date', 'cvd_start', ramp, 'q_cvd')}
        )
        SELECT ev.id, ar.practice, ev.d, ev.code, NULL, NULL, ${batch} FROM ev ${ATTRIBUTE_PRACTICE_JOIN}`,
    },
  ];
}
