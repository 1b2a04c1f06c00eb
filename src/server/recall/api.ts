import { Hono, type Context } from 'hono';
import { batchCsv, smsOutbox } from '../../programmes/recall/batch.js';
import { WORKLIST_COLUMNS, toCsv } from '../../programmes/recall/format.js';
import { htmlToPdf } from '../../programmes/recall/letters-pdf.js';
import { lettersHtml } from '../../programmes/recall/letters.js';
import type { Worklist, WorklistRow } from '../../programmes/recall/worklist.js';
import { audit, guarded, jsonBody, parseWith, positiveId, singleQuery, today } from './http.js';
import { BatchRequest, type CountJob, type CountRow, LogRequest, RecallError, type RecallService, SentRequest } from './service.js';
import { WORKLIST_PARAMS, WorklistQuery, applyQuery } from './worklist-query.js';
import { discloseRecallCounts, type DisclosedCountRow, type ProgrammeTotal } from './disclosed-counts.js';
import { ruleText } from '../disclosure/rule.js';

/**
 * The recall JSON/CSV API (docs/RECALL.md "Server"). Patient-level routes are for the practice
 * role and its own practice only (src/server/auth/scope.ts); each read of patient rows and each
 * change is written to the audit log with the number of patients. /api/recall/counts has counts
 * only, for network users (own network) and commissioner, evaluator and admin users (any network).
 */
export interface RecallOptions {
  /** Prints letters to PDF; absent → letters.pdf answers 404 (the HTML letters page still works). */
  lettersPdf?: (html: string) => Promise<Uint8Array>;
}

export const defaultLettersPdf = htmlToPdf;

export async function filteredWorklist(svc: RecallService, code: string, raw: Record<string, string>, where: string): Promise<{ list: Worklist; rows: WorklistRow[]; query: WorklistQuery }> {
  const query = parseWith(WorklistQuery, raw, where);
  svc.practice(code);
  const R = svc.periodEnd(query.month);
  const list = await svc.worklist(code, query.programme, R);
  return { list, rows: applyQuery(list.rows, query), query };
}

export function worklistRowsCsv(rows: readonly WorklistRow[]): string {
  return toCsv(WORKLIST_COLUMNS, rows.map((r) => WORKLIST_COLUMNS.map((c) => r[c])));
}

const attachment = (name: string): string => `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '-')}"`;

export function recallApiRoutes(svc: RecallService, options: RecallOptions): Hono {
  const r = new Hono();
  const engine = svc.engine;
  const code = (c: Context): string => c.req.param('code')!;

  r.get('/api/recall/programmes', (c) =>
    c.json(svc.programmes().map((p) => ({ id: p.programme.id, title: p.programme.title, indicator: p.indicator.definition.id, due_soon_months: p.programme.due_soon_months }))),
  );

  const worklist = async (c: Context, csv: boolean): Promise<Response> =>
    guarded(c, engine, 'recall-worklist-read', code(c), async () => {
      const allowed = csv ? WORKLIST_PARAMS : [...WORKLIST_PARAMS, 'format'];
      const raw = singleQuery(c, allowed);
      const format = raw.format ?? (csv ? 'csv' : 'json');
      delete raw.format;
      if (format !== 'json' && format !== 'csv') throw new RecallError(400, 'bad_request', `format must be json or csv, not ${format}`);
      const { list, rows, query } = await filteredWorklist(svc, code(c), raw, 'query');
      await audit(c, engine, { action: 'recall-worklist-read', organisation: code(c), patientCount: rows.length, outcome: 'allowed', detail: `${list.programme} ${list.period_end} ${format}` });
      if (format === 'csv') return c.body(worklistRowsCsv(rows), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`recall-${code(c)}-${list.programme}-${list.period_end.slice(0, 7)}.csv`) });
      return c.json({ programme: list.programme, indicator: list.indicator, practice: list.practice, period_end: list.period_end, counts: list.counts, query, total: list.rows.length, rows });
    });
  r.get('/api/recall/practices/:code/worklist', (c) => worklist(c, false));
  r.get('/api/recall/practices/:code/worklist.csv', (c) => worklist(c, true));

  r.post('/api/recall/practices/:code/log', (c) =>
    guarded(c, engine, 'recall-log', code(c), async () => {
      svc.practice(code(c));
      const body = (await jsonBody(c)) as Record<string, unknown>;
      const req = parseWith(LogRequest, { date: today(), ...(typeof body === 'object' && body !== null ? body : {}) }, 'body');
      const n = await svc.log(code(c), req);
      await audit(c, engine, { action: 'recall-log', organisation: code(c), patientCount: n, outcome: 'ok', detail: `${req.programme} ${req.date} ${[req.method, req.outcome, req.adjustment].filter((x) => x).join(' ')}` });
      return c.json({ logged: n }, 201);
    }),
  );

  r.get('/api/recall/practices/:code/batches', (c) =>
    guarded(c, engine, 'recall-batch-list', code(c), async () => {
      singleQuery(c, []);
      svc.practice(code(c));
      return c.json(await svc.batches(code(c)));
    }),
  );
  r.post('/api/recall/practices/:code/batches', (c) =>
    guarded(c, engine, 'recall-batch-create', code(c), async () => {
      svc.practice(code(c));
      const req = parseWith(BatchRequest, await jsonBody(c), 'body');
      const b = await svc.createBatch(code(c), req);
      await audit(c, engine, { action: 'recall-batch-create', organisation: code(c), patientCount: b.patients, outcome: 'ok', detail: `batch ${b.id} ${req.programme} ${req.method}` });
      return c.json(b, 201);
    }),
  );

  const batchRoute = (suffix: string, action: string, respond: (c: Context, b: Awaited<ReturnType<RecallService['batch']>>) => Promise<Response> | Response): void => {
    r.get(`/api/recall/practices/:code/batches/:id${suffix}`, (c) =>
      guarded(c, engine, action, code(c), async () => {
        singleQuery(c, []);
        svc.practice(code(c));
        const b = await svc.batch(code(c), positiveId(c.req.param('id')!, 'batch'));
        const res = await respond(c, b);
        await audit(c, engine, { action, organisation: code(c), patientCount: b.rows.length, outcome: 'allowed', detail: `batch ${b.id}` });
        return res;
      }),
    );
  };
  batchRoute('', 'recall-batch-read', (c, b) => c.json(b));
  batchRoute('/batch.csv', 'recall-batch-export', (c, b) => c.body(batchCsv(b.id, b.method, b.rows), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`batch-${b.id}.csv`) }));
  batchRoute('/sms.csv', 'recall-batch-export', (c, b) =>
    c.body(smsOutbox(svc.programme(b.programme).programme, svc.practice(b.practice).name, b.rows), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`batch-${b.id}-sms.csv`) }),
  );
  batchRoute('/letters.pdf', 'recall-batch-export', async (c, b) => {
    if (!options.lettersPdf) throw new RecallError(404, 'not_found', 'PDF printing is not available on this server; print the letters page instead');
    const html = lettersHtml({ practiceName: svc.practice(b.practice).name, programme: svc.programme(b.programme).programme, batchId: b.id, date: b.sent_on ?? today(), rows: b.rows });
    const pdf = await options.lettersPdf(html);
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': attachment(`batch-${b.id}-letters.pdf`) });
  });

  r.post('/api/recall/practices/:code/batches/:id/sent', (c) =>
    guarded(c, engine, 'recall-batch-sent', code(c), async () => {
      svc.practice(code(c));
      const id = positiveId(c.req.param('id')!, 'batch');
      const body = await jsonBody(c);
      const req = parseWith(SentRequest, { date: today(), ...(typeof body === 'object' && body !== null ? body : {}) }, 'body');
      const n = await svc.markSent(code(c), id, req.date);
      await audit(c, engine, { action: 'recall-batch-sent', organisation: code(c), patientCount: n, outcome: 'ok', detail: `batch ${id} sent ${req.date}` });
      return c.json({ batch: id, invitations_logged: n });
    }),
  );

  r.get('/api/recall/counts', (c) =>
    guarded(c, engine, 'recall-counts', c.req.query('network') ?? null, async () => {
      const q = singleQuery(c, ['network', 'month']);
      return c.json(await networkCounts(svc, q.network, q.month));
    }),
  );
  return r;
}

export interface NetworkCounts {
  period_end: string;
  /** The disclosure rule the counts went through (docs/SECURITY.md); a withheld count is null. */
  disclosure: string;
  programmes: { id: string; title: string }[];
  /** The network's list sizes per programme (the practices' sums, disclosed as a group with them). */
  totals: ProgrammeTotal[];
  rows: DisclosedCountRow[];
}

/** Counts for one network (roles that see every organisation may name any). */
export async function networkCounts(svc: RecallService, network: string | undefined, month: string | undefined): Promise<NetworkCounts> {
  const { R, job } = startNetworkCounts(svc, network, month);
  return disclosedCounts(svc, network!, R, await job.result);
}

/** Checks the request and starts (or joins) the network's count for the month. */
export function startNetworkCounts(svc: RecallService, network: string | undefined, month: string | undefined): { R: string; job: CountJob } {
  // One network at a time (commissioners, evaluators and admins may name any): every count
  // rests on each practice's worklist, which costs tens of milliseconds per practice and programme.
  if (network === undefined) throw new RecallError(400, 'bad_request', 'network is required (one network at a time)');
  const org = svc.data.orgs.get(network);
  if (!org || org.kind !== 'network') throw new RecallError(404, 'not_found', `no network ${network}`);
  const R = svc.periodEnd(month === undefined ? undefined : parseWith(WorklistQuery.shape.month, month, 'month'));
  return { R, job: svc.countJob(network, R) };
}

/** The finished count as answered: through the server's disclosure rule. */
export function disclosedCounts(svc: RecallService, network: string, R: string, rows: readonly CountRow[]): NetworkCounts {
  const programmes = svc.programmes().map((p) => ({ id: p.programme.id, title: p.programme.title }));
  const disclosed = discloseRecallCounts(network, programmes.map((p) => p.id), rows, svc.data.disclosure);
  return { period_end: R, disclosure: ruleText(svc.data.disclosure), programmes, totals: disclosed.totals, rows: disclosed.rows };
}
