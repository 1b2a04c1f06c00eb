import type { Context } from 'hono';
import type { z } from 'zod';
import type { Engine } from '../../store/engine.js';
import { describeIssue } from '../../util/zod-issue.js';
import { appendAudit } from '../auth/audit.js';
import { sessionOf } from '../auth/middleware.js';
import type { Principal } from '../auth/roles.js';
import { RecallError } from './service.js';

/** Request helpers shared by the recall API and pages: who is asking, validation, audit entries. */

export function principalOf(c: Context): Principal {
  const s = sessionOf(c);
  if (!s) throw new Error('recall route reached without a session (the central check must run first)');
  return s.principal;
}

/** Parses with zod; a failure is a 400 naming the field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = describeIssue(r.error);
  const field = issue.path.map(String).join('.');
  throw new RecallError(400, 'bad_request', `${where}: ${field || '(body)'}: ${issue.message}`);
}

/** The query string as single values; repeated or unknown parameters are a 400. */
export function singleQuery(c: Context, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.queries())) {
    if (!allowed.includes(k)) throw new RecallError(400, 'bad_request', `unknown query parameter ${k} (allowed: ${allowed.join(', ')})`);
    if (v.length !== 1) throw new RecallError(400, 'bad_request', `query parameter ${k} given ${v.length} times`);
    out[k] = v[0]!;
  }
  return out;
}

export function positiveId(raw: string, name: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(raw)) throw new RecallError(404, 'not_found', `no ${name} ${raw.slice(0, 40)}`);
  return Number(raw);
}

export interface RecallAudit {
  action: string;
  organisation: string | null;
  patientCount?: number | null;
  outcome: 'allowed' | 'denied' | 'failed' | 'ok';
  detail?: string | null;
}

/** One audit entry for this request, as the signed-in principal. */
export async function audit(c: Context, engine: Engine, e: RecallAudit): Promise<void> {
  const p = sessionOf(c)?.principal ?? null;
  await appendAudit(engine, {
    username: p?.username ?? null,
    role: p?.role ?? null,
    method: c.req.method,
    route: c.req.path + new URL(c.req.url).search,
    organisation: e.organisation,
    action: e.action,
    patientCount: e.patientCount ?? null,
    outcome: e.outcome,
    detail: e.detail ?? null,
  });
}

/**
 * Runs a handler; a RecallError it throws is audited (403 as denied, others as failed) and
 * answered with the stable error shape, as JSON or through `page` for HTML routes.
 */
export async function guarded(c: Context, engine: Engine, action: string, organisation: string | null, run: () => Promise<Response>, page?: (err: RecallError) => Response): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof RecallError)) throw err;
    await audit(c, engine, { action, organisation, outcome: err.denied ? 'denied' : 'failed', detail: err.message });
    if (page) return page(err);
    return c.json({ error: { code: err.code, message: err.message } }, err.status);
  }
}

/** A JSON body (application/json only), or a 400/415 naming the problem. */
export async function jsonBody(c: Context): Promise<unknown> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) throw new RecallError(400, 'bad_request', 'send JSON (Content-Type: application/json)');
  try {
    return await c.req.json();
  } catch {
    throw new RecallError(400, 'bad_request', 'the body is not valid JSON');
  }
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
