import type { Engine } from '../../store/engine.js';
import { toCsv } from './format.js';
import { insertOutreach, serialised } from './outreach.js';
import type { RecallProgramme } from './programme.js';
import { renderTemplate } from './template.js';
import type { Worklist, WorklistRow } from './worklist.js';

/**
 * Batches of invitations: a selection of worklist rows saved in recall_batch(_member), exported
 * as CSV (for a clinical system or messaging service) and as an SMS outbox, and marked as sent —
 * which logs one invitation per member in the outreach log, in the same transaction.
 */
export type BatchMethod = 'letter' | 'sms' | 'phone';

export class BatchError extends Error {}

export interface Batch {
  id: number;
  practice: string;
  programme: string;
  period_end: string;
  method: BatchMethod;
  sent_on: string | null;
  patient_ids: number[];
}

/** Saves a batch of the given rows; returns its id. */
export async function createBatch(engine: Engine, list: Worklist, rows: readonly WorklistRow[], method: BatchMethod): Promise<number> {
  if (rows.length === 0) throw new BatchError('no patients to put in the batch');
  return serialised(engine, () =>
    engine.transaction(async (tx) => {
      const created = await tx.all<{ id: number }>(
        `INSERT INTO recall_batch (practice, programme, period_end, method, created_at) VALUES ($1, $2, CAST($3 AS DATE), $4, CURRENT_TIMESTAMP) RETURNING id`,
        [list.practice, list.programme, list.period_end, method],
      );
      const id = Number(created[0]?.id);
      await tx.insertRows('recall_batch_member', ['batch_id', 'patient_id'], rows.map((r) => [id, r.patient_id]));
      return id;
    }),
  );
}

export async function readBatch(engine: Engine, id: number): Promise<Batch> {
  const b = await engine.all<{ id: number; practice: string; programme: string; period_end: string; method: BatchMethod; sent_on: string | null }>(
    'SELECT id, practice, programme, period_end, method, sent_on FROM recall_batch WHERE id = $1',
    [id],
  );
  const row = b[0];
  if (!row) throw new BatchError(`no batch ${id}`);
  const members = await engine.all<{ patient_id: number }>('SELECT patient_id FROM recall_batch_member WHERE batch_id = $1 ORDER BY patient_id', [id]);
  return { ...row, id: Number(row.id), patient_ids: members.map((m) => Number(m.patient_id)) };
}

/** Marks a batch as sent on `date` and logs its invitations, in one transaction; a batch is sent once. */
export async function markBatchSent(engine: Engine, id: number, date: string): Promise<number> {
  return serialised(engine, () =>
    engine.transaction(async (tx) => {
      const batch = await readBatch(tx, id);
      if (batch.sent_on !== null) throw new BatchError(`batch ${id} was already marked as sent on ${batch.sent_on}`);
      await tx.run('UPDATE recall_batch SET sent_on = CAST($1 AS DATE) WHERE id = $2', [date, id]);
      return insertOutreach(
        tx,
        batch.patient_ids.map((patient_id) => ({ practice: batch.practice, patient_id, programme: batch.programme, date, method: batch.method, batch_id: id })),
      );
    }),
  );
}

export const BATCH_COLUMNS = ['batch_id', 'method', 'nhs_number', 'name', 'phone', 'birth_date', 'programme', 'status', 'reason', 'due_by', 'next_action'] as const;

export function batchCsv(id: number, method: BatchMethod, rows: readonly WorklistRow[]): string {
  return toCsv(
    BATCH_COLUMNS,
    rows.map((r) => [id, method, r.nhs_number, r.name, r.phone, r.birth_date, r.programme, r.status, r.reason, r.due_by, r.next_action]),
  );
}

/** The SMS outbox: NHS number, phone, message (from the programme's template). */
export function smsOutbox(p: RecallProgramme, practiceName: string, rows: readonly WorklistRow[]): string {
  return toCsv(
    ['nhs_number', 'phone', 'message'],
    rows.map((r) => [
      r.nhs_number,
      r.phone,
      renderTemplate(p.sms_template, {
        name: r.name,
        nhs_number: r.nhs_number ?? '',
        practice: practiceName,
        programme: p.title,
        service: p.service,
        due_by: r.due_by ?? 'as soon as possible',
      }),
    ]),
  );
}
