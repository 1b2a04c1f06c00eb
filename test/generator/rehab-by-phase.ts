import { programmeStart } from '../../src/sources/synthetic/programmes.js';

/**
 * Cardiac rehabilitation attendance after every MI admission (from CARE_START) of a patient still
 * registered 90 days later, split by the CVD programme start of the patient's network: 'before' the
 * start, or 'after' (a year or more after it, once the change has ramped up). Columns: phase, n, rehab.
 */
export function rehabByPhaseSql(): string {
  const starts = Array.from({ length: 8 }, (_, n) => `('SYNN${n + 1}', DATE '${programmeStart('cvd', n)}')`).join(', ');
  return `
    WITH mi AS (SELECT patient_id, admitted AS d FROM admission WHERE icd10 LIKE 'I21%'),
    reg AS (SELECT mi.*, s.start FROM mi
            JOIN registration r ON r.patient_id = mi.patient_id AND r.start_date <= mi.d AND (r.end_date IS NULL OR r.end_date > mi.d + 90)
            JOIN organisation o ON o.code = r.practice JOIN (VALUES ${starts}) s(net, start) ON s.net = o.parent)
    SELECT CASE WHEN d < start THEN 'before' ELSE 'after' END AS phase, count(*) AS n,
           avg((EXISTS (SELECT 1 FROM clinical_event c WHERE c.patient_id = reg.patient_id AND c.code = 'GPNET-CRATT-001'
                        AND c.date > reg.d AND c.date <= reg.d + 120))::INTEGER) AS rehab
    FROM reg WHERE d < start OR d >= start + 365 GROUP BY 1 ORDER BY 1`;
}
