import type { Criterion, IndicatorDefinition, Window } from '../definition.js';
import { canonicalJson } from '../load.js';

/**
 * The shape of a definition as the compiler sees it: leaf criteria (each becomes a table of
 * validity intervals) joined by all/any/not (evaluated as SQL booleans on interval segments).
 */
export type Leaf = Exclude<Criterion, { all: Criterion[] } | { any: Criterion[] } | { not: Criterion }>;

export function isLeaf(c: Criterion): c is Leaf {
  return !('all' in c) && !('any' in c) && !('not' in c);
}

/** A stable key for a leaf: equal leaves share one interval table. */
export function leafKey(leaf: Leaf): string {
  return canonicalJson(leaf);
}

/** Every leaf under `c`, keyed by leafKey, in first-use order. */
export function collectLeaves(c: Criterion, out: Map<string, Leaf> = new Map()): Map<string, Leaf> {
  if ('all' in c) c.all.forEach((x) => collectLeaves(x, out));
  else if ('any' in c) c.any.forEach((x) => collectLeaves(x, out));
  else if ('not' in c) collectLeaves(c.not, out);
  else out.set(leafKey(c), c);
  return out;
}

/** The top-level conjuncts of `c` (nested `all`s flattened): each must hold for c to hold. */
export function conjuncts(c: Criterion): Criterion[] {
  return 'all' in c ? c.all.flatMap(conjuncts) : [c];
}

/** `c` as a SQL boolean; `flag` gives the SQL for one leaf. */
export function booleanSql(c: Criterion, flag: (leaf: Leaf) => string): string {
  if ('all' in c) return `(${c.all.map((x) => booleanSql(x, flag)).join(' AND ')})`;
  if ('any' in c) return `(${c.any.map((x) => booleanSql(x, flag)).join(' OR ')})`;
  if ('not' in c) return `(NOT ${booleanSql(c.not, flag)})`;
  return flag(c);
}

/** Windows relative to R (months/days) need a calendar column; age windows and none do not. */
export type RelativeWindow = { months: number } | { days: number };

export function relativeWindow(w: Window | undefined): RelativeWindow | null {
  if (!w) return null;
  if ('months' in w) return { months: w.months };
  if ('days' in w) return { days: w.days };
  return null;
}

/** Column suffix for a relative window: m12, d90. */
export function windowKey(w: RelativeWindow): string {
  return 'months' in w ? `m${w.months}` : `d${w.days}`;
}

/** Every relative window a definition uses (registered_for counts as a months window). */
export function relativeWindows(def: IndicatorDefinition): RelativeWindow[] {
  const out = new Map<string, RelativeWindow>();
  const add = (w: Window | undefined): void => {
    const r = relativeWindow(w);
    if (r) out.set(windowKey(r), r);
  };
  const visit = (c: Criterion): void => {
    if (!isLeaf(c)) {
      if ('all' in c) c.all.forEach(visit);
      else if ('any' in c) c.any.forEach(visit);
      else if ('not' in c) visit(c.not);
      return;
    }
    if ('has_event' in c) add(c.has_event.window);
    else if ('latest_value' in c) add(c.latest_value.window);
    else if ('latest_code' in c) add(c.latest_code.window);
    else if ('first_event' in c) add(c.first_event.window);
    else if ('medication' in c) add(c.medication.window);
    else if ('event_then' in c) add(c.event_then.first.window);
    else if ('has_admission' in c) add(c.has_admission.window);
    else if ('admission_then' in c) add(c.admission_then.admission.window);
    else if ('registered_for' in c) add({ months: c.registered_for.months });
  };
  visit(def.population);
  if (def.numerator) visit(def.numerator);
  def.exclusions.forEach(visit);
  if (def.value) add(def.value.window);
  if (def.count) add('admissions' in def.count ? def.count.admissions.window : def.count.events.window);
  if (def.deaths) add(def.deaths.window);
  return [...out.values()];
}

/** Slugs of clinical-event codelists and of medication codelists a definition reads. */
export function sourceSlugs(def: IndicatorDefinition): { events: Set<string>; medications: Set<string> } {
  const events = new Set<string>();
  const medications = new Set<string>();
  const visit = (c: Criterion): void => {
    if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
    else if ('on_register' in c) {
      events.add(c.on_register.codelist);
      if (c.on_register.resolved_by) events.add(c.on_register.resolved_by);
    } else if ('has_event' in c) events.add(c.has_event.codelist);
    else if ('latest_value' in c) events.add(c.latest_value.codelist);
    else if ('latest_code' in c) events.add(c.latest_code.among);
    else if ('first_event' in c) events.add(c.first_event.codelist);
    else if ('medication' in c) medications.add(c.medication.codelist);
    else if ('event_then' in c) {
      events.add(c.event_then.first.codelist);
      events.add(c.event_then.then.codelist);
    } else if ('admission_then' in c) events.add(c.admission_then.then.codelist);
  };
  visit(def.population);
  if (def.numerator) visit(def.numerator);
  def.exclusions.forEach(visit);
  if (def.value) events.add(def.value.codelist);
  if (def.count && 'events' in def.count) events.add(def.count.events.codelist);
  return { events, medications };
}

/**
 * A set of patients that contains everyone who can meet a criterion at any R: those with an
 * event (or issue) from a codelist, combined by union and intersection. null: anyone might.
 */
export type PatientSet = { events: string } | { medications: string } | { union: PatientSet[] } | { intersect: PatientSet[] };

export function necessaryPatients(c: Criterion): PatientSet | null {
  if ('all' in c) {
    const parts = c.all.map(necessaryPatients).filter((p): p is PatientSet => p !== null);
    if (parts.length === 0) return null;
    return parts.length === 1 ? (parts[0] as PatientSet) : { intersect: parts };
  }
  if ('any' in c) {
    const parts = c.any.map(necessaryPatients);
    if (parts.some((p) => p === null)) return null;
    return parts.length === 1 ? (parts[0] as PatientSet) : { union: parts as PatientSet[] };
  }
  if ('not' in c) return null;
  if ('on_register' in c) return { events: c.on_register.codelist };
  if ('has_event' in c) return { events: c.has_event.codelist };
  if ('latest_value' in c) return { events: c.latest_value.codelist };
  if ('latest_code' in c) return { events: c.latest_code.among };
  if ('first_event' in c) return { events: c.first_event.codelist };
  if ('medication' in c) return { medications: c.medication.codelist };
  if ('event_then' in c) return { events: c.event_then.first.codelist };
  // has_admission, admission_then (admissions are not in ev), age, sex, registered_for: anyone.
  return null;
}
