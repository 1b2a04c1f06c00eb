import type { Engine } from '../../src/store/engine.js';

/**
 * Plain SQL mirrors of the Table 1 indicator definitions in indicators/*.yaml, written directly
 * from docs/INDICATORS.md, for checking the generator's programme effects independently of the
 * indicator compiler. Each function gives the collaboration-wide numerator and denominator at a
 * month end R. They need the store's codelist_code table (storeCodelists).
 *
 * Windows: `{months: N}` is addMonths(R + 1 day, −N) ≤ date ≤ R. Registered and alive at R as
 * INDICATORS.md defines them. Exclusions remove population members who meet an exclusion and not
 * the numerator.
 */

export interface Figure {
  numerator: number;
  denominator: number;
  value: number;
}

const d = (r: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(r)) throw new Error(`bad date ${r}`);
  return `DATE '${r}'`;
};
const from = (r: string, months: number): string => `(${d(r)} + 1 - INTERVAL ${months} MONTH)::DATE`;

/** Patients registered and alive at R (one row each). */
const population = (r: string): string => `
  SELECT p.id, p.birth_date, reg.start_date AS reg_start FROM patient p
  JOIN registration reg ON reg.patient_id = p.id AND reg.start_date <= ${d(r)} AND (reg.end_date IS NULL OR reg.end_date > ${d(r)})
  WHERE p.death_date IS NULL OR p.death_date > ${d(r)}`;

const ev = (slug: string, r: string): string => `
  SELECT e.patient_id AS id, e.date, e.code, e.value FROM clinical_event e
  JOIN codelist_code c ON c.slug = '${slug}' AND c.code = e.code WHERE e.date <= ${d(r)}`;

/** On register at R: latest diagnosis, and no resolved code on or after it. */
const onRegister = (slug: string, resolved: string | null, r: string): string => `
  SELECT dx.id FROM (SELECT id, max(date) AS last FROM (${ev(slug, r)}) GROUP BY id) dx
  ${resolved ? `WHERE NOT EXISTS (SELECT 1 FROM (${ev(resolved, r)}) rs WHERE rs.id = dx.id AND rs.date >= dx.last)` : ''}`;

const hasEventIn = (slug: string, r: string, months: number): string => `SELECT DISTINCT id FROM (${ev(slug, r)}) WHERE date >= ${from(r, months)}`;
const firstEventIn = (slug: string, r: string, months: number): string =>
  `SELECT id FROM (${ev(slug, r)}) GROUP BY id HAVING min(date) >= ${from(r, months)}`;
const ageYears = (r: string): string => `floor((12 * (year(${d(r)}) - year(birth_date)) + month(${d(r)}) - month(birth_date)) / 12)`;
const registeredFor = (months: number, r: string): string => `reg_start <= ${from(r, months)}`;

/** Latest value in the window (ties: lowest) per patient. */
const latestValue = (slug: string, r: string, months: number): string => `
  SELECT id, min(value) AS value FROM (
    SELECT id, date, value, max(date) OVER (PARTITION BY id) AS last FROM (${ev(slug, r)}) WHERE value IS NOT NULL AND date >= ${from(r, months)}
  ) WHERE date = last GROUP BY id`;

async function proportion(db: Engine, sql: string): Promise<Figure> {
  const rows = await db.all<{ n: number; den: number }>(sql);
  const n = Number(rows[0]?.n ?? 0);
  const den = Number(rows[0]?.den ?? 0);
  return { numerator: n, denominator: den, value: den > 0 ? (100 * n) / den : NaN };
}

/** pop: SELECT id, ... ; num: SELECT id; excl: SELECT id (population members to exclude unless in num). */
function proportionSql(pop: string, num: string, excl: string | null): string {
  return `WITH pop AS (${pop}), num AS (SELECT DISTINCT id FROM (${num})), ex AS (${excl ?? 'SELECT NULL::BIGINT AS id WHERE FALSE'})
    SELECT count(*) FILTER (WHERE pop.id IN (SELECT id FROM num)) AS n,
           count(*) FILTER (WHERE pop.id IN (SELECT id FROM num) OR pop.id NOT IN (SELECT id FROM ex WHERE id IS NOT NULL)) AS den
    FROM pop`;
}

const dmPop = (r: string): string => `SELECT p.* FROM (${population(r)}) p WHERE p.id IN (${onRegister('dm_cod', 'dmres_cod', r)}) AND ${ageYears(r)} >= 17`;
const copdPop = (r: string): string => `SELECT p.* FROM (${population(r)}) p WHERE p.id IN (${onRegister('copd_cod', 'copdres_cod', r)})`;
const cvdPop = (r: string): string =>
  `SELECT p.* FROM (${population(r)}) p WHERE p.id IN (${onRegister('chd_cod', null, r)} UNION ${onRegister('strk_cod', null, r)} UNION ${onRegister('tia_cod', null, r)})`;

const dmExclusions = (r: string, diagMonths: number, regMonths: number): string => `
  SELECT id FROM (${hasEventIn('dmpcadec_cod', r, 12)} UNION ${hasEventIn('dmpcapu_cod', r, 12)} UNION ${firstEventIn('dm_cod', r, diagMonths)})
  UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(regMonths, r)}`;

export const TABLE1 = {
  'mmr1-by-2': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        `SELECT * FROM (${population(r)}) WHERE 12 * (year(${d(r)}) - year(birth_date)) + month(${d(r)}) - month(birth_date) BETWEEN 24 AND 35`,
        `SELECT e.id FROM (${ev('mmr_vaccination', r)}) e JOIN patient p ON p.id = e.id WHERE e.date < (p.birth_date + INTERVAL 24 MONTH)::DATE`,
        null,
      ),
    ),
  'dm-care-plan': (db: Engine, r: string) => proportion(db, proportionSql(dmPop(r), hasEventIn('gpnet_dm_care_plan', r, 12), dmExclusions(r, 3, 3))),
  'dm-retinal-screening': (db: Engine, r: string) => proportion(db, proportionSql(dmPop(r), hasEventIn('gpnet_retinal_screening', r, 15), dmExclusions(r, 3, 3))),
  'dm-bp-chol': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        dmPop(r),
        `SELECT s.id FROM (${latestValue('sysbp_cod', r, 15)}) s JOIN (${latestValue('diabp_cod', r, 15)}) dd ON dd.id = s.id
         JOIN (${latestValue('chol2_cod', r, 15)}) c ON c.id = s.id WHERE s.value <= 140 AND dd.value <= 80 AND c.value <= 4.0`,
        dmExclusions(r, 9, 9),
      ),
    ),
  'dm-hba1c-mean': async (db: Engine, r: string): Promise<Figure> => {
    const rows = await db.all<{ s: number; n: number }>(
      `SELECT sum(v.value / 10.929 + 2.15) AS s, count(*) AS n FROM (${dmPop(r)}) p JOIN (${latestValue('ifcchbam_cod', r, 15)}) v ON v.id = p.id`,
    );
    const s = Number(rows[0]?.s ?? 0);
    const n = Number(rows[0]?.n ?? 0);
    return { numerator: s, denominator: n, value: n > 0 ? s / n : NaN };
  },
  'copd-register': async (db: Engine, r: string): Promise<Figure> => {
    const rows = await db.all<{ n: number; den: number }>(`SELECT (SELECT count(*) FROM (${copdPop(r)})) AS n, (SELECT count(*) FROM (${population(r)})) AS den`);
    const n = Number(rows[0]?.n ?? 0);
    return { numerator: n, denominator: Number(rows[0]?.den ?? 0), value: n };
  },
  'copd-review': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        copdPop(r),
        `${hasEventIn('copdrvw_cod', r, 12)} UNION ${hasEventIn('gpnet_copd_care_plan', r, 12)}`,
        `${firstEventIn('copd_cod', r, 3)} UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(3, r)}`,
      ),
    ),
  'copd-pr-referral': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        `SELECT * FROM (${copdPop(r)}) WHERE id IN (${hasEventIn('mrc_grade_3_plus', r, 15)})`,
        `SELECT m.id FROM (${ev('mrc_grade_3_plus', r)}) m JOIN (${ev('gpnet_pulmonary_rehab_referral', r)}) f ON f.id = m.id
         WHERE m.date >= ${from(r, 15)} AND f.date >= m.date AND f.date <= m.date + 365`,
        `${firstEventIn('copd_cod', r, 3)} UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(3, r)}`,
      ),
    ),
  'copd-smoking': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        `SELECT * FROM (${copdPop(r)}) WHERE id IN (SELECT id FROM (${ev('smoking_status_cod', r)}))`,
        `SELECT s.id FROM (${ev('smoking_status_cod', r)}) s
         JOIN (SELECT id, max(date) AS last FROM (${ev('smoking_status_cod', r)}) GROUP BY id) l ON l.id = s.id AND s.date = l.last
         WHERE s.code IN (SELECT code FROM codelist_code WHERE slug = 'lsmok_cod')`,
        null,
      ),
    ),
  'copd-flu': (db: Engine, r: string) =>
    proportion(db, proportionSql(copdPop(r), fluIn(r), `SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(3, r)}`)),
  'dm-flu': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        dmPop(r),
        fluIn(r),
        `SELECT id FROM (${hasEventIn('dmpcadec_cod', r, 12)} UNION ${hasEventIn('dmpcapu_cod', r, 12)}) UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(3, r)}`,
      ),
    ),
  'cvd-care-plan': (db: Engine, r: string) => proportion(db, proportionSql(cvdPop(r), hasEventIn('gpnet_cvd_care_plan', r, 12), cvdExclusions(r))),
  'cvd-statin': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        cvdPop(r),
        `SELECT m.patient_id AS id FROM medication_issue m JOIN codelist_code c ON c.slug = 'stat_cod' AND c.code = m.dmd_code
         WHERE m.date <= ${d(r)} AND m.date >= ${from(r, 6)}`,
        cvdExclusions(r),
      ),
    ),
  'cardiac-rehab': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        `SELECT * FROM (${population(r)}) WHERE id IN (${firstEventIn('mi_cod', r, 12)})`,
        `SELECT m.id FROM (${ev('mi_cod', r)}) m JOIN (${ev('gpnet_cardiac_rehab_attended', r)}) c ON c.id = m.id
         WHERE m.date >= ${from(r, 12)} AND c.date >= m.date AND c.date <= m.date + 365`,
        firstEventIn('mi_cod', r, 3),
      ),
    ),
} as const;

export type Table1Id = keyof typeof TABLE1;

/** The latest systolic and diastolic in 15 months both within (≤ unless strict) the thresholds. */
const bpWithin = (r: string, sys: number, dia: number, strict: boolean): string => `
  SELECT s.id FROM (${latestValue('sysbp_cod', r, 15)}) s JOIN (${latestValue('diabp_cod', r, 15)}) dd ON dd.id = s.id
  WHERE s.value ${strict ? '<' : '<='} ${sys} AND dd.value ${strict ? '<' : '<='} ${dia}`;
const cholWithin = (r: string, max: number): string => `SELECT id FROM (${latestValue('chol2_cod', r, 15)}) WHERE value <= ${max}`;
const chdPop = (r: string): string => `SELECT p.* FROM (${population(r)}) p WHERE p.id IN (${onRegister('chd_cod', null, r)})`;
const strokePop = (r: string): string => `SELECT p.* FROM (${population(r)}) p WHERE p.id IN (${onRegister('strk_cod', null, r)} UNION ${onRegister('tia_cod', null, r)})`;
const chdExclusions = (r: string): string => `${firstEventIn('chd_cod', r, 9)} UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(9, r)}`;
const strokeExclusions = (r: string): string => {
  const newOrAbsent = (slug: string): string => `SELECT id FROM (${population(r)}) WHERE id IN (${firstEventIn(slug, r, 9)}) OR id NOT IN (SELECT id FROM (${ev(slug, r)}))`;
  return `(${newOrAbsent('strk_cod')}) INTERSECT (${newOrAbsent('tia_cod')}) UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(9, r)}`;
};
/** Emergency admissions for MI (ICD-10 I21 or I22). */
const miAdmissions = `SELECT patient_id AS id, admitted, discharged FROM admission WHERE method = 'emergency' AND (icd10 LIKE 'I21%' OR icd10 LIKE 'I22%')`;

/**
 * Plain-SQL mirrors of the indicators issue 13 adds or changes (their YAML is written on another
 * branch, so these follow the semantics the issue fixes, not a definition file):
 * - mi-review-3-weeks: registered patients with an emergency I21/I22 admission discharged in the 12
 *   months to R; numerator: a post-MI review on the discharge day or within 21 days after;
 *   excluded: the latest such discharge in the last 21 days, unless already reviewed.
 * - mi-mortality-under-75: deaths in the 12 months to R, aged under 75 at death, 0–30 days after
 *   the admitted date of an emergency I21/I22 admission, of patients registered on the day of
 *   death; denominator: registered patients under 75 at R; value per 100,000.
 * - cvd-flu: the CVD register (CHD, stroke, TIA) with a flu vaccination in 12 months (registered 3 months).
 * - BP and cholesterol thresholds: as the chd-/stroke-/dm- indicators of the library, other thresholds.
 */
export const ISSUE13 = {
  'mi-review-3-weeks': (db: Engine, r: string) =>
    proportion(
      db,
      proportionSql(
        `SELECT * FROM (${population(r)}) WHERE id IN (SELECT id FROM (${miAdmissions}) WHERE discharged <= ${d(r)} AND discharged >= ${from(r, 12)})`,
        `SELECT a.id FROM (${miAdmissions}) a JOIN (${ev('gpnet_post_mi_review', r)}) v ON v.id = a.id
         WHERE a.discharged <= ${d(r)} AND a.discharged >= ${from(r, 12)} AND v.date >= a.discharged AND v.date <= a.discharged + 21`,
        `SELECT id FROM (${miAdmissions}) WHERE discharged <= ${d(r)} GROUP BY id HAVING max(discharged) > ${d(r)} - 21`,
      ),
    ),
  'mi-mortality-under-75': async (db: Engine, r: string): Promise<Figure> => {
    const rows = await db.all<{ n: number; den: number }>(`
      SELECT
        (SELECT count(DISTINCT p.id) FROM patient p
           JOIN (${miAdmissions}) a ON a.id = p.id AND p.death_date >= a.admitted AND p.death_date <= a.admitted + 30
           JOIN registration reg ON reg.patient_id = p.id AND reg.start_date <= p.death_date AND (reg.end_date IS NULL OR reg.end_date >= p.death_date)
         WHERE p.death_date <= ${d(r)} AND p.death_date >= ${from(r, 12)}
           AND floor((12 * (year(p.death_date) - year(p.birth_date)) + month(p.death_date) - month(p.birth_date)) / 12) < 75) AS n,
        (SELECT count(*) FROM (${population(r)}) WHERE ${ageYears(r)} < 75) AS den`);
    const n = Number(rows[0]?.n ?? 0);
    const den = Number(rows[0]?.den ?? 0);
    return { numerator: n, denominator: den, value: den > 0 ? (100_000 * n) / den : NaN };
  },
  'cvd-flu': (db: Engine, r: string) => proportion(db, proportionSql(cvdPop(r), fluIn(r), `SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(3, r)}`)),
  'chd-bp-150-90': (db: Engine, r: string) => proportion(db, proportionSql(chdPop(r), bpWithin(r, 150, 90, false), chdExclusions(r))),
  'chd-bp-140-90': (db: Engine, r: string) => proportion(db, proportionSql(chdPop(r), bpWithin(r, 140, 90, true), chdExclusions(r))),
  'chd-chol-4': (db: Engine, r: string) => proportion(db, proportionSql(chdPop(r), cholWithin(r, 4), chdExclusions(r))),
  'chd-chol-5': (db: Engine, r: string) => proportion(db, proportionSql(chdPop(r), cholWithin(r, 5), chdExclusions(r))),
  'stroke-chol-4': (db: Engine, r: string) => proportion(db, proportionSql(strokePop(r), cholWithin(r, 4), strokeExclusions(r))),
  'dm-chol-4': (db: Engine, r: string) => proportion(db, proportionSql(dmPop(r), cholWithin(r, 4), dmExclusions(r, 9, 9))),
  'dm-bp-140-80': (db: Engine, r: string) => proportion(db, proportionSql(dmPop(r), bpWithin(r, 140, 80, false), dmExclusions(r, 9, 9))),
} as const;

export type Issue13Id = keyof typeof ISSUE13;

function fluIn(r: string): string {
  return `${hasEventIn('flu_cod', r, 12)} UNION SELECT m.patient_id FROM medication_issue m JOIN codelist_code c ON c.slug = 'fludrug_cod' AND c.code = m.dmd_code
    WHERE m.date <= ${d(r)} AND m.date >= ${from(r, 12)}`;
}

/** cvd-care-plan / cvd-statin: newly diagnosed (every register's first code in the last 3 months, or absent) or registered < 3 months. */
function cvdExclusions(r: string): string {
  const newOrAbsent = (slug: string): string => `SELECT id FROM (${population(r)}) WHERE id IN (${firstEventIn(slug, r, 3)}) OR id NOT IN (SELECT id FROM (${ev(slug, r)}))`;
  return `(${newOrAbsent('chd_cod')}) INTERSECT (${newOrAbsent('strk_cod')}) INTERSECT (${newOrAbsent('tia_cod')})
    UNION SELECT id FROM (${population(r)}) WHERE NOT ${registeredFor(3, r)}`;
}

/** Register prevalence at R among registered patients aged ≥ minAge (DM uses 17, the others 18). */
export async function prevalence(db: Engine, r: string): Promise<Record<string, number>> {
  const adults = (min: number): string => `SELECT id FROM (${population(r)}) WHERE ${ageYears(r)} >= ${min}`;
  const rows = await db.all<Record<string, number>>(`
    SELECT
      (SELECT count(*) FROM (${adults(17)}) a WHERE id IN (${onRegister('dm_cod', 'dmres_cod', r)})) * 100.0 / (SELECT count(*) FROM (${adults(17)})) AS dm,
      (SELECT count(*) FROM (${adults(18)}) a WHERE id IN (${onRegister('hyp_cod', 'hypres_cod', r)})) * 100.0 / (SELECT count(*) FROM (${adults(18)})) AS hyp,
      (SELECT count(*) FROM (${adults(18)}) a WHERE id IN (${onRegister('chd_cod', null, r)})) * 100.0 / (SELECT count(*) FROM (${adults(18)})) AS chd,
      (SELECT count(*) FROM (${adults(18)}) a WHERE id IN (${onRegister('strk_cod', null, r)} UNION ${onRegister('tia_cod', null, r)})) * 100.0 / (SELECT count(*) FROM (${adults(18)})) AS stroke_tia,
      (SELECT count(*) FROM (${adults(18)}) a WHERE id IN (${onRegister('copd_cod', 'copdres_cod', r)})) * 100.0 / (SELECT count(*) FROM (${adults(18)})) AS copd,
      (SELECT count(*) FROM (${adults(18)}) a WHERE id IN (${onRegister('chd_cod', null, r)}) AND id IN (SELECT id FROM (${ev('mi_cod', r)}))) * 100.0
        / nullif((SELECT count(*) FROM (${adults(18)}) a WHERE id IN (${onRegister('chd_cod', null, r)})), 0) AS mi_share_of_chd`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(rows[0] ?? {})) out[k] = Number(v);
  return out;
}
