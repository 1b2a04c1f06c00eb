import type { Admission } from '../../model/clinical.js';
import type { CountedItems, IndicatorDefinition, MeasuredValue } from '../definition.js';
import { eventsFrom, latestValue, meets, type PatientAtDate } from './criteria.js';
import { aliveAt, registrationAt, type CodeSets, type PatientRecord } from './patient-record.js';
import { admissionMatches } from './admissions.js';
import { inWindow } from './windows.js';


/** Where one patient stands for one indicator at one reference date R. */
export interface PatientEvaluation {
  patient_id: number;
  period_end: string;
  /** The practice the patient is registered with at R, if registered and alive; otherwise null. */
  practice: string | null;
  /** Registered and alive at R and meets the population criterion. */
  inPopulation: boolean;
  /**
   * proportion: in the population and meets the numerator. count: in the population and meets
   * the numerator (or in the population when there is no numerator). mean/rate: false.
   */
  inNumerator: boolean;
  /** proportion only: in the population, meets an exclusion and not the numerator. */
  excluded: boolean;
  /**
   * Counts towards the denominator. proportion: population − excluded; mean: population
   * members with a value; rate_per_1000: the population; count: every registered living
   * patient (the list size).
   */
  inDenominator: boolean;
  /** mean: the measured value after its transform (null when none); otherwise null. */
  value: number | null;
  /** rate_per_1000: the number of items counted for this patient; otherwise 0. */
  items: number;
}

/** ifcc_to_dcct: HbA1c mmol/mol → % (DCCT = IFCC / 10.929 + 2.15). */
export function applyTransform(value: number, transform: MeasuredValue['transform']): number {
  if (transform === 'ifcc_to_dcct') return value / 10.929 + 2.15;
  return value;
}

function admissionCounts(a: Admission, spec: Extract<CountedItems, { admissions: unknown }>['admissions'], at: PatientAtDate): boolean {
  if (!inWindow(spec.window, a.admitted, at.R, at.record.patient.birth_date)) return false;
  return admissionMatches(a, spec.method, spec.icd10_prefixes);
}

/** How many items (admissions or events) of `count` this patient has at R. */
export function countItems(count: CountedItems, at: PatientAtDate): number {
  if ('admissions' in count) return at.record.admissions.filter((a) => admissionCounts(a, count.admissions, at)).length;
  const birth = at.record.patient.birth_date;
  return eventsFrom(at, count.events.codelist).filter((e) => inWindow(count.events.window, e.date, at.R, birth)).length;
}

/** Evaluates one definition for one patient at reference date R (docs/INDICATORS.md). */
export function evaluatePatient(def: IndicatorDefinition, record: PatientRecord, R: string, codes: CodeSets): PatientEvaluation {
  const out: PatientEvaluation = {
    patient_id: record.patient.id,
    period_end: R,
    practice: null,
    inPopulation: false,
    inNumerator: false,
    excluded: false,
    inDenominator: false,
    value: null,
    items: 0,
  };
  const registration = registrationAt(record, R);
  if (registration === null || !aliveAt(record.patient, R)) return out;
  out.practice = registration.practice;
  const at: PatientAtDate = { record, R, codes };
  out.inPopulation = meets(def.population, at);

  switch (def.kind) {
    case 'proportion': {
      if (!out.inPopulation) break;
      if (!def.numerator) throw new Error(`indicator ${def.id}: a proportion needs a numerator`);
      out.inNumerator = meets(def.numerator, at);
      out.excluded = !out.inNumerator && def.exclusions.some((x) => meets(x, at));
      out.inDenominator = !out.excluded;
      break;
    }
    case 'mean': {
      if (!out.inPopulation) break;
      if (!def.value) throw new Error(`indicator ${def.id}: a mean needs a value`);
      const v = latestValue(at, def.value.codelist, def.value.window);
      out.value = v === null ? null : applyTransform(v, def.value.transform);
      out.inDenominator = out.value !== null;
      break;
    }
    case 'count': {
      out.inDenominator = true; // the practice's registered list size
      out.inNumerator = out.inPopulation && (def.numerator === undefined || meets(def.numerator, at));
      break;
    }
    case 'deaths_per_100000': {
      // The deaths themselves are counted per practice (deaths.ts): the dead are not at R.
      out.inDenominator = out.inPopulation;
      break;
    }
    case 'rate_per_1000': {
      if (!out.inPopulation) break;
      if (!def.count) throw new Error(`indicator ${def.id}: a rate needs count`);
      out.inDenominator = true;
      out.items = countItems(def.count, at);
      break;
    }
  }
  return out;
}
