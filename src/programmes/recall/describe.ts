import type { Comparison, Criterion, Window } from '../../indicators/definition.js';
import { type PatientAtDate, codesOf, eventsFrom, latestValue, meets } from '../../indicators/reference/criteria.js';
import { admissionDates } from '../../indicators/reference/admissions.js';
import { addDays, addMonths } from '../../indicators/reference/dates.js';
import { inWindow, satisfies } from '../../indicators/reference/windows.js';

/**
 * Why a patient does not meet an indicator's numerator, in words, with the date by which the
 * missing activity had to be (or has to be) recorded. Worded from the numerator criterion and
 * the programme's codelist labels, so every indicator gets reasons without extra rules.
 */
export interface Reason {
  text: string;
  /** The last day an activity counts for the indicator (past for overdue patients), or null. */
  dueBy: string | null;
  /** The reason is a value outside the target, not a missing activity. */
  outOfRange: boolean;
}

/** overdue: the patient counts against the indicator now; due_soon: will at a later month end. */
export type Tense = 'overdue' | 'due_soon';

export type Labels = Readonly<Record<string, string>>;

function label(labels: Labels, slug: string): string {
  return labels[slug] ?? slug.replaceAll('_', ' ');
}

const OPS: Record<Comparison['op'], string> = { '<': 'below', '<=': 'at most', '>': 'above', '>=': 'at least', '=': 'equal to' };

function compareWords(c: Comparison): string {
  return `${OPS[c.op]} ${c.value}`;
}

function ageWords(months: number): string {
  return months % 12 === 0 ? `${months / 12}` : `${months} months`;
}

export function windowWords(w: Window | undefined): string {
  if (w === undefined) return 'ever';
  if ('months' in w) return `in the last ${w.months} months`;
  if ('days' in w) return `in the last ${w.days} days`;
  if ('from_age_months' in w) return `between age ${ageWords(w.from_age_months)} and ${ageWords(w.before_age_months)}`;
  return `before age ${ageWords(w.before_age_months)}`;
}

/** The last reference date at which an item dated `date` still falls in a relative window. */
export function lastDayCounted(date: string, w: Window | undefined): string | null {
  if (w === undefined) return null;
  if ('months' in w) return addDays(addMonths(date, w.months), -1);
  if ('days' in w) return addDays(date, w.days - 1);
  return null;
}

function latest(dates: readonly string[]): string | null {
  let out: string | null = null;
  for (const d of dates) if (out === null || d > out) out = d;
  return out;
}

/** A missing activity: one codelist (or several alternatives) with a window. */
interface Missing {
  words: string; // "HbA1c", "flu vaccination or flu vaccine"
  verb: string; // "" or " issued"
  window: Window | undefined;
  last: string | null; // latest qualifying-looking item on or before R, any time
  /** For "at least N by an age" (a course of doses): how many the window holds and how many are needed. */
  doses?: { have: number; need: number } | undefined;
}

/** "1 of 3 recorded before age 1" when more than one dose of a course is missing; null otherwise. */
function dosesWords(m: Missing): string | null {
  if (!m.doses || m.doses.have >= m.doses.need - 1) return null;
  const { have, need } = m.doses;
  return `${have === 0 ? 'none' : `${have} of ${need}`} recorded ${windowWords(m.window)}`;
}

function missingReason(m: Missing, at: PatientAtDate, tense: Tense): Reason {
  const w = m.window;
  if (w && ('before_age_months' in w)) {
    const deadline = addMonths(at.record.patient.birth_date, w.before_age_months);
    const dueBy = addDays(deadline, -1);
    const turns = `${ageWords(w.before_age_months)}${w.before_age_months % 12 === 0 ? '' : ' old'}`;
    const doses = dosesWords(m);
    const text =
      tense === 'due_soon'
        ? `${m.words} not given; turns ${turns} on ${deadline}${doses ? ` (${doses})` : ''}`
        : `${m.words} not given before age ${ageWords(w.before_age_months)} (turned ${turns} on ${deadline}${doses ? `; ${doses}` : ''})`;
    return { text, dueBy, outOfRange: false };
  }
  const dueBy = m.last === null ? null : lastDayCounted(m.last, w);
  const lastWords = m.last === null ? '' : ` (last${m.verb} on ${m.last})`;
  if (tense === 'due_soon' && dueBy !== null) return { text: `${m.words}${m.verb ? m.verb.replace(' issued', ' prescription') : ''} due by ${dueBy}${lastWords}`, dueBy, outOfRange: false };
  const text = m.last === null && w !== undefined ? `no ${m.words}${m.verb} ${windowWords(w)} (none recorded)` : `no ${m.words}${m.verb} ${windowWords(w)}${lastWords}`;
  return { text, dueBy, outOfRange: false };
}

/** The simple "an activity from this codelist in this window" form, if `c` is one. */
function asMissing(c: Criterion, at: PatientAtDate, labels: Labels): Missing | null {
  if ('has_event' in c && c.has_event.min_count === undefined && c.has_event.value === undefined) {
    const last = latest(eventsFrom(at, c.has_event.codelist).map((e) => e.date));
    return { words: label(labels, c.has_event.codelist), verb: '', window: c.has_event.window, last };
  }
  const w = 'has_event' in c ? c.has_event.window : undefined;
  if ('has_event' in c && c.has_event.value === undefined && w !== undefined && 'before_age_months' in w) {
    // A course of doses due by an age (MMR1 and MMR2 by 5; three primary doses by 1): the programme's
    // label names the dose that is missing ("MMR2"), and the reason says how many are recorded.
    const birth = at.record.patient.birth_date;
    const counted = eventsFrom(at, c.has_event.codelist).filter((e) => inWindow(w, e.date, at.R, birth));
    const last = latest(counted.map((e) => e.date));
    return { words: label(labels, c.has_event.codelist), verb: '', window: w, last, doses: { have: counted.length, need: c.has_event.min_count ?? 1 } };
  }
  if ('medication' in c && c.medication.min_count === undefined) {
    const set = codesOf(at.codes, c.medication.codelist);
    const last = latest(at.record.medications.filter((m) => m.date <= at.R && set.has(m.dmd_code)).map((m) => m.date));
    return { words: label(labels, c.medication.codelist), verb: ' issued', window: c.medication.window, last };
  }
  return null;
}

/** A latest_value with no value in its window, as a missing activity. */
function missingValue(lv: { codelist: string; window?: Window | undefined }, at: PatientAtDate, labels: Labels): Missing {
  const last = latest(eventsFrom(at, lv.codelist).filter((e) => e.value !== null).map((e) => e.date));
  return { words: label(labels, lv.codelist), verb: '', window: lv.window, last };
}

function sameWindow(a: Window | undefined, b: Window | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The reason `c` is not met for the patient at `at.R` (the caller has checked that it is not).
 * `tense` words it for a patient overdue now or due soon.
 */
export function describeUnmet(c: Criterion, at: PatientAtDate, labels: Labels, tense: Tense): Reason {
  const simple = asMissing(c, at, labels);
  if (simple) return missingReason(simple, at, tense);

  if ('latest_value' in c) {
    const { codelist, window, compare } = c.latest_value;
    const v = latestValue(at, codelist, window);
    const birth = at.record.patient.birth_date;
    if (v === null) return missingReason(missingValue(c.latest_value, at, labels), at, tense);
    const date = latest(eventsFrom(at, codelist).filter((e) => e.value !== null && inWindow(window, e.date, at.R, birth)).map((e) => e.date));
    return { text: `latest ${label(labels, codelist)} ${v} on ${date} (target: ${compareWords(compare)})`, dueBy: null, outOfRange: true };
  }

  if ('event_then' in c) {
    const { first, then } = c.event_then;
    const birth = at.record.patient.birth_date;
    const firsts = eventsFrom(at, first.codelist).filter((a) => inWindow(first.window, a.date, at.R, birth) && (first.value === undefined || satisfies(a.value, first.value)));
    const a = latest(firsts.map((e) => e.date));
    const firstWords = label(labels, first.codelist);
    const thenWords = label(labels, then.codelist);
    if (a === null) return { text: `no ${firstWords} ${windowWords(first.window)}`, dueBy: null, outOfRange: false };
    const dueBy = addDays(a, then.within_days);
    const text = tense === 'due_soon' ? `${thenWords} due by ${dueBy} (${firstWords} on ${a})` : `no ${thenWords} within ${then.within_days} days of ${firstWords} on ${a}`;
    return { text, dueBy, outOfRange: false };
  }

  if ('admission_then' in c) {
    // As event_then, from the admission's date (a post-MI review within 21 days of discharge).
    const { admission, then } = c.admission_then;
    const a = latest(admissionDates(admission, at));
    const firstWords = admission.date === 'discharged' ? 'hospital discharge' : 'hospital admission';
    const thenWords = label(labels, then.codelist);
    if (a === null) return { text: `no ${firstWords} ${windowWords(admission.window)}`, dueBy: null, outOfRange: false };
    const dueBy = addDays(a, then.within_days);
    const text = tense === 'due_soon' ? `${thenWords} due by ${dueBy} (${firstWords} on ${a})` : `no ${thenWords} within ${then.within_days} days of ${firstWords} on ${a}`;
    return { text, dueBy, outOfRange: false };
  }

  if ('any' in c) {
    const parts = c.any.map((x) => asMissing(x, at, labels));
    const first = parts[0];
    if (first && parts.every((p): p is Missing => p !== null && sameWindow(p.window, first.window))) {
      // Alternatives for the same activity (a review or a care plan; a vaccination or a vaccine issued).
      const dated = parts.filter((p) => p.last !== null);
      const last = latest(dated.map((p) => p.last as string));
      const verb = dated.find((p) => p.last === last)?.verb ?? '';
      return missingReason({ words: parts.map((p) => p.words).join(' or '), verb: last === null ? '' : verb, window: first.window, last }, at, tense);
    }
    return join(c.any.map((x) => describeUnmet(x, at, labels, tense)), ' and ');
  }

  if ('all' in c) {
    const failing = c.all.filter((x) => !meets(x, at));
    const parts = failing.map((x) => ('latest_value' in x && latestValue(at, x.latest_value.codelist, x.latest_value.window) === null ? missingValue(x.latest_value, at, labels) : asMissing(x, at, labels)));
    const first = parts[0];
    if (first && parts.length > 1 && parts.every((q): q is Missing => q !== null && sameWindow(q.window, first.window) && q.last === first.last)) {
      // Several activities missing since the same date (a BP and cholesterol check): one phrase.
      const words = parts.map((q) => q.words);
      return missingReason({ ...first, words: `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` }, at, tense);
    }
    return join((failing.length ? failing : c.all).map((x) => describeUnmet(x, at, labels, tense)), '; ');
  }

  if ('has_event' in c) {
    const { codelist, window, value, min_count } = c.has_event;
    const what = `${min_count ?? 1} ${label(labels, codelist)}${value ? ` ${compareWords(value)}` : ''}`;
    return { text: `fewer than ${what} ${windowWords(window)}`, dueBy: null, outOfRange: false };
  }
  if ('medication' in c) {
    return { text: `fewer than ${c.medication.min_count ?? 1} ${label(labels, c.medication.codelist)} issued ${windowWords(c.medication.window)}`, dueBy: null, outOfRange: false };
  }
  const kind = Object.keys(c)[0] ?? 'criterion';
  return { text: `${kind.replaceAll('_', ' ')} criterion not met`, dueBy: null, outOfRange: false };
}

function join(reasons: readonly Reason[], sep: string): Reason {
  const dues = reasons.map((r) => r.dueBy).filter((d): d is string => d !== null);
  return {
    text: reasons.map((r) => r.text).join(sep),
    dueBy: dues.length ? dues.reduce((a, b) => (a < b ? a : b)) : null,
    outOfRange: reasons.some((r) => r.outOfRange),
  };
}
