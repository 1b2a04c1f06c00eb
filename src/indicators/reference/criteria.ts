import type { ClinicalEvent } from '../../model/clinical.js';
import type { Criterion, Window } from '../definition.js';
import { admissionDates } from './admissions.js';
import { addDays, addMonths, completedMonths } from './dates.js';
import { registrationAt, type CodeSets, type PatientRecord } from './patient-record.js';
import { inWindow, satisfies } from './windows.js';

/** One patient at one reference date R, with the codelists to match against. */
export interface PatientAtDate {
  record: PatientRecord;
  R: string;
  codes: CodeSets;
}

export function codesOf(codes: CodeSets, slug: string): ReadonlySet<string> {
  const set = codes.get(slug);
  if (!set) throw new Error(`unknown codelist ${slug}`);
  return set;
}

/** The patient's clinical events from a codelist dated on or before R (any practice). */
export function eventsFrom(at: PatientAtDate, slug: string): ClinicalEvent[] {
  const set = codesOf(at.codes, slug);
  return at.record.events.filter((e) => e.date <= at.R && set.has(e.code));
}

function latestDate(events: readonly { date: string }[]): string | null {
  let latest: string | null = null;
  for (const e of events) if (latest === null || e.date > latest) latest = e.date;
  return latest;
}

function earliestDate(events: readonly { date: string }[]): string | null {
  let earliest: string | null = null;
  for (const e of events) if (earliest === null || e.date < earliest) earliest = e.date;
  return earliest;
}

/**
 * The latest value among events from `slug` in the window that have a value: the latest
 * date, and on that date the lowest value. Null when there is no such event.
 */
export function latestValue(at: PatientAtDate, slug: string, window: Window | undefined): number | null {
  const birth = at.record.patient.birth_date;
  const withValue = eventsFrom(at, slug).filter((e) => e.value !== null && inWindow(window, e.date, at.R, birth));
  const latest = latestDate(withValue);
  if (latest === null) return null;
  return Math.min(...withValue.filter((e) => e.date === latest).map((e) => e.value as number));
}

/** Evaluates one criterion for one patient at R, by the rules of docs/INDICATORS.md. */
export function meets(c: Criterion, at: PatientAtDate): boolean {
  const { record, R } = at;
  const birth = record.patient.birth_date;

  if ('on_register' in c) {
    const latestDiagnosis = latestDate(eventsFrom(at, c.on_register.codelist));
    if (latestDiagnosis === null) return false;
    if (c.on_register.resolved_by === undefined) return true;
    // Resolved when a resolved code is dated on or after the latest diagnosis (same day resolves).
    return !eventsFrom(at, c.on_register.resolved_by).some((e) => e.date >= latestDiagnosis);
  }

  if ('has_event' in c) {
    const { codelist, window, value, min_count } = c.has_event;
    const matching = eventsFrom(at, codelist).filter(
      (e) => inWindow(window, e.date, R, birth) && (value === undefined || satisfies(e.value, value)),
    );
    return matching.length >= (min_count ?? 1);
  }

  if ('latest_value' in c) {
    const v = latestValue(at, c.latest_value.codelist, c.latest_value.window);
    return v !== null && satisfies(v, c.latest_value.compare);
  }

  if ('latest_code' in c) {
    const among = eventsFrom(at, c.latest_code.among).filter((e) => inWindow(c.latest_code.window, e.date, R, birth));
    const latest = latestDate(among);
    if (latest === null) return false;
    const target = codesOf(at.codes, c.latest_code.in);
    return among.some((e) => e.date === latest && target.has(e.code));
  }

  if ('first_event' in c) {
    const first = earliestDate(eventsFrom(at, c.first_event.codelist));
    return first !== null && inWindow(c.first_event.window, first, R, birth);
  }

  if ('medication' in c) {
    const set = codesOf(at.codes, c.medication.codelist);
    const issued = record.medications.filter((m) => set.has(m.dmd_code) && inWindow(c.medication.window, m.date, R, birth));
    return issued.length >= (c.medication.min_count ?? 1);
  }

  if ('event_then' in c) {
    const { first, then } = c.event_then;
    const firsts = eventsFrom(at, first.codelist).filter(
      (a) => inWindow(first.window, a.date, R, birth) && (first.value === undefined || satisfies(a.value, first.value)),
    );
    const thens = eventsFrom(at, then.codelist); // already ≤ R
    return firsts.some((a) => {
      const until = addDays(a.date, then.within_days);
      return thens.some((b) => a.date <= b.date && b.date <= until);
    });
  }

  if ('has_admission' in c) return admissionDates(c.has_admission, at).length > 0;
  if ('admission_then' in c) {
    // An admission A in its window, then an event B with A's date ≤ B.date ≤ A's date + within_days (B ≤ R).
    const { admission, then } = c.admission_then;
    const thens = eventsFrom(at, then.codelist);
    return admissionDates(admission, at).some((d) => {
      const until = addDays(d, then.within_days);
      return thens.some((b) => d <= b.date && b.date <= until);
    });
  }
  if ('age' in c) {
    const months = completedMonths(birth, R);
    const age = c.age.unit === 'months' ? months : Math.floor(months / 12);
    return (c.age.min === undefined || age >= c.age.min) && (c.age.max === undefined || age <= c.age.max);
  }

  if ('sex' in c) return record.patient.sex === c.sex;

  if ('registered_for' in c) {
    const current = registrationAt(record, R);
    if (current === null) return false;
    return current.start_date <= addMonths(addDays(R, 1), -c.registered_for.months);
  }

  if ('all' in c) return c.all.every((x) => meets(x, at));
  if ('any' in c) return c.any.some((x) => meets(x, at));
  if ('not' in c) return !meets(c.not, at);

  const unknown: never = c;
  throw new Error(`unknown criterion ${JSON.stringify(unknown)}`);
}
