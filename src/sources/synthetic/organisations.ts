import type { OrgKind } from '../../model/organisation.js';
import { REFERENCE_PRACTICES, REFERENCE_TOTAL_2021, type AgeSexProfile, BOROUGH_AGE_SEX_2026 } from './reference-population.js';

/**
 * The synthetic collaboration: one collaboration (SYNC), 8 networks (SYNN1–SYNN8) of 4–5
 * practices (SYNP01–SYNP36), and four benchmark areas: two neighbouring PCTs (SYNB-PCTA,
 * SYNB-PCTB), the rest of London (SYNB-LON) and England (SYNB-ENG). Codes start with
 * "SYN" and so can never be mistaken for real ODS codes (a practice is a letter and 5 digits,
 * a PCN U + 5 digits, an ICB Q + 2 characters). Practice sizes and age/sex structure come from
 * the 36 real Tower Hamlets practices of January 2021 (reference-population.ts), scaled.
 */

export const COLLABORATION_CODE = 'SYNC';
export const BENCHMARK_LONDON = 'SYNB-LON';
export const BENCHMARK_ENGLAND = 'SYNB-ENG';
/** Two neighbouring PCTs: deprivation, guidelines and templates like the collaboration's, but no networks. */
export const BENCHMARK_PCT_A = 'SYNB-PCTA';
export const BENCHMARK_PCT_B = 'SYNB-PCTB';
/** Every benchmark area, nearest first, with its display name. */
export const BENCHMARKS: readonly { code: string; name: string }[] = [
  { code: BENCHMARK_PCT_A, name: 'Neighbouring PCT A (synthetic)' },
  { code: BENCHMARK_PCT_B, name: 'Neighbouring PCT B (synthetic)' },
  { code: BENCHMARK_LONDON, name: 'Rest of London (synthetic benchmark)' },
  { code: BENCHMARK_ENGLAND, name: 'England (synthetic benchmark)' },
];
export const NETWORK_COUNT = 8;
/** Networks 1–4 take 5 practices, 5–8 take 4: 36 in all. */
const NETWORK_CAPACITY = [5, 5, 5, 5, 4, 4, 4, 4] as const;

export interface SyntheticOrganisation {
  code: string;
  name: string;
  kind: OrgKind;
  parent: string | null;
  list_size_reference: number | null;
}

export interface SyntheticPractice {
  /** 0-based index used inside the generator's SQL. */
  index: number;
  code: string;
  name: string;
  /** 0-based network index. */
  network: number;
  networkCode: string;
  /** Real list size (January 2021) this practice is scaled from. */
  realListSize: number;
  /** The real size scaled to the generated population (organisation.list_size_reference). */
  listSizeReference: number;
  ageSex: AgeSexProfile;
  /** GPs and practice nurses, from the real list size (about one GP per 1,800 patients). */
  gps: number;
  nurses: number;
}

export function networkCode(i: number): string {
  return `SYNN${i + 1}`;
}

export function practiceCode(i: number): string {
  return `SYNP${String(i + 1).padStart(2, '0')}`;
}

/**
 * Assigns the 36 reference practices to 8 networks so that network sizes are as even as the
 * capacities allow (largest first, each to the least-filled network with room), then numbers
 * them SYNP01… in network order. Fixed: it does not depend on the seed.
 * `listFraction` is the expected share of all generated patients registered at a mid-period
 * date (the population model's turnover makes this less than 1).
 */
export function buildPractices(patients: number, listFraction: number): SyntheticPractice[] {
  const refs = REFERENCE_PRACTICES.map((r, i) => ({ r, i })).sort((a, b) => b.r.list_size_2021 - a.r.list_size_2021 || a.i - b.i);
  const members: { r: (typeof REFERENCE_PRACTICES)[number]; i: number }[][] = NETWORK_CAPACITY.map(() => []);
  const totals = NETWORK_CAPACITY.map(() => 0);
  for (const ref of refs) {
    let best = -1;
    for (let n = 0; n < NETWORK_CAPACITY.length; n++) {
      if ((members[n] as unknown[]).length >= (NETWORK_CAPACITY[n] as number)) continue;
      if (best < 0 || (totals[n] as number) < (totals[best] as number)) best = n;
    }
    (members[best] as (typeof ref)[]).push(ref);
    totals[best] = (totals[best] as number) + ref.r.list_size_2021;
  }
  const scale = (patients * listFraction) / REFERENCE_TOTAL_2021;
  const out: SyntheticPractice[] = [];
  members.forEach((list, n) => {
    for (const { r } of list) {
      const index = out.length;
      out.push({
        index,
        code: practiceCode(index),
        name: `Synthetic Practice ${String(index + 1).padStart(2, '0')}`,
        network: n,
        networkCode: networkCode(n),
        realListSize: r.list_size_2021,
        listSizeReference: Math.round(r.list_size_2021 * scale),
        ageSex: r.age_sex_2026 ?? BOROUGH_AGE_SEX_2026,
        gps: Math.max(2, Math.round(r.list_size_2021 / 1800)),
        nurses: Math.max(1, Math.round(r.list_size_2021 / 4500)),
      });
    }
  });
  return out;
}

export function buildOrganisations(practices: readonly SyntheticPractice[]): SyntheticOrganisation[] {
  const orgs: SyntheticOrganisation[] = [];
  const total = practices.reduce((s, p) => s + p.listSizeReference, 0);
  orgs.push({ code: COLLABORATION_CODE, name: 'Synthetic Collaboration', kind: 'collaboration', parent: null, list_size_reference: total });
  for (let n = 0; n < NETWORK_COUNT; n++) {
    const size = practices.filter((p) => p.network === n).reduce((s, p) => s + p.listSizeReference, 0);
    orgs.push({ code: networkCode(n), name: `Synthetic Network ${n + 1}`, kind: 'network', parent: COLLABORATION_CODE, list_size_reference: size });
  }
  for (const p of practices) orgs.push({ code: p.code, name: p.name, kind: 'practice', parent: p.networkCode, list_size_reference: p.listSizeReference });
  for (const b of BENCHMARKS) orgs.push({ code: b.code, name: b.name, kind: 'benchmark', parent: null, list_size_reference: null });
  return orgs;
}

/** Real ODS-like codes: practice (letter + 5 digits), PCN (U + 5 digits), ICB/CCG (Q/0 + 2 chars). */
export function looksLikeRealOdsCode(code: string): boolean {
  return /^[A-Z]\d{5}$/.test(code) || /^U\d{5}$/.test(code) || /^Q[A-Z0-9]{2}$/.test(code) || /^\d{2}[A-Z]$/.test(code) || /^[A-Z]\d[A-Z]\d[A-Z]$/.test(code);
}
