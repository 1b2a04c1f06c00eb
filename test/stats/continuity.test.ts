import { describe, expect, it } from 'vitest';
import { biceBoxermanCoc, herfindahl, mmci, patientContinuity, secon, summariseContinuity, upc } from '../../src/stats/continuity.js';
import { expectClose, referenceBlock, referenceCsv } from './helpers.js';

interface PatientRef {
  patient: string;
  list_gp: string;
  appointments: string;
  n: number;
  providers: number;
  upc: number;
  coc: number | null;
  secon_if_listed_order_is_chronological: number | null;
  hhi: number;
  mmci: number;
}
interface GroupRef {
  slicc: number;
  slicc_num: number;
  slicc_den: number;
  opr: number;
  opr_num: number;
  opr_den: number;
  mean_upc_n_ge_2: number;
  mean_coc_n_ge_2: number;
}
interface ContinuityRef {
  patients: PatientRef[];
  lists: Record<'A' | 'B', GroupRef>;
  whole_practice: { slicc: number; opr: number; mean_upc_n_ge_2: number; mean_coc_n_ge_2: number };
}

const ref = referenceBlock<ContinuityRef>('continuity_of_care');
const csv = referenceCsv('continuity-bjgp2023/worked_example_patients.csv');
const patients = csv.map((r) => ({ patient: r.patient!, listGp: r.list_gp!, clinicians: [...r.appointments_in_listed_order!] }));

// Reference values are printed to 12 decimals: 1e-9 relative (closed forms).
const REL = 1e-9;
const ABS = 1e-12;

describe('continuity indices per patient: stats-reference.json continuity_of_care (BJGP 2023 Table 2)', () => {
  it('reads the same 20 appointment sequences as the reference', () => {
    expect(patients.map((p) => p.clinicians.join(''))).toEqual(ref.patients.map((p) => p.appointments));
  });
  it.each(ref.patients)('$patient $appointments', (p) => {
    const c = [...p.appointments];
    const pc = patientContinuity({ patient: p.patient, listGp: p.list_gp, clinicians: c });
    expect(pc.contacts).toBe(p.n);
    expect(pc.clinicians).toBe(p.providers);
    expectClose(upc(c), p.upc, REL, ABS, 'UPC');
    expectClose(herfindahl(c), p.hhi, REL, ABS, 'HHI');
    expectClose(mmci(c), p.mmci, REL, ABS, 'MMCI');
    if (p.coc === null) expect(biceBoxermanCoc(c)).toBeNull();
    else expectClose(biceBoxermanCoc(c), p.coc, REL, ABS, 'COC');
    if (p.secon_if_listed_order_is_chronological === null) expect(secon(c)).toBeNull();
    else expectClose(secon(c), p.secon_if_listed_order_is_chronological, REL, ABS, 'SECON');
    // COC = (N·HHI − 1)/(N − 1)
    if (p.n >= 2) expectClose(pc.coc, (p.n * pc.hhi! - 1) / (p.n - 1), 1e-12, 1e-15, 'COC via HHI');
  });
  it('agrees with the published per-patient UPC and COC at the 2 dp printed (UPC 0.66 for ABB/ACC is truncated in the paper)', () => {
    for (const r of csv) {
      const c = [...r.appointments_in_listed_order!];
      if (r.published_upc) {
        const printed = Number(r.published_upc);
        const ours = upc(c)!;
        expect(Math.abs(ours - printed), `${r.patient} UPC`).toBeLessThan(r.published_upc === '0.66' ? 0.01 : 0.005 + 1e-12);
      }
      if (r.published_bice_boxerman_coc) expect(Math.abs(biceBoxermanCoc(c)! - Number(r.published_bice_boxerman_coc)), `${r.patient} COC`).toBeLessThan(0.005 + 1e-12);
    }
  });
});

describe('SLICC, OPR and list means: stats-reference.json continuity_of_care lists / whole_practice', () => {
  const s = summariseContinuity(patients, { minContacts: 2 });
  it.each(['A', 'B'] as const)('list %s', (gp) => {
    const e = ref.lists[gp];
    const g = s.lists.get(gp)!;
    expect([g.slicc.numerator, g.slicc.denominator]).toEqual([e.slicc_num, e.slicc_den]);
    expect([g.opr.numerator, g.opr.denominator]).toEqual([e.opr_num, e.opr_den]);
    expectClose(g.slicc.value, e.slicc, REL, 0, 'SLICC');
    expectClose(g.opr.value, e.opr, REL, 0, 'OPR');
    expectClose(g.meanUpc, e.mean_upc_n_ge_2, REL, 0, 'mean UPC');
    expectClose(g.meanCoc, e.mean_coc_n_ge_2, REL, 0, 'mean COC');
    expect(g.patientsInMeans).toBe(9);
  });
  it('whole practice: SLICC 39/82, OPR 39/66', () => {
    const p = s.practice;
    expect([p.slicc.numerator, p.slicc.denominator, p.opr.numerator, p.opr.denominator]).toEqual([39, 82, 39, 66]);
    expectClose(p.slicc.value, ref.whole_practice.slicc, REL, 0, 'SLICC');
    expectClose(p.opr.value, ref.whole_practice.opr, REL, 0, 'OPR');
    expectClose(p.meanUpc, ref.whole_practice.mean_upc_n_ge_2, REL, 0, 'mean UPC');
    expectClose(p.meanCoc, ref.whole_practice.mean_coc_n_ge_2, REL, 0, 'mean COC');
    expect(p.slicc.ci95!.lower).toBeLessThan(p.slicc.value!);
  });
  it('matches the published percentages to 1 dp (except OPR for Dr A, misprinted 63.9% for 22/35 = 62.9%)', () => {
    const published = referenceCsv('continuity-bjgp2023/worked_example_published_summary.csv');
    const groups = [s.lists.get('A')!, s.lists.get('B')!, s.practice];
    published.forEach((row, i) => {
      const g = groups[i]!;
      expect((g.slicc.value! * 100).toFixed(1)).toBe(Number(row.slicc_pct).toFixed(1));
      expect(g.meanUpc!.toFixed(2)).toBe(Number(row.mean_upc).toFixed(2));
      expect(g.meanCoc!.toFixed(2)).toBe(Number(row.mean_coc).toFixed(2));
      if (i !== 0) expect((g.opr.value! * 100).toFixed(1)).toBe(Number(row.opr_pct).toFixed(1));
    });
    expect((s.lists.get('A')!.opr.value! * 100).toFixed(1)).toBe('62.9');
  });
});

describe('continuity edge cases', () => {
  it('a patient with no contacts or one contact gets null indices, not NaN', () => {
    expect(patientContinuity({ patient: 'x', listGp: 'A', clinicians: [] })).toMatchObject({ upc: null, coc: null, secon: null, hhi: null, ownGpShare: null });
    expect(patientContinuity({ patient: 'y', listGp: null, clinicians: ['A'] })).toMatchObject({ upc: 1, coc: null, secon: null, ownGpShare: null });
  });
  it('a practice with no named GPs has empty SLICC and OPR, not NaN', () => {
    const s = summariseContinuity([{ patient: 'z', listGp: null, clinicians: ['A', 'B'] }]);
    expect(s.lists.size).toBe(0);
    expect(s.practice.slicc).toEqual({ numerator: 0, denominator: 0, value: null, ci95: null });
    expect(s.practice.meanUpc).toBeNull();
  });
  it('rejects an empty clinician id and a minimum below 2', () => {
    expect(() => upc(['A', ''])).toThrow(/clinicians\[1\]/);
    expect(() => summariseContinuity([], { minContacts: 1 })).toThrow(/minContacts/);
  });
});
