import type { Registration } from '../../model/clinical.js';
import type { CountedDeaths } from '../definition.js';
import { admissionMatches } from './admissions.js';
import { addDays, completedYears } from './dates.js';
import type { PatientRecord } from './patient-record.js';
import { inWindow } from './windows.js';

/**
 * The registration a death is counted at: the one in force on the day of death (start ≤ death <
 * end), or else the one that ended on that day (registrations end at death: end_date, which is
 * exclusive, is then the death date). Null when the patient was registered nowhere that day.
 */
export function registrationAtDeath(record: PatientRecord, death: string): Registration | null {
  const regs = record.registrations;
  return (
    regs.find((r) => r.start_date <= death && (r.end_date === null || r.end_date > death)) ??
    regs.find((r) => r.start_date <= death && r.end_date === death) ??
    null
  );
}

/**
 * For kind deaths_per_100000: the practice whose numerator this patient's death counts in at R,
 * or null when the death does not count at R (docs/INDICATORS.md, "Deaths").
 */
export function deathCountedAt(spec: CountedDeaths, record: PatientRecord, R: string): string | null {
  const { death_date: death, birth_date: birth } = record.patient;
  if (death === null || !inWindow(spec.window, death, R, birth)) return null;
  if (spec.age_at_death) {
    const age = completedYears(birth, death);
    if ((spec.age_at_death.min !== undefined && age < spec.age_at_death.min) || (spec.age_at_death.max !== undefined && age > spec.age_at_death.max)) return null;
  }
  const after = spec.after_admission;
  if (after) {
    const followed = record.admissions.some(
      (a) => admissionMatches(a, after.method, after.icd10_prefixes) && a.admitted <= death && death <= addDays(a.admitted, after.within_days),
    );
    if (!followed) return null;
  }
  return registrationAtDeath(record, death)?.practice ?? null;
}
