/**
 * A synthetic clinical store built with plain DuckDB SQL (range() and hash()), for timing and
 * smoke-testing the compiler on realistic volumes: ~100 events per patient, of which most are
 * noise codes and the rest follow clinical cohorts (diabetes, hypertension, COPD, CHD, stroke,
 * MI, children) with monitoring values, medication issues, admissions, transfers and deaths.
 * It needs codelist_code filled (storeCodelists) so events can carry real codes of each list.
 * This is not the project's generator (src/sources/synthetic); it only has to be fast and plausible.
 */
import type { Engine } from '../../src/store/engine.js';

interface Cohort {
  name: string;
  /** Share of patients (per 10,000). */
  per10k: number;
  /** Adults only (onset at 18 or later). */
  adult: boolean;
}

interface SlugPlan {
  slug: string;
  cohort: string;
  /** Events per year from onset; below 1, a single event with probability perYear × 10. 0: one event at onset. */
  perYear: number;
  value?: [number, number];
  /** Days after onset for one-off events (0 … offsetDays). */
  offsetDays?: number;
  medication?: boolean;
}

const COHORTS: Cohort[] = [
  { name: 'dm', per10k: 700, adult: true },
  { name: 'hyp', per10k: 1400, adult: true },
  { name: 'copd', per10k: 200, adult: true },
  { name: 'chd', per10k: 300, adult: true },
  { name: 'stroke', per10k: 200, adult: true },
  { name: 'mi', per10k: 100, adult: true },
  { name: 'everyone', per10k: 10000, adult: false },
];

const PLANS: SlugPlan[] = [
  { slug: 'dm_cod', cohort: 'dm', perYear: 0 },
  { slug: 'dmtype2_cod', cohort: 'dm', perYear: 0, offsetDays: 30 },
  { slug: 'dmres_cod', cohort: 'dm', perYear: 0.01 },
  { slug: 'ifcchbam_cod', cohort: 'dm', perYear: 2, value: [35, 95] },
  { slug: 'sysbp_cod', cohort: 'dm', perYear: 2, value: [105, 175] },
  { slug: 'diabp_cod', cohort: 'dm', perYear: 2, value: [55, 100] },
  { slug: 'chol2_cod', cohort: 'dm', perYear: 1, value: [2.5, 7.5] },
  { slug: 'gpnet_dm_care_plan', cohort: 'dm', perYear: 1 },
  { slug: 'gpnet_retinal_screening', cohort: 'dm', perYear: 1 },
  { slug: 'flu_cod', cohort: 'dm', perYear: 1 },
  { slug: 'dmpcadec_cod', cohort: 'dm', perYear: 0.03 },
  { slug: 'dmpcapu_cod', cohort: 'dm', perYear: 0.03 },
  { slug: 'dmmax_cod', cohort: 'dm', perYear: 0.03 },
  { slug: 'bldtestdec_cod', cohort: 'dm', perYear: 0.02 },
  { slug: 'modfrail_cod', cohort: 'dm', perYear: 0.02 },
  { slug: 'sevfrail_cod', cohort: 'dm', perYear: 0.01 },
  { slug: 'hyp_cod', cohort: 'hyp', perYear: 0 },
  { slug: 'hypres_cod', cohort: 'hyp', perYear: 0.01 },
  { slug: 'sysbp_cod', cohort: 'hyp', perYear: 1.5, value: [105, 180] },
  { slug: 'diabp_cod', cohort: 'hyp', perYear: 1.5, value: [55, 105] },
  { slug: 'htmax_cod', cohort: 'hyp', perYear: 0.03 },
  { slug: 'bpdec_cod', cohort: 'hyp', perYear: 0.03 },
  { slug: 'hyppcapu_cod', cohort: 'hyp', perYear: 0.03 },
  { slug: 'hyppcadec_cod', cohort: 'hyp', perYear: 0.03 },
  { slug: 'copd_cod', cohort: 'copd', perYear: 0 },
  { slug: 'copdres_cod', cohort: 'copd', perYear: 0.01 },
  { slug: 'copdrvw_cod', cohort: 'copd', perYear: 1 },
  { slug: 'mrc_grade_3_plus', cohort: 'copd', perYear: 0.5 },
  { slug: 'smoking_status_cod', cohort: 'copd', perYear: 1 },
  { slug: 'lsmok_cod', cohort: 'copd', perYear: 0.3 },
  { slug: 'gpnet_pulmonary_rehab_referral', cohort: 'copd', perYear: 0.3 },
  { slug: 'gpnet_copd_care_plan', cohort: 'copd', perYear: 1 },
  { slug: 'flu_cod', cohort: 'copd', perYear: 1 },
  { slug: 'fludrug_cod', cohort: 'copd', perYear: 1, medication: true },
  { slug: 'chd_cod', cohort: 'chd', perYear: 0 },
  { slug: 'chol2_cod', cohort: 'chd', perYear: 1, value: [2.5, 7.5] },
  { slug: 'sysbp_cod', cohort: 'chd', perYear: 1, value: [105, 175] },
  { slug: 'diabp_cod', cohort: 'chd', perYear: 1, value: [55, 100] },
  { slug: 'stat_cod', cohort: 'chd', perYear: 12, medication: true },
  { slug: 'gpnet_cvd_care_plan', cohort: 'chd', perYear: 1 },
  { slug: 'strk_cod', cohort: 'stroke', perYear: 0 },
  { slug: 'tia_cod', cohort: 'stroke', perYear: 0.05 },
  { slug: 'ostr_cod', cohort: 'stroke', perYear: 0.05 },
  { slug: 'stat_cod', cohort: 'stroke', perYear: 12, medication: true },
  { slug: 'chol2_cod', cohort: 'stroke', perYear: 1, value: [2.5, 7.5] },
  { slug: 'mi_cod', cohort: 'mi', perYear: 0 },
  { slug: 'chd_cod', cohort: 'mi', perYear: 0, offsetDays: 5 },
  { slug: 'gpnet_post_mi_review', cohort: 'mi', perYear: 0, offsetDays: 40 },
  { slug: 'gpnet_cardiac_rehab_attended', cohort: 'mi', perYear: 0, offsetDays: 120 },
  { slug: 'smoking_status_cod', cohort: 'everyone', perYear: 0.3 },
  { slug: 'sysbp_cod', cohort: 'everyone', perYear: 0.3, value: [100, 170] },
  { slug: 'flu_cod', cohort: 'everyone', perYear: 0.2 },
];

const NOISE_PER_PATIENT = 70;
const LAST_DAY = '2025-06-30';

export interface SyntheticCounts {
  patients: number;
  registrations: number;
  events: number;
  medications: number;
  admissions: number;
  seconds: number;
}

/** Fills an empty store (codelist_code already loaded) with `patients` synthetic patients. */
export async function buildSyntheticStore(engine: Engine, patients: number, practices = 36): Promise<SyntheticCounts> {
  const t0 = performance.now();
  const N = Math.floor(patients);
  await engine.run(`INSERT INTO organisation (code, name, kind, parent, synthetic) VALUES ('ZZC', 'Synthetic collaboration', 'collaboration', NULL, TRUE)`);
  await engine.run(`INSERT INTO organisation (code, name, kind, parent, synthetic)
    SELECT 'ZZN' || (i + 1), 'Synthetic network ' || (i + 1), 'network', 'ZZC', TRUE FROM range(0, 4) AS t(i)`);
  await engine.run(`INSERT INTO organisation (code, name, kind, parent, synthetic)
    SELECT 'ZZP' || lpad(CAST(i + 1 AS VARCHAR), 3, '0'), 'Synthetic practice ' || (i + 1), 'practice', 'ZZN' || (i % 4 + 1), TRUE FROM range(0, ${practices}) AS t(i)`);

  await engine.run(`INSERT INTO patient (id, birth_date, sex, death_date)
    SELECT i + 1 AS id,
      CAST(DATE '1925-01-01' + INTERVAL (hash(i, 'birth') % 36500) DAY AS DATE) AS birth_date,
      CASE WHEN hash(i, 'sex') % 2 = 0 THEN 'F' ELSE 'M' END AS sex,
      CASE WHEN hash(i, 'dies') % 100 < 6 THEN CAST(DATE '2010-01-01' + INTERVAL (hash(i, 'death') % 5500) DAY AS DATE) END AS death_date
    FROM range(0, ${N}) AS t(i)`);
  await engine.run(`UPDATE patient SET death_date = NULL WHERE death_date <= birth_date`);

  // One registration each; 10% transfer to another practice on a later day (old end = new start).
  await engine.run(`CREATE TEMP TABLE syn_reg AS
    SELECT id AS patient_id,
      'ZZP' || lpad(CAST(hash(id, 'prac') % ${practices} + 1 AS VARCHAR), 3, '0') AS practice,
      'ZZP' || lpad(CAST(hash(id, 'prac2') % ${practices} + 1 AS VARCHAR), 3, '0') AS practice2,
      greatest(birth_date, CAST(DATE '2000-01-01' + INTERVAL (hash(id, 'start') % 8000) DAY AS DATE)) AS start_date,
      hash(id, 'moves') % 100 < 10 AS moves,
      hash(id, 'moveday') % 3650 AS move_after
    FROM patient`);
  await engine.run(`INSERT INTO registration (patient_id, practice, start_date, end_date)
    SELECT patient_id, practice, start_date, CASE WHEN moves THEN CAST(start_date + INTERVAL (move_after + 1) DAY AS DATE) END FROM syn_reg`);
  await engine.run(`INSERT INTO registration (patient_id, practice, start_date, end_date)
    SELECT patient_id, practice2, CAST(start_date + INTERVAL (move_after + 1) DAY AS DATE), NULL FROM syn_reg WHERE moves`);
  await engine.run(`DROP TABLE syn_reg`);

  // Cohort members and their onset dates.
  await engine.run(`CREATE TEMP TABLE syn_cohort (cohort VARCHAR, id BIGINT, birth_date DATE, practice VARCHAR, onset DATE)`);
  for (const c of COHORTS) {
    const floor = c.adult ? `CAST(p.birth_date + INTERVAL 18 YEAR AS DATE)` : 'p.birth_date';
    await engine.run(
      `INSERT INTO syn_cohort
      SELECT $1, p.id, p.birth_date, 'ZZP' || lpad(CAST(hash(p.id, 'prac') % ${practices} + 1 AS VARCHAR), 3, '0'),
        greatest(${floor}, CAST(DATE '2000-01-01' + INTERVAL (hash(p.id, $1, 'onset') % 9000) DAY AS DATE))
      FROM patient AS p WHERE hash(p.id, $1) % 10000 < ${c.per10k}`,
      [c.name],
    );
  }
  await engine.run(`DELETE FROM syn_cohort WHERE onset > DATE '${LAST_DAY}'`);
  await engine.run(`CREATE TEMP TABLE syn_codes AS SELECT slug, list(code ORDER BY code) AS codes FROM codelist_code GROUP BY slug`);

  for (const [n, plan] of PLANS.entries()) {
    const codes = await engine.all<{ n: number }>(`SELECT count(*) AS n FROM syn_codes WHERE slug = $1`, [plan.slug]);
    if (!codes[0]?.n) continue; // codelist not in this store
    const value = plan.value
      ? `round(${plan.value[0]} + (hash(m.id, t.i, ${n}, 'v') % 1000) / 1000.0 * ${plan.value[1] - plan.value[0]}, ${plan.value[1] - plan.value[0] < 20 ? 1 : 0})`
      : 'NULL';
    let dates: string;
    if (plan.perYear === 0) {
      dates = `, CAST(m.onset + INTERVAL (hash(m.id, ${n}, 'off') % ${(plan.offsetDays ?? 0) + 1}) DAY AS DATE) AS d
        FROM syn_cohort AS m, range(0, 1) AS t(i)
        WHERE m.cohort = $2`;
    } else if (plan.perYear < 1) {
      dates = `, CAST(m.onset + INTERVAL (hash(m.id, ${n}, 'once') % 9000) DAY AS DATE) AS d
        FROM syn_cohort AS m, range(0, 1) AS t(i)
        WHERE m.cohort = $2 AND hash(m.id, ${n}, 'p') % 1000 < ${Math.round(plan.perYear * 10 * 1000)}`;
    } else {
      const gap = Math.round(365 / plan.perYear);
      dates = `, CAST(m.onset + INTERVAL (t.i * ${gap} + hash(m.id, t.i, ${n}) % ${Math.max(1, Math.round(gap / 3))}) DAY AS DATE) AS d
        FROM syn_cohort AS m, range(0, ${Math.ceil(plan.perYear * 26)}) AS t(i)
        WHERE m.cohort = $2`;
    }
    const select = `SELECT m.id, m.practice, m.birth_date, t.i, ${value} AS v ${dates}`;
    const code = `s.codes[CAST(hash(x.id, x.i, ${n}, 'code') % len(s.codes) AS BIGINT) + 1]`;
    if (plan.medication) {
      await engine.run(
        `INSERT INTO medication_issue (patient_id, practice, date, dmd_code)
        SELECT x.id, x.practice, x.d, ${code} FROM (${select}) AS x, syn_codes AS s
        WHERE s.slug = $1 AND x.d <= DATE '${LAST_DAY}'`,
        [plan.slug, plan.cohort],
      );
    } else {
      await engine.run(
        `INSERT INTO clinical_event (patient_id, practice, date, code, value)
        SELECT x.id, x.practice, x.d, ${code}, x.v FROM (${select}) AS x, syn_codes AS s
        WHERE s.slug = $1 AND x.d <= DATE '${LAST_DAY}'`,
        [plan.slug, plan.cohort],
      );
    }
  }
  // Childhood MMR for 92% of everyone, at 12–30 months.
  const mmr = await engine.all<{ n: number }>(`SELECT count(*) AS n FROM syn_codes WHERE slug = 'mmr_vaccination'`);
  if (mmr[0]?.n) {
    await engine.run(`INSERT INTO clinical_event (patient_id, practice, date, code, value)
      SELECT p.id, 'ZZP001', CAST(p.birth_date + INTERVAL (365 + hash(p.id, 'mmr') % 540) DAY AS DATE), s.codes[CAST(hash(p.id, 'mmrc') % len(s.codes) AS BIGINT) + 1], NULL
      FROM patient AS p, syn_codes AS s WHERE s.slug = 'mmr_vaccination' AND hash(p.id, 'hasmmr') % 100 < 92
        AND p.birth_date + INTERVAL 400 DAY <= DATE '${LAST_DAY}'`);
  }
  // The other childhood doses (local GPNET- vaccine codes) and a second MMR: each course given to
  // most children, each dose a few weeks either side of its schedule age (days after birth).
  const courses: { slug: string; share: number; doses: number[]; spread: number }[] = [
    { slug: 'mmr_vaccination', share: 85, doses: [1216], spread: 400 },
    { slug: 'gpnet_dtap_ipv_hib', share: 93, doses: [56, 84, 112], spread: 60 },
    { slug: 'gpnet_pcv', share: 90, doses: [56, 112, 365], spread: 90 },
    { slug: 'gpnet_hib_menc', share: 88, doses: [365], spread: 120 },
  ];
  for (const [k, course] of courses.entries()) {
    const have = await engine.all<{ n: number }>(`SELECT count(*) AS n FROM syn_codes WHERE slug = $1`, [course.slug]);
    if (!have[0]?.n) continue;
    await engine.run(
      `INSERT INTO clinical_event (patient_id, practice, date, code, value)
      SELECT x.id, 'ZZP001', x.d, s.codes[CAST(hash(x.id, x.i, ${k}, 'vc') % len(s.codes) AS BIGINT) + 1], NULL
      FROM (SELECT p.id, t.i, CAST(p.birth_date + INTERVAL (list_extract($2::INTEGER[], t.i + 1) + hash(p.id, t.i, ${k}, 'vd') % ${course.spread}) DAY AS DATE) AS d
            FROM patient AS p, range(0, ${course.doses.length}) AS t(i)
            WHERE hash(p.id, ${k}, 'course') % 100 < ${course.share}) AS x, syn_codes AS s
      WHERE s.slug = $1 AND x.d <= DATE '${LAST_DAY}'`,
      [course.slug, `[${course.doses.join(',')}]`],
    );
  }
  // Noise: codes in no codelist.
  await engine.run(`INSERT INTO clinical_event (patient_id, practice, date, code, value)
    SELECT p.id, 'ZZP001', CAST(greatest(p.birth_date, DATE '2000-01-01') + INTERVAL (hash(p.id, t.i, 'nd') % 9000) DAY AS DATE),
      'NOISE' || (hash(p.id, t.i, 'nc') % 5000), CASE WHEN t.i % 5 = 0 THEN (hash(p.id, t.i) % 100) END
    FROM patient AS p, range(0, ${NOISE_PER_PATIENT}) AS t(i)`);
  // Admissions: COPD exacerbations and other causes.
  await engine.run(`INSERT INTO admission (patient_id, admitted, method, icd10)
    SELECT m.id, CAST(m.onset + INTERVAL (hash(m.id, t.i, 'adm') % 9000) DAY AS DATE),
      CASE WHEN hash(m.id, t.i, 'meth') % 10 < 8 THEN 'emergency' ELSE 'elective' END,
      CASE WHEN hash(m.id, t.i, 'dx') % 3 = 0 THEN 'J44.1' ELSE 'J44.0' END
    FROM syn_cohort AS m, range(0, 6) AS t(i) WHERE m.cohort = 'copd'`);
  await engine.run(`INSERT INTO admission (patient_id, admitted, discharged, method, icd10)
    SELECT p.id, x.a, CASE WHEN hash(p.id, 'adis') % 10 > 0 THEN CAST(x.a + INTERVAL (hash(p.id, 'alos') % 10) DAY AS DATE) END, 'emergency', 'I21.9'
    FROM patient AS p, LATERAL (SELECT CAST(DATE '2005-01-01' + INTERVAL (hash(p.id, 'a') % 7300) DAY AS DATE) AS a) AS x
    WHERE hash(p.id, 'hasadm') % 100 < 5`);
  // The MI cohort's emergency MI admission around the MI code (the post-MI review follows it,
  // sometimes within 21 days of discharge); 10% without a discharge date. 30% of the patients
  // with an MI admission (these and the I21.9 ones above) die 0–40 days after admission (their
  // registration ends at death, as the generator ends it).
  await engine.run(`INSERT INTO admission (patient_id, admitted, discharged, method, icd10)
    SELECT m.id, CAST(m.onset - INTERVAL (hash(m.id, 'miadm') % 3) DAY AS DATE),
      CASE WHEN hash(m.id, 'midis') % 10 > 0 THEN CAST(m.onset + INTERVAL (hash(m.id, 'milos') % 8) DAY AS DATE) END,
      'emergency', CASE WHEN hash(m.id, 'mii22') % 5 = 0 THEN 'I22.0' ELSE 'I21.4' END
    FROM syn_cohort AS m WHERE m.cohort = 'mi'`);
  await engine.run(`CREATE TEMP TABLE syn_mi_death AS
    SELECT a.patient_id AS id, CAST(a.admitted + INTERVAL (hash(a.patient_id, 'midd') % 41) DAY AS DATE) AS d
    FROM admission AS a JOIN patient AS p ON p.id = a.patient_id
    WHERE a.icd10 IN ('I21.4', 'I22.0', 'I21.9') AND hash(a.patient_id, 'midies') % 100 < 30 AND (p.death_date IS NULL OR p.death_date > a.admitted)`);
  await engine.run(`UPDATE patient SET death_date = x.d FROM syn_mi_death AS x WHERE patient.id = x.id`);
  await engine.run(`UPDATE registration SET end_date = x.d FROM syn_mi_death AS x
    WHERE registration.patient_id = x.id AND registration.start_date < x.d AND (registration.end_date IS NULL OR registration.end_date > x.d)`);
  await engine.run(`DELETE FROM admission WHERE admitted > DATE '${LAST_DAY}'`);
  await engine.run(`UPDATE admission SET discharged = NULL WHERE discharged > DATE '${LAST_DAY}'`);
  await engine.run(`DROP TABLE syn_mi_death; DROP TABLE syn_cohort; DROP TABLE syn_codes`);

  const count = async (table: string): Promise<number> => Number((await engine.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
  return {
    patients: await count('patient'),
    registrations: await count('registration'),
    events: await count('clinical_event'),
    medications: await count('medication_issue'),
    admissions: await count('admission'),
    seconds: (performance.now() - t0) / 1000,
  };
}
