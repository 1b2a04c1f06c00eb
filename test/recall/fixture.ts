/**
 * The hand-made practice of the programme tests (R = 2025-12-31, practice P1): for every
 * programme, patients on each side of each rule. Patient ids are grouped by programme
 * (1xx MMR1, 2xx HbA1c, 3xx care plan, … 11xx MI review, 12xx MMR2, 13xx DTaP/IPV/Hib,
 * 14xx PCV booster, 15xx Hib/MenC booster).
 */
import type { ClinicalData } from '../../src/model/clinical.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { code } from './helpers.js';

export const R = '2025-12-31';
export const P = 'P1';

export function recallFixture(): ClinicalData {
  const x = new ExtractBuilder().organisation('N1', 'network').organisation(P, 'practice', 'N1');

  /** A patient registered at P1 from `since`, with events [date, slug, value?] and medications. */
  function patient(id: number, birth: string, opts: { since?: string; events?: [string, string, number?][]; meds?: [string, string][] } = {}): void {
    x.patient(id, birth, id % 2 ? 'F' : 'M').registered(id, P, opts.since ?? '2010-01-01');
    for (const [date, slug, value] of opts.events ?? []) x.event(id, P, date, code(slug), value ?? null);
    for (const [date, slug] of opts.meds ?? []) x.medication(id, P, date, code(slug));
  }

  // MMR1 (mmr1-by-2): children 24–35 months; MMR before the 2nd birthday; due soon from 12 months.
  patient(101, '2023-06-15', { events: [['2024-07-01', 'mmr_vaccination']] }); // given: not listed
  patient(102, '2023-06-15'); // not given, aged 30 months: overdue
  patient(103, '2023-06-15', { events: [['2025-07-01', 'mmr_vaccination']] }); // given after 2: still overdue
  patient(104, '2024-01-20'); // 23 months, turns 2 in 20 days: due soon, first
  patient(105, '2024-12-10'); // 12 months: due soon within the 12-month look-ahead
  patient(106, '2024-12-10', { events: [['2025-12-15', 'mmr_vaccination']] }); // given at 12 months: not listed
  patient(107, '2022-11-15'); // 37 months: out of the cohort
  patient(108, '2025-06-01'); // 6 months: too young for the look-ahead

  // Diabetes, HbA1c (dm-hba1c-58): latest IFCC HbA1c in 12 months ≤ 58.
  const DM: [string, string][] = [['2015-01-01', 'dm_cod']];
  const dm = (id: number, events: [string, string, number?][] = [], since?: string): void =>
    patient(id, '1975-05-05', { events: [...DM, ...events], ...(since ? { since } : {}) });
  dm(201, [['2025-06-01', 'ifcchbam_cod', 50]]); // at target
  dm(202, [['2025-06-01', 'ifcchbam_cod', 70]]); // above target
  dm(203, [['2025-06-01', 'ifcchbam_cod', 80]]); // above 75: clinical risk
  dm(204, [['2024-11-15', 'ifcchbam_cod', 50]]); // lapsed
  dm(205, [['2025-01-20', 'ifcchbam_cod', 50]]); // lapses on 2026-01-19: due soon
  dm(206, [['2025-05-01', 'dmpcadec_cod']]); // declined: excluded
  x.patient(207, '1975-05-05', 'F').registered(207, P, '2010-01-01').event(207, P, '2025-10-15', code('dm_cod')); // diagnosed 2½ months ago
  dm(208, [], '2025-11-01'); // registered 2 months ago
  dm(209, [['2016-01-01', 'dmres_cod']]); // resolved: not on the register

  // Diabetes care plan (12 months).
  dm(301, [['2025-03-01', 'gpnet_dm_care_plan']]);
  dm(302, [['2024-10-01', 'gpnet_dm_care_plan']]);
  dm(303);
  dm(304, [['2025-01-15', 'gpnet_dm_care_plan']]);
  dm(305, [], '2025-10-15'); // registered < 3 months: excluded now, counts from 2026-01-31

  // Retinal screening (15 months).
  dm(401, [['2024-12-01', 'gpnet_retinal_screening']]);
  dm(402, [['2024-09-01', 'gpnet_retinal_screening']]);

  // BP and cholesterol (15 months; each latest value separately).
  dm(501, [['2025-06-01', 'sysbp_cod', 130], ['2025-06-01', 'diabp_cod', 75], ['2025-06-01', 'chol2_cod', 3.5]]);
  dm(502, [['2025-06-01', 'sysbp_cod', 150], ['2025-06-01', 'diabp_cod', 75], ['2025-06-01', 'chol2_cod', 3.5]]);
  dm(503);
  dm(504, [['2025-06-01', 'sysbp_cod', 165], ['2025-06-01', 'diabp_cod', 75], ['2025-06-01', 'chol2_cod', 3.5]]);

  // COPD review (12 months; review or care plan).
  const copd = (id: number, events: [string, string, number?][] = [], since?: string): void =>
    patient(id, '1950-03-03', { events: [['2012-01-01', 'copd_cod'], ...events], ...(since ? { since } : {}) });
  copd(601, [['2025-05-01', 'copdrvw_cod']]);
  copd(602, [['2025-05-01', 'gpnet_copd_care_plan']]);
  copd(603, [['2024-11-01', 'copdrvw_cod']]);
  copd(604, [['2013-01-01', 'copdres_cod']]);

  // Pulmonary rehab (MRC 3+ in 15 months, then referral within 365 days).
  copd(701, [['2025-03-01', 'mrc_grade_3_plus'], ['2025-04-01', 'gpnet_pulmonary_rehab_referral']]);
  copd(702, [['2025-03-01', 'mrc_grade_3_plus']]);
  copd(703);
  copd(704, [['2025-02-01', 'gpnet_pulmonary_rehab_referral'], ['2025-03-01', 'mrc_grade_3_plus']]);

  // COPD flu (12 months; vaccination or vaccine issued).
  copd(801, [['2025-10-01', 'flu_cod']]);
  patient(802, '1950-03-03', { events: [['2012-01-01', 'copd_cod']], meds: [['2025-10-01', 'fludrug_cod']] });
  copd(803, [['2024-10-01', 'flu_cod']]);
  copd(804, [], '2025-11-15'); // registered 1½ months ago: excluded now and next month end

  // Diabetes flu.
  dm(901, [['2025-10-01', 'flu_cod']]);
  dm(902);
  dm(903, [['2025-06-01', 'dmpcapu_cod']]); // unsuitable: excluded

  // CVD statin (6 months).
  const cvd = (id: number, slug: string, since: string, meds: [string, string][] = []): void =>
    patient(id, '1955-07-07', { events: [[since, slug]], meds });
  cvd(1001, 'chd_cod', '2015-01-01', [['2025-09-01', 'stat_cod']]);
  cvd(1002, 'chd_cod', '2015-01-01', [['2025-03-01', 'stat_cod']]);
  cvd(1003, 'strk_cod', '2015-01-01');
  cvd(1004, 'chd_cod', '2015-01-01', [['2025-07-15', 'stat_cod']]);
  cvd(1005, 'chd_cod', '2025-10-20'); // diagnosed < 3 months ago: excluded now, counts from 2026-01-31

  // MI reviewed within 21 days of discharge (an emergency I21/I22 admission discharged in 12 months).
  const mi = (id: number, discharged: string | null, review?: string, admitted = '2025-09-25'): void => {
    patient(id, '1960-08-08', { events: review ? [[review, 'gpnet_post_mi_review']] : [] });
    x.admission(id, discharged === null ? admitted : admitted < discharged ? admitted : discharged, 'emergency', 'I21.4', discharged);
  };
  mi(1101, '2025-10-01', '2025-10-10');
  mi(1102, '2025-10-01');
  mi(1103, '2025-12-20', undefined, '2025-12-15'); // discharged 11 days ago: excluded now, due soon
  mi(1104, '2025-10-01', '2025-11-15'); // reviewed too late
  mi(1105, '2024-06-01'); // discharged over a year ago
  mi(1106, null, undefined, '2025-12-28'); // still in hospital: not listed

  // MMR2 (mmr2-by-5): children 60–71 months; two MMR doses between the 1st and 5th birthdays;
  // due soon from 3 years 4 months (20-month look-ahead).
  patient(1201, '2020-06-15', { events: [['2021-07-01', 'mmr_vaccination'], ['2023-10-20', 'mmr_vaccination']] }); // both: not listed
  patient(1202, '2020-06-15', { events: [['2021-07-01', 'mmr_vaccination']] }); // MMR1 only: overdue
  patient(1203, '2020-06-15'); // none: overdue, both doses missing
  patient(1204, '2020-06-15', { events: [['2021-05-01', 'mmr_vaccination'], ['2023-10-20', 'mmr_vaccination']] }); // first dose before age 1 does not count
  patient(1205, '2020-06-15', { events: [['2021-07-01', 'mmr_vaccination'], ['2025-07-01', 'mmr_vaccination']] }); // MMR2 after 5: still overdue
  patient(1206, '2021-03-04', { events: [['2022-03-10', 'mmr_vaccination']] }); // 57 months: due soon, turns 5 on 2026-03-04
  patient(1207, '2022-08-20', { events: [['2023-09-01', 'mmr_vaccination']] }); // 40 months: joins on 2027-08-31, the 20th month end
  patient(1208, '2022-10-20', { events: [['2023-11-01', 'mmr_vaccination']] }); // 38 months: beyond the look-ahead
  patient(1209, '2019-11-15', { events: [['2020-12-01', 'mmr_vaccination']] }); // 73 months: out of the cohort
  patient(1210, '2021-03-04', { events: [['2022-03-10', 'mmr_vaccination'], ['2024-07-10', 'mmr_vaccination']] }); // both, early: not listed
  patient(1211, '2021-01-10'); // 59 months, no MMR at all: due soon, both doses missing

  // Three DTaP/IPV/Hib doses before the first birthday (dtap-ipv-hib-3-by-1): children 12–23
  // months; due soon from 4 months (8-month look-ahead).
  const dtap = (id: number, birth: string, doses: string[]): void => patient(id, birth, { events: doses.map((d): [string, string] => [d, 'gpnet_dtap_ipv_hib']) });
  dtap(1301, '2024-06-10', ['2024-08-05', '2024-09-02', '2024-10-01']); // complete: not listed
  dtap(1302, '2024-06-10', ['2024-08-05', '2024-09-02']); // third dose missing: overdue
  dtap(1303, '2024-06-10', []); // none: overdue
  dtap(1304, '2024-06-10', ['2024-08-05']); // one of three: overdue
  dtap(1305, '2024-06-10', ['2024-08-05', '2024-09-02', '2025-07-01']); // third dose after the birthday: overdue
  dtap(1306, '2025-01-15', ['2025-03-12', '2025-04-09']); // 11 months: due soon, first
  dtap(1307, '2025-05-20', ['2025-07-15', '2025-08-12', '2025-09-09']); // complete at 7 months: not listed
  dtap(1308, '2025-05-20', ['2025-07-15', '2025-08-12']); // 7 months: due soon
  dtap(1309, '2025-09-01', ['2025-10-27']); // 3 months: beyond the look-ahead
  dtap(1310, '2023-11-15', []); // 25 months: out of the cohort
  dtap(1311, '2025-08-15', ['2025-10-10']); // 4 months: joins on 2026-08-31, the 8th month end

  // One-year boosters between the 1st and 2nd birthdays (pcv-booster-by-2, hib-menc-booster-by-2):
  // children 24–35 months; due soon from 12 months.
  const pcv = (id: number, birth: string, doses: string[]): void => patient(id, birth, { events: doses.map((d): [string, string] => [d, 'gpnet_pcv']) });
  pcv(1401, '2023-05-10', ['2023-07-05', '2023-09-04', '2024-05-20']); // primaries and booster: not listed
  pcv(1402, '2023-05-10', ['2023-07-05', '2023-09-04']); // primaries only: overdue
  pcv(1403, '2023-05-10', ['2024-05-05']); // dose before the first birthday is not the booster: overdue
  pcv(1404, '2023-05-10', ['2025-06-01']); // booster after the second birthday: overdue
  pcv(1405, '2023-05-10', ['2024-05-10']); // on the first birthday: counts
  pcv(1406, '2024-01-25', ['2024-03-20', '2024-05-20']); // 23 months: due soon, priority 1
  pcv(1407, '2024-12-20', []); // 12 months: joins on 2026-12-31, the 12th month end
  pcv(1408, '2025-01-20', []); // 11 months: beyond the look-ahead
  pcv(1409, '2024-03-01', ['2025-03-05']); // booster given at 12 months: not listed
  const hibMenC = (id: number, birth: string, doses: string[]): void => patient(id, birth, { events: doses.map((d): [string, string] => [d, 'gpnet_hib_menc']) });
  hibMenC(1501, '2023-05-10', ['2024-05-20']); // given: not listed
  hibMenC(1502, '2023-05-10', []); // not given: overdue
  hibMenC(1503, '2023-05-10', ['2024-05-09']); // the day before the first birthday: overdue
  hibMenC(1504, '2024-02-10', []); // 22 months: due soon
  hibMenC(1505, '2024-02-10', ['2025-02-15']); // given: not listed

  return x.build();
}
