import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardData } from '../../src/server/api/dashboard-data.js';
import { createApp } from '../../src/server/app.js';
import { LARGE_BODY_ROUTES } from '../../src/server/auth/middleware.js';
import { addUser } from '../../src/server/auth/users.js';
import { acceptExtractName } from '../../src/server/imports/import-service.js';
import { receiveMultipart, UploadError } from '../../src/server/imports/multipart.js';
import { importCsvExtract } from '../../src/sources/csv/import-csv.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { Client, PASSWORD } from '../security/fixture.js';
import { ORGS, counts, csv, rejected, writeExtract } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'gpnet-srvimp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A body as a stream cut into pieces of `size` bytes (so boundaries straddle chunks). */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(ctl) {
      if (at >= bytes.length) return ctl.close();
      ctl.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

function multipart(boundary: string, parts: { name: string; filename?: string; body: string }[], epilogue = ''): Uint8Array {
  const out = parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\nContent-Type: text/csv\r\n\r\n${p.body}\r\n`);
  return new TextEncoder().encode(`preamble to ignore\r\n${out.join('')}--${boundary}--\r\n${epilogue}`);
}

describe('the multipart reader', () => {
  const boundary = 'XyZ--boundary--42';
  // Bodies holding near-misses of the delimiter: CRLF, "--", the boundary without its CRLF.
  const files = { 'patients.csv': `id,birth_date,sex\r\n1,2000-01-01,F\r\n--${boundary.slice(0, 5)}\r\n-\r\n`, 'admissions.csv': `x--${boundary}y\n\r\r\n--` };

  it('writes each file exactly, however the body is cut into chunks', async () => {
    const body = multipart(boundary, [{ name: 'csrf', body: 'ignored' }, ...Object.entries(files).map(([f, b]) => ({ name: 'files', filename: f, body: b }))], 'epilogue');
    for (const size of [1, 2, 3, 7, 64, body.length]) {
      const dir = mkdtempSync(join(work, 'mp-'));
      const got = await receiveMultipart(chunked(body, size), `multipart/form-data; boundary="${boundary}"`, { dir, maxBytes: 1 << 20, acceptName: acceptExtractName });
      expect(got.map((f) => [f.name, f.bytes])).toEqual(Object.entries(files).map(([f, b]) => [f, Buffer.byteLength(b)]));
      for (const [name, text] of Object.entries(files)) expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
    }
  });

  it('refuses bad names, repeats, truncation, a missing boundary, non-multipart bodies and too many bytes', async () => {
    const type = `multipart/form-data; boundary=${boundary}`;
    const attempt = async (body: Uint8Array, contentType = type, maxBytes = 1 << 20): Promise<UploadError> => {
      const dir = mkdtempSync(join(work, 'mp-'));
      const err = await receiveMultipart(chunked(body, 5), contentType, { dir, maxBytes, acceptName: acceptExtractName }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UploadError);
      return err as UploadError;
    };
    const one = (filename: string): Uint8Array => multipart(boundary, [{ name: 'f', filename, body: 'id\n' }]);
    expect((await attempt(one('../patients.csv'))).message).toMatch(/own name only/);
    expect((await attempt(one('..\\patients.csv'))).message).toMatch(/own name only/);
    expect((await attempt(one('events.csv'))).message).toMatch(/unknown file "events.csv"; an extract holds only organisations.csv/);
    const twice = multipart(boundary, [{ name: 'f', filename: 'patients.csv', body: 'a' }, { name: 'f', filename: 'patients.csv', body: 'b' }]);
    expect((await attempt(twice)).message).toMatch(/patients.csv is uploaded twice/);
    const whole = one('patients.csv');
    expect((await attempt(whole.slice(0, whole.length - 10))).message).toMatch(/ended before its closing boundary/);
    expect((await attempt(multipart(boundary, [{ name: 'csrf', body: 'x' }]))).message).toMatch(/holds no files/);
    expect((await attempt(whole, 'multipart/form-data')).message).toMatch(/no boundary/);
    expect((await attempt(whole, 'text/csv')).status).toBe(415);
    expect((await attempt(whole, type, 100)).status).toBe(413);
    expect((await attempt(multipart(boundary, [{ name: 'note', body: 'x'.repeat(2000) }]))).message).toMatch(/longer than 1024 bytes/);
  });
});

describe('POST /api/imports', () => {
  let engine: DuckDBEngine;
  let app: ReturnType<typeof createApp>;
  let admin: Client;
  let commissioner: Client;
  const uploads = join(work, 'uploads');

  const FIRST = {
    'organisations.csv': ORGS,
    'patients.csv': csv('id,birth_date,sex', '1,1950-01-01,F', '2,1950-01-01,Q'),
    'registrations.csv': csv('patient_id,practice,start_date,end_date', '1,ZZP001,2000-01-01,'),
    'clinical_events.csv': csv('patient_id,practice,date,code', '1,ZZP001,2010-13-01,44054006', '1,ZZP001,2010-12-01,44054006', '2,ZZP001,2010-12-01,44054006'),
  };
  const form = (files: Record<string, string>): FormData => {
    const f = new FormData();
    for (const [name, text] of Object.entries(files)) f.append('files', new Blob([text], { type: 'text/csv' }), name);
    return f;
  };
  const post = (c: Client, body: FormData | string, headers: Record<string, string> = {}): Promise<Response> =>
    c.request('/api/imports', { method: 'POST', body, headers: { 'x-csrf-token': c.csrf, ...headers } });
  const auditOf = async (): Promise<{ username: string; outcome: string; detail: string }[]> =>
    engine.all("SELECT username, outcome, detail FROM audit_log WHERE action = 'import' ORDER BY occurred_at, detail");

  beforeAll(async () => {
    engine = await DuckDBEngine.open(join(work, 'server.duckdb'));
    await addUser(engine, { username: 'admin1', role: 'admin', password: PASSWORD });
    await addUser(engine, { username: 'comm1', role: 'commissioner', password: PASSWORD });
    app = createApp(await DashboardData.load(engine), { auth: { mode: 'sign-in' }, imports: { tempDir: (mkdirSync(uploads), uploads) } });
    admin = new Client(app, '10.1.0.1');
    commissioner = new Client(app, '10.1.0.2');
    expect((await admin.signIn('admin1')).status).toBe(200);
    expect((await commissioner.signIn('comm1')).status).toBe(200);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('imports an uploaded extract as one batch, the same as gpnet import csv, and audits it', async () => {
    const res = await post(admin, form(FIRST));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; batchId: number; totals: unknown; files: unknown[]; firstRejections: { file: string; line: number; reason: string }[]; importId: string };
    expect(body.status).toBe('imported');
    expect(body.batchId).toBe(1);
    expect(body.totals).toEqual({ rowsIn: 9, accepted: 6, rejected: 3 });
    expect(body.firstRejections.map((r) => `${r.file}:${r.line}`)).toEqual(['patients.csv:3', 'clinical_events.csv:2', 'clinical_events.csv:4']);

    // The same extract imported by the CLI's importer into a fresh store gives the same rows.
    const reference = await DuckDBEngine.open(':memory:');
    try {
      const s = await importCsvExtract(reference, writeExtract(FIRST));
      expect(s.status === 'imported' && s.totals).toEqual(body.totals);
      const { app_user: _u, ...c } = { ...(await counts(engine)), app_user: 0 };
      expect(c).toEqual(await counts(reference));
      expect(await rejected(engine, 1)).toEqual(await rejected(reference, 1));
    } finally {
      await reference.close();
    }
    const source = await engine.all('SELECT source FROM import_batch WHERE id = 1');
    expect(source).toEqual([{ source: 'upload by admin1' }]);
    expect(readdirSync(uploads)).toEqual([]); // the private upload folder is gone

    const job = (await (await admin.request(`/api/imports/${body.importId}`)).json()) as { phase: string; batchId: number; username: string };
    expect(job).toMatchObject({ phase: 'committed', batchId: 1, username: 'admin1' });
    const list = (await (await admin.request('/api/imports')).json()) as { id: string }[];
    expect(list.map((j) => j.id)).toContain(body.importId);
    expect(await auditOf()).toEqual([{ username: 'admin1', outcome: 'ok', detail: expect.stringMatching(/^batch 1: 9 rows in, 6 accepted, 3 rejected; files organisations.csv, patients.csv/) }]);
  });

  it('refuses a re-import of the same files with 409, writing nothing', async () => {
    const before = await counts(engine);
    const res = await post(admin, form(FIRST));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'already_imported', message: expect.stringMatching(/already imported as batch 1/) });
    expect(await counts(engine)).toEqual(before);
    expect((await auditOf()).at(-1)).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/^refused: already imported as batch 1/) });
  });

  it('refuses without the CSRF header, for roles other than admin, and bad extracts, with nothing written', async () => {
    const before = await counts(engine);
    const extract = { 'patients.csv': csv('id,birth_date,sex', '7,1950-01-01,F') };
    const noToken = await admin.request('/api/imports', { method: 'POST', body: form(extract) });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('csrf');
    const tokenInForm = form(extract);
    tokenInForm.append('csrf', admin.csrf);
    expect((await admin.request('/api/imports', { method: 'POST', body: tokenInForm })).status).toBe(403);
    const notAdmin = await post(commissioner, form(extract));
    expect(notAdmin.status).toBe(403);
    expect(((await notAdmin.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await new Client(app).request('/api/imports', { method: 'POST', body: form(extract) })).status).toBe(401);

    const badHeader = await post(admin, form({ 'patients.csv': csv('id,birth_date', '7,1950-01-01') }));
    expect(badHeader.status).toBe(400);
    expect(await badHeader.json()).toEqual({
      error: { code: 'bad_extract', message: "patients.csv line 1 (header): required column 'sex' missing (the header has id, birth_date); nothing was written" },
    });
    const unknown = await post(admin, form({ 'events.csv': 'x\n' }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('bad_upload');
    const notMultipart = await post(admin, 'id,birth_date,sex\n', { 'content-type': 'text/csv' });
    expect(notMultipart.status).toBe(415);
    expect(await counts(engine)).toEqual(before);
    expect(readdirSync(uploads)).toEqual([]);
    const audited = await auditOf();
    expect(audited.filter((a) => a.outcome === 'failed').map((a) => a.detail.split(':')[0])).toEqual(['refused', 'bad_extract', 'bad_upload', 'unsupported_media_type']);
  });

  it('refuses a body declared larger than 2 GB before reading it, and keeps 16 KB elsewhere', async () => {
    const big = await post(admin, 'x', { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(2 * 1024 ** 3 + 1) });
    expect(big.status).toBe(413);
    // A 100 KB upload passes the route's limit (the global one is 16 KB).
    const rows = ['id,birth_date,sex', ...Array.from({ length: 5000 }, (_, i) => `${1000 + i},1950-01-01,F`)];
    const ok = await post(admin, form({ 'patients.csv': csv(...rows) }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { totals: { accepted: number } }).totals.accepted).toBe(5000);
    const elsewhere = await admin.request('/api/session', { method: 'DELETE', body: 'x'.repeat(20_000), headers: { 'x-csrf-token': admin.csrf } });
    expect(elsewhere.status).toBe(413);
  });

  it('reports an upload in progress, refuses a second import meanwhile (409), and cleans up a cut-off upload', async () => {
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (feed = c) });
    const boundary = 'slowboundary';
    feed.enqueue(new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="patients.csv"\r\n\r\nid,birth_date,sex\n900,2000-01-01,F\n`));
    const first = admin.request('/api/imports', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'x-csrf-token': admin.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
    let running: { id: string; phase: string; bytesReceived: number } | undefined;
    for (let i = 0; i < 200 && !running; i++) {
      const list = (await (await admin.request('/api/imports')).json()) as { id: string; phase: string; bytesReceived: number; finishedAt: string | null }[];
      running = list.find((j) => j.finishedAt === null && j.bytesReceived > 50); // once its first bytes are on disk
      if (!running) await new Promise((r) => setTimeout(r, 10));
    }
    expect(running).toMatchObject({ phase: 'receiving', bytesReceived: expect.any(Number) });
    expect(running!.bytesReceived).toBeGreaterThan(50);
    expect(readdirSync(uploads)).toHaveLength(1); // the private folder of the upload in progress

    const second = await post(admin, form({ 'patients.csv': csv('id,birth_date,sex', '901,2000-01-01,F') }));
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('import_running');

    feed.close(); // the body ends without its closing boundary
    const cut = await first;
    expect(cut.status).toBe(400);
    expect(((await cut.json()) as { error: { message: string } }).error.message).toMatch(/ended before its closing boundary/);
    expect(readdirSync(uploads)).toEqual([]);
    expect((await (await admin.request(`/api/imports/${running!.id}`)).json()) as { phase: string }).toMatchObject({ phase: 'failed' });
    expect(await engine.all('SELECT count(*) AS n FROM patient WHERE id IN (900, 901)')).toEqual([{ n: 0 }]);
  });

  it('cuts a streamed body without Content-Length at the route limit (413), leaving nothing behind', async () => {
    const limits = LARGE_BODY_ROUTES as Map<string, number>;
    const real = limits.get('POST /api/imports')!;
    limits.set('POST /api/imports', 4096); // the same code path as 2 GiB, at a size a test can send
    try {
      const before = await counts(engine);
      const text = multipart('b0undary', [{ name: 'f', filename: 'patients.csv', body: `id,birth_date,sex\n${'950,2000-01-01,F\n'.repeat(1000)}` }]);
      const res = await admin.request('/api/imports', {
        method: 'POST',
        body: chunked(text, 1000), // a stream: no Content-Length is sent
        duplex: 'half',
        headers: { 'x-csrf-token': admin.csrf, 'content-type': 'multipart/form-data; boundary=b0undary' },
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      expect(await counts(engine)).toEqual(before);
      expect(readdirSync(uploads)).toEqual([]);
    } finally {
      limits.set('POST /api/imports', real);
    }
  });

  it('answers progress ids that are not UUIDs with 400 and unknown ones with 404', async () => {
    expect((await admin.request('/api/imports/..%2f..%2fetc')).status).toBe(400);
    expect((await admin.request('/api/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await commissioner.request('/api/imports')).status).toBe(403);
  });
});
