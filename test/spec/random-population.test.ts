import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import type { LoadedIndicator } from '../../src/indicators/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import type { RawResult } from '../../src/indicators/results.js';
import { computeRawReference, indexClinicalData, monthEndsBetween, registrationAt, aliveAt } from '../../src/indicators/reference/index.js';
import { caseFiles, loadCase } from './case-file.js';
import { randomPopulation, registrationProblems } from './random-population.js';

/**
 * The generated population on the reference engine alone: it is well formed, reproducible, and
 * gives every indicator something to count. (random-compare-duckdb.test.ts compares engines.)
 */
const codelists = loadCodelists();
const projectIndicators = loadIndicators(codelists);
const specIndicators: LoadedIndicator[] = caseFiles().map((f) => loadCase(f, codelists).indicator);
const periods = monthEndsBetween('2023-01-31', '2024-12-31');

describe('random population', () => {
  it('has project indicators to run (indicators/ must not be empty)', () => {
    expect(projectIndicators.length, 'indicators/ holds no definitions, so the engines cannot be compared on them').toBeGreaterThan(0);
  });

  const all = [...projectIndicators, ...specIndicators];
  const data = randomPopulation(
    all.map((i) => i.definition),
    codelists,
    { seed: 20240331 },
  );

  it('is reproducible from its seed, and differs between seeds', () => {
    const defs = all.map((i) => i.definition);
    expect(randomPopulation(defs, codelists, { seed: 20240331 })).toEqual(data);
    expect(randomPopulation(defs, codelists, { seed: 7 }).events).not.toEqual(data.events);
  });

  it('is well formed: about 300 patients, registrations never overlap', () => {
    expect(data.patients.length).toBe(300);
    expect(registrationProblems(data)).toEqual([]);
    expect(data.events.length).toBeGreaterThan(1000);
    expect(data.admissions.length).toBeGreaterThan(100);
    expect(data.medications.length).toBeGreaterThan(100);
  });

  let computed: RawResult[] | undefined;
  const reference = (): RawResult[] => (computed ??= computeRawReference(data, all, periods, codelists));

  it('gives one row per practice with registered living patients, for every indicator and period', () => {
    const raw = reference();
    const records = [...indexClinicalData(data).values()];
    for (const R of periods) {
      const listSize = new Map<string, number>();
      for (const rec of records) {
        const reg = registrationAt(rec, R);
        if (reg && aliveAt(rec.patient, R)) listSize.set(reg.practice, (listSize.get(reg.practice) ?? 0) + 1);
      }
      for (const ind of all) {
        const rows = raw.filter((r) => r.indicator_id === ind.definition.id && r.period_end === R);
        expect(rows.map((r) => r.practice).sort()).toEqual([...listSize.keys()].sort());
        for (const r of rows) {
          const n = listSize.get(r.practice) ?? 0;
          if (ind.definition.kind === 'count') expect(r.denominator).toBe(n);
          else expect(r.denominator).toBeLessThanOrEqual(n);
          if (ind.definition.kind === 'proportion' || ind.definition.kind === 'count') expect(r.numerator).toBeLessThanOrEqual(r.denominator);
        }
      }
    }
  });

  it('exercises every indicator: each has a non-empty denominator and a non-zero numerator somewhere', () => {
    const raw = reference();
    const idle = all
      .map((i) => i.definition.id)
      .filter((id) => {
        const rows = raw.filter((r) => r.indicator_id === id);
        return !rows.some((r) => r.denominator > 0) || !rows.some((r) => r.numerator > 0);
      });
    expect(idle).toEqual([]);
  });
});
