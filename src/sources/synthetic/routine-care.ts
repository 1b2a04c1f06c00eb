import { diastolicSql, effectSql, type GenContext, type Step, sqlDate, sqlInt, sqlNum, systolicSql } from './context.js';
import { ATTRIBUTE_PRACTICE_JOIN } from './diagnoses.js';
import { childhoodSteps } from './childhood.js';
import { CARE_START, FLU, GENERAL, HYPERTENSION, IMMUNISATION, PROGRAMMES } from './params.js';
import { TAG } from './random.js';
import { reviewSlotsSelect } from './review-slots.js';

/**
 * Routine care outside the disease programmes: BP checks for the hypertension register and for
 * other adults, smoking status, seasonal influenza vaccination for those at risk, and MMR for
 * children (with the childhood immunisation programme's call and recall), then the other
 * childhood doses (childhood.ts), which read the MMR1 dates.
 */
export function routineCareSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const H = HYPERTENSION;
  const n = (tag: number, k: string): string => rng.normal(tag, 'id', k);
  const nj = (tag: number, k: string): string => rng.normal(tag, 'id', 'j', k);
  const constant = (p: number) => ({ pre: p, post: p });
  const smokeCode = (u: string): string => `CASE WHEN smoking = 2 THEN ${codes.sql('lsmok_cod', u)} ELSE ${codes.sql('exsmok_cod', u)} END`;
  return [
    {
      what: 'hypertension BP checks',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH s AS (${reviewSlotsSelect(ctx, {
          fromCol: 'hyp_diag',
          intervalDays: 182,
          jitterDays: 30,
          phaseTag: TAG.hypPhase,
          jitterTag: TAG.hypPhase + 500,
          attendTag: TAG.hypAttend,
          attend: constant(H.attend),
          startCol: 'cvd_start',
          qCol: 'q_gen',
          rampDays: 1,
          personCols: 'p.dm_diag, p.cvd_diag',
        })}), t AS (
          -- patients with diabetes or CVD have their BP taken at those reviews instead
          SELECT * FROM s WHERE (dm_diag IS NULL OR dm_diag > d) AND (cvd_diag IS NULL OR cvd_diag > d)
        )
        SELECT id, practice, d, ${codes.sql('sysbp_cod', rng.u(TAG.hypAttend, 'id', 'j', '1'))},
               ${systolicSql(`${sqlNum(H.systolic.mean)} + ${sqlNum(H.systolic.sd)} * ${n(TAG.hypPhase, '1')} + ${sqlNum(H.systolic.noise)} * ${nj(TAG.hypPhase, '11')}`)}, 'mmHg', ${batch} FROM t
        UNION ALL
        SELECT id, practice, d, ${codes.sql('diabp_cod', rng.u(TAG.hypAttend, 'id', 'j', '1'))},
               ${diastolicSql(`${sqlNum(H.diastolic.mean)} + ${sqlNum(H.diastolic.sd)} * (0.6 * ${n(TAG.hypPhase, '1')} + 0.8 * ${n(TAG.hypPhase, '2')}) + ${sqlNum(H.diastolic.noise)} * ${nj(TAG.hypPhase, '12')}`)}, 'mmHg', ${batch} FROM t`,
    },
    {
      what: 'adults: routine BP and smoking status',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH s AS (${reviewSlotsSelect(ctx, {
          fromCol: 'adult_from',
          intervalDays: GENERAL.bpEveryDays,
          jitterDays: 200,
          phaseTag: TAG.generalBp,
          jitterTag: TAG.generalBp + 500,
          attendTag: TAG.generalBp + 1000,
          attend: constant(GENERAL.bpAttend),
          startCol: 'cvd_start',
          qCol: 'q_gen',
          rampDays: 1,
          personCols: 'p.hyp_diag, p.smoking',
        })}), t AS (SELECT * FROM s WHERE hyp_diag IS NULL OR hyp_diag > d)
        SELECT id, practice, d, ${codes.sql('sysbp_cod', rng.u(TAG.generalBp, 'id', 'j', '1'))},
               ${systolicSql(`124 + 14 * ${n(TAG.generalBp, '1')} + 8 * ${nj(TAG.generalBp, '11')}`)}, 'mmHg', ${batch} FROM t
        UNION ALL
        SELECT id, practice, d, ${codes.sql('diabp_cod', rng.u(TAG.generalBp, 'id', 'j', '1'))},
               ${diastolicSql(`76 + 9 * (0.6 * ${n(TAG.generalBp, '1')} + 0.8 * ${n(TAG.generalBp, '2')}) + 5 * ${nj(TAG.generalBp, '12')}`)}, 'mmHg', ${batch} FROM t
        UNION ALL
        SELECT id, practice, d, ${smokeCode(rng.u(TAG.smokingCheck, 'id', 'j'))}, NULL, NULL, ${batch} FROM t
        WHERE smoking > 0 AND ${rng.u(TAG.smokingCheck, 'id', 'j', '1')} < ${sqlNum(GENERAL.smokingCheck / GENERAL.bpAttend)}`,
    },
    {
      what: 'smoking status at registration',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        SELECT g.id, g.practice, g.rstart + 7 + floor(${rng.u(TAG.smokingCheck, 'g.id', 'g.seq', '2')} * 50)::INTEGER AS d,
               ${smokeCode(rng.u(TAG.smokingCheck, 'g.id', 'g.seq', '3'))}, NULL, NULL, ${batch}
        FROM g_reg g JOIN g_person p ON p.id = g.id
        WHERE p.smoking > 0 AND g.rstart >= ${sqlDate(CARE_START)} AND g.rstart >= p.adult_from
          AND g.rstart + 57 < g.rend AND ${rng.u(TAG.smokingCheck, 'g.id', 'g.seq', '4')} < ${sqlNum(GENERAL.smokingAtRegistration)}`,
    },
    ...fluSteps(ctx),
    ...mmrSteps(ctx),
    ...childhoodSteps(ctx),
  ];
}

/** Influenza vaccination each autumn for those at risk (65 and over, or on a DM, COPD, CHD or stroke/TIA register). */
function fluSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const F = FLU;
  const firstSeason = Number(CARE_START.slice(0, 4));
  return [
    {
      what: 'influenza vaccinations',
      sql: `CREATE TEMP TABLE g_flu AS
        WITH c AS (
          SELECT p.id, p.birth_date, least(p.dm_diag, p.copd_diag, p.chd_diag, p.stroke_diag) AS risk_from,
                 ${rng.u(TAG.flu, 'p.id')} < ${sqlNum(F.regularShare)} AS regular,
                 floor(${rng.u(TAG.fluDay, 'p.id')} * 70)::INTEGER AS pref
          FROM g_person p
          WHERE p.birth_date < DATE '1949-01-01' OR p.dm_diag IS NOT NULL OR p.copd_diag IS NOT NULL OR p.chd_diag IS NOT NULL OR p.stroke_diag IS NOT NULL
        ), s AS (
          SELECT c.*, g.practice, g.rstart, g.rend, y,
                 make_date(y::BIGINT, 10, 1) + pref + floor(${rng.u(TAG.fluDay, 'c.id', 'y')} * 10)::INTEGER AS d
          FROM c JOIN g_reg g ON g.id = c.id, (SELECT unnest(range(${sqlInt(firstSeason)}, 2014)) AS y)
        )
        SELECT id, practice, d, y FROM s
        WHERE d >= rstart AND d < rend AND d >= ${sqlDate(CARE_START)}
          AND (d >= (birth_date + INTERVAL 65 YEAR)::DATE OR risk_from <= d)
          AND ${rng.u(TAG.flu, 'id', 'y')} < CASE WHEN regular THEN ${sqlNum(F.regularUptake)} ELSE ${sqlNum(F.otherUptake)} END`,
    },
    {
      what: 'influenza vaccination events',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        SELECT id, practice, d, ${codes.sql('flu_cod', rng.u(TAG.fluDrug, 'id', 'y', '1'))}, NULL, NULL, ${batch} FROM g_flu`,
    },
    {
      what: 'influenza vaccine issues',
      sql: `INSERT INTO medication_issue (patient_id, practice, date, dmd_code, batch_id)
        SELECT id, practice, d, ${codes.sql('fludrug_cod', rng.u(TAG.fluDrug, 'id', 'y', '2'))}, ${batch} FROM g_flu
        WHERE ${rng.u(TAG.fluDrug, 'id', 'y')} < ${sqlNum(F.drugIssueShare)}`,
    },
  ];
}

/**
 * MMR: the natural course (timely at 12–13 months, late, or never) and, once a network's
 * programme has started, call and recall of registered children over 13 months with no MMR1.
 */
function mmrSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const I = IMMUNISATION;
  const u1 = rng.u(TAG.mmr, 'id');
  // Invitations go out over the ramp period after the network's start (x), so every recall is made with the programme running.
  const recall = effectSql(I.recall, `(x + ${sqlInt(PROGRAMMES.mmr.rampDays)})`, 'mmr_start', PROGRAMMES.mmr.rampDays, 'q_mmr');
  return [
    {
      what: 'MMR vaccinations',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH kids AS (
          SELECT id, birth_date,
                 CASE WHEN ${u1} < ${sqlNum(I.timelyShare)} THEN birth_date + 365 + floor(${rng.exp(TAG.mmrDelay, I.timelyDelayDaysMean, 'id')})::INTEGER
                      WHEN ${u1} < ${sqlNum(I.timelyShare + I.lateShare)} THEN birth_date + 730 + floor(${rng.exp(TAG.mmrDelay, I.lateDelayDaysMean, 'id')})::INTEGER
                 END AS natural
          FROM g_person WHERE birth_date >= DATE '2000-01-01'
        ), rec AS (
          SELECT g.id, min(x + floor(${rng.exp(TAG.mmrRecall, I.recallDaysMean, 'g.id', 'g.seq')})::INTEGER) AS recalled
          FROM (
            SELECT g.*, k.birth_date, k.natural, pr.mmr_start, pr.q_mmr,
                   greatest(pr.mmr_start + floor(${rng.u(TAG.mmrRecall, 'g.id', 'g.seq', '2')} * ${sqlInt(PROGRAMMES.mmr.rampDays)})::INTEGER, k.birth_date + 395, g.rstart) AS x
            FROM g_reg g JOIN kids k ON k.id = g.id JOIN g_practice pr ON pr.pidx = g.pidx
          ) g
          WHERE x < g.rend AND x < g.birth_date + 1826 AND (g.natural IS NULL OR g.natural > x)
            AND ${rng.u(TAG.mmrRecall, 'g.id', 'g.seq', '1')} < ${recall}
          GROUP BY g.id
        ), first AS (
          SELECT k.id, least(k.natural, rec.recalled) AS d FROM kids k LEFT JOIN rec ON rec.id = k.id
        ), ev AS (
          SELECT id, d, ${codes.sql('mmr_vaccination', rng.u(TAG.mmr, 'id', '1'))} AS code FROM first WHERE d IS NOT NULL
          UNION ALL
          SELECT f.id, greatest(k.birth_date + 1216 + floor(${rng.exp(TAG.mmr2, 60, 'f.id')})::INTEGER, f.d + 90), ${codes.sql('mmr_vaccination_dose2', '0')}
          FROM first f JOIN kids k ON k.id = f.id WHERE f.d IS NOT NULL AND ${rng.u(TAG.mmr2, 'f.id', '1')} < ${sqlNum(I.secondDoseShare)}
        )
        SELECT ev.id, ar.practice, ev.d, ev.code, NULL, NULL, ${batch} FROM ev ${ATTRIBUTE_PRACTICE_JOIN}`,
    },
  ];
}
