import type { Sex } from '../../model/clinical.js';
import type { PatientRecord } from '../../indicators/reference/patient-record.js';
import type { Engine } from '../../store/engine.js';

/**
 * The records of every patient registered (and alive) at `practice` on date R, as the reference
 * engine reads them, cut at R: events and issues after R, and those whose code is in none of
 * `slugs`' codelists (codelist_code), are left out, and a registration end,
 * death or hospital discharge after R is not yet known. Looking ahead from such a record asks "if nothing else
 * is recorded".
 */
export async function practiceRecordsAt(engine: Engine, practice: string, R: string, slugs: readonly string[]): Promise<Map<number, PatientRecord>> {
  // Only rows whose code is in a codelist the caller reads (codelist_code), as the compiler does.
  const inLists = slugs.length ? `SELECT code FROM codelist_code WHERE slug IN (${slugs.map((_, i) => `$${i + 3}`).join(', ')})` : `SELECT NULL AS code WHERE FALSE`;
  const who = `SELECT patient_id FROM registration WHERE practice = $1 AND start_date <= CAST($2 AS DATE) AND (end_date IS NULL OR end_date > CAST($2 AS DATE))`;
  const patients = await engine.all<{ id: number; nhs_number: string | null; birth_date: string; sex: Sex; death_date: string | null; imd_decile: number | null }>(
    `SELECT id, nhs_number, birth_date, sex, death_date, imd_decile FROM patient
     WHERE id IN (${who}) AND (death_date IS NULL OR death_date > CAST($2 AS DATE)) ORDER BY id`,
    [practice, R],
  );
  const records = new Map<number, PatientRecord>();
  for (const p of patients) {
    const id = Number(p.id);
    records.set(id, { patient: { ...p, id, death_date: null }, registrations: [], events: [], medications: [], admissions: [] });
  }
  const regs = await engine.all<{ patient_id: number; practice: string; start_date: string; end_date: string | null }>(
    `SELECT patient_id, practice, start_date, end_date FROM registration WHERE patient_id IN (${who}) AND start_date <= CAST($2 AS DATE)`,
    [practice, R],
  );
  for (const r of regs) {
    const rec = records.get(Number(r.patient_id));
    if (!rec) continue;
    rec.registrations.push({ patient_id: rec.patient.id, practice: r.practice, start_date: r.start_date, end_date: r.end_date !== null && r.end_date > R ? null : r.end_date });
  }
  const events = await engine.all<{ patient_id: number; practice: string; date: string; code: string; value: number | null; unit: string | null }>(
    `SELECT patient_id, practice, date, code, value, unit FROM clinical_event WHERE patient_id IN (${who}) AND date <= CAST($2 AS DATE) AND code IN (${inLists})`,
    [practice, R, ...slugs],
  );
  for (const e of events) records.get(Number(e.patient_id))?.events.push({ ...e, patient_id: Number(e.patient_id) });
  const meds = await engine.all<{ patient_id: number; practice: string; date: string; dmd_code: string }>(
    `SELECT patient_id, practice, date, dmd_code FROM medication_issue WHERE patient_id IN (${who}) AND date <= CAST($2 AS DATE) AND dmd_code IN (${inLists})`,
    [practice, R, ...slugs],
  );
  for (const m of meds) records.get(Number(m.patient_id))?.medications.push({ ...m, patient_id: Number(m.patient_id) });
  // Admissions up to R; a discharge after R is not yet known.
  const admissions = await engine.all<{ patient_id: number; admitted: string; discharged: string | null; method: 'emergency' | 'elective'; icd10: string }>(
    `SELECT patient_id, admitted, discharged, method, icd10 FROM admission WHERE patient_id IN (${who}) AND admitted <= CAST($2 AS DATE)`,
    [practice, R],
  );
  for (const a of admissions) {
    records.get(Number(a.patient_id))?.admissions.push({ ...a, patient_id: Number(a.patient_id), discharged: a.discharged !== null && a.discharged > R ? null : a.discharged });
  }
  return records;
}
