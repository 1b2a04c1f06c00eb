/**
 * Continuity-of-care indices (statistics.md §4). For one patient in one period, with n_j contacts
 * with clinician j, N = Σn_j, k distinct clinicians and v_i the clinician at visit i in date order:
 *   UPC   (Breslau & Reeb)     max_j n_j / N
 *   COC   (Bice & Boxerman)    (Σn_j² − N) / (N(N − 1)), needs N ≥ 2
 *   SECON (Steinwachs)         Σ_{i<N} 1[v_i = v_{i+1}] / (N − 1), needs N ≥ 2 (order matters)
 *   HHI   (Herfindahl)         Σ(n_j/N)²
 *   MMCI  (Magill & Senf)      (1 − k/(N + 0.1)) / (1 − 1/(N + 0.1))
 * and, for a group of patients (a GP's list or the whole practice):
 *   SLICC (St Leonard's Index) appointments of the group's patients with their own named GP
 *                              / all their GP appointments (no per-patient score, no minimum N);
 *   OPR   (own patient ratio)  a list GP's appointments with own-list patients / all that GP's appointments.
 * Indices that need more contacts than a patient has are null, never NaN.
 * Checked against the worked example in BJGP 2023;73(731):279–282, Table 2.
 */
import { StatsInputError } from './errors.js';
import { type Interval, Z95, wilson } from './proportion.js';

function counts(clinicians: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  clinicians.forEach((c, i) => {
    if (typeof c !== 'string' || c === '') throw new StatsInputError('continuity', `clinicians[${i}]`, 'must be a non-empty clinician identifier');
    m.set(c, (m.get(c) ?? 0) + 1);
  });
  return m;
}

/** Usual Provider of Care; null with no contacts. */
export function upc(clinicians: readonly string[]): number | null {
  const n = clinicians.length;
  if (n === 0) return null;
  return Math.max(...counts(clinicians).values()) / n;
}

/** Bice–Boxerman Continuity of Care index; null below 2 contacts. */
export function biceBoxermanCoc(clinicians: readonly string[]): number | null {
  const n = clinicians.length;
  if (n < 2) return null;
  let sumSq = 0;
  for (const c of counts(clinicians).values()) sumSq += c * c;
  return (sumSq - n) / (n * (n - 1));
}

/** Sequential continuity; null below 2 contacts. The clinicians must be in date order. */
export function secon(clinicians: readonly string[]): number | null {
  const n = clinicians.length;
  counts(clinicians);
  if (n < 2) return null;
  let same = 0;
  for (let i = 1; i < n; i++) if (clinicians[i] === clinicians[i - 1]) same++;
  return same / (n - 1);
}

/** Herfindahl–Hirschman concentration; null with no contacts. */
export function herfindahl(clinicians: readonly string[]): number | null {
  const n = clinicians.length;
  if (n === 0) return null;
  let s = 0;
  for (const c of counts(clinicians).values()) s += (c / n) ** 2;
  return s;
}

/** Modified Modified Continuity Index; null with no contacts. */
export function mmci(clinicians: readonly string[]): number | null {
  const n = clinicians.length;
  if (n === 0) return null;
  const k = counts(clinicians).size;
  return (1 - k / (n + 0.1)) / (1 - 1 / (n + 0.1));
}

export interface PatientContacts {
  patient: string;
  /** The patient's named / list GP; null when none is recorded. */
  listGp: string | null;
  /** Clinician of each GP contact in the period, in date order. */
  clinicians: readonly string[];
}

export interface PatientContinuity {
  patient: string;
  listGp: string | null;
  contacts: number;
  clinicians: number;
  upc: number | null;
  coc: number | null;
  secon: number | null;
  hhi: number | null;
  mmci: number | null;
  /** Share of the patient's contacts that were with the named GP (null without a named GP or contacts). */
  ownGpShare: number | null;
}

export function patientContinuity(p: PatientContacts): PatientContinuity {
  const n = p.clinicians.length;
  const own = p.listGp === null ? 0 : p.clinicians.filter((c) => c === p.listGp).length;
  return {
    patient: p.patient,
    listGp: p.listGp,
    contacts: n,
    clinicians: counts(p.clinicians).size,
    upc: upc(p.clinicians),
    coc: biceBoxermanCoc(p.clinicians),
    secon: secon(p.clinicians),
    hhi: herfindahl(p.clinicians),
    mmci: mmci(p.clinicians),
    ownGpShare: p.listGp !== null && n > 0 ? own / n : null,
  };
}

export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator/denominator; null when the denominator is 0. */
  value: number | null;
  ci95: Interval | null;
}

function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, value: denominator > 0 ? numerator / denominator : null, ci95: wilson(numerator, denominator, Z95) };
}

export interface GroupContinuity {
  /** St Leonard's Index of Continuity of Care (as a proportion; ×100 for the published %). */
  slicc: Ratio;
  /** Own patient ratio of the list GP(s). */
  opr: Ratio;
  /** Mean UPC / COC over patients with at least minContacts contacts (null when there are none). */
  meanUpc: number | null;
  meanCoc: number | null;
  patientsInMeans: number;
  patients: number;
}

export interface ContinuitySummary {
  /** One entry per list GP. */
  lists: Map<string, GroupContinuity>;
  /** Patients with a named GP, together. */
  practice: GroupContinuity;
  perPatient: PatientContinuity[];
}

export interface ContinuityOptions {
  /** Minimum contacts for a patient to count in the mean UPC/COC (default 2; Hull et al. used 3). */
  minContacts?: number;
}

/**
 * SLICC, OPR and mean UPC/COC per list GP and for the practice. Patients without a named GP count in
 * no list (SLICC needs one) but their contacts still count in each GP's OPR denominator.
 */
export function summariseContinuity(patients: readonly PatientContacts[], options: ContinuityOptions = {}): ContinuitySummary {
  const minContacts = options.minContacts ?? 2;
  if (!Number.isInteger(minContacts) || minContacts < 2) {
    throw new StatsInputError('summariseContinuity', 'minContacts', `must be a whole number ≥ 2 (COC needs 2 contacts), got ${minContacts}`);
  }
  const perPatient = patients.map(patientContinuity);
  const listGps = [...new Set(patients.flatMap((p) => (p.listGp === null ? [] : [p.listGp])))].sort();
  const listGpSet = new Set(listGps);

  const group = (members: readonly number[], gps: ReadonlySet<string>): GroupContinuity => {
    let own = 0;
    let all = 0;
    members.forEach((i) => {
      const p = patients[i]!;
      all += p.clinicians.length;
      own += p.clinicians.filter((c) => c === p.listGp).length;
    });
    let oprNum = 0;
    let oprDen = 0;
    patients.forEach((p) =>
      p.clinicians.forEach((c) => {
        if (!gps.has(c)) return;
        oprDen++;
        if (p.listGp === c) oprNum++;
      }),
    );
    const inMeans = members.filter((i) => perPatient[i]!.contacts >= minContacts);
    const mean = (pick: (pc: PatientContinuity) => number | null): number | null => {
      const vals = inMeans.map((i) => pick(perPatient[i]!)).filter((v): v is number => v !== null);
      return vals.length ? vals.reduce((a, v) => a + v, 0) / vals.length : null;
    };
    return {
      slicc: ratio(own, all),
      opr: ratio(oprNum, oprDen),
      meanUpc: mean((pc) => pc.upc),
      meanCoc: mean((pc) => pc.coc),
      patientsInMeans: inMeans.length,
      patients: members.length,
    };
  };

  const lists = new Map<string, GroupContinuity>();
  for (const gp of listGps) {
    const members = patients.flatMap((p, i) => (p.listGp === gp ? [i] : []));
    lists.set(gp, group(members, new Set([gp])));
  }
  const withGp = patients.flatMap((p, i) => (p.listGp !== null ? [i] : []));
  return { lists, practice: group(withGp, listGpSet), perPatient };
}
