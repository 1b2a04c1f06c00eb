import type { Codelist } from '../../codelists/load.js';
import type { Admission, ClinicalData, ClinicalEvent, MedicationIssue, Patient, Registration } from '../../model/clinical.js';

/** Everything recorded about one patient, whichever practice recorded it. */
export interface PatientRecord {
  patient: Patient;
  registrations: Registration[];
  events: ClinicalEvent[];
  medications: MedicationIssue[];
  admissions: Admission[];
}

/** Groups an extract by patient (records of unknown patients are an error, not dropped). */
export function indexClinicalData(data: ClinicalData): Map<number, PatientRecord> {
  const records = new Map<number, PatientRecord>();
  for (const patient of data.patients) {
    if (records.has(patient.id)) throw new Error(`patient ${patient.id} appears twice`);
    records.set(patient.id, { patient, registrations: [], events: [], medications: [], admissions: [] });
  }
  const recordOf = (patientId: number, what: string): PatientRecord => {
    const r = records.get(patientId);
    if (!r) throw new Error(`${what} refers to unknown patient ${patientId}`);
    return r;
  };
  for (const reg of data.registrations) recordOf(reg.patient_id, 'a registration').registrations.push(reg);
  for (const e of data.events) recordOf(e.patient_id, 'a clinical event').events.push(e);
  for (const m of data.medications) recordOf(m.patient_id, 'a medication issue').medications.push(m);
  for (const a of data.admissions) recordOf(a.patient_id, 'an admission').admissions.push(a);
  return records;
}

/** Codelist slug → its set of codes. */
export type CodeSets = ReadonlyMap<string, ReadonlySet<string>>;

export function codeSetsOf(codelists: ReadonlyMap<string, Codelist>): CodeSets {
  const out = new Map<string, ReadonlySet<string>>();
  for (const [slug, list] of codelists) out.set(slug, new Set(list.codes.map((c) => c.code)));
  return out;
}

/** The registration in force at R (start ≤ R < end), or null. Overlapping registrations are an error. */
export function registrationAt(record: PatientRecord, R: string): Registration | null {
  const current = record.registrations.filter((r) => r.start_date <= R && (r.end_date === null || r.end_date > R));
  if (current.length > 1) {
    throw new Error(`patient ${record.patient.id} has ${current.length} overlapping registrations at ${R} (${current.map((r) => r.practice).join(', ')})`);
  }
  return current[0] ?? null;
}

export function aliveAt(patient: Patient, R: string): boolean {
  return patient.death_date === null || patient.death_date > R;
}
