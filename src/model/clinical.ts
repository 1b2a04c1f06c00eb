/**
 * Plain records of the pseudonymised clinical store (see docs/ARCHITECTURE.md, "Data model").
 * Dates are ISO strings 'YYYY-MM-DD'. These are the shapes importers and the reference
 * engine work with; the store's tables have the same columns.
 */
import type { Organisation } from './organisation.js';

export type Sex = 'F' | 'M' | 'U';

export interface Patient {
  id: number;
  nhs_number: string | null;
  birth_date: string;
  sex: Sex;
  death_date: string | null;
  imd_decile: number | null;
}

/** end_date is exclusive: the first day the patient is no longer registered. */
export interface Registration {
  patient_id: number;
  practice: string;
  start_date: string;
  end_date: string | null;
}

export interface ClinicalEvent {
  patient_id: number;
  practice: string;
  date: string;
  code: string;
  value: number | null;
  unit: string | null;
}

export interface MedicationIssue {
  patient_id: number;
  practice: string;
  date: string;
  dmd_code: string;
}

export type ConsultationMode = 'face_to_face' | 'telephone' | 'video' | 'home_visit' | 'online';

export interface Consultation {
  patient_id: number;
  practice: string;
  date: string;
  clinician: string;
  mode: ConsultationMode;
}

export interface Admission {
  patient_id: number;
  admitted: string;
  discharged: string | null;
  method: 'emergency' | 'elective';
  icd10: string;
}

/** A whole (small) extract in memory: what the reference engine evaluates and fixtures build. */
export interface ClinicalData {
  organisations: Organisation[];
  patients: Patient[];
  registrations: Registration[];
  events: ClinicalEvent[];
  medications: MedicationIssue[];
  consultations: Consultation[];
  admissions: Admission[];
}
