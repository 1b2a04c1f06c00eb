import type { Engine } from '../../src/store/engine.js';

/** The tables insertClinicalData writes: emptied between spec cases sharing one database. */
const CLINICAL_TABLES = ['organisation', 'patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission'] as const;

export async function clearClinicalData(engine: Engine): Promise<void> {
  await engine.transaction(async (tx) => {
    for (const t of CLINICAL_TABLES) await tx.run(`DELETE FROM ${t}`);
  });
}

/**
 * Tolerance for sums of measured values (numerator of a mean, sum_sq) between the two engines:
 * they add doubles in different orders, so the last bits may differ; counts must match exactly.
 */
export const SUM_TOLERANCE = 1e-12;
