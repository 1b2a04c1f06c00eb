import { effectSql, type GenContext, type Step, sqlDate, sqlInt, sqlNum } from './context.js';
import { CONSULTATIONS, HISTORY_END, HISTORY_START } from './params.js';
import { TAG, uniformFromBits } from './random.js';

/**
 * Consultations (all recorded contacts): the bulk of the store. Each registration gets a number
 * of contacts from an age/sex rate, a patient-level multiplier (some people consult far more than
 * others) and a multiplier for long-term conditions, spread over the registration. Each patient
 * has a usual GP at the practice; the share of contacts with that GP falls as the collaboration
 * scales up (a modelled harm: lost continuity). GP posts change holder at some practices (staff
 * turnover), nurses see a quarter of contacts, and telephone contacts grow over the years.
 */

const HISTORY_DAYS = Math.round((Date.parse(HISTORY_END) - Date.parse(HISTORY_START)) / 86_400_000);

export function clinicianTableStep(ctx: GenContext): Step {
  const { rng } = ctx;
  const change = `CASE WHEN ${rng.u(TAG.usualGp, 'pidx', 'key', '1')} < ${sqlNum(CONSULTATIONS.gpTurnover)}
      THEN ${sqlDate(HISTORY_START)} + floor(${rng.u(TAG.usualGp, 'pidx', 'key', '2')} * ${sqlInt(HISTORY_DAYS)})::INTEGER END`;
  return {
    what: 'clinicians',
    sql: `CREATE TEMP TABLE g_clin AS
      SELECT pidx, key, id_a, id_b, ${change} AS change_date FROM (
        SELECT pidx, s AS key, practice || '-G' || lpad((s + 1)::VARCHAR, 2, '0') AS id_a, practice || '-G' || lpad((s + 51)::VARCHAR, 2, '0') AS id_b
        FROM (SELECT pidx, practice, unnest(range(gps)) AS s FROM g_practice)
        UNION ALL
        SELECT pidx, 100 + s, practice || '-N' || lpad((s + 1)::VARCHAR, 2, '0'), practice || '-N' || lpad((s + 51)::VARCHAR, 2, '0')
        FROM (SELECT pidx, practice, unnest(range(nurses)) AS s FROM g_practice)
      )`,
  };
}

function rateSql(ageExpr: string): string {
  const arms = CONSULTATIONS.ratePerYear.map(([max, f, m]) => `WHEN ${ageExpr} < ${sqlInt(max)} THEN (CASE WHEN sex = 'M' THEN ${sqlNum(m)} ELSE ${sqlNum(f)} END)`);
  return `(CASE ${arms.join(' ')} ELSE 22.0 END)`;
}

/**
 * Consultations for the patients whose id ≡ part (mod parts). Splitting by residue rather than by
 * id range keeps every part spread over all row groups of the working tables, so each part still
 * runs on every thread.
 */
export function consultationStep(ctx: GenContext, part: number, parts: number): Step {
  const { rng } = ctx;
  const C = CONSULTATIONS;
  const batch = sqlInt(ctx.batchId);
  const usual = effectSql(C.usualGp, 'd', sqlDate(C.continuityChangeFrom), C.continuityChangeDays);
  const tel = `(${sqlNum(C.telephoneShare.from)} + ${sqlNum(C.telephoneShare.to - C.telephoneShare.from)} * datediff('day', ${sqlDate(HISTORY_START)}, d) / ${sqlNum(HISTORY_DAYS)})`;
  const home = `(CASE WHEN age_mid >= 85 THEN ${sqlNum(C.homeVisitOver85)} WHEN age_mid >= 75 THEN 0.04 ELSE 0.004 END)`;
  const online = `(CASE WHEN d >= DATE '2011-01-01' THEN ${sqlNum(C.onlineFrom2011)} ELSE 0.0 END)`;
  // Who: the usual GP with probability p_usual; otherwise the rest of the same uniform, rescaled, picks a nurse or another GP.
  const nurseShare = C.nurse / (1 - C.usualGp.pre);
  const rest = `((uw - p_usual) / (1.0 - p_usual))`;
  return {
    what: `consultations, part ${part + 1} of ${parts}`,
    sql: `INSERT INTO consultation (patient_id, practice, date, clinician, mode, batch_id)
      WITH r AS (
        SELECT g.id, g.seq, g.pidx, g.practice, greatest(g.rstart, ${sqlDate(HISTORY_START)}) AS lo, g.rend AS hi, p.sex,
               (datediff('day', p.birth_date, greatest(g.rstart, ${sqlDate(HISTORY_START)})) + datediff('day', greatest(g.rstart, ${sqlDate(HISTORY_START)}), g.rend) / 2.0) / 365.25 AS age_mid,
               (least(p.dm_diag, p.hyp_diag, p.copd_diag, p.cvd_diag) < g.rend) AS chronic,
               pr.gps, pr.nurses
        FROM g_reg g JOIN g_person p ON p.id = g.id JOIN g_practice pr ON pr.pidx = g.pidx
        WHERE g.id % ${sqlInt(parts)} = ${sqlInt(part)} AND g.rend > ${sqlDate(HISTORY_START)}
      ), k AS (
        SELECT *,
               floor(${rateSql('age_mid')} * (CASE WHEN chronic THEN ${sqlNum(C.chronicMultiplier)} ELSE 1.0 END)
                     * exp(0.55 * ${rng.normal(TAG.consultRate, 'id')} - 0.15125) * datediff('day', lo, hi) / 365.25
                     + ${rng.u(TAG.consultCount, 'id', 'seq')})::BIGINT AS n,
               (${rng.bits(TAG.usualGp, 'id', 'pidx')} % gps)::BIGINT AS usual,
               datediff('day', lo, hi) AS span
        FROM r
      ), c AS (
        SELECT id, seq, pidx, practice, lo, span, age_mid, gps, nurses, usual, unnest(range(n)) AS j FROM k
      ), h AS (
        SELECT *, ${rng.bits(TAG.consultDate, 'id', 'seq', 'j')} AS bits FROM c
      ), d AS (
        SELECT id, pidx, practice, age_mid, gps, nurses, usual,
               lo + floor(${uniformFromBits('bits', 0)} * span)::INTEGER AS d,
               ${uniformFromBits('bits', 1)} AS uw, ${uniformFromBits('bits', 2)} AS um
        FROM h
      ), e AS (
        SELECT *, ${usual} AS p_usual FROM d
      ), f AS (
        SELECT id, practice, pidx, d,
               CASE WHEN uw < p_usual THEN usual
                    WHEN ${rest} < ${sqlNum(nurseShare)} THEN 100 + floor(${rest} / ${sqlNum(nurseShare)} * nurses)::BIGINT
                    ELSE floor((${rest} - ${sqlNum(nurseShare)}) / ${sqlNum(1 - nurseShare)} * gps)::BIGINT END AS key,
               CASE WHEN um < ${home} THEN 'home_visit'
                    WHEN um < ${home} + ${tel} THEN 'telephone'
                    WHEN um < ${home} + ${tel} + ${online} THEN 'online'
                    ELSE 'face_to_face' END AS mode
        FROM e
      )
      SELECT f.id, f.practice, f.d, CASE WHEN cl.change_date IS NOT NULL AND f.d >= cl.change_date THEN cl.id_b ELSE cl.id_a END, f.mode, ${batch}
      FROM f JOIN g_clin cl ON cl.pidx = f.pidx AND cl.key = f.key`,
  };
}
