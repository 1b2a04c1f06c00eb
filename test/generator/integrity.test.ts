import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/store/engine.js';
import { isTestRangeNhsNumber } from '../../src/sources/synthetic/nhs-number.js';
import { looksLikeRealOdsCode } from '../../src/sources/synthetic/organisations.js';
import { generatedStore, num } from './helpers.js';

const N = 5000;
const SEED = 3;
let db: Engine;
let batchId: number;

beforeAll(async () => {
  const g = await generatedStore(N, SEED);
  db = g.db;
  batchId = g.summary.batchId;
});
afterAll(async () => {
  await db.close();
});

const EVENT_TABLES = [
  ['clinical_event', 'date'],
  ['medication_issue', 'date'],
  ['consultation', 'date'],
  ['admission', 'admitted'],
] as const;

describe('synthetic generator: organisations', () => {
  it('makes one collaboration, 8 networks of 4–5 practices (36), and two benchmarks', async () => {
    const kinds = await db.all<{ kind: string; n: number }>('SELECT kind, count(*) AS n FROM organisation GROUP BY kind ORDER BY kind');
    expect(kinds).toEqual([
      { kind: 'benchmark', n: 4 },
      { kind: 'collaboration', n: 1 },
      { kind: 'network', n: 8 },
      { kind: 'practice', n: 36 },
    ]);
    const sizes = await db.all<{ n: number }>(`SELECT count(*) AS n FROM organisation WHERE kind = 'practice' GROUP BY parent`);
    expect(sizes).toHaveLength(8);
    for (const s of sizes) expect([4, 5]).toContain(s.n);
    expect(await num(db, `SELECT count(*) FROM organisation WHERE kind = 'network' AND parent <> 'SYNC'`)).toBe(0);
    expect(await num(db, `SELECT count(*) FROM organisation p LEFT JOIN organisation n ON n.code = p.parent AND n.kind = 'network' WHERE p.kind = 'practice' AND n.code IS NULL`)).toBe(0);
    const bench = await db.all<{ code: string }>(`SELECT code FROM organisation WHERE kind = 'benchmark' ORDER BY code`);
    expect(bench.map((b) => b.code)).toEqual(['SYNB-ENG', 'SYNB-LON', 'SYNB-PCTA', 'SYNB-PCTB']);
    expect(await num(db, "SELECT count(*) FROM organisation WHERE code = 'SYNB-PCTA' AND name = 'Neighbouring PCT A (synthetic)' AND kind = 'benchmark'")).toBe(1);
    expect(await num(db, "SELECT count(*) FROM organisation WHERE code = 'SYNB-PCTB' AND name = 'Neighbouring PCT B (synthetic)' AND kind = 'benchmark'")).toBe(1);
  });

  it('uses synthetic codes that cannot be mistaken for real ODS codes, and marks every organisation synthetic', async () => {
    const orgs = await db.all<{ code: string; name: string; synthetic: boolean }>('SELECT code, name, synthetic FROM organisation');
    for (const o of orgs) {
      expect(o.code.startsWith('SYN'), o.code).toBe(true);
      expect(looksLikeRealOdsCode(o.code), o.code).toBe(false);
      expect(o.synthetic, o.code).toBe(true);
      expect(o.name, o.code).toMatch(/^Synthetic |\(synthetic( benchmark)?\)$/);
    }
    expect(looksLikeRealOdsCode('F84012')).toBe(true);
    expect(looksLikeRealOdsCode('U50771')).toBe(true);
    expect(await num(db, `SELECT count(*) FROM organisation WHERE kind = 'practice' AND regexp_matches(code, '^SYNP[0-9]{2}$')`)).toBe(36);
  });

  it('scales the real list sizes so that the practices hold about the registered population', async () => {
    const rows = await db.all<{ ref: number; actual: number }>(`
      SELECT o.list_size_reference AS ref, count(r.patient_id) AS actual
      FROM organisation o LEFT JOIN registration r ON r.practice = o.code AND r.start_date <= DATE '2010-01-01' AND (r.end_date IS NULL OR r.end_date > DATE '2010-01-01')
      WHERE o.kind = 'practice' GROUP BY o.code, o.list_size_reference`);
    const ref = rows.reduce((s, r) => s + r.ref, 0);
    const actual = rows.reduce((s, r) => s + r.actual, 0);
    expect(actual / ref).toBeGreaterThan(0.85);
    expect(actual / ref).toBeLessThan(1.15);
    // Larger reference practices are larger in the data (rank correlation across the 36).
    const rho = await num(db, `SELECT corr(a, b) FROM (SELECT rank() OVER (ORDER BY ref) a, rank() OVER (ORDER BY actual) b FROM (${`
      SELECT o.list_size_reference AS ref, count(r.patient_id) AS actual
      FROM organisation o LEFT JOIN registration r ON r.practice = o.code AND r.start_date <= DATE '2010-01-01' AND (r.end_date IS NULL OR r.end_date > DATE '2010-01-01')
      WHERE o.kind = 'practice' GROUP BY o.code, o.list_size_reference`}))`);
    expect(rho).toBeGreaterThan(0.9);
  });
});

describe('synthetic generator: referential integrity', () => {
  it('generates exactly N patients with valid, unique test-range NHS numbers', async () => {
    expect(await num(db, 'SELECT count(*) FROM patient')).toBe(N);
    expect(await num(db, 'SELECT count(DISTINCT id) FROM patient')).toBe(N);
    const nhs = await db.all<{ nhs_number: string }>('SELECT nhs_number FROM patient WHERE nhs_number IS NOT NULL');
    expect(nhs).toHaveLength(N); // below the range's capacity every patient has one
    for (const { nhs_number } of nhs) expect(isTestRangeNhsNumber(nhs_number), nhs_number).toBe(true);
    expect(new Set(nhs.map((r) => r.nhs_number)).size).toBe(N);
  });

  it('links every row to an existing patient and practice', async () => {
    for (const [t] of EVENT_TABLES) {
      expect(await num(db, `SELECT count(*) FROM ${t} e LEFT JOIN patient p ON p.id = e.patient_id WHERE p.id IS NULL`), t).toBe(0);
    }
    expect(await num(db, 'SELECT count(*) FROM registration e LEFT JOIN patient p ON p.id = e.patient_id WHERE p.id IS NULL')).toBe(0);
    expect(await num(db, 'SELECT count(*) FROM patient p WHERE NOT EXISTS (SELECT 1 FROM registration r WHERE r.patient_id = p.id)')).toBe(0);
    for (const t of ['registration', 'clinical_event', 'medication_issue', 'consultation']) {
      expect(await num(db, `SELECT count(*) FROM ${t} e LEFT JOIN organisation o ON o.code = e.practice AND o.kind = 'practice' WHERE o.code IS NULL`), t).toBe(0);
    }
  });

  it('never overlaps registrations, and every registration ends after it starts', async () => {
    expect(await num(db, 'SELECT count(*) FROM registration WHERE end_date IS NOT NULL AND end_date <= start_date')).toBe(0);
    expect(
      await num(
        db,
        `SELECT count(*) FROM (
           SELECT start_date, lag(coalesce(end_date, DATE '9999-12-31')) OVER (PARTITION BY patient_id ORDER BY start_date) AS prev_end FROM registration)
         WHERE prev_end > start_date`,
      ),
    ).toBe(0);
    // Turnover: people join and leave, some move between practices, babies are registered from birth.
    expect(await num(db, 'SELECT count(*) FROM registration WHERE start_date >= DATE \'2004-01-01\'')).toBeGreaterThan(N / 4);
    expect(await num(db, 'SELECT count(*) FROM registration WHERE end_date IS NOT NULL')).toBeGreaterThan(N / 4);
    expect(await num(db, 'SELECT count(*) FROM registration r JOIN patient p ON p.id = r.patient_id WHERE r.start_date = p.birth_date AND p.birth_date >= DATE \'2004-01-01\'')).toBeGreaterThan(N / 50);
    const transfers = await num(
      db,
      `SELECT count(*) FROM registration a JOIN registration b ON a.patient_id = b.patient_id AND b.start_date >= a.end_date AND a.practice <> b.practice`,
    );
    expect(transfers).toBeGreaterThan(N / 50);
    expect(await num(db, `SELECT count(*) FROM registration WHERE start_date < DATE '2004-01-01'`)).toBeGreaterThan(N / 3);
  });

  it('keeps deaths after birth and closes registrations at death', async () => {
    expect(await num(db, 'SELECT count(*) FROM patient WHERE death_date IS NOT NULL')).toBeGreaterThan(0);
    expect(await num(db, 'SELECT count(*) FROM patient WHERE death_date <= birth_date')).toBe(0);
    expect(await num(db, 'SELECT count(*) FROM patient WHERE death_date >= DATE \'2014-01-01\' OR birth_date >= DATE \'2014-01-01\'')).toBe(0);
    expect(
      await num(db, 'SELECT count(*) FROM registration r JOIN patient p ON p.id = r.patient_id WHERE p.death_date IS NOT NULL AND (r.end_date IS NULL OR r.end_date > p.death_date)'),
    ).toBe(0);
    expect(await num(db, 'SELECT count(*) FROM registration r JOIN patient p ON p.id = r.patient_id WHERE r.start_date < p.birth_date')).toBe(0);
  });

  it('writes no event before birth, on or after death, or after the history ends', async () => {
    for (const [t, col] of EVENT_TABLES) {
      expect(await num(db, `SELECT count(*) FROM ${t} e JOIN patient p ON p.id = e.patient_id WHERE e.${col} < p.birth_date`), `${t} before birth`).toBe(0);
      expect(await num(db, `SELECT count(*) FROM ${t} e JOIN patient p ON p.id = e.patient_id WHERE e.${col} >= p.death_date`), `${t} after death`).toBe(0);
      expect(await num(db, `SELECT count(*) FROM ${t} WHERE ${col} >= DATE '2014-01-01'`), `${t} after history`).toBe(0);
    }
    expect(await num(db, 'SELECT count(*) FROM admission a JOIN patient p ON p.id = a.patient_id WHERE a.discharged > p.death_date OR a.discharged <= a.admitted')).toBe(0);
  });

  it('records care while the patient is registered at that practice (history may predate registration)', async () => {
    for (const t of ['consultation', 'medication_issue']) {
      expect(
        await num(
          db,
          `SELECT count(*) FROM ${t} e WHERE NOT EXISTS (SELECT 1 FROM registration r WHERE r.patient_id = e.patient_id AND r.practice = e.practice
             AND r.start_date <= e.date AND (r.end_date IS NULL OR r.end_date > e.date))`,
        ),
        t,
      ).toBe(0);
    }
    // Clinical events: at a practice the patient is registered with, and never after the last registration ended.
    expect(
      await num(
        db,
        `SELECT count(*) FROM clinical_event e WHERE NOT EXISTS (SELECT 1 FROM registration r WHERE r.patient_id = e.patient_id AND r.practice = e.practice
           AND (r.end_date IS NULL OR r.end_date > e.date))`,
      ),
    ).toBe(0);
  });

  it('stamps every row with the import batch it records', async () => {
    const batch = await db.all('SELECT id, source, rows_rejected FROM import_batch');
    expect(batch).toEqual([{ id: batchId, source: `synthetic:seed=${SEED},patients=${N}`, rows_rejected: 0 }]);
    for (const t of ['patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission']) {
      expect(await num(db, `SELECT count(*) FROM ${t} WHERE batch_id IS DISTINCT FROM $1`, [batchId]), t).toBe(0);
    }
    const total = await num(
      db,
      `SELECT (SELECT count(*) FROM patient) + (SELECT count(*) FROM registration) + (SELECT count(*) FROM clinical_event) + (SELECT count(*) FROM medication_issue)
            + (SELECT count(*) FROM consultation) + (SELECT count(*) FROM admission) + (SELECT count(*) FROM organisation) + (SELECT count(*) FROM benchmark_series)`,
    );
    expect(await num(db, 'SELECT rows_accepted FROM import_batch')).toBe(total);
  });
});

describe('synthetic generator: codes', () => {
  it('writes only codes from the project codelists (real SNOMED CT / dm+d, or GPNET- local codes)', async () => {
    const unknown = await db.all(`SELECT DISTINCT code FROM clinical_event WHERE code NOT IN (SELECT code FROM codelist_code)`);
    expect(unknown).toEqual([]);
    const unknownDrugs = await db.all(`SELECT DISTINCT dmd_code FROM medication_issue WHERE dmd_code NOT IN (SELECT code FROM codelist_code WHERE slug IN ('stat_cod', 'fludrug_cod'))`);
    expect(unknownDrugs).toEqual([]);
    const local = await db.all<{ code: string }>(`SELECT DISTINCT code FROM clinical_event WHERE code LIKE 'GPNET-%' ORDER BY code`);
    // The 6-in-1 (GPNET-DTAPIPVHIBHEPB-001) came in 2017, after the demo years: never written.
    expect(local.map((r) => r.code)).toEqual([
      'GPNET-COPDCP-001',
      'GPNET-CRATT-001',
      'GPNET-CVDCP-001',
      'GPNET-DMCP-001',
      'GPNET-DTAPIPVHIB-001',
      'GPNET-HIBMENC-001',
      'GPNET-MIREV-001',
      'GPNET-PCV-001',
      'GPNET-PRREF-001',
      'GPNET-RETSCR-001',
    ]);
    for (const slug of ['dm_cod', 'copd_cod', 'hyp_cod', 'chd_cod', 'mi_cod', 'strk_cod', 'tia_cod', 'sysbp_cod', 'diabp_cod', 'chol2_cod', 'ifcchbam_cod', 'copdrvw_cod', 'mrc_grade_3_plus', 'lsmok_cod', 'exsmok_cod', 'flu_cod', 'mmr_vaccination', 'dmres_cod', 'hypres_cod']) {
      expect(await num(db, `SELECT count(*) FROM clinical_event e JOIN codelist_code c ON c.code = e.code AND c.slug = $1`, [slug]), slug).toBeGreaterThan(0);
    }
    expect(await num(db, `SELECT count(*) FROM medication_issue e JOIN codelist_code c ON c.code = e.dmd_code AND c.slug = 'fludrug_cod'`)).toBeGreaterThan(0);
    const icd = await db.all<{ icd10: string }>('SELECT DISTINCT icd10 FROM admission ORDER BY 1');
    for (const { icd10 } of icd) expect(icd10).toMatch(/^(J44|I21|I63)\.\d$/);
  });

  it('gives values with units to measurements only, within clinical ranges', async () => {
    const ranges = await db.all<{ slug: string; unit: string; lo: number; hi: number; nulls: number }>(`
      SELECT c.slug, any_value(e.unit) AS unit, min(e.value) AS lo, max(e.value) AS hi, count(*) FILTER (WHERE e.value IS NULL) AS nulls
      FROM clinical_event e JOIN codelist_code c ON c.code = e.code AND c.slug IN ('sysbp_cod', 'diabp_cod', 'chol2_cod', 'ifcchbam_cod')
      GROUP BY c.slug ORDER BY c.slug`);
    const bySlug = Object.fromEntries(ranges.map((r) => [r.slug, r]));
    expect(bySlug['chol2_cod']).toMatchObject({ unit: 'mmol/L', nulls: 0 });
    expect(bySlug['ifcchbam_cod']).toMatchObject({ unit: 'mmol/mol', nulls: 0 });
    expect(bySlug['sysbp_cod']).toMatchObject({ unit: 'mmHg', nulls: 0 });
    expect(bySlug['sysbp_cod']?.lo).toBeGreaterThanOrEqual(80);
    expect(bySlug['sysbp_cod']?.hi).toBeLessThanOrEqual(230);
    expect(bySlug['diabp_cod']?.lo).toBeGreaterThanOrEqual(40);
    expect(bySlug['chol2_cod']?.lo).toBeGreaterThanOrEqual(2);
    expect(bySlug['ifcchbam_cod']?.lo).toBeGreaterThanOrEqual(28);
    expect(await num(db, `SELECT count(*) FROM clinical_event WHERE (value IS NULL) <> (unit IS NULL)`)).toBe(0);
    // Every BP reading comes as a systolic and diastolic pair on the same day.
    expect(
      await num(
        db,
        `SELECT count(*) FROM clinical_event s JOIN codelist_code c ON c.code = s.code AND c.slug = 'sysbp_cod'
         WHERE NOT EXISTS (SELECT 1 FROM clinical_event d JOIN codelist_code cd ON cd.code = d.code AND cd.slug = 'diabp_cod' WHERE d.patient_id = s.patient_id AND d.date = s.date)`,
      ),
    ).toBe(0);
  });

  it('writes MRC grade codes (all 3 or worse) only for COPD patients, and consultations with the practice\'s own clinicians', async () => {
    expect(
      await num(
        db,
        `SELECT count(*) FROM clinical_event e JOIN codelist_code c ON c.code = e.code AND c.slug = 'mrc_grade_3_plus'
         WHERE NOT EXISTS (SELECT 1 FROM clinical_event d JOIN codelist_code cd ON cd.code = d.code AND cd.slug = 'copd_cod' WHERE d.patient_id = e.patient_id AND d.date <= e.date)`,
      ),
    ).toBe(0);
    expect(await num(db, `SELECT count(*) FROM consultation WHERE NOT starts_with(clinician, practice || '-')`)).toBe(0);
    const modes = await db.all<{ mode: string }>('SELECT DISTINCT mode FROM consultation ORDER BY 1');
    expect(modes.map((m) => m.mode)).toEqual(expect.arrayContaining(['face_to_face', 'home_visit', 'telephone']));
    // Consultations are the bulk of the store.
    const consult = await num(db, 'SELECT count(*) FROM consultation');
    const events = await num(db, 'SELECT count(*) FROM clinical_event');
    expect(consult).toBeGreaterThan(events);
  });
});
