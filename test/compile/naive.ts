/**
 * A deliberately naive evaluator for the compiler's randomized tests: every patient at every
 * reference date, read straight off docs/INDICATORS.md, with no cleverness. It shares no code with
 * the compiler (nor with the project's reference engine, so the two checks are independent).
 */
import type { Codelist } from '../../src/codelists/load.js';
import type { AdmissionSpec, Comparison, CountedDeaths, Criterion, IndicatorDefinition, Window } from '../../src/indicators/definition.js';
import type { LoadedIndicator } from '../../src/indicators/load.js';
import type { RawResult } from '../../src/indicators/results.js';
import type { ClinicalData, Patient, Registration } from '../../src/model/clinical.js';

function ymd(iso: string): [number, number, number] {
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}
function dim(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
export function addMonths(date: string, k: number): string {
  const [y, m, d] = ymd(date);
  const total = y * 12 + (m - 1) + k;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return iso(ny, nm, Math.min(d, dim(ny, nm)));
}
export function addDays(date: string, k: number): string {
  const [y, m, d] = ymd(date);
  return new Date(Date.UTC(y, m - 1, d + k)).toISOString().slice(0, 10);
}
function ageInMonths(birth: string, r: string): number {
  const [by, bm, bd] = ymd(birth);
  const [ry, rm, rd] = ymd(r);
  const months = (ry - by) * 12 + (rm - bm);
  return rd < Math.min(bd, dim(ry, rm)) ? months - 1 : months;
}
function compare(v: number, c: Comparison): boolean {
  switch (c.op) {
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
    case '=':
      return v === c.value;
  }
}

interface Dated {
  date: string;
  code: string;
  value: number | null;
}

class Patients {
  readonly events = new Map<number, Dated[]>();
  readonly meds = new Map<number, Dated[]>();
  readonly regs = new Map<number, Registration[]>();
  readonly admissions = new Map<number, ClinicalData['admissions']>();
  constructor(readonly data: ClinicalData) {
    const push = <T>(m: Map<number, T[]>, id: number, x: T): void => {
      const list = m.get(id);
      if (list) list.push(x);
      else m.set(id, [x]);
    };
    for (const e of data.events) push(this.events, e.patient_id, { date: e.date, code: e.code, value: e.value });
    for (const e of data.medications) push(this.meds, e.patient_id, { date: e.date, code: e.dmd_code, value: null });
    for (const r of data.registrations) push(this.regs, r.patient_id, r);
    for (const a of data.admissions) push(this.admissions, a.patient_id, a);
  }
}

interface At {
  p: Patient;
  reg: Registration;
  r: string;
  store: Patients;
  codes: (slug: string) => Set<string>;
}

function inWindow(date: string, w: Window | undefined, at: At): boolean {
  if (date > at.r) return false;
  if (!w) return true;
  if ('months' in w) return addMonths(addDays(at.r, 1), -w.months) <= date;
  if ('days' in w) return addDays(at.r, 1 - w.days) <= date;
  if ('from_age_months' in w && addMonths(at.p.birth_date, w.from_age_months) > date) return false;
  return date < addMonths(at.p.birth_date, w.before_age_months);
}

function eventsOf(at: At, slug: string): Dated[] {
  const codes = at.codes(slug);
  return (at.store.events.get(at.p.id) ?? []).filter((e) => codes.has(e.code) && e.date <= at.r);
}

/** Latest non-null value in the window, lowest on the latest date. */
function latestValue(at: At, slug: string, w: Window | undefined): number | null {
  const evs = eventsOf(at, slug).filter((e) => e.value !== null && inWindow(e.date, w, at));
  if (!evs.length) return null;
  const last = evs.reduce((m, e) => (e.date > m ? e.date : m), '');
  return Math.min(...evs.filter((e) => e.date === last).map((e) => e.value as number));
}

function holds(c: Criterion, at: At): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, at));
  if ('any' in c) return c.any.some((x) => holds(x, at));
  if ('not' in c) return !holds(c.not, at);
  if ('on_register' in c) {
    const dx = eventsOf(at, c.on_register.codelist);
    if (!dx.length) return false;
    const latest = dx.reduce((m, e) => (e.date > m ? e.date : m), '');
    const resolvedBy = c.on_register.resolved_by;
    return !resolvedBy || !eventsOf(at, resolvedBy).some((e) => e.date >= latest);
  }
  if ('has_event' in c) {
    const { codelist, window, value, min_count } = c.has_event;
    const n = eventsOf(at, codelist).filter((e) => inWindow(e.date, window, at) && (!value || (e.value !== null && compare(e.value, value)))).length;
    return n >= (min_count ?? 1);
  }
  if ('latest_value' in c) {
    const v = latestValue(at, c.latest_value.codelist, c.latest_value.window);
    return v !== null && compare(v, c.latest_value.compare);
  }
  if ('latest_code' in c) {
    const evs = eventsOf(at, c.latest_code.among).filter((e) => inWindow(e.date, c.latest_code.window, at));
    if (!evs.length) return false;
    const last = evs.reduce((m, e) => (e.date > m ? e.date : m), '');
    const inCodes = at.codes(c.latest_code.in);
    return evs.some((e) => e.date === last && inCodes.has(e.code));
  }
  if ('first_event' in c) {
    const evs = eventsOf(at, c.first_event.codelist);
    if (!evs.length) return false;
    const first = evs.reduce((m, e) => (e.date < m ? e.date : m), '9999-12-31');
    return inWindow(first, c.first_event.window, at);
  }
  if ('medication' in c) {
    const codes = at.codes(c.medication.codelist);
    const n = (at.store.meds.get(at.p.id) ?? []).filter((m) => codes.has(m.code) && inWindow(m.date, c.medication.window, at)).length;
    return n >= (c.medication.min_count ?? 1);
  }
  if ('event_then' in c) {
    const { first, then } = c.event_then;
    const as = eventsOf(at, first.codelist).filter((e) => inWindow(e.date, first.window, at) && (!first.value || (e.value !== null && compare(e.value, first.value))));
    const bs = eventsOf(at, then.codelist);
    return as.some((a) => bs.some((b) => a.date <= b.date && b.date <= addDays(a.date, then.within_days)));
  }
  if ('age' in c) {
    const months = ageInMonths(at.p.birth_date, at.r);
    const age = c.age.unit === 'years' ? Math.floor(months / 12) : months;
    return (c.age.min === undefined || age >= c.age.min) && (c.age.max === undefined || age <= c.age.max);
  }
  if ('has_admission' in c) return admissionDates(at, c.has_admission).length > 0;
  if ('admission_then' in c) {
    const { admission, then } = c.admission_then;
    const bs = eventsOf(at, then.codelist);
    return admissionDates(at, admission).some((d) => bs.some((b) => d <= b.date && b.date <= addDays(d, then.within_days)));
  }
  if ('sex' in c) return at.p.sex === c.sex;
  return at.reg.start_date <= addMonths(addDays(at.r, 1), -c.registered_for.months);
}

type Admission = ClinicalData['admissions'][number];

function admissionIs(a: Admission, method: string, prefixes: readonly string[]): boolean {
  return (method === 'any' || a.method === method) && prefixes.some((p) => a.icd10.replace(/\./g, '').startsWith(p.replace(/\./g, '')));
}

/** Dates (admitted or discharged) of the matching admissions in the window; no discharge date: not counted. */
function admissionDates(at: At, spec: AdmissionSpec): string[] {
  return (at.store.admissions.get(at.p.id) ?? [])
    .filter((a) => admissionIs(a, spec.method, spec.icd10_prefixes))
    .map((a) => (spec.date === 'admitted' ? a.admitted : a.discharged))
    .filter((d): d is string => d !== null && inWindow(d, spec.window, at));
}

/** deaths_per_100000: the practice a patient's death counts at, at r, or null. */
function deathPractice(deaths: CountedDeaths, p: Patient, r: string, store: Patients): string | null {
  const death = p.death_date;
  if (death === null || death > r) return null;
  const w = deaths.window;
  const start = 'months' in w ? addMonths(addDays(r, 1), -w.months) : addDays(r, 1 - w.days);
  if (death < start) return null;
  const age = Math.floor(ageInMonths(p.birth_date, death) / 12);
  if (deaths.age_at_death?.min !== undefined && age < deaths.age_at_death.min) return null;
  if (deaths.age_at_death?.max !== undefined && age > deaths.age_at_death.max) return null;
  const after = deaths.after_admission;
  if (after && !(store.admissions.get(p.id) ?? []).some((a) => admissionIs(a, after.method, after.icd10_prefixes) && a.admitted <= death && death <= addDays(a.admitted, after.within_days)))
    return null;
  const regs = store.regs.get(p.id) ?? [];
  const reg = regs.find((g) => g.start_date <= death && (g.end_date === null || g.end_date > death)) ?? regs.find((g) => g.start_date <= death && g.end_date === death);
  return reg ? reg.practice : null;
}

function counted(def: IndicatorDefinition, at: At): number {
  const count = def.count;
  if (!count) return 0;
  if ('events' in count) return eventsOf(at, count.events.codelist).filter((e) => inWindow(e.date, count.events.window, at)).length;
  const { method, icd10_prefixes, window } = count.admissions;
  const prefixes = icd10_prefixes.map((p) => p.replace(/\./g, ''));
  return (at.store.admissions.get(at.p.id) ?? []).filter(
    (a) =>
      inWindow(a.admitted, window, at) && (method === 'any' || a.method === method) && prefixes.some((p) => a.icd10.replace(/\./g, '').startsWith(p)),
  ).length;
}

export function naiveRaw(data: ClinicalData, lists: ReadonlyMap<string, Codelist>, indicators: readonly LoadedIndicator[], periods: readonly string[]): RawResult[] {
  const store = new Patients(data);
  const codeSets = new Map([...lists].map(([slug, l]) => [slug, new Set(l.codes.map((c) => c.code))]));
  const codes = (slug: string): Set<string> => codeSets.get(slug) ?? new Set();
  const out: RawResult[] = [];
  for (const r of periods) {
    // Who is registered and alive where.
    const here: { p: Patient; reg: Registration }[] = [];
    for (const p of data.patients) {
      if (p.death_date !== null && p.death_date <= r) continue;
      const reg = (store.regs.get(p.id) ?? []).find((g) => g.start_date <= r && (g.end_date === null || g.end_date > r));
      if (reg) here.push({ p, reg });
    }
    const listSize = new Map<string, number>();
    for (const h of here) listSize.set(h.reg.practice, (listSize.get(h.reg.practice) ?? 0) + 1);
    for (const ind of indicators) {
      const def = ind.definition;
      const sums = new Map<string, { n: number; d: number; q: number }>();
      for (const practice of listSize.keys()) sums.set(practice, { n: 0, d: 0, q: 0 });
      for (const h of here) {
        const at: At = { p: h.p, reg: h.reg, r, store, codes };
        if (!holds(def.population, at)) continue;
        const s = sums.get(h.reg.practice) as { n: number; d: number; q: number };
        const num = def.numerator ? holds(def.numerator, at) : true;
        if (def.kind === 'proportion') {
          const excluded = !num && def.exclusions.some((e) => holds(e, at));
          if (!excluded) s.d += 1;
          if (num) s.n += 1;
        } else if (def.kind === 'count') {
          if (num) s.n += 1;
        } else if (def.kind === 'mean') {
          const raw = def.value ? latestValue(at, def.value.codelist, def.value.window) : null;
          if (raw !== null) {
            const v = def.value?.transform === 'ifcc_to_dcct' ? raw / 10.929 + 2.15 : raw;
            s.n += v;
            s.d += 1;
            s.q += v * v;
          }
        } else if (def.kind === 'deaths_per_100000') {
          s.d += 1;
        } else {
          s.d += 1;
          s.n += counted(def, at);
        }
      }
      if (def.kind === 'deaths_per_100000' && def.deaths) {
        for (const p of data.patients) {
          const practice = deathPractice(def.deaths, p, r, store);
          const s = practice === null ? undefined : sums.get(practice);
          if (s) s.n += 1;
        }
      }
      for (const [practice, s] of sums) {
        out.push({
          indicator_id: def.id,
          practice,
          period_end: r,
          numerator: s.n,
          denominator: def.kind === 'count' ? (listSize.get(practice) ?? 0) : s.d,
          sum_sq: s.q,
        });
      }
    }
  }
  return out;
}
