import type { Admission } from '../../model/clinical.js';
import type { AdmissionSpec } from '../definition.js';
import type { PatientAtDate } from './criteria.js';
import { inWindow } from './windows.js';

/** The ICD-10 code without dots, e.g. 'J44.1' → 'J441'. */
export function undotted(icd10: string): string {
  return icd10.replaceAll('.', '');
}

/** The admission's method matches (`any` matches both) and its ICD-10 code starts with one of the prefixes (dots ignored). */
export function admissionMatches(a: Admission, method: AdmissionSpec['method'], prefixes: readonly string[]): boolean {
  if (method !== 'any' && a.method !== method) return false;
  const code = undotted(a.icd10);
  return prefixes.some((p) => code.startsWith(undotted(p)));
}

/**
 * The dates (admitted or discharged, as the spec says) of the patient's admissions that match
 * `spec` and fall in its window at R (so on or before R). An admission without a discharge
 * date has no date when dated by discharge, and never counts.
 */
export function admissionDates(spec: AdmissionSpec, at: PatientAtDate): string[] {
  const out: string[] = [];
  for (const a of at.record.admissions) {
    const date = spec.date === 'admitted' ? a.admitted : a.discharged;
    if (date === null || !admissionMatches(a, spec.method, spec.icd10_prefixes)) continue;
    if (inWindow(spec.window, date, at.R, at.record.patient.birth_date)) out.push(date);
  }
  return out;
}
