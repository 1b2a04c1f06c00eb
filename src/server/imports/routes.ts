import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { CsvImportError } from '../../sources/csv/errors.js';
import type { Engine } from '../../store/engine.js';
import { appendAudit } from '../auth/audit.js';
import { BodyTooLargeError, sessionOf } from '../auth/middleware.js';
import { ImportBusyError, type ImportService } from './import-service.js';
import { UploadError } from './multipart.js';

/**
 * POST /api/imports (admin): the extract's CSV files as multipart/form-data, one part per file,
 * each named as in docs/CSV-LAYOUT.md. Answers with the import's summary, or a JSON error:
 * 400 bad_upload / bad_extract, 409 already_imported / import_running, 413 payload_too_large,
 * 415 unsupported_media_type. GET /api/imports and /api/imports/:id report progress.
 * Every attempt is audited: who, which batch, how many rows.
 */
const JobId = z.string().uuid();

type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 500;
const fail = (c: Context, status: ErrorStatus, code: string, message: string, extra: Record<string, unknown> = {}): Response =>
  c.json({ error: { code, message, ...extra } }, status);

export function importRoutes(service: ImportService, auditStore: Engine): Hono {
  const api = new Hono();
  const audit = (c: Context, outcome: 'ok' | 'failed', detail: string): Promise<void> => {
    const p = sessionOf(c)?.principal;
    return appendAudit(auditStore, { username: p?.username ?? null, role: p?.role ?? null, method: c.req.method, route: c.req.path, organisation: null, action: 'import', outcome, detail });
  };

  api.post('/', async (c) => {
    const username = sessionOf(c)?.principal.username ?? 'unknown';
    try {
      const r = await service.importUpload(username, c.req.raw.body, c.req.header('content-type'));
      if (r.kind === 'already-imported') {
        await audit(c, 'failed', `refused: already imported as batch ${r.summary.batchId} (sha256 ${r.summary.checksum})`);
        return fail(c, 409, 'already_imported', `these files were already imported as batch ${r.summary.batchId} (${r.summary.source}, received ${r.summary.receivedAt}); nothing was written`, {
          batchId: r.summary.batchId,
          checksum: r.summary.checksum,
        });
      }
      const s = r.summary;
      await audit(c, 'ok', `batch ${s.batchId}: ${s.totals.rowsIn} rows in, ${s.totals.accepted} accepted, ${s.totals.rejected} rejected; files ${s.files.map((f) => f.file).join(', ')}; sha256 ${s.checksum}`);
      return c.json({
        status: 'imported',
        importId: r.job.id,
        batchId: s.batchId,
        checksum: s.checksum,
        files: s.files,
        totals: s.totals,
        firstRejections: s.firstRejections,
        seconds: s.seconds,
      });
    } catch (err) {
      const answer = errorAnswer(err);
      await audit(c, 'failed', `${answer.code}: ${answer.message}`);
      if (answer.status === 500) console.error(err);
      return fail(c, answer.status, answer.code, answer.message);
    }
  });

  api.get('/', (c) => c.json(service.list()));
  api.get('/:id', (c) => {
    const id = JobId.safeParse(c.req.param('id'));
    if (!id.success) return fail(c, 400, 'bad_request', 'id: an import id (a UUID, as POST /api/imports and GET /api/imports give it)');
    const job = service.get(id.data);
    return job ? c.json(job) : fail(c, 404, 'not_found', `no import ${id.data} (only the last 20 are kept, until the server restarts)`);
  });
  return api;
}

function errorAnswer(err: unknown): { status: ErrorStatus; code: string; message: string } {
  if (err instanceof UploadError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof BodyTooLargeError) return { status: 413, code: 'payload_too_large', message: err.message };
  // A body stream that failed because the limit cut it (the error may arrive wrapped).
  if (err instanceof Error && err.cause instanceof BodyTooLargeError) return { status: 413, code: 'payload_too_large', message: err.cause.message };
  if (err instanceof CsvImportError) return { status: 400, code: 'bad_extract', message: `${err.message}; nothing was written` };
  if (err instanceof ImportBusyError) return { status: 409, code: 'import_running', message: err.message };
  return { status: 500, code: 'internal', message: 'the import failed; nothing was written' };
}
