import type { Codelist } from '../../codelists/load.js';
import { codelistSlugs } from '../../indicators/definition.js';
import { type PatientStatus, patientStatus } from '../../indicators/compile/patient-status.js';
import { monthEnd } from '../../indicators/compile/periods.js';
import { type PatientAtDate, eventsFrom, latestValue } from '../../indicators/reference/criteria.js';
import { addDays, addMonths, completedMonths, parseIsoDate } from '../../indicators/reference/dates.js';
import { evaluatePatient } from '../../indicators/reference/evaluate-patient.js';
import { type CodeSets, type PatientRecord, codeSetsOf } from '../../indicators/reference/patient-record.js';
import { inWindow, satisfies } from '../../indicators/reference/windows.js';
import type { Engine } from '../../store/engine.js';
import { type Reason, type Tense, describeUnmet } from './describe.js';
import { fictionalName, fictionalPhone } from './fictional.js';
import type { LoadedProgramme } from './load.js';
import { type ContactSummary, DEFAULTER_INVITATIONS, type StoredOutreach, readOutreach, summariseContacts } from './outreach.js';
import type { RecallProgramme } from './programme.js';
import { practiceRecordsAt } from './records.js';

/** One patient on a programme's worklist. */
export interface WorklistRow {
  patient_id: number;
  nhs_number: string | null;
  /** Fictional, made from the patient id (the store has no names). */
  name: string;
  /** Fictional, in Ofcom's drama range. */
  phone: string;
  birth_date: string;
  age: string;
  programme: string;
  status: Tense;
  reason: string;
  due_by: string | null;
  /** due_by − the list date, in days (negative: overdue by that many days). */
  days_to_due: number | null;
  /** due_soon: the month end at which the patient will count against the indicator. */
  joins_list_on: string | null;
  risk: string | null;
  unanswered_invitations: number;
  defaulter: boolean;
  last_contact: string | null;
  next_action: string;
  /** 1 (first) … 4; see docs/RECALL.md. */
  priority: number;
}

export interface WorklistCounts {
  /** Population members of the indicator at the practice at R. */
  population: number;
  numerator: number;
  /** Excluded by the indicator's own rules (coded exclusions, new diagnosis/registration). */
  excluded: number;
  denominator: number;
  /** denominator − numerator: every one of them is either on the list or adjusted in the log. */
  overdue: number;
  /** Of the overdue, those with a personalised care adjustment in the outreach log (not listed). */
  adjusted_in_log: number;
  due_soon: number;
}

export interface Worklist {
  programme: string;
  indicator: string;
  practice: string;
  period_end: string;
  rows: WorklistRow[];
  counts: WorklistCounts;
}

export interface WorklistOptions {
  practice: string;
  /** The reference date: a month end. */
  R: string;
  codelists: ReadonlyMap<string, Codelist>;
  /** The indicator's patient statuses at this practice and R, if the caller has them already (one SQL run for every practice). */
  statuses?: readonly PatientStatus[];
}

function ageWords(birth: string, R: string): string {
  const m = completedMonths(birth, R);
  return m < 24 ? `${m}m` : `${Math.floor(m / 12)}y`;
}

function daysBetween(from: string, to: string): number {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/** The first clinical-risk rule the patient meets at R, in words with the value and date. */
export function riskOf(p: RecallProgramme, at: PatientAtDate): string | null {
  const birth = at.record.patient.birth_date;
  for (const rule of p.risk) {
    const { codelist, window, compare } = rule.latest_value;
    const v = latestValue(at, codelist, window);
    if (v === null || !satisfies(v, compare)) continue;
    const dates = eventsFrom(at, codelist).filter((e) => e.value !== null && inWindow(window, e.date, at.R, birth)).map((e) => e.date);
    const date = dates.reduce((a, b) => (a > b ? a : b));
    return `${rule.label} (${v} on ${date})`;
  }
  return null;
}

const OUTCOME_ACTIONS: Record<string, string> = {
  booked: 'Booked: check attendance and that the activity is coded',
  attended: 'Attended: check the activity is coded in the record',
  declined: 'Declined: discuss with a clinician; record informed dissent if confirmed',
  wrong_number: 'Wrong number: update contact details, then write',
};

/** The next thing to do for a patient, from the log and the reason. */
export function nextAction(p: RecallProgramme, reason: Reason, contact: ContactSummary | undefined): string {
  const outcomeAction = contact?.lastOutcome ? OUTCOME_ACTIONS[contact.lastOutcome] : undefined;
  if (contact && contact.unanswered >= DEFAULTER_INVITATIONS)
    return `Defaulter (${contact.unanswered} invitations unanswered): clinician review; telephone or flag for opportunistic contact`;
  if (outcomeAction && contact?.last?.outcome === contact?.lastOutcome) return outcomeAction;
  const base = reason.outOfRange && p.action_out_of_range ? p.action_out_of_range : p.action;
  if (contact && contact.unanswered > 0) return `Reminder (invitation ${contact.unanswered + 1}): ${base}`;
  return base;
}

/** Priority tiers: 1 deadline within 31 days (due soon), 2 overdue with clinical risk, 3 overdue, 4 due soon later. */
export function priorityOf(status: Tense, daysToDue: number | null, risk: string | null): number {
  if (status === 'due_soon') return daysToDue !== null && daysToDue <= 31 ? 1 : 4;
  return risk !== null ? 2 : 3;
}

export function compareRows(a: WorklistRow, b: WorklistRow): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const da = a.days_to_due ?? Number.POSITIVE_INFINITY;
  const db = b.days_to_due ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da - db;
  if (a.unanswered_invitations !== b.unanswered_invitations) return b.unanswered_invitations - a.unanswered_invitations;
  return a.patient_id - b.patient_id;
}

function describeLast(e: StoredOutreach | null): string | null {
  if (!e) return null;
  const what = [e.method, e.outcome?.replace('_', ' '), e.adjustment?.replace('_', ' ')].filter((x) => x).join(', ');
  return `${e.date} ${what}`;
}

/** Where the patient will first count against the indicator at a month end after R, if nothing is recorded. */
function joinsListOn(p: LoadedProgramme, record: PatientRecord, R: string, codes: CodeSets): string | null {
  const def = p.indicator.definition;
  for (let k = 1; k <= p.programme.due_soon_months; k++) {
    const Rk = monthEnd(addMonths(R, k).slice(0, 7));
    const e = evaluatePatient(def, record, Rk, codes);
    if (e.inDenominator && !e.inNumerator) return Rk;
  }
  return null;
}

/**
 * Builds a programme's worklist for one practice at the month end R. Overdue patients are exactly
 * the indicator's denominator minus numerator at R (patient status computed in SQL by the same
 * compiler as the KPI), less those with a personalised care adjustment logged in the last 12
 * months. Due-soon patients will join the list at a month end within the programme's look-ahead
 * if nothing is recorded (reference engine on the record cut at R).
 */
export async function buildWorklist(engine: Engine, p: LoadedProgramme, opts: WorklistOptions): Promise<Worklist> {
  const { practice, R } = opts;
  const def = p.indicator.definition;
  const codes = codeSetsOf(opts.codelists);
  const statuses = opts.statuses ?? (await patientStatus(engine, p.indicator, practice, R));
  const slugs = [...new Set([...codelistSlugs(def), ...p.programme.risk.map((r) => r.latest_value.codelist)])];
  const stored = new Set((await engine.all<{ slug: string }>(`SELECT DISTINCT slug FROM codelist_code WHERE slug IN (${slugs.map((_, i) => `$${i + 1}`).join(', ')})`, slugs)).map((r) => r.slug));
  const missing = slugs.filter((s) => !stored.has(s));
  if (missing.length) throw new Error(`recall ${p.programme.id}: codelist${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in the store's codelist_code (run gpnet measure or store the codelists first)`);
  const records = await practiceRecordsAt(engine, practice, R, slugs);
  const log = await readOutreach(engine, practice, p.programme.id, addMonths(addDays(R, 1), -12));
  const contacts = summariseContacts(log);

  const rows: WorklistRow[] = [];
  let adjusted = 0;
  let dueSoon = 0;
  const add = (record: PatientRecord, status: Tense, at: PatientAtDate, joins: string | null): void => {
    const id = record.patient.id;
    const contact = contacts.get(id);
    let reason = describeUnmet(def.numerator ?? { all: [] }, at, p.programme.labels, status);
    if (status === 'due_soon' && joins !== null && (reason.dueBy === null || reason.dueBy < R)) {
      // Already lapsed, but kept out of the denominator until `joins` (new registration or diagnosis).
      const now = describeUnmet(def.numerator ?? { all: [] }, at, p.programme.labels, 'overdue');
      reason = { ...now, text: `${now.text}; counts against the indicator from ${joins}`, dueBy: joins };
    }
    const dueBy = reason.dueBy ?? joins;
    const days = dueBy === null ? null : daysBetween(R, dueBy);
    const risk = riskOf(p.programme, { ...at, R });
    rows.push({
      patient_id: id,
      nhs_number: record.patient.nhs_number,
      name: fictionalName(id),
      phone: fictionalPhone(id),
      birth_date: record.patient.birth_date,
      age: ageWords(record.patient.birth_date, R),
      programme: p.programme.id,
      status,
      reason: reason.text,
      due_by: dueBy,
      days_to_due: days,
      joins_list_on: joins,
      risk,
      unanswered_invitations: contact?.unanswered ?? 0,
      defaulter: (contact?.unanswered ?? 0) >= DEFAULTER_INVITATIONS,
      last_contact: describeLast(contact?.last ?? null),
      next_action: nextAction(p.programme, reason, contact),
      priority: priorityOf(status, days, risk),
    });
  };

  const listed = new Set<number>();
  for (const s of statuses) {
    if (!s.inDenominator || s.inNumerator) continue;
    listed.add(s.patient_id);
    if (contacts.get(s.patient_id)?.adjustment) {
      adjusted += 1;
      continue;
    }
    const record = records.get(s.patient_id);
    if (!record) throw new Error(`recall ${p.programme.id}: patient ${s.patient_id} is in the indicator at ${practice} on ${R} but has no record there`);
    add(record, 'overdue', { record, R, codes }, null);
  }
  if (p.programme.due_soon_months > 0) {
    for (const record of records.values()) {
      if (listed.has(record.patient.id) || contacts.get(record.patient.id)?.adjustment) continue;
      const joins = joinsListOn(p, record, R, codes);
      if (joins === null) continue;
      dueSoon += 1;
      add(record, 'due_soon', { record, R: joins, codes }, joins);
    }
  }
  rows.sort(compareRows);
  const numerator = statuses.filter((s) => s.inNumerator).length;
  const denominator = statuses.filter((s) => s.inDenominator).length;
  return {
    programme: p.programme.id,
    indicator: def.id,
    practice,
    period_end: R,
    rows,
    counts: {
      population: statuses.length,
      numerator,
      excluded: statuses.filter((s) => s.excluded).length,
      denominator,
      overdue: denominator - numerator,
      adjusted_in_log: adjusted,
      due_soon: dueSoon,
    },
  };
}
