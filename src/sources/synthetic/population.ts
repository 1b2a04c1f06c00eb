import { AGE_BANDS } from './reference-population.js';
import { effectSql, type GenContext, type Step, sqlDate, sqlInt, sqlNum } from './context.js';
import { nhsNumberTableSql } from './nhs-number.js';
import { CONDITION_DETAIL, CONDITIONS, type ConditionParams, HISTORY_END, MI, POPULATION_START, POPULATION, PRACTICE_VARIATION_SD } from './params.js';
import { programmeStart } from './programmes.js';
import { TAG } from './random.js';

/**
 * The people: who they are (birth, sex, deprivation), when they are registered where
 * (turnover, births, transfers, deaths), and their latent conditions with onset dates.
 * Working tables are TEMP tables named g_*; the store's patient and registration tables are
 * filled from them.
 */

const START = sqlDate(POPULATION_START);
const END = sqlDate(HISTORY_END);
const HISTORY_DAYS = Math.round((Date.parse(HISTORY_END) - Date.parse(POPULATION_START)) / 86_400_000);

/** Lookup tables written from JS: practices (with their programme start dates) and age/sex cells. */
export async function writeLookupTables(ctx: GenContext): Promise<void> {
  const { engine, practices } = ctx;
  await engine.run(`CREATE TEMP TABLE g_practice_base (
    pidx INTEGER, practice VARCHAR, net INTEGER, gps INTEGER, nurses INTEGER, weight DOUBLE,
    mmr_start DATE, dm_start DATE, copd_start DATE, cvd_start DATE)`);
  await engine.insertRows(
    'g_practice_base',
    ['pidx', 'practice', 'net', 'gps', 'nurses', 'weight', 'mmr_start', 'dm_start', 'copd_start', 'cvd_start'],
    practices.map((p) => [
      p.index,
      p.code,
      p.network,
      p.gps,
      p.nurses,
      p.realListSize,
      programmeStart('mmr', p.network),
      programmeStart('dm', p.network),
      programmeStart('copd', p.network),
      programmeStart('cvd', p.network),
    ]),
  );
  const { rng } = ctx;
  const sd = sqlNum(PRACTICE_VARIATION_SD);
  await engine.run(`CREATE TEMP TABLE g_practice AS SELECT *,
      ${sd} * ${rng.normal(200, 'pidx')} AS q_dm,
      ${sd} * ${rng.normal(201, 'pidx')} AS q_copd,
      ${sd} * ${rng.normal(202, 'pidx')} AS q_cvd,
      ${sd} * ${rng.normal(203, 'pidx')} AS q_mmr,
      ${sd} * ${rng.normal(204, 'pidx')} AS q_gen
    FROM g_practice_base`);
  await engine.run(`CREATE TEMP TABLE g_cell (pidx INTEGER, cell INTEGER, sex VARCHAR, age_lo DOUBLE, age_hi DOUBLE, n DOUBLE)`);
  const cells: (string | number)[][] = [];
  for (const p of practices) {
    AGE_BANDS.forEach(([lo, hi], b) => {
      cells.push([p.index, b, 'F', lo, hi, p.ageSex.female[b] ?? 0]);
      cells.push([p.index, AGE_BANDS.length + b, 'M', lo, hi, p.ageSex.male[b] ?? 0]);
    });
  }
  await engine.insertRows('g_cell', ['pidx', 'cell', 'sex', 'age_lo', 'age_hi', 'n'], cells);
}

/** Slots → practice (by real list size) and slots → age/sex cell (per practice), for equi-join sampling. */
function pickTablesSteps(): Step[] {
  return [
    {
      what: 'practice sampling table',
      sql: `CREATE TEMP TABLE g_pick_practice AS
        WITH w AS (SELECT pidx, (sum(weight) OVER (ORDER BY pidx) - weight) / sum(weight) OVER () AS lo,
                          sum(weight) OVER (ORDER BY pidx) / sum(weight) OVER () AS hi FROM g_practice)
        SELECT s.slot::INTEGER AS slot, w.pidx FROM range(10000) s(slot) JOIN w ON (s.slot + 0.5) / 10000.0 >= w.lo AND (s.slot + 0.5) / 10000.0 < w.hi`,
    },
    {
      what: 'age/sex sampling table',
      sql: `CREATE TEMP TABLE g_pick_cell AS
        WITH w AS (SELECT pidx, sex, age_lo, age_hi,
                          (sum(n) OVER (PARTITION BY pidx ORDER BY cell) - n) / sum(n) OVER (PARTITION BY pidx) AS lo,
                          sum(n) OVER (PARTITION BY pidx ORDER BY cell) / sum(n) OVER (PARTITION BY pidx) AS hi
                   FROM g_cell)
        SELECT w.pidx, s.slot::INTEGER AS slot, w.sex, w.age_lo, w.age_hi
        FROM range(1000) s(slot) JOIN w ON (s.slot + 0.5) / 1000.0 >= w.lo AND (s.slot + 0.5) / 1000.0 < w.hi`,
    },
  ];
}

/** Onset date of a latent condition, or NULL. Uses columns birth_date, sex, z (cardiometabolic factor). */
function onsetSql(ctx: GenContext, c: ConditionParams, tag: number): string {
  const { rng } = ctx;
  const cm = c.cardiometabolic;
  const mult = `(exp(${sqlNum(cm)} * z - ${sqlNum((cm * cm) / 2)}) * (CASE WHEN sex = 'M' THEN ${sqlNum(c.maleMultiplier)} ELSE 1.0 END))`;
  const peff = `(${sqlNum(c.pmax)} * ${mult})`;
  const u = rng.u(tag, 'id');
  const lmin = 1 / (1 + Math.exp(-(c.amin - c.a50) / c.s));
  const v = `least(${sqlNum(lmin)} + (${u} / ${peff}) * ${sqlNum(1 - lmin)}, 0.999999)`;
  const age = `(${sqlNum(c.a50)} + ${sqlNum(c.s)} * ln(${v} / (1.0 - ${v})))`;
  return `CASE WHEN ${u} < ${peff} THEN birth_date + floor(${age} * 365.25)::INTEGER END`;
}

/** SQL for the annual leave hazard at age `ageExpr`. */
function leaveHazardSql(ageExpr: string): string {
  const arms = POPULATION.leaveHazard.map(([max, h]) => `WHEN ${ageExpr} < ${sqlInt(max)} THEN ${sqlNum(h)}`);
  return `(CASE ${arms.join(' ')} ELSE 0.035 END)`;
}

export function personSteps(ctx: GenContext): Step[] {
  const { rng, patients } = ctx;
  const N = sqlInt(patients);
  const cum = (xs: readonly number[]): number[] => xs.reduce<number[]>((acc, x) => [...acc, (acc[acc.length - 1] ?? 0) + x], []);
  const imdCum = cum(POPULATION.imdDeciles);
  const imd = `(CASE ${imdCum.slice(0, -1).map((c, i) => `WHEN ${rng.u(TAG.imd, 'id')} < ${sqlNum(c)} THEN ${i + 1}`).join(' ')} ELSE 10 END)::SMALLINT`;
  const a = POPULATION.gompertzA;
  const b = POPULATION.gompertzB;
  const mm = POPULATION.mortalityMultiplier;
  const gompertzDays = (ageExpr: string, multExpr: string, tag: number): string =>
    `least(ln(1.0 + ${sqlNum(b)} * (-ln(1.0 - ${rng.u(tag, 'id')})) / (${multExpr} * ${sqlNum(a)} * exp(${sqlNum(b)} * ${ageExpr}))) / ${sqlNum(b)} * 365.25, 100000.0)`;
  const dd = CONDITION_DETAIL;
  // A fatal MI: 30-day case fatality at the MI date (falling over the history, and further once the
  // patient's first practice's network runs the CVD programme); death 1–29 days after admission, early deaths likelier.
  const baseFatality = `(${sqlNum(MI.caseFatality.start)} + ${sqlNum(MI.caseFatality.end - MI.caseFatality.start)} * datediff('day', ${START}, c.chd_onset) / ${sqlNum(HISTORY_DAYS)})`;
  const fatality = `(${baseFatality} * ${effectSql(MI.programmeFatality, 'c.chd_onset', 'pr.cvd_start', MI.fatalityRampDays)})`;
  const miDeathOffset = `CASE WHEN c.chd_is_mi AND c.chd_onset >= b.ref_date AND c.chd_onset < ${END} AND ${rng.u(TAG.miFatal, 'b.id')} < ${fatality}
      THEN datediff('day', b.ref_date, c.chd_onset) + 1 + floor(pow(${rng.u(TAG.miDeathDay, 'b.id')}, 2) * 29) END`;
  const miShare = `(${sqlNum(dd.chdMiShare.before)} + ${sqlNum(dd.chdMiShare.end - dd.chdMiShare.before)} * least(greatest(datediff('day', ${START}, chd_onset), 0), ${sqlInt(HISTORY_DAYS)}) / ${sqlNum(HISTORY_DAYS)})`;
  return [
    ...pickTablesSteps(),
    {
      what: 'people: birth, sex and entry',
      sql: `CREATE TEMP TABLE g_base AS
        WITH a AS (
          SELECT id, pp.pidx,
                 ${rng.u(TAG.stock, 'id')} < ${sqlNum(POPULATION.stockShare)} AS is_stock,
                 ${rng.u(TAG.newborn, 'id')} < ${sqlNum(POPULATION.newbornShare)} AS nb,
                 floor(${rng.u(TAG.entry, 'id')} * ${sqlInt(HISTORY_DAYS)})::INTEGER AS entry_off,
                 floor(${rng.u(TAG.ageCell, 'id')} * 1000)::INTEGER AS cslot
          FROM range(1, ${N} + 1) t(id)
          JOIN g_pick_practice pp ON pp.slot = floor(${rng.u(TAG.practice, 'id')} * 10000)::INTEGER
        ), b AS (
          SELECT a.id, a.pidx, a.is_stock, (NOT a.is_stock AND a.nb) AS newborn,
                 CASE WHEN a.is_stock THEN ${START} ELSE ${START} + a.entry_off END AS ref_date,
                 CASE WHEN NOT a.is_stock AND a.nb THEN (CASE WHEN ${rng.u(TAG.sexNewborn, 'a.id')} < 0.512 THEN 'M' ELSE 'F' END) ELSE c.sex END AS sex,
                 CASE WHEN NOT a.is_stock AND a.nb THEN 0.0 ELSE c.age_lo + ${rng.u(TAG.ageWithin, 'a.id')} * (c.age_hi - c.age_lo) END AS age_ref
          FROM a JOIN g_pick_cell c ON c.pidx = a.pidx AND c.slot = a.cslot
        )
        SELECT id, pidx, is_stock, newborn, ref_date, sex, age_ref,
               ref_date - floor(age_ref * 365.25)::INTEGER AS birth_date,
               ${rng.normal(TAG.cardiometabolic, 'id')} AS z
        FROM b`,
    },
    {
      what: 'people: latent conditions',
      sql: `CREATE TEMP TABLE g_cond AS
        SELECT *, coalesce(${rng.u(TAG.mi, 'id')} < ${miShare}, false) AS chd_is_mi FROM (
          SELECT id,
                 ${onsetSql(ctx, CONDITIONS.dm, TAG.dm)} AS dm_onset,
                 ${onsetSql(ctx, CONDITIONS.hyp, TAG.hyp)} AS hyp_onset,
                 ${onsetSql(ctx, CONDITIONS.chd, TAG.chd)} AS chd_onset,
                 ${onsetSql(ctx, CONDITIONS.stroke, TAG.stroke)} AS stroke_onset,
                 ${onsetSql(ctx, CONDITIONS.copd, TAG.copd)} AS copd_onset,
                 ${rng.u(TAG.tia, 'id')} < ${sqlNum(dd.tiaShare)} AS stroke_is_tia
          FROM g_base)`,
    },
    {
      what: 'people: registrations, turnover and deaths',
      sql: `CREATE TEMP TABLE g_life AS
        WITH a AS (
          SELECT b.id, b.pidx, b.is_stock, b.newborn, b.ref_date, b.sex, b.age_ref, b.birth_date,
                 c.copd_onset, c.chd_onset, c.stroke_onset, c.dm_onset,
                 1.0 + ${sqlNum(mm.copd)} * coalesce(c.copd_onset <= b.ref_date, false)::INTEGER + ${sqlNum(mm.chd)} * coalesce(c.chd_onset <= b.ref_date, false)::INTEGER
                     + ${sqlNum(mm.stroke)} * coalesce(c.stroke_onset <= b.ref_date, false)::INTEGER + ${sqlNum(mm.dm)} * coalesce(c.dm_onset <= b.ref_date, false)::INTEGER AS mort_mult,
                 ${miDeathOffset} AS mi_death_days
          FROM g_base b JOIN g_cond c USING (id) JOIN g_practice pr ON pr.pidx = b.pidx
        ), b AS (
          SELECT *,
                 CASE WHEN is_stock THEN greatest(birth_date, ${START} - 1 - floor(${rng.exp(TAG.priorYears, POPULATION.priorYearsMean * 365.25, 'id')})::INTEGER)
                      ELSE ref_date END AS start1,
                 ${rng.exp(TAG.leave, `365.25 / ${leaveHazardSql('age_ref')}`, 'id')} AS leave_days,
                 least(${gompertzDays('age_ref', 'mort_mult', TAG.death)}, coalesce(mi_death_days, 100000.0)) AS death_days
          FROM a
        ), c AS (
          SELECT *,
                 ref_date + greatest(1, floor(least(leave_days, death_days)))::INTEGER AS exit1,
                 death_days <= leave_days AS died1
          FROM b
        ), d AS (
          SELECT *,
                 CASE WHEN NOT died1 AND exit1 < ${END} AND ${rng.u(TAG.transfer, 'id')} < ${sqlNum(POPULATION.transferShare)}
                      THEN exit1 + floor(${rng.u(TAG.transferGap, 'id')} * ${sqlInt(POPULATION.transferMaxGapDays)})::INTEGER END AS start2_raw,
                 floor(${rng.u(TAG.transferPractice, 'id')} * 10000)::INTEGER AS slot2
          FROM c
        ), e AS (
          SELECT d.*,
                 CASE WHEN start2_raw < ${END} AND datediff('day', ref_date, start2_raw) < death_days THEN start2_raw END AS start2,
                 CASE WHEN pp.pidx = d.pidx THEN (d.pidx + 1) % ${sqlInt(ctx.practices.length)} ELSE pp.pidx END AS pidx2
          FROM d JOIN g_pick_practice pp ON pp.slot = d.slot2
        ), f AS (
          SELECT *,
                 death_days - datediff('day', ref_date, start2) AS death_days2,
                 ${rng.exp(TAG.leave2, `365.25 / ${leaveHazardSql('(age_ref + datediff(\'day\', ref_date, start2) / 365.25)')}`, 'id')} AS leave_days2
          FROM e
        )
        SELECT id, pidx, sex, birth_date, is_stock, newborn,
               start1,
               CASE WHEN exit1 < ${END} THEN exit1 END AS end1,
               start2,
               CASE WHEN start2 IS NOT NULL THEN pidx2 END AS pidx2,
               CASE WHEN start2 IS NOT NULL AND start2 + greatest(1, floor(least(leave_days2, death_days2)))::INTEGER < ${END}
                    THEN start2 + greatest(1, floor(least(leave_days2, death_days2)))::INTEGER END AS end2,
               CASE WHEN died1 AND exit1 < ${END} THEN exit1
                    WHEN start2 IS NOT NULL AND death_days2 <= leave_days2 AND start2 + greatest(1, floor(death_days2))::INTEGER < ${END}
                    THEN start2 + greatest(1, floor(death_days2))::INTEGER END AS death_date
        FROM f`,
    },
    {
      what: 'registrations (working table)',
      sql: `CREATE TEMP TABLE g_reg AS
        SELECT l.id, 1 AS seq, l.pidx, p.net, p.practice, l.start1 AS rstart, l.end1 AS rend_raw, coalesce(l.end1, ${END}) AS rend
        FROM g_life l JOIN g_practice p ON p.pidx = l.pidx
        UNION ALL
        SELECT l.id, 2 AS seq, l.pidx2, p.net, p.practice, l.start2, l.end2, coalesce(l.end2, ${END})
        FROM g_life l JOIN g_practice p ON p.pidx = l.pidx2
        WHERE l.start2 IS NOT NULL`,
    },
    {
      what: 'people: diagnosis dates',
      sql: `CREATE TEMP TABLE g_person AS
        WITH r AS (
          SELECT id,
                 min(rstart) AS first_start,
                 max(rend) AS obs_end,
                 arg_min(pidx, seq) AS pidx1,
                 max(CASE WHEN seq = 1 THEN rend END) AS rend1
          FROM g_reg GROUP BY id
        ), cf AS (
          -- COPD case finding: once a patient's practice has started the programme, undiagnosed COPD may be found.
          SELECT g.id, min(
                   CASE WHEN ${rng.u(TAG.copdCaseFindYes, 'g.id')} < ${sqlNum(dd.copdCaseFindShare)}
                         AND greatest(c.copd_onset, p.copd_start, g.rstart) < g.rend
                        THEN greatest(c.copd_onset, p.copd_start, g.rstart) + floor(${rng.exp(TAG.copdCaseFind, dd.copdCaseFindYearsMean * 365.25, 'g.id', 'g.seq')})::INTEGER END) AS copd_found
          FROM g_reg g JOIN g_cond c ON c.id = g.id AND c.copd_onset IS NOT NULL
          JOIN g_practice p ON p.pidx = g.pidx
          GROUP BY g.id
        )
        SELECT l.id, l.pidx, l.sex, l.birth_date, l.death_date, l.newborn, r.first_start, r.obs_end, r.pidx1, r.rend1,
               ${imd} AS imd_decile,
               (l.birth_date + INTERVAL 18 YEAR)::DATE AS adult_from,
               c.dm_onset + floor(${rng.exp(TAG.diagDelay, dd.dmDiagnosisDelayMean * 365.25, 'l.id', '1')})::INTEGER AS dm_diag,
               c.hyp_onset + floor(${rng.exp(TAG.diagDelay, dd.hypDiagnosisDelayMean * 365.25, 'l.id', '2')})::INTEGER AS hyp_diag,
               c.chd_onset AS chd_diag, c.chd_is_mi,
               least(c.chd_onset, c.stroke_onset) AS cvd_diag,
               c.stroke_onset AS stroke_diag, c.stroke_is_tia,
               c.copd_onset,
               least(c.copd_onset + floor(${rng.exp(TAG.copdDelay, 365.25 / dd.copdDiagnosisHazard, 'l.id')})::INTEGER, cf.copd_found) AS copd_diag,
               CASE WHEN c.copd_onset IS NOT NULL THEN
                      (CASE WHEN ${rng.u(TAG.smoker, 'l.id')} < ${sqlNum(dd.copdCurrentSmoker)} THEN 2
                            WHEN ${rng.u(TAG.smoker, 'l.id')} < ${sqlNum(dd.copdCurrentSmoker + dd.copdExSmoker)} THEN 1 ELSE 0 END)
                    WHEN l.sex = 'M' THEN
                      (CASE WHEN ${rng.u(TAG.smoker, 'l.id')} < ${sqlNum(dd.adultSmoking.M[0])} THEN 2
                            WHEN ${rng.u(TAG.smoker, 'l.id')} < ${sqlNum(dd.adultSmoking.M[0] + dd.adultSmoking.M[1])} THEN 1 ELSE 0 END)
                    ELSE
                      (CASE WHEN ${rng.u(TAG.smoker, 'l.id')} < ${sqlNum(dd.adultSmoking.F[0])} THEN 2
                            WHEN ${rng.u(TAG.smoker, 'l.id')} < ${sqlNum(dd.adultSmoking.F[0] + dd.adultSmoking.F[1])} THEN 1 ELSE 0 END)
               END::TINYINT AS smoking
        FROM g_life l JOIN g_cond c USING (id) JOIN r USING (id) LEFT JOIN cf USING (id)`,
    },
  ];
}

/** Writes patient and registration rows from the working tables. */
export function storePopulationSteps(ctx: GenContext): Step[] {
  const batch = sqlInt(ctx.batchId);
  return [
    { what: 'NHS numbers (test range)', sql: `CREATE TEMP TABLE g_nhs AS ${nhsNumberTableSql(sqlInt(ctx.seed))}` },
    {
      what: 'patients',
      sql: `INSERT INTO patient (id, nhs_number, birth_date, sex, death_date, imd_decile, batch_id)
        SELECT p.id, n.nhs_number, p.birth_date, p.sex, p.death_date, p.imd_decile, ${batch}
        FROM g_person p LEFT JOIN g_nhs n ON n.k = p.id`,
    },
    {
      what: 'registrations',
      sql: `INSERT INTO registration (patient_id, practice, start_date, end_date, batch_id)
        SELECT id, practice, rstart, rend_raw, ${batch} FROM g_reg`,
    },
  ];
}
