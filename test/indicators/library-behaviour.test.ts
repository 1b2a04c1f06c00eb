import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import type { Admission, ClinicalEvent, MedicationIssue } from '../../src/model/clinical.js';
import type { IndicatorDefinition } from '../../src/indicators/definition.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { deathCountedAt } from '../../src/indicators/reference/deaths.js';
import { addDays, codeSetsOf, evaluatePatient, type PatientRecord } from '../../src/indicators/reference/index.js';

/**
 * Does each library definition say what its rationale says? A few hand-made patients per
 * indicator, evaluated by the reference engine (the semantics of docs/INDICATORS.md), at the
 * edges the rationales name: thresholds, windows, age limits, exclusions.
 */
const codelists = loadCodelists();
const codes = codeSetsOf(codelists);
const library = new Map(loadIndicators(codelists).map((l) => [l.definition.id, l.definition]));
const R = '2012-03-31';
const PRACTICE = 'Z99001';

/** The first code of a project codelist (a real code from the real list). */
function code(slug: string, index = 0): string {
  const c = codelists.get(slug)?.codes[index]?.code;
  if (!c) throw new Error(`no code ${index} in ${slug}`);
  return c;
}
type Ev = [date: string, slug: string, value?: number];
interface Spec {
  birth?: string;
  registered?: string;
  events?: Ev[];
  meds?: [date: string, slug: string][];
  admissions?: Omit<Admission, 'patient_id'>[];
}
let nextId = 1;
function patient(s: Spec): PatientRecord {
  const id = nextId++;
  const events: ClinicalEvent[] = (s.events ?? []).map(([date, slug, value]) => ({ patient_id: id, practice: PRACTICE, date, code: code(slug), value: value ?? null, unit: null }));
  const medications: MedicationIssue[] = (s.meds ?? []).map(([date, slug]) => ({ patient_id: id, practice: PRACTICE, date, dmd_code: code(slug) }));
  return {
    patient: { id, nhs_number: null, birth_date: s.birth ?? '1950-06-15', sex: 'F', death_date: null, imd_decile: null },
    registrations: [{ patient_id: id, practice: PRACTICE, start_date: s.registered ?? '2000-01-01', end_date: null }],
    events,
    medications,
    admissions: (s.admissions ?? []).map((a) => ({ ...a, patient_id: id })),
  };
}
function def(id: string): IndicatorDefinition {
  const d = library.get(id);
  if (!d) throw new Error(`no indicator ${id}`);
  return d;
}
/** 'out' (not in population), 'excluded', 'num' (numerator), 'den' (denominator only). */
function status(id: string, s: Spec): 'out' | 'excluded' | 'num' | 'den' {
  const e = evaluatePatient(def(id), patient(s), R, codes);
  if (!e.inPopulation) return 'out';
  if (e.excluded) return 'excluded';
  return e.inNumerator ? 'num' : 'den';
}
const daysBefore = (n: number): string => addDays(R, -n);
const DM: Ev = ['2005-01-01', 'dm_cod'];
const COPD: Ev = ['2005-01-01', 'copd_cod'];

describe('mmr1-by-2', () => {
  it('counts children aged 24-35 completed months, MMR before the 2nd birthday', () => {
    expect(status('mmr1-by-2', { birth: '2010-01-15', events: [['2011-02-01', 'mmr_vaccination']] })).toBe('num');
    expect(status('mmr1-by-2', { birth: '2010-01-15', events: [['2012-01-15', 'mmr_vaccination']] })).toBe('den'); // on the birthday: too late
    expect(status('mmr1-by-2', { birth: '2010-01-15' })).toBe('den');
    expect(status('mmr1-by-2', { birth: '2010-04-01' })).toBe('out'); // 23 months
    expect(status('mmr1-by-2', { birth: '2009-04-01' })).toBe('den'); // 35 months
    expect(status('mmr1-by-2', { birth: '2009-03-31' })).toBe('out'); // 36 months
  });
});

describe('diabetes', () => {
  it('puts on the register only unresolved diabetes at age 17 or over', () => {
    expect(status('dm-register', { events: [DM] })).toBe('num');
    expect(status('dm-register', { birth: '1995-04-01', events: [DM] })).toBe('out'); // 16
    expect(status('dm-register', { events: [DM, ['2006-01-01', 'dmres_cod']] })).toBe('out');
    expect(status('dm-register', { events: [DM, ['2006-01-01', 'dmres_cod'], ['2008-01-01', 'dm_cod']] })).toBe('num');
  });
  it('dm-care-plan: plan in 12 months; declined care and new registrations leave the denominator', () => {
    expect(status('dm-care-plan', { events: [DM, [daysBefore(300), 'gpnet_dm_care_plan']] })).toBe('num');
    expect(status('dm-care-plan', { events: [DM, [daysBefore(400), 'gpnet_dm_care_plan']] })).toBe('den');
    expect(status('dm-care-plan', { events: [DM, [daysBefore(30), 'dmpcadec_cod']] })).toBe('excluded');
    expect(status('dm-care-plan', { registered: daysBefore(40), events: [DM] })).toBe('excluded');
    expect(status('dm-care-plan', { registered: daysBefore(40), events: [DM, [daysBefore(10), 'gpnet_dm_care_plan']] })).toBe('num');
  });
  it('dm-bp-chol: latest systolic <=140, diastolic <=80 and cholesterol <=4.0, all in 15 months', () => {
    const ok: Ev[] = [DM, [daysBefore(100), 'sysbp_cod', 140], [daysBefore(100), 'diabp_cod', 80], [daysBefore(200), 'chol2_cod', 4.0]];
    expect(status('dm-bp-chol', { events: ok })).toBe('num');
    expect(status('dm-bp-chol', { events: [...ok, [daysBefore(10), 'chol2_cod', 4.1]] })).toBe('den');
    expect(status('dm-bp-chol', { events: [...ok, [daysBefore(10), 'diabp_cod', 81]] })).toBe('den');
    expect(status('dm-bp-chol', { events: [DM, [daysBefore(100), 'sysbp_cod', 130], [daysBefore(100), 'diabp_cod', 70], ['2010-10-01', 'chol2_cod', 3.5]] })).toBe('den'); // chol 18 months old
  });
  it('dm-hba1c-mean: the latest IFCC HbA1c in 15 months, as DCCT %', () => {
    const e = evaluatePatient(def('dm-hba1c-mean'), patient({ events: [DM, [daysBefore(300), 'ifcchbam_cod', 75], [daysBefore(20), 'ifcchbam_cod', 58]] }), R, codes);
    expect(e.inDenominator).toBe(true);
    expect(e.value).toBeCloseTo(58 / 10.929 + 2.15, 10);
    const none = evaluatePatient(def('dm-hba1c-mean'), patient({ events: [DM, ['2010-01-01', 'ifcchbam_cod', 58]] }), R, codes);
    expect(none.inPopulation && !none.inDenominator).toBe(true);
  });
  it('dm-hba1c-58: frail patients are outside; maximal therapy excludes only those above target', () => {
    expect(status('dm-hba1c-58', { events: [DM, [daysBefore(30), 'ifcchbam_cod', 58]] })).toBe('num');
    expect(status('dm-hba1c-58', { events: [DM, [daysBefore(30), 'ifcchbam_cod', 59]] })).toBe('den');
    expect(status('dm-hba1c-58', { events: [DM, [daysBefore(30), 'ifcchbam_cod', 70], [daysBefore(30), 'dmmax_cod']] })).toBe('excluded');
    expect(status('dm-hba1c-58', { events: [DM, ['2011-01-01', 'sevfrail_cod'], [daysBefore(30), 'ifcchbam_cod', 50]] })).toBe('out');
  });
  it('dm-flu: a flu code or a flu vaccine issue in 12 months', () => {
    expect(status('dm-flu', { events: [DM, [daysBefore(150), 'flu_cod']] })).toBe('num');
    expect(status('dm-flu', { events: [DM], meds: [[daysBefore(150), 'fludrug_cod']] })).toBe('num');
    expect(status('dm-flu', { events: [DM, [daysBefore(370), 'flu_cod']] })).toBe('den');
  });
});

describe('COPD', () => {
  it('copd-pr-referral: MRC 3+ in 15 months, then a referral within 365 days of it', () => {
    expect(status('copd-pr-referral', { events: [COPD, [daysBefore(200), 'mrc_grade_3_plus'], [daysBefore(170), 'gpnet_pulmonary_rehab_referral']] })).toBe('num');
    expect(status('copd-pr-referral', { events: [COPD, [daysBefore(200), 'mrc_grade_3_plus'], [daysBefore(200), 'gpnet_pulmonary_rehab_referral']] })).toBe('num');
    expect(status('copd-pr-referral', { events: [COPD, [daysBefore(200), 'mrc_grade_3_plus'], [daysBefore(230), 'gpnet_pulmonary_rehab_referral']] })).toBe('den');
    expect(status('copd-pr-referral', { events: [COPD, ['2010-06-01', 'mrc_grade_3_plus']] })).toBe('out'); // MRC too old
  });
  it('copd-review: a COPDRVW code or a local care plan in 12 months', () => {
    expect(status('copd-review', { events: [COPD, [daysBefore(100), 'copdrvw_cod']] })).toBe('num');
    expect(status('copd-review', { events: [COPD, [daysBefore(100), 'gpnet_copd_care_plan']] })).toBe('num');
    expect(status('copd-review', { events: [COPD, [daysBefore(370), 'copdrvw_cod']] })).toBe('den');
    expect(status('copd-review', { events: [['2012-02-01', 'copd_cod']] })).toBe('excluded'); // diagnosed 2 months ago
  });
  it('copd-smoking: latest current-or-ex code is current', () => {
    expect(status('copd-smoking', { events: [COPD, ['2009-01-01', 'lsmok_cod'], ['2011-01-01', 'exsmok_cod']] })).toBe('den');
    expect(status('copd-smoking', { events: [COPD, ['2009-01-01', 'exsmok_cod'], ['2011-01-01', 'lsmok_cod']] })).toBe('num');
    expect(status('copd-smoking', { events: [COPD] })).toBe('out');
  });
  it('copd-emergency-admissions: emergency J44 admissions in 12 months', () => {
    const e = evaluatePatient(
      def('copd-emergency-admissions'),
      patient({
        events: [COPD],
        admissions: [
          { admitted: daysBefore(10), discharged: null, method: 'emergency', icd10: 'J44.1' },
          { admitted: daysBefore(200), discharged: null, method: 'emergency', icd10: 'J440' },
          { admitted: daysBefore(20), discharged: null, method: 'elective', icd10: 'J44.9' },
          { admitted: daysBefore(30), discharged: null, method: 'emergency', icd10: 'J45.0' },
          { admitted: daysBefore(400), discharged: null, method: 'emergency', icd10: 'J44.1' },
        ],
      }),
      R,
      codes,
    );
    expect(e.items).toBe(2);
  });
});

describe('CVD', () => {
  it('BP indicators use "below 140/90", unlike QOF', () => {
    for (const [id, reg] of [['hyp-bp-140-90', 'hyp_cod'], ['chd-bp-140-90', 'chd_cod'], ['stroke-bp-140-90', 'tia_cod']] as const) {
      const bp = (s: number, d: number): Ev[] => [['2005-01-01', reg], [daysBefore(60), 'sysbp_cod', s], [daysBefore(60), 'diabp_cod', d]];
      expect(status(id, { events: bp(139, 89) }), id).toBe('num');
      expect(status(id, { events: bp(140, 80) }), id).toBe('den');
      expect(status(id, { events: bp(130, 90) }), id).toBe('den');
      expect(status(id, { events: [...bp(150, 95), [daysBefore(30), 'htmax_cod']] }), id).toBe('excluded');
      expect(status(id, { events: [...bp(130, 80), [daysBefore(30), 'bpdec_cod']] }), id).toBe('num');
    }
  });
  it('stroke indicators treat a new TIA after an old stroke as an old diagnosis', () => {
    expect(status('stroke-chol-5', { events: [[daysBefore(60), 'tia_cod']] })).toBe('excluded');
    expect(status('stroke-chol-5', { events: [['2003-01-01', 'strk_cod'], [daysBefore(60), 'tia_cod']] })).toBe('den');
  });
  it('chd-bp-150-90 and dm-bp-140-80: "or less", each latest value separately', () => {
    const bp = (reg: Ev, s: number, d: number): Ev[] => [reg, [daysBefore(60), 'sysbp_cod', s], [daysBefore(60), 'diabp_cod', d]];
    const chd: Ev = ['2005-01-01', 'chd_cod'];
    expect(status('chd-bp-150-90', { events: bp(chd, 150, 90) })).toBe('num');
    expect(status('chd-bp-150-90', { events: bp(chd, 151, 80) })).toBe('den');
    expect(status('chd-bp-150-90', { events: bp(chd, 140, 91) })).toBe('den');
    expect(status('chd-bp-150-90', { events: [chd, ['2010-12-31', 'sysbp_cod', 120], ['2010-12-31', 'diabp_cod', 70]] })).toBe('den'); // 15 months end 2011-01-01
    expect(status('chd-bp-150-90', { events: [chd, ['2011-01-01', 'sysbp_cod', 120], ['2011-01-01', 'diabp_cod', 70]] })).toBe('num');
    expect(status('chd-bp-150-90', { events: [...bp(chd, 160, 95), [daysBefore(30), 'htmax_cod']] })).toBe('excluded');
    expect(status('chd-bp-150-90', { events: [[daysBefore(200), 'chd_cod']] })).toBe('excluded'); // diagnosed in 9 months
    expect(status('dm-bp-140-80', { events: bp(DM, 140, 80) })).toBe('num');
    expect(status('dm-bp-140-80', { events: bp(DM, 141, 80) })).toBe('den');
    expect(status('dm-bp-140-80', { events: bp(DM, 140, 81) })).toBe('den');
    expect(status('dm-bp-140-80', { events: [...bp(DM, 150, 90), [daysBefore(30), 'dmpcadec_cod']] })).toBe('excluded');
    expect(status('dm-bp-140-80', { birth: '1995-04-01', events: bp(DM, 120, 70) })).toBe('out'); // 16
    expect(status('dm-bp-140-80', { registered: '2011-07-02', events: bp(DM, 150, 90) })).toBe('excluded'); // registered < 9 months
    expect(status('dm-bp-140-80', { registered: '2011-07-01', events: bp(DM, 150, 90) })).toBe('den'); // exactly 9 months
  });
  it('stroke-chol-4 and dm-chol-4 mirror chd-chol-4: 4 mmol/L or less in 15 months', () => {
    for (const [id, reg] of [['chd-chol-4', 'chd_cod'], ['stroke-chol-4', 'strk_cod'], ['stroke-chol-4', 'tia_cod'], ['dm-chol-4', 'dm_cod']] as const) {
      const dx: Ev = ['2005-01-01', reg];
      expect(status(id, { events: [dx, [daysBefore(60), 'chol2_cod', 4]] }), id).toBe('num');
      expect(status(id, { events: [dx, [daysBefore(60), 'chol2_cod', 4.1]] }), id).toBe('den');
      expect(status(id, { events: [dx, ['2010-12-31', 'chol2_cod', 3]] }), id).toBe('den');
      expect(status(id, { events: [dx, ['2011-01-01', 'chol2_cod', 3]] }), id).toBe('num');
      expect(status(id, { events: [[daysBefore(200), reg]] }), id).toBe('excluded');
      expect(status(id, { events: [[daysBefore(200), reg], [daysBefore(10), 'chol2_cod', 3.9]] }), id).toBe('num');
      expect(status(id, { events: [] }), id).toBe('out');
    }
  });
  it('cvd-flu: CHD, stroke or TIA, vaccinated (or vaccine issued) in 12 months', () => {
    for (const reg of ['chd_cod', 'strk_cod', 'tia_cod'] as const) {
      const dx: Ev = ['2005-01-01', reg];
      expect(status('cvd-flu', { events: [dx, ['2011-04-01', 'flu_cod']] }), reg).toBe('num');
      expect(status('cvd-flu', { events: [dx, ['2011-03-31', 'flu_cod']] }), reg).toBe('den');
      expect(status('cvd-flu', { events: [dx], meds: [[daysBefore(10), 'fludrug_cod']] }), reg).toBe('num');
      expect(status('cvd-flu', { registered: '2012-01-15', events: [dx] }), reg).toBe('excluded'); // registered < 3 months
      expect(status('cvd-flu', { registered: '2011-12-31', events: [dx] }), reg).toBe('den');
    }
    expect(status('cvd-flu', { events: [DM, ['2011-10-01', 'flu_cod']] })).toBe('out');
  });
  it('cholesterol thresholds are inclusive', () => {
    expect(status('chd-chol-5', { events: [['2005-01-01', 'chd_cod'], [daysBefore(60), 'chol2_cod', 5]] })).toBe('num');
    expect(status('chd-chol-4', { events: [['2005-01-01', 'chd_cod'], [daysBefore(60), 'chol2_cod', 4.1]] })).toBe('den');
  });
  it('cvd-statin: a statin issued in 6 months; new diagnoses wait 3 months', () => {
    expect(status('cvd-statin', { events: [['2005-01-01', 'chd_cod']], meds: [[daysBefore(150), 'stat_cod']] })).toBe('num');
    expect(status('cvd-statin', { events: [['2005-01-01', 'chd_cod']], meds: [[daysBefore(200), 'stat_cod']] })).toBe('den');
    expect(status('cvd-statin', { events: [[daysBefore(40), 'strk_cod']] })).toBe('excluded');
    expect(status('cvd-statin', { events: [['2005-01-01', 'chd_cod'], [daysBefore(40), 'strk_cod']] })).toBe('den');
  });
  it('mi-review-3-weeks: an emergency I21/I22 admission discharged in 12 months, reviewed within 21 days of discharge', () => {
    const adm = (discharged: string | null, over: Partial<Omit<Admission, 'patient_id'>> = {}): Omit<Admission, 'patient_id'> => ({
      admitted: addDays(discharged ?? daysBefore(30), -6),
      discharged,
      method: 'emergency',
      icd10: 'I21.9',
      ...over,
    });
    const d = daysBefore(100);
    const review = (date: string): Ev => [date, 'gpnet_post_mi_review'];
    expect(status('mi-review-3-weeks', { admissions: [adm(d)], events: [review(addDays(d, 21))] })).toBe('num'); // day 21
    expect(status('mi-review-3-weeks', { admissions: [adm(d)], events: [review(d)] })).toBe('num'); // discharge day
    expect(status('mi-review-3-weeks', { admissions: [adm(d)], events: [review(addDays(d, 22))] })).toBe('den'); // day 22
    expect(status('mi-review-3-weeks', { admissions: [adm(d)], events: [review(addDays(d, -2))] })).toBe('den'); // in hospital, before discharge
    expect(status('mi-review-3-weeks', { admissions: [adm(d, { icd10: 'I22.0' })], events: [review(addDays(d, 3))] })).toBe('num');
    expect(status('mi-review-3-weeks', { admissions: [adm(d, { icd10: 'I25.2' })] })).toBe('out'); // old MI, not acute
    expect(status('mi-review-3-weeks', { admissions: [adm(d, { method: 'elective' })] })).toBe('out');
    expect(status('mi-review-3-weeks', { admissions: [adm(null)] })).toBe('out'); // no discharge date
    expect(status('mi-review-3-weeks', { admissions: [adm('2011-04-01')] })).toBe('den'); // first day of the 12 months
    expect(status('mi-review-3-weeks', { admissions: [adm('2011-03-31')] })).toBe('out');
    expect(status('mi-review-3-weeks', { admissions: [adm(addDays(R, 1))] })).toBe('out'); // discharged after R
    expect(status('mi-review-3-weeks', { admissions: [adm(daysBefore(20))] })).toBe('excluded'); // 3 weeks not yet up
    expect(status('mi-review-3-weeks', { admissions: [adm(daysBefore(21))] })).toBe('den');
    expect(status('mi-review-3-weeks', { admissions: [adm(daysBefore(5))], events: [review(daysBefore(2))] })).toBe('num'); // reviewed already
    // The MI code in the GP record no longer matters: the admission does.
    expect(status('mi-review-3-weeks', { events: [[d, 'mi_cod'], review(addDays(d, 3))] })).toBe('out');
  });
  it('mi-mortality-under-75: deaths under 75 within 30 days of an emergency I21/I22 admission, at the practice of death', () => {
    const deaths = def('mi-mortality-under-75').deaths;
    if (!deaths) throw new Error('mi-mortality-under-75 has no deaths');
    const died = (death: string, admitted: string, over: { birth?: string; method?: Admission['method']; icd10?: string; end?: string | null } = {}): string | null => {
      const p = patient({ birth: over.birth ?? '1950-06-15', admissions: [{ admitted, discharged: null, method: over.method ?? 'emergency', icd10: over.icd10 ?? 'I21.4' }] });
      p.patient.death_date = death;
      (p.registrations[0] as { end_date: string | null }).end_date = over.end === undefined ? death : over.end;
      return deathCountedAt(deaths, p, R);
    };
    const a = daysBefore(100);
    expect(died(addDays(a, 30), a)).toBe(PRACTICE); // day 30
    expect(died(addDays(a, 31), a)).toBeNull(); // day 31
    expect(died(a, a)).toBe(PRACTICE); // the day of admission
    expect(died(addDays(a, -1), a)).toBeNull(); // before the admission
    expect(died(addDays(a, 5), a, { icd10: 'I22.1' })).toBe(PRACTICE);
    expect(died(addDays(a, 5), a, { icd10: 'I63.9' })).toBeNull();
    expect(died(addDays(a, 5), a, { method: 'elective' })).toBeNull();
    expect(died(addDays(a, 5), a, { end: null })).toBe(PRACTICE); // registration left open
    expect(died(addDays(a, 5), a, { end: addDays(a, 2) })).toBeNull(); // had left the practice
    // Age at death: 74 counts, 75 (the birthday itself) does not.
    expect(died('2011-10-14', '2011-10-01', { birth: '1936-10-15' })).toBe(PRACTICE);
    expect(died('2011-10-15', '2011-10-01', { birth: '1936-10-15' })).toBeNull();
    // The 12 months up to R: 2011-04-01 … 2012-03-31.
    expect(died('2011-04-01', '2011-03-20')).toBe(PRACTICE);
    expect(died('2011-03-31', '2011-03-20')).toBeNull();
    expect(died(R, R)).toBe(PRACTICE);
    expect(died(addDays(R, 1), R)).toBeNull();
    // The denominator: registered, alive and under 75 at R.
    expect(status('mi-mortality-under-75', { birth: '1937-04-01' })).toBe('den'); // 74
    expect(status('mi-mortality-under-75', { birth: '1937-03-31' })).toBe('out'); // 75 on R
  });
  it('cardiac-rehab: attended after a first MI in 12 months; recent MIs wait 3 months', () => {
    const mi = daysBefore(200);
    expect(status('cardiac-rehab', { events: [[mi, 'mi_cod'], [addDays(mi, 60), 'gpnet_cardiac_rehab_attended']] })).toBe('num');
    expect(status('cardiac-rehab', { events: [[mi, 'mi_cod'], [addDays(mi, -5), 'gpnet_cardiac_rehab_attended']] })).toBe('den');
    expect(status('cardiac-rehab', { events: [[daysBefore(40), 'mi_cod']] })).toBe('excluded');
  });
  it('registers count patients against the list size', () => {
    const e = evaluatePatient(def('stroke-register'), patient({ events: [['2005-01-01', 'tia_cod']] }), R, codes);
    expect([e.inNumerator, e.inDenominator]).toEqual([true, true]);
    const other = evaluatePatient(def('stroke-register'), patient({}), R, codes);
    expect([other.inNumerator, other.inDenominator]).toEqual([false, true]);
  });
});
