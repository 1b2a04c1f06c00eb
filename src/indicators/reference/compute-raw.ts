import type { Codelist } from '../../codelists/load.js';
import type { ClinicalData } from '../../model/clinical.js';
import type { LoadedIndicator } from '../load.js';
import type { RawResult } from '../results.js';
import { isMonthEnd } from './dates.js';
import { deathCountedAt } from './deaths.js';
import { evaluatePatient } from './evaluate-patient.js';
import { codeSetsOf, indexClinicalData, type PatientRecord } from './patient-record.js';

/** Orders raw results by indicator, period and practice (plain code-unit order, locale-free). */
export function compareRaw(a: RawResult, b: RawResult): number {
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.indicator_id, b.indicator_id) || cmp(a.period_end, b.period_end) || cmp(a.practice, b.practice);
}

/**
 * The reference engine: evaluates every definition for every patient at every reference date,
 * one patient at a time, and sums the results per practice. One row per (indicator, practice,
 * period) for every practice with at least one registered, living patient at the period end.
 * Slow and obvious on purpose: this is the definition of correct that the SQL engines must match.
 */
export function computeRawReference(
  data: ClinicalData,
  indicators: readonly LoadedIndicator[],
  periods: readonly string[],
  codelists: ReadonlyMap<string, Codelist>,
): RawResult[] {
  for (const R of periods) {
    if (!isMonthEnd(R)) throw new Error(`reference dates must be month ends (YYYY-MM-DD); got ${JSON.stringify(R)}`);
  }
  const records: PatientRecord[] = [...indexClinicalData(data).values()].sort((a, b) => a.patient.id - b.patient.id);
  const codes = codeSetsOf(codelists);
  const out: RawResult[] = [];
  for (const { definition: def } of indicators) {
    for (const R of [...new Set(periods)]) {
      const rows = new Map<string, RawResult>();
      for (const record of records) {
        const e = evaluatePatient(def, record, R, codes);
        if (e.practice === null) continue;
        let row = rows.get(e.practice);
        if (!row) {
          row = { indicator_id: def.id, practice: e.practice, period_end: R, numerator: 0, denominator: 0, sum_sq: 0 };
          rows.set(e.practice, row);
        }
        if (e.inDenominator) row.denominator += 1;
        if (def.kind === 'mean') {
          if (e.value !== null) {
            row.numerator += e.value;
            row.sum_sq += e.value * e.value;
          }
        } else if (def.kind === 'rate_per_1000') row.numerator += e.items;
        else if (e.inNumerator) row.numerator += 1;
      }
      if (def.kind === 'deaths_per_100000' && def.deaths) {
        // Each death counts at the practice of registration on the day of death (if that
        // practice has a row at R: a registered, living patient).
        for (const record of records) {
          const practice = deathCountedAt(def.deaths, record, R);
          const row = practice === null ? undefined : rows.get(practice);
          if (row) row.numerator += 1;
        }
      }
      out.push(...rows.values());
    }
  }
  return out.sort(compareRaw);
}
