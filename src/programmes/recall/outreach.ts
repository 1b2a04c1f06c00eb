import { z } from 'zod';
import type { Engine } from '../../store/engine.js';
import { isIsoDate } from '../../indicators/reference/dates.js';

/**
 * The outreach log (table recall_outreach, migration 2): invitations, their outcomes and
 * personalised care adjustments, one row per thing that happened. Rows are only ever added.
 */
export const METHODS = ['letter', 'sms', 'phone', 'opportunistic'] as const;
export const OUTCOMES = ['booked', 'attended', 'declined', 'no_answer', 'wrong_number'] as const;
export const ADJUSTMENTS = ['informed_dissent', 'unsuitable'] as const;
export type Method = (typeof METHODS)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Adjustment = (typeof ADJUSTMENTS)[number];

const IsoDate = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');

export const OutreachEntry = z
  .object({
    practice: z.string().min(1),
    patient_id: z.number().int().positive(),
    programme: z.string().min(1),
    date: IsoDate,
    method: z.enum(METHODS).nullable().default(null),
    outcome: z.enum(OUTCOMES).nullable().default(null),
    adjustment: z.enum(ADJUSTMENTS).nullable().default(null),
    batch_id: z.number().int().positive().nullable().default(null),
    note: z.string().max(500).nullable().default(null),
  })
  .strict()
  .refine((e) => e.method !== null || e.outcome !== null || e.adjustment !== null, 'give a method, an outcome or an adjustment');
export type OutreachEntry = z.infer<typeof OutreachEntry>;
export type OutreachInput = z.input<typeof OutreachEntry>;

export interface StoredOutreach extends OutreachEntry {
  id: number;
  recorded_at: string;
}

/**
 * Writes through one engine are queued, so that concurrent callers sharing a connection never
 * interleave statements inside each other's transactions (DuckDB connections run one
 * transaction at a time; Engine.transaction nests rather than waits).
 */
const queues = new WeakMap<Engine, Promise<unknown>>();

export function serialised<T>(engine: Engine, fn: () => Promise<T>): Promise<T> {
  const prior = queues.get(engine) ?? Promise.resolve();
  const next = prior.then(fn, fn);
  queues.set(engine, next.catch(() => undefined));
  return next;
}

const COLUMNS = 'practice, patient_id, programme, date, method, outcome, adjustment, batch_id, note, recorded_at';

/** Inserts validated entries with `tx` (the caller holds the transaction and the queue). */
export async function insertOutreach(tx: Engine, inputs: readonly OutreachInput[]): Promise<number> {
  const entries = inputs.map((i) => OutreachEntry.parse(i));
  for (const e of entries) {
    await tx.run(`INSERT INTO recall_outreach (${COLUMNS}) VALUES ($1, $2, $3, CAST($4 AS DATE), $5, $6, $7, $8, $9, CURRENT_TIMESTAMP)`, [
      e.practice,
      e.patient_id,
      e.programme,
      e.date,
      e.method,
      e.outcome,
      e.adjustment,
      e.batch_id,
      e.note,
    ]);
  }
  return entries.length;
}

/** Appends entries in one transaction (all or none), retrying on a write conflict with another client. */
export async function logOutreach(engine: Engine, inputs: readonly OutreachInput[]): Promise<number> {
  inputs.forEach((i) => OutreachEntry.parse(i)); // fail before queueing
  if (inputs.length === 0) return 0;
  const write = (): Promise<number> => engine.transaction((tx) => insertOutreach(tx, inputs));
  return serialised(engine, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        // Another client's transaction conflicted with ours: nothing of ours was written; try again.
        if (!/conflict/i.test(String(err)) || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 5 * attempt));
      }
    }
  });
}

/** Entries for one practice and programme dated on or after `since`, oldest first. */
export async function readOutreach(engine: Engine, practice: string, programme: string, since: string): Promise<StoredOutreach[]> {
  const rows = await engine.all<{
    id: number;
    practice: string;
    patient_id: number;
    programme: string;
    date: string;
    method: Method | null;
    outcome: Outcome | null;
    adjustment: Adjustment | null;
    batch_id: number | null;
    note: string | null;
    recorded_at: string;
  }>(
    `SELECT id, ${COLUMNS} FROM recall_outreach WHERE practice = $1 AND programme = $2 AND date >= CAST($3 AS DATE) ORDER BY date, id`,
    [practice, programme, since],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), patient_id: Number(r.patient_id), batch_id: r.batch_id === null ? null : Number(r.batch_id), recorded_at: String(r.recorded_at) }));
}

/** What the log says about one patient in the current recall cycle. */
export interface ContactSummary {
  /** Invitations (letter, SMS, phone) since the last answer (booked, attended, declined) that got no answer. */
  unanswered: number;
  last: StoredOutreach | null;
  /** The latest outcome recorded, if any. */
  lastOutcome: Outcome | null;
  /** The latest personalised care adjustment, if any. */
  adjustment: { kind: Adjustment; date: string } | null;
}

export const DEFAULTER_INVITATIONS = 3;

/** Summarises entries (oldest first) per patient. */
export function summariseContacts(entries: readonly StoredOutreach[]): Map<number, ContactSummary> {
  const out = new Map<number, ContactSummary>();
  for (const e of entries) {
    let s = out.get(e.patient_id);
    if (!s) {
      s = { unanswered: 0, last: null, lastOutcome: null, adjustment: null };
      out.set(e.patient_id, s);
    }
    s.last = e;
    if (e.adjustment !== null) s.adjustment = { kind: e.adjustment, date: e.date };
    if (e.outcome !== null) s.lastOutcome = e.outcome;
    if (e.outcome === 'booked' || e.outcome === 'attended' || e.outcome === 'declined') s.unanswered = 0;
    else if (e.method !== null && e.method !== 'opportunistic') s.unanswered += 1;
  }
  return out;
}
