import { z } from 'zod';
import { patientStatus } from '../../indicators/compile/patient-status.js';
import { isIsoDate } from '../../indicators/reference/dates.js';
import { type Batch, BatchError, type BatchMethod, createBatch, markBatchSent, readBatch } from '../../programmes/recall/batch.js';
import { fictionalName, fictionalPhone } from '../../programmes/recall/fictional.js';
import type { LoadedProgramme } from '../../programmes/recall/load.js';
import { ADJUSTMENTS, METHODS, OUTCOMES, logOutreach } from '../../programmes/recall/outreach.js';
import { type RecallLibrary, loadRecallLibrary } from '../../programmes/recall/session.js';
import { type Worklist, type WorklistRow, buildWorklist } from '../../programmes/recall/worklist.js';
import type { Engine } from '../../store/engine.js';
import type { DashboardData, OrgRecord } from '../api/dashboard-data.js';

/**
 * The server side of call and recall: worklists per practice, programme and month (cached until
 * the practice's log changes), logging, batches, and the network's counts. Callers have already
 * passed the central route check (practice role, own practice); this module checks that what a
 * request names inside the practice (a patient, a batch) belongs to that practice.
 */
export class RecallError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: 'bad_request' | 'forbidden' | 'not_found' | 'conflict',
    message: string,
    /** Audited as a denied attempt (something of another practice), whatever the status says. */
    readonly denied = status === 403,
  ) {
    super(message);
  }
}

const IsoDate = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const ProgrammeId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a programme id');
const PatientIds = z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1, 'select at least one patient').max(1000, 'at most 1000 patients at once');

export const LogRequest = z
  .object({
    programme: ProgrammeId,
    patient_ids: PatientIds,
    date: IsoDate,
    method: z.enum(METHODS).nullable().default(null),
    outcome: z.enum(OUTCOMES).nullable().default(null),
    adjustment: z.enum(ADJUSTMENTS).nullable().default(null),
    note: z.string().max(500).nullable().default(null),
  })
  .strict()
  .refine((e) => e.method !== null || e.outcome !== null || e.adjustment !== null, { message: 'give a method, an outcome or an adjustment', path: ['method'] });
export type LogRequest = z.infer<typeof LogRequest>;

export const BatchRequest = z
  .object({
    programme: ProgrammeId,
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM').optional(),
    method: z.enum(['letter', 'sms', 'phone']),
    patient_ids: PatientIds,
  })
  .strict();
export type BatchRequest = z.infer<typeof BatchRequest>;

export const SentRequest = z.object({ date: IsoDate }).strict();

export interface BatchSummary {
  id: number;
  programme: string;
  period_end: string;
  method: BatchMethod;
  created_at: string;
  sent_on: string | null;
  patients: number;
}

export interface BatchDetail extends BatchSummary {
  practice: string;
  rows: WorklistRow[];
}

/** Counts only: one practice × programme. No patient appears here, by construction. */
export interface CountRow {
  network: string;
  practice: string;
  practice_name: string;
  programme: string;
  overdue: number;
  due_soon: number;
  defaulters: number;
}

/** How long a worklist is reused (this server's own writes drop it at once). */
export const CACHE_MS = 60_000;
const stamp = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 19).replace('T', ' ');
const day = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

export class RecallService {
  private lib: RecallLibrary | null = null;
  /** Lists by practice|programme|month; dropped on this server's writes for the practice and after CACHE_MS (other servers sharing a PostgreSQL store). */
  private readonly cache = new Map<string, { at: number; list: Promise<Worklist> }>();
  /** Network counts by network|month, in progress or done (see countJob). */
  private readonly countJobs = new Map<string, CountJob>();

  constructor(
    readonly engine: Engine,
    readonly data: DashboardData,
    private readonly dir?: string,
  ) {}

  library(): RecallLibrary {
    this.lib ??= loadRecallLibrary(this.dir);
    return this.lib;
  }

  programmes(): LoadedProgramme[] {
    return this.library().programmes;
  }

  programme(id: string): LoadedProgramme {
    const p = this.programmes().find((x) => x.programme.id === id);
    if (!p) throw new RecallError(404, 'not_found', `no recall programme ${id} (one of: ${this.programmes().map((x) => x.programme.id).join(', ')})`);
    return p;
  }

  /** The month end for `month` (YYYY-MM), which must be a month with results; default the latest. */
  periodEnd(month: string | undefined): string {
    const months = this.data.months;
    if (month === undefined) {
      const last = months[months.length - 1];
      if (!last) throw new RecallError(404, 'not_found', 'the store has no months of results');
      return last;
    }
    const found = months.find((m) => m.startsWith(`${month}-`));
    if (!found) throw new RecallError(404, 'not_found', `no results for ${month}; months run from ${months[0]?.slice(0, 7)} to ${months[months.length - 1]?.slice(0, 7)}`);
    return found;
  }

  practice(code: string): OrgRecord {
    const org = this.data.orgs.get(code);
    if (!org || org.kind !== 'practice') throw new RecallError(404, 'not_found', `no practice ${code}`);
    return org;
  }

  /** The whole list (every status), cached per practice, programme and month until the practice writes. */
  worklist(practice: string, programme: string, periodEnd: string): Promise<Worklist> {
    const p = this.programme(programme);
    const key = `${practice}|${programme}|${periodEnd}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.list;
    return this.remember(key, buildWorklist(this.engine, p, { practice, R: periodEnd, codelists: this.library().codelists }));
  }

  private remember(key: string, list: Promise<Worklist>): Promise<Worklist> {
    list.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: Date.now(), list });
    return list;
  }

  private forget(practice: string): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${practice}|`)) this.cache.delete(k);
  }

  /** Throws unless every patient has been registered at the practice; names the first that has not. */
  private async requireRegistered(practice: string, ids: readonly number[]): Promise<void> {
    const unique = [...new Set(ids)];
    const found = new Set<number>();
    for (let i = 0; i < unique.length; i += 200) {
      const chunk = unique.slice(i, i + 200);
      const rows = await this.engine.all<{ patient_id: number }>(
        `SELECT DISTINCT patient_id FROM registration WHERE practice = $1 AND patient_id IN (${chunk.map((_, j) => `$${j + 2}`).join(', ')})`,
        [practice, ...chunk],
      );
      for (const r of rows) found.add(Number(r.patient_id));
    }
    const foreign = unique.filter((id) => !found.has(id));
    if (foreign.length) throw new RecallError(403, 'forbidden', `patient ${foreign[0]} has never been registered at ${practice}${foreign.length > 1 ? ` (nor ${foreign.length - 1} other${foreign.length > 2 ? 's' : ''})` : ''}`);
  }

  async log(practice: string, req: LogRequest): Promise<number> {
    const p = this.programme(req.programme);
    await this.requireRegistered(practice, req.patient_ids);
    const n = await logOutreach(
      this.engine,
      [...new Set(req.patient_ids)].map((patient_id) => ({ practice, patient_id, programme: p.programme.id, date: req.date, method: req.method, outcome: req.outcome, adjustment: req.adjustment, note: req.note })),
    );
    this.forget(practice);
    return n;
  }

  async createBatch(practice: string, req: BatchRequest): Promise<{ id: number; patients: number }> {
    const R = this.periodEnd(req.month);
    const list = await this.worklist(practice, req.programme, R);
    const wanted = new Set(req.patient_ids);
    const rows = list.rows.filter((r) => wanted.has(r.patient_id));
    const missing = [...wanted].filter((id) => !rows.some((r) => r.patient_id === id));
    if (missing.length) throw new RecallError(400, 'bad_request', `patient ${missing[0]} is not on the ${req.programme} list for ${R.slice(0, 7)}${missing.length > 1 ? ` (nor ${missing.length - 1} other${missing.length > 2 ? 's' : ''})` : ''}`);
    const id = await createBatch(this.engine, list, rows, req.method);
    return { id, patients: rows.length };
  }

  async batches(practice: string): Promise<BatchSummary[]> {
    const rows = await this.engine.all<{ id: number; programme: string; period_end: string; method: BatchMethod; created_at: string; sent_on: string | null; patients: number }>(
      `SELECT b.id, b.programme, b.period_end, b.method, b.created_at, b.sent_on, count(m.patient_id) AS patients
         FROM recall_batch b LEFT JOIN recall_batch_member m ON m.batch_id = b.id
        WHERE b.practice = $1
        GROUP BY b.id, b.programme, b.period_end, b.method, b.created_at, b.sent_on
        ORDER BY b.id DESC`,
      [practice],
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), period_end: day(r.period_end), created_at: stamp(r.created_at), sent_on: r.sent_on === null ? null : day(r.sent_on), patients: Number(r.patients) }));
  }

  /**
   * One batch of this practice with its members' rows: as on the worklist of the batch's month
   * (current log), or, for members who have since left the list, their NHS number and birth date.
   * A batch of another practice is reported as not found (and the caller audits the attempt).
   */
  async batch(practice: string, id: number): Promise<BatchDetail> {
    const b = await this.ownBatch(practice, id);
    const summary = (await this.batches(practice)).find((x) => x.id === id)!;
    const list = await this.worklist(practice, b.programme, day(b.period_end));
    const byId = new Map(list.rows.map((r) => [r.patient_id, r]));
    const gone = b.patient_ids.filter((pid) => !byId.has(pid));
    if (gone.length) {
      const people = await this.engine.all<{ id: number; nhs_number: string | null; birth_date: string }>(
        `SELECT id, nhs_number, birth_date FROM patient WHERE id IN (${gone.map((_, i) => `$${i + 1}`).join(', ')})`,
        gone,
      );
      for (const p of people) {
        const pid = Number(p.id);
        byId.set(pid, {
          patient_id: pid,
          nhs_number: p.nhs_number,
          name: fictionalName(pid),
          phone: fictionalPhone(pid),
          birth_date: day(p.birth_date),
          age: '',
          programme: b.programme,
          status: 'overdue',
          reason: 'no longer on the list (activity recorded or adjustment logged since the batch was made)',
          due_by: null,
          days_to_due: null,
          joins_list_on: null,
          risk: null,
          unanswered_invitations: 0,
          defaulter: false,
          last_contact: null,
          next_action: 'None: not on the list now',
          priority: 5,
        });
      }
    }
    return { ...summary, practice, rows: b.patient_ids.map((pid) => byId.get(pid)).filter((r): r is WorklistRow => r !== undefined) };
  }

  /** The batch if it belongs to the practice; another practice's batch is "not found" (and audited as denied). */
  private async ownBatch(practice: string, id: number): Promise<Batch> {
    let b: Batch;
    try {
      b = await readBatch(this.engine, id);
    } catch (err) {
      if (err instanceof BatchError) throw new RecallError(404, 'not_found', `no batch ${id} at ${practice}`);
      throw err;
    }
    if (b.practice !== practice) throw new RecallError(404, 'not_found', `no batch ${id} at ${practice}`, true);
    return b;
  }

  async markSent(practice: string, id: number, date: string): Promise<number> {
    await this.ownBatch(practice, id);
    try {
      const n = await markBatchSent(this.engine, id, date);
      this.forget(practice);
      return n;
    } catch (err) {
      if (err instanceof BatchError) throw new RecallError(409, 'conflict', err.message);
      throw err;
    }
  }

  /**
   * Per practice × programme list sizes for the practices of the given networks. Counts only.
   * The indicator's patient statuses are computed once per programme for every practice (one
   * SQL run) and handed to each practice's worklist.
   */
  async counts(networks: readonly string[], periodEnd: string, onProgramme?: () => void): Promise<CountRow[]> {
    const practices = networks.flatMap((net) => this.data.children(net).filter((o) => o.kind === 'practice'));
    const out: CountRow[] = [];
    for (const p of this.programmes()) {
      onProgramme?.();
      const id = p.programme.id;
      const fresh = (code: string): boolean => Date.now() - (this.cache.get(`${code}|${id}|${periodEnd}`)?.at ?? -Infinity) < CACHE_MS;
      const cold = practices.filter((pr) => !fresh(pr.code));
      if (cold.length > 1) {
        const all = await patientStatus(this.engine, p.indicator, null, periodEnd);
        for (const pr of cold) {
          const key = `${pr.code}|${id}|${periodEnd}`;
          if (fresh(pr.code)) continue;
          void this.remember(key, buildWorklist(this.engine, p, { practice: pr.code, R: periodEnd, codelists: this.library().codelists, statuses: all.filter((s) => s.practice === pr.code) }));
        }
      }
      for (const pr of practices) {
        const list = await this.worklist(pr.code, id, periodEnd);
        out.push({
          network: pr.parent ?? '',
          practice: pr.code,
          practice_name: pr.name,
          programme: id,
          overdue: list.rows.filter((r) => r.status === 'overdue').length,
          due_soon: list.rows.filter((r) => r.status === 'due_soon').length,
          defaulters: list.rows.filter((r) => r.defaulter).length,
        });
      }
    }
    return out.sort((a, b) => a.practice.localeCompare(b.practice) || a.programme.localeCompare(b.programme));
  }

  /**
   * Counting a network's lists for a month, started once and shared by every request that asks
   * meanwhile; a finished count is reused for CACHE_MS, like the worklists it rests on. On a large
   * store the first count takes seconds (every practice's worklists are built), so the page shows
   * the job's progress instead of waiting (src/server/recall/pages.ts).
   */
  countJob(network: string, periodEnd: string): CountJob {
    const key = `${network}|${periodEnd}`;
    const known = this.countJobs.get(key);
    if (known && (known.rows === null || Date.now() - known.finishedAt < CACHE_MS)) return known;
    const job: CountJob = { total: this.programmes().length, started: 0, rows: null, finishedAt: 0, result: Promise.resolve([]) };
    job.result = this.counts([network], periodEnd, () => (job.started += 1)).then(
      (rows) => {
        job.rows = rows;
        job.finishedAt = Date.now();
        return rows;
      },
      (err: unknown) => {
        this.countJobs.delete(key);
        throw err;
      },
    );
    job.result.catch(() => undefined); // a failure is answered to whoever awaits it
    this.countJobs.set(key, job);
    return job;
  }

  /** Resolves when no count job is running: a server waits for this before its store is closed. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.countJobs.values()].map((j) => j.result));
  }
}

/** A network's count in progress (or done): programmes started of total, then the rows. */
export interface CountJob {
  total: number;
  started: number;
  rows: CountRow[] | null;
  finishedAt: number;
  result: Promise<CountRow[]>;
}
