/**
 * Random small extracts that stress the edges of the semantics: dates on the 28th–31st and on
 * month ends, transfers between practices (end date = next start), gaps, deaths on month ends,
 * ties on a date, missing values.
 */
import type { ClinicalData, Sex } from '../../src/model/clinical.js';
import { addDays } from './naive.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

/** mulberry32 (src/util/seeded-random.ts): a small, fast, seeded generator of numbers in [0, 1). */
export const prng = mulberry32;

export interface RandomOptions {
  patients: number;
  practices: string[];
  /** Codes that events may carry (some in codelists, some noise). */
  eventCodes: string[];
  medicationCodes: string[];
  fromYear: number;
  toYear: number;
}

export function randomExtract(seed: number, o: RandomOptions): ClinicalData {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const date = (y0: number, y1: number): string => {
    const y = int(y0, y1);
    const m = int(1, 12);
    const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const d = Math.min(dim, pick([1, 1, 2, 15, 27, 28, 28, 29, 29, 30, 30, 31, 31, 31, int(1, 31)]));
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const data: ClinicalData = {
    organisations: [{ code: 'NET', name: 'Network', kind: 'network', parent: null }, ...o.practices.map((code) => ({ code, name: code, kind: 'practice' as const, parent: 'NET' }))],
    patients: [],
    registrations: [],
    events: [],
    medications: [],
    consultations: [],
    admissions: [],
  };
  for (let id = 1; id <= o.patients; id++) {
    const young = rnd() < 0.3;
    const birth = young ? date(o.fromYear - 3, o.toYear) : date(1925, o.fromYear - 10);
    const death = rnd() < 0.15 ? date(o.fromYear, o.toYear + 1) : null;
    data.patients.push({ id, nhs_number: null, birth_date: birth, sex: pick<Sex>(['F', 'M', 'M', 'F', 'U']), death_date: death, imd_decile: null });
    // Consecutive registrations: the next starts on the previous end (a transfer) or after a gap.
    let start = rnd() < 0.5 && birth > `${o.fromYear - 3}` ? birth : date(o.fromYear - 4, o.toYear);
    if (start < birth) start = birth;
    const spells = int(1, 3);
    for (let s = 0; s < spells; s++) {
      const last = s === spells - 1;
      const end = last && rnd() < 0.6 ? null : addDays(start, int(1, 900));
      data.registrations.push({ patient_id: id, practice: pick(o.practices), start_date: start, end_date: end });
      if (!end) break;
      start = rnd() < 0.6 ? end : addDays(end, int(1, 200));
    }
    const nEvents = int(0, 30);
    for (let e = 0; e < nEvents; e++) {
      const d = rnd() < 0.1 && data.events.length ? (data.events[data.events.length - 1]?.date as string) : date(o.fromYear - 3, o.toYear + 1);
      const value = rnd() < 0.2 ? null : int(30, 80) + (rnd() < 0.2 ? 0.5 : 0);
      data.events.push({ patient_id: id, practice: pick(o.practices), date: d, code: pick(o.eventCodes), value, unit: null });
    }
    const nMeds = int(0, 8);
    for (let m = 0; m < nMeds; m++) data.medications.push({ patient_id: id, practice: pick(o.practices), date: date(o.fromYear - 1, o.toYear), dmd_code: pick(o.medicationCodes) });
    const nAdm = int(0, 3);
    for (let a = 0; a < nAdm; a++) {
      const admitted = date(o.fromYear - 1, o.toYear);
      data.admissions.push({
        patient_id: id,
        admitted,
        discharged: rnd() < 0.8 ? addDays(admitted, int(0, 20)) : null,
        method: pick(['emergency', 'elective'] as const),
        icd10: pick(['E11.9', 'E10', 'J44.1', 'J440', 'I21.4', 'J45']),
      });
    }
  }
  return data;
}
