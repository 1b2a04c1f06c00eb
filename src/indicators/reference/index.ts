/** The reference engine: the indicator semantics of docs/INDICATORS.md, patient by patient. */
export { computeRawReference, compareRaw } from './compute-raw.js';
export { evaluatePatient, type PatientEvaluation } from './evaluate-patient.js';
export { indexClinicalData, codeSetsOf, registrationAt, aliveAt, type PatientRecord, type CodeSets } from './patient-record.js';
export { addDays, addMonths, completedMonths, completedYears, monthEndsBetween } from './dates.js';
