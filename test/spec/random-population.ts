/**
 * A seeded random extract for comparing engines row for row: a few hundred patients over a few
 * practices, with registrations that start, stop, lapse and transfer, deaths, and events,
 * medications and admissions drawn from the codelists a set of definitions uses. Dates and
 * values are pushed towards the edges the semantics care about: month ends and month starts,
 * birthdays, thresholds of the definitions' comparisons, same-day ties, events after R.
 */
import type { Codelist } from '../../src/codelists/load.js';
import { codelistSlugs, type AdmissionSpec, type Comparison, type Criterion, type IndicatorDefinition, type Window } from '../../src/indicators/definition.js';
import type { Admission, ClinicalData, ClinicalEvent, MedicationIssue, Patient, Registration, Sex } from '../../src/model/clinical.js';
import { addDays, addMonths, monthEndOf } from '../../src/indicators/reference/dates.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

export interface RandomPopulationOptions {
  seed: number;
  patients?: number; // default 300
  practices?: string[]; // default P1…P4
  /** Records fall between these dates (events may run a little past `to`). */
  from?: string; // default 2019-01-01
  to?: string; // default 2024-12-31
}

/** mulberry32 (src/util/seeded-random.ts): a small, fast, seeded generator of numbers in [0, 1). */
export const seededRandom = mulberry32;

class Dice {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  dateBetween(from: string, to: string): string {
    const span = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
    return addDays(from, this.int(0, Math.max(0, span)));
  }
  /** A date near `anchor`, often exactly on it or a day either side. */
  near(anchor: string, spreadDays: number): string {
    const r = this.next();
    if (r < 0.25) return anchor;
    if (r < 0.4) return addDays(anchor, -1);
    if (r < 0.55) return addDays(anchor, 1);
    return addDays(anchor, this.int(-spreadDays, spreadDays));
  }
}

/** What the definitions read: event lists, medication lists, thresholds per list, ICD-10 prefixes. */
interface Needs {
  eventSlugs: string[];
  medicationSlugs: string[];
  thresholds: Map<string, number[]>;
  icd10Prefixes: string[];
  monthSpans: number[];
  daySpans: number[];
  /** For each definition, the event lists it reads and its event_then pairs: a patient's records cluster around a few definitions. */
  byDefinition: { eventSlugs: string[]; pairs: { first: string; then: string; days: number }[]; rare: Set<string> }[];
}

/**
 * The lists a definition reads only as resolved codes or exclusions: records from these take
 * patients out, so they are generated sparingly.
 */
function rareSlugs(def: IndicatorDefinition): Set<string> {
  const main = new Set<string>();
  const visit = (c: Criterion): void => {
    if ('on_register' in c) main.add(c.on_register.codelist);
    else if ('has_event' in c) main.add(c.has_event.codelist);
    else if ('latest_value' in c) main.add(c.latest_value.codelist);
    else if ('latest_code' in c) {
      main.add(c.latest_code.among);
      main.add(c.latest_code.in);
    } else if ('first_event' in c) main.add(c.first_event.codelist);
    else if ('medication' in c) main.add(c.medication.codelist);
    else if ('event_then' in c) {
      main.add(c.event_then.first.codelist);
      main.add(c.event_then.then.codelist);
    } else if ('admission_then' in c) main.add(c.admission_then.then.codelist);
    else if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
  };
  visit(def.population);
  if (def.numerator) visit(def.numerator);
  if (def.value) main.add(def.value.codelist);
  if (def.count && 'events' in def.count) main.add(def.count.events.codelist);
  return new Set(codelistSlugs(def).filter((slug) => !main.has(slug)));
}

function needsOf(definitions: readonly IndicatorDefinition[], codelists: ReadonlyMap<string, Codelist>): Needs {
  const events = new Set<string>();
  const meds = new Set<string>();
  const thresholds = new Map<string, number[]>();
  const prefixes = new Set<string>();
  const months = new Set<number>();
  const days = new Set<number>();
  const threshold = (slug: string, c: Comparison | undefined): void => {
    if (!c) return;
    thresholds.set(slug, [...(thresholds.get(slug) ?? []), c.value]);
  };
  const windowSpan = (w: unknown): void => {
    if (w && typeof w === 'object') {
      if ('months' in w) months.add((w as { months: number }).months);
      if ('days' in w) days.add((w as { days: number }).days);
      if ('before_age_months' in w) months.add((w as { before_age_months: number }).before_age_months);
      if ('from_age_months' in w) months.add((w as { from_age_months: number }).from_age_months);
    }
  };
  const visit = (c: Criterion): void => {
    if ('medication' in c) {
      meds.add(c.medication.codelist);
      windowSpan(c.medication.window);
    } else if ('has_event' in c) {
      threshold(c.has_event.codelist, c.has_event.value);
      windowSpan(c.has_event.window);
    } else if ('latest_value' in c) {
      threshold(c.latest_value.codelist, c.latest_value.compare);
      windowSpan(c.latest_value.window);
    } else if ('event_then' in c) {
      threshold(c.event_then.first.codelist, c.event_then.first.value);
      windowSpan(c.event_then.first.window);
      days.add(c.event_then.then.within_days);
      pairs.push({ first: c.event_then.first.codelist, then: c.event_then.then.codelist, days: c.event_then.then.within_days });
    } else if ('has_admission' in c) {
      c.has_admission.icd10_prefixes.forEach((p) => prefixes.add(p));
      windowSpan(c.has_admission.window);
    } else if ('admission_then' in c) {
      c.admission_then.admission.icd10_prefixes.forEach((p) => prefixes.add(p));
      windowSpan(c.admission_then.admission.window);
      days.add(c.admission_then.then.within_days);
    } else if ('latest_code' in c) windowSpan(c.latest_code.window);
    else if ('first_event' in c) windowSpan(c.first_event.window);
    else if ('registered_for' in c) months.add(c.registered_for.months);
    else if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
  };
  const byDefinition: Needs['byDefinition'] = [];
  let pairs: Needs['byDefinition'][number]['pairs'] = [];
  for (const def of definitions) {
    const own: string[] = [];
    pairs = [];
    for (const slug of codelistSlugs(def)) {
      const list = codelists.get(slug);
      if (!list) throw new Error(`definition ${def.id} uses unknown codelist ${slug}`);
      if (list.system === 'dmd') meds.add(slug);
      else {
        events.add(slug);
        own.push(slug);
      }
    }
    const ownPairs = pairs;
    visit(def.population);
    if (def.numerator) visit(def.numerator);
    def.exclusions.forEach(visit);
    if (def.value) windowSpan(def.value.window);
    if (def.count && 'admissions' in def.count) {
      def.count.admissions.icd10_prefixes.forEach((p) => prefixes.add(p));
      windowSpan(def.count.admissions.window);
    }
    if (def.count && 'events' in def.count) windowSpan(def.count.events.window);
    if (def.deaths) {
      windowSpan(def.deaths.window);
      def.deaths.after_admission?.icd10_prefixes.forEach((p) => prefixes.add(p));
      if (def.deaths.after_admission) days.add(def.deaths.after_admission.within_days);
    }
    byDefinition.push({ eventSlugs: own, pairs: ownPairs, rare: rareSlugs(def) });
  }
  for (const slug of meds) events.delete(slug);
  return {
    byDefinition: byDefinition
      .map((d) => ({ ...d, eventSlugs: d.eventSlugs.filter((s) => !meds.has(s)) }))
      .filter((d) => d.eventSlugs.length > 0),
    eventSlugs: [...events].sort(),
    medicationSlugs: [...meds].sort(),
    thresholds,
    icd10Prefixes: [...prefixes].sort(),
    monthSpans: [...months].sort((a, b) => a - b),
    daySpans: [...days].sort((a, b) => a - b),
  };
}

/** Builds a seeded random extract for `definitions`. Same seed, same data. */
export function randomPopulation(
  definitions: readonly IndicatorDefinition[],
  codelists: ReadonlyMap<string, Codelist>,
  options: RandomPopulationOptions,
): ClinicalData {
  const dice = new Dice(seededRandom(options.seed));
  const practices = options.practices ?? ['P1', 'P2', 'P3', 'P4'];
  const from = options.from ?? '2019-01-01';
  const to = options.to ?? '2024-12-31';
  const count = options.patients ?? 300;
  const needs = needsOf(definitions, codelists);
  const codesOf = (slug: string): string[] => (codelists.get(slug)?.codes ?? []).map((c) => c.code);

  /** An "interesting" date in [from, to]: often a month end, a month start, or a window edge from a month end. */
  const edgeDate = (lo: string, hi: string): string => {
    const d = dice.dateBetween(lo, hi);
    const r = dice.next();
    let out = d;
    if (r < 0.15) out = monthEndOf(d);
    else if (r < 0.25) out = d.slice(0, 8) + '01';
    else if (r < 0.45 && (needs.monthSpans.length || needs.daySpans.length)) {
      // Exactly on (or a day off) the first day of a window ending at some month end.
      const R = monthEndOf(d);
      const start = needs.monthSpans.length && (dice.chance(0.7) || !needs.daySpans.length)
        ? addMonths(addDays(R, 1), -dice.pick(needs.monthSpans))
        : addDays(addDays(R, 1), -dice.pick(needs.daySpans));
      out = dice.near(start, 0);
    }
    return out < lo ? lo : out > hi ? hi : out;
  };

  const organisations = [
    { code: 'C1', name: 'Random collaboration', kind: 'collaboration' as const, parent: null },
    { code: 'N1', name: 'Random network 1', kind: 'network' as const, parent: 'C1' },
    { code: 'N2', name: 'Random network 2', kind: 'network' as const, parent: 'C1' },
    ...practices.map((code, i) => ({ code, name: `Random practice ${code}`, kind: 'practice' as const, parent: i % 2 ? 'N2' : 'N1' })),
  ];
  const patients: Patient[] = [];
  const registrations: Registration[] = [];
  const events: ClinicalEvent[] = [];
  const medications: MedicationIssue[] = [];
  const admissions: Admission[] = [];

  // Definitions whose population is an age band in months (childhood cohorts): children are often witnessed for these.
  const childCohorts = definitions.filter((d) => 'age' in d.population && d.population.age.unit === 'months');
  for (let id = 1; id <= count; id++) {
    // Birth: a fifth are young children up to 6 (for age-in-months and before-age windows); some on 29 Feb or a 31st.
    let birth: string;
    const r = dice.next();
    if (r < 0.2) birth = dice.dateBetween(addMonths(to, -78), addMonths(to, -6));
    else birth = dice.dateBetween('1925-01-01', '2004-12-31');
    if (dice.chance(0.05)) birth = `${dice.pick(['1940', '1952', '1968', '1980', '1996', '2020', '2024'])}-02-29`;
    else if (dice.chance(0.08)) birth = monthEndOf(birth);
    const sex: Sex = dice.chance(0.02) ? 'U' : dice.chance(0.5) ? 'F' : 'M';

    // Registration history: up to three non-overlapping spells, each at some practice.
    const spells: Registration[] = [];
    let start = dice.chance(0.5) ? (birth > from ? birth : dice.dateBetween(birth > '1990-01-01' ? birth : '1990-01-01', from)) : edgeDate(birth > from ? birth : from, to);
    const nSpells = dice.chance(0.7) ? 1 : dice.int(2, 3);
    for (let s = 0; s < nSpells && start <= to; s++) {
      const practice = s > 0 && dice.chance(0.4) ? (spells[s - 1] as Registration).practice : dice.pick(practices);
      const last = s === nSpells - 1;
      let end: string | null = null;
      if (!last || dice.chance(0.1)) {
        const e = edgeDate(addDays(start, 1), addDays(to, 200));
        end = dice.chance(0.2) ? addDays(monthEndOf(e), dice.pick([0, 1])) : e; // ends on a month end or the day after
        if (end <= start) end = addDays(start, 1);
      }
      spells.push({ patient_id: id, practice, start_date: start, end_date: end });
      if (end === null) break;
      start = dice.chance(0.5) ? end : addDays(end, dice.int(1, 200)); // transfer the same day, or a gap
    }
    registrations.push(...spells);

    let death: string | null = null;
    if (dice.chance(0.08)) {
      const d = edgeDate(addDays(spells[0]!.start_date, 1), to);
      death = dice.chance(0.3) ? addDays(monthEndOf(d), dice.pick([0, 1])) : d;
      if (death <= birth) death = null;
    }
    patients.push({ id, nhs_number: null, birth_date: birth, sex, death_date: death, imd_decile: dice.int(1, 10) });

    const firstDay = birth > from ? birth : from;
    const lastDay = addDays(to, 45); // a few records after the last reference date
    if (firstDay > lastDay) continue;
    const practiceAt = (date: string): string => {
      const reg = spells.find((s) => s.start_date <= date && (s.end_date === null || s.end_date > date));
      return reg && dice.chance(0.9) ? reg.practice : dice.pick([...practices, 'P9']);
    };
    const child = birth > addMonths(to, -79);
    const eventDate = (): string => {
      if (child && dice.chance(0.5)) {
        // Around a birthday-based window edge: 12, 18, 24 months or the definitions' own spans.
        const months = dice.pick([12, 18, 24, ...needs.monthSpans.filter((m) => m <= 60)]);
        const d = dice.near(addMonths(birth, months), 20);
        return d < birth ? birth : d;
      }
      // Mostly in the last 30 months, where the reference dates and their windows are.
      const recent = addMonths(to, -30);
      return edgeDate(dice.chance(0.7) && recent > firstDay ? recent : firstDay, lastDay);
    };
    // This patient's records cluster around the lists of one to three definitions.
    const chosen = Array.from({ length: dice.int(1, 3) }, () => dice.pick(needs.byDefinition));
    const focus = [...new Set(chosen.flatMap((d) => d.eventSlugs.filter((slug) => !d.rare.has(slug))))];
    const addEvent = (slug: string, date: string): void => {
      const codes = codesOf(slug);
      if (codes.length) events.push({ patient_id: id, practice: practiceAt(date), date, code: dice.pick(codes), value: randomValue(dice, needs.thresholds.get(slug)), unit: null });
    };
    // Most patients get records that make one or two definitions' population (and often the
    // numerator, sometimes an exclusion) true at some month end T of the last two years.
    for (let n = dice.chance(0.9) ? dice.int(1, 2) : 0; n > 0; n--) {
      const def = child && childCohorts.length && dice.chance(0.8) ? dice.pick(childCohorts) : dice.pick(definitions);
      let T = monthEndOf(dice.dateBetween(addMonths(to, -24), to));
      // A population defined by age in months (the childhood cohorts): a T at which this child is in it, when one is in range.
      const span = 'age' in def.population && def.population.age.unit === 'months' ? def.population.age : null;
      if (span) {
        const t = monthEndOf(addMonths(birth, dice.int(span.min ?? 0, span.max ?? (span.min ?? 0) + 12)));
        if (t >= addMonths(to, -24) && t <= to) T = t;
      }
      if (T >= birth) {
        const sink: WitnessSink = {
          event: (slug, date, value, code) => {
            const codes = codesOf(slug);
            if (date < birth || codes.length === 0) return;
            events.push({ patient_id: id, practice: practiceAt(date), date, code: code ?? dice.pick(codes), value: value === undefined ? randomValue(dice, needs.thresholds.get(slug)) : value, unit: null });
          },
          medication: (slug, date) => {
            const codes = codesOf(slug);
            if (date >= birth && codes.length) medications.push({ patient_id: id, practice: practiceAt(date), date, dmd_code: dice.pick(codes) });
          },
          admission: (spec, date) => {
            if (date < birth) return;
            const other = (m: Admission['method']): Admission['method'] => (m === 'emergency' ? 'elective' : 'emergency');
            const wanted: Admission['method'] = spec.method === 'any' ? (dice.chance(0.5) ? 'emergency' : 'elective') : spec.method;
            const method = dice.chance(0.85) ? wanted : other(wanted);
            const stay = dice.pick([0, 1, dice.int(2, 20)]);
            const admitted = spec.date === 'discharged' ? addDays(date, -stay) : date;
            const discharged = spec.date === 'discharged' ? date : dice.chance(0.85) ? addDays(date, stay) : null;
            admissions.push({ patient_id: id, admitted, discharged, method, icd10: randomIcd10(dice, dice.pick(spec.icd10_prefixes)) });
          },
        };
        const w = (c: Criterion): void => witness(c, T, birth, dice, sink, codelists);
        if (dice.chance(0.9)) w(def.population);
        if (def.numerator && dice.chance(span ? 0.8 : 0.6)) w(def.numerator); // childhood cohorts are small: witness their numerator more often
        for (const x of def.exclusions) if (dice.chance(0.15)) w(x);
        if (def.value && dice.chance(0.8)) sink.event(def.value.codelist, witnessDate(def.value.window, T, birth, dice) ?? T, dice.int(30, 110));
        const self = patients[patients.length - 1] as Patient;
        if (def.deaths && self.death_date === null && dice.chance(0.7)) {
          // A death near T, often just inside or outside the window, days after a matching
          // admission (around the within_days edge); the registration then usually ends at death.
          const died = witnessDate(def.deaths.window, T, birth, dice) ?? T;
          const after = def.deaths.after_admission;
          if (after && died > birth) {
            const days = dice.pick([0, after.within_days - 1, after.within_days, after.within_days + 1, dice.int(0, after.within_days)]);
            const admitted = addDays(died, -Math.max(0, days));
            if (admitted >= birth) sink.admission({ method: after.method, icd10_prefixes: after.icd10_prefixes, date: 'admitted' }, admitted);
          }
          if (died > birth) {
            self.death_date = died;
            const spell = spells.find((x) => x.start_date < died && (x.end_date === null || x.end_date > died));
            if (spell && dice.chance(0.8)) spell.end_date = died;
          }
        }
      }
    }

    // Most lists of the chosen definitions get a record or three, so compound criteria can hold,
    // and their event_then pairs get a first event and a follow-up near the end of the allowed days.
    for (const d of chosen) {
      for (const slug of d.eventSlugs) {
        if (dice.chance(d.rare.has(slug) ? 0.1 : 0.6)) for (let k = dice.int(1, 3); k > 0; k--) addEvent(slug, eventDate());
      }
      for (const pair of d.pairs) {
        if (!dice.chance(0.7)) continue;
        const a = eventDate();
        addEvent(pair.first, a);
        addEvent(pair.then, addDays(a, dice.pick([0, pair.days - 1, pair.days, pair.days + 1, dice.int(0, pair.days)])));
      }
    }

    // Clinical events: a handful from each of a few lists; values around the definitions' thresholds.
    const nEvents = needs.eventSlugs.length ? dice.int(0, 30) : 0;
    for (let k = 0; k < nEvents; k++) {
      const pool = focus.length && dice.chance(0.8) ? focus : needs.eventSlugs;
      const slug = dice.pick(pool);
      const date = eventDate();
      addEvent(slug, date);
      // A second event the same day: a tie for latest_value/latest_code, or a same-day resolution.
      if (dice.chance(0.2)) addEvent(dice.chance(0.5) ? slug : dice.pick(pool), date);
      // A follow-up a window's length later (event_then within_days edges).
      if (dice.chance(0.15) && needs.daySpans.length) addEvent(dice.pick(pool), addDays(date, dice.pick(needs.daySpans) + dice.pick([-1, 0, 1])));
    }
    if (dice.chance(0.1)) events.push({ patient_id: id, practice: practiceAt(firstDay), date: eventDate(), code: 'OTHER-UNLISTED', value: null, unit: null });

    // Medication issues.
    const nMeds = needs.medicationSlugs.length ? dice.int(0, 8) : 0;
    for (let k = 0; k < nMeds; k++) {
      const date = eventDate();
      const dmd = dice.pick(codesOf(dice.pick(needs.medicationSlugs)));
      medications.push({ patient_id: id, practice: practiceAt(date), date, dmd_code: dmd });
      if (dice.chance(0.15)) medications.push({ patient_id: id, practice: practiceAt(date), date, dmd_code: dmd });
    }

    // Admissions: ICD-10 codes under the definitions' prefixes (with and without dots) and others.
    const nAdm = dice.int(0, 3);
    for (let k = 0; k < nAdm; k++) {
      const admitted = edgeDate(firstDay, lastDay);
      const icd10 = randomIcd10(dice, needs.icd10Prefixes.length && dice.chance(0.7) ? dice.pick(needs.icd10Prefixes) : dice.pick(['I10', 'K358', 'J45', 'J18', 'I21', 'I25']));
      admissions.push({
        patient_id: id,
        admitted,
        discharged: dice.chance(0.9) ? addDays(admitted, dice.int(0, 14)) : null,
        method: dice.chance(0.7) ? 'emergency' : 'elective',
        icd10,
      });
    }
  }
  return { organisations, patients, registrations, events, medications, consultations: [], admissions };
}

/** An ICD-10 code under `prefix`: a digit added to a three-character prefix, with or without a dot. */
function randomIcd10(dice: Dice, prefix: string): string {
  const bare = prefix.replaceAll('.', '');
  const full = bare.length >= 4 ? bare : bare + String(dice.int(0, 9));
  return dice.chance(0.5) && full.length >= 4 ? `${full.slice(0, 3)}.${full.slice(3)}` : full;
}

interface WitnessSink {
  /** value undefined: a random one; code undefined: any code of the list. */
  event(slug: string, date: string, value?: number | null, code?: string): void;
  medication(slug: string, date: string): void;
  /** An admission matching `spec` whose `spec.date` (admitted or discharged) is `date` (usually: sometimes the other method). */
  admission(spec: Pick<AdmissionSpec, 'method' | 'icd10_prefixes' | 'date'>, date: string): void;
}

/** A date inside `window` at reference date T (often on its first or last day), or null if the window is empty. */
function witnessDate(window: Window | undefined, T: string, birth: string, dice: Dice): string | null {
  let lo: string;
  let hi = T;
  if (window === undefined) lo = addMonths(T, -60) > birth ? addMonths(T, -60) : birth;
  else if ('months' in window) lo = addMonths(addDays(T, 1), -window.months);
  else if ('days' in window) lo = addDays(addDays(T, 1), -window.days);
  else {
    lo = 'from_age_months' in window ? addMonths(birth, window.from_age_months) : birth;
    const end = addDays(addMonths(birth, window.before_age_months), -1);
    if (end < hi) hi = end;
  }
  if (lo > hi) return null;
  const r = dice.next();
  return r < 0.15 ? lo : r < 0.3 ? hi : dice.dateBetween(lo, hi);
}

/** A value that satisfies the comparison, often exactly on its threshold. */
function satisfying(c: Comparison, dice: Dice): number {
  const step = dice.pick([1, 0.5, 0.1]);
  switch (c.op) {
    case '<':
      return c.value - step;
    case '<=':
      return dice.chance(0.5) ? c.value : c.value - step;
    case '>':
      return c.value + step;
    case '>=':
      return dice.chance(0.5) ? c.value : c.value + step;
    case '=':
      return c.value;
  }
}

/**
 * Adds records that make criterion `c` true at T where records can (age, sex and registration
 * cannot be changed by records; `not` is left to chance). Not a guarantee: later random
 * records may undo it, which is fine — the point is to reach the interesting states often.
 */
function witness(c: Criterion, T: string, birth: string, dice: Dice, sink: WitnessSink, codelists: ReadonlyMap<string, Codelist>): void {
  const at = (w: Window | undefined): string | null => witnessDate(w, T, birth, dice);
  if ('on_register' in c) {
    const d = at(undefined);
    if (d) sink.event(c.on_register.codelist, d, null);
  } else if ('has_event' in c) {
    for (let k = c.has_event.min_count ?? 1; k > 0; k--) {
      const d = at(c.has_event.window);
      if (d) sink.event(c.has_event.codelist, d, c.has_event.value ? satisfying(c.has_event.value, dice) : undefined);
    }
  } else if ('latest_value' in c) {
    const d = at(c.latest_value.window);
    if (d) sink.event(c.latest_value.codelist, d, satisfying(c.latest_value.compare, dice));
  } else if ('latest_code' in c) {
    const among = new Set((codelists.get(c.latest_code.among)?.codes ?? []).map((x) => x.code));
    const both = (codelists.get(c.latest_code.in)?.codes ?? []).map((x) => x.code).filter((code) => among.has(code));
    const d = at(c.latest_code.window);
    if (d && both.length) sink.event(c.latest_code.among, d, undefined, dice.pick(both));
  } else if ('first_event' in c) {
    const d = at(c.first_event.window);
    if (d) sink.event(c.first_event.codelist, d, null);
  } else if ('medication' in c) {
    for (let k = c.medication.min_count ?? 1; k > 0; k--) {
      const d = at(c.medication.window);
      if (d) sink.medication(c.medication.codelist, d);
    }
  } else if ('event_then' in c) {
    const { first, then } = c.event_then;
    const a = at(first.window);
    if (a) {
      sink.event(first.codelist, a, first.value ? satisfying(first.value, dice) : undefined);
      const b = addDays(a, dice.int(0, then.within_days));
      if (b <= T) sink.event(then.codelist, b, undefined);
    }
  } else if ('has_admission' in c) {
    const d = at(c.has_admission.window);
    if (d) sink.admission(c.has_admission, d);
  } else if ('admission_then' in c) {
    const { admission, then } = c.admission_then;
    const a = at(admission.window);
    if (a) {
      sink.admission(admission, a);
      const b = addDays(a, dice.pick([0, then.within_days, then.within_days + 1, dice.int(0, then.within_days)]));
      if (b <= T) sink.event(then.codelist, b, undefined);
    }
  } else if ('all' in c) c.all.forEach((x) => witness(x, T, birth, dice, sink, codelists));
  else if ('any' in c) witness(dice.pick(c.any), T, birth, dice, sink, codelists);
}

/** A value for an event: often missing, often on or next to one of the thresholds. */
function randomValue(dice: Dice, thresholds: readonly number[] | undefined): number | null {
  if (dice.chance(0.15)) return null;
  if (thresholds && thresholds.length) {
    const t = dice.pick(thresholds);
    const r = dice.next();
    if (r < 0.3) return t;
    if (r < 0.5) return t + dice.pick([-1, -0.1, 0.1, 1]);
    return Math.round(t * (0.6 + 0.8 * dice.next()) * 10) / 10;
  }
  return dice.chance(0.5) ? dice.int(20, 180) : null;
}

/** Checks an extract obeys the store's rules (no overlapping registrations, end after start). */
export function registrationProblems(data: ClinicalData): string[] {
  const out: string[] = [];
  const byPatient = new Map<number, Registration[]>();
  for (const r of data.registrations) {
    if (r.end_date !== null && r.end_date <= r.start_date) out.push(`patient ${r.patient_id}: registration ends ${r.end_date} on or before its start ${r.start_date}`);
    byPatient.set(r.patient_id, [...(byPatient.get(r.patient_id) ?? []), r]);
  }
  for (const [id, regs] of byPatient) {
    const sorted = [...regs].sort((a, b) => (a.start_date < b.start_date ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      if (prev.end_date === null || prev.end_date > sorted[i]!.start_date) out.push(`patient ${id}: registrations overlap at ${sorted[i]!.start_date}`);
    }
  }
  return out;
}
