import type { ClinicalData } from '../model/clinical.js';
import type { Codelist } from '../codelists/load.js';
import type { Engine } from './engine.js';

/** Writes a small in-memory extract into the store (fixtures, spec cases, tests). */
export async function insertClinicalData(engine: Engine, data: ClinicalData, batchId: number | null = null): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.insertRows('organisation', ['code', 'name', 'kind', 'parent', 'synthetic'], data.organisations.map((o) => [o.code, o.name, o.kind, o.parent, true]));
    await tx.insertRows(
      'patient',
      ['id', 'nhs_number', 'birth_date', 'sex', 'death_date', 'imd_decile', 'batch_id'],
      data.patients.map((p) => [p.id, p.nhs_number, p.birth_date, p.sex, p.death_date, p.imd_decile, batchId]),
    );
    await tx.insertRows(
      'registration',
      ['patient_id', 'practice', 'start_date', 'end_date', 'batch_id'],
      data.registrations.map((r) => [r.patient_id, r.practice, r.start_date, r.end_date, batchId]),
    );
    await tx.insertRows(
      'clinical_event',
      ['patient_id', 'practice', 'date', 'code', 'value', 'unit', 'batch_id'],
      data.events.map((e) => [e.patient_id, e.practice, e.date, e.code, e.value, e.unit, batchId]),
    );
    await tx.insertRows(
      'medication_issue',
      ['patient_id', 'practice', 'date', 'dmd_code', 'batch_id'],
      data.medications.map((m) => [m.patient_id, m.practice, m.date, m.dmd_code, batchId]),
    );
    await tx.insertRows(
      'consultation',
      ['patient_id', 'practice', 'date', 'clinician', 'mode', 'batch_id'],
      data.consultations.map((c) => [c.patient_id, c.practice, c.date, c.clinician, c.mode, batchId]),
    );
    await tx.insertRows(
      'admission',
      ['patient_id', 'admitted', 'discharged', 'method', 'icd10', 'batch_id'],
      data.admissions.map((a) => [a.patient_id, a.admitted, a.discharged, a.method, a.icd10, batchId]),
    );
  });
}

/** Replaces the store's copy of the codelists (the SQL engines join against codelist_code). */
export async function storeCodelists(engine: Engine, lists: Iterable<Codelist>): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.run('DELETE FROM codelist_code');
    for (const l of lists) {
      await tx.insertRows('codelist_code', ['slug', 'version', 'system', 'code', 'term'], l.codes.map((c) => [l.slug, l.version, l.system, c.code, c.term]));
    }
  });
}
