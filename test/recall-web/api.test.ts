/**
 * The recall API on a signed-in server: practice users see and change their own practice's
 * lists, every patient-level read and every change is audited with its patient count, and no
 * other role — network, commissioner, evaluator, admin — can obtain a patient-level row from
 * any recall route, whatever organisation it names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { ROUTE_SCOPES } from '../../src/server/auth/scope.js';
import { addUser } from '../../src/server/auth/users.js';
import { WORKLIST_COLUMNS } from '../../src/programmes/recall/format.js';
import { createBatch } from '../../src/programmes/recall/batch.js';
import { buildWorklist } from '../../src/programmes/recall/worklist.js';
import { loadRecallLibrary } from '../../src/programmes/recall/session.js';
import { parseCsv } from '../../src/util/csv.js';
import { Client, PASSWORD, makeFixture, type Fixture } from '../security/fixture.js';

interface Row {
  patient_id: number;
  nhs_number: string | null;
  name: string;
  status: 'overdue' | 'due_soon';
  due_by: string | null;
  defaulter: boolean;
  unanswered_invitations: number;
  risk: string | null;
}
interface ListBody {
  programme: string;
  period_end: string;
  total: number;
  counts: { overdue: number; due_soon: number; adjusted_in_log: number; denominator: number; numerator: number };
  rows: Row[];
}

let f: Fixture;
let app: ReturnType<typeof createApp>;
let nhsNumbers: Set<string>;
const clients = new Map<string, Client>();
let programme = '';
let month = '';
let otherBatch = 0;

const c = (u: string): Client => clients.get(u)!;

async function auditRows(username: string, action: string): Promise<{ route: string; patient_count: number | null; outcome: string; organisation: string | null; method: string }[]> {
  const rows = await f.engine.all<{ route: string; patient_count: number | null; outcome: string; organisation: string | null; method: string }>(
    'SELECT route, patient_count, outcome, organisation, method FROM audit_log WHERE username = $1 AND action = $2 ORDER BY occurred_at',
    [username, action],
  );
  return rows.map((r) => ({ ...r, patient_count: r.patient_count === null ? null : Number(r.patient_count) }));
}

async function count(sql: string): Promise<number> {
  return Number((await f.engine.all<{ n: number }>(sql))[0]!.n);
}

const post = (client: Client, path: string, body: unknown, csrf: string | null = client.csrf): Promise<Response> =>
  client.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(csrf === null ? {} : { 'x-csrf-token': csrf }) }, body: JSON.stringify(body) });

beforeAll(async () => {
  f = await makeFixture(5000); // enough patients for a worklist of 4 or more at the first practice (history from 2004)
  app = createApp(f.data, { auth: { mode: 'sign-in' }, renderPdf: async () => new Uint8Array() });
  await addUser(f.engine, { username: 'prac2', role: 'practice', org: f.codes.sibling, password: PASSWORD });
  let n = 0;
  await addUser(f.engine, { username: 'prac1b', role: 'practice', org: f.codes.practice, password: PASSWORD });
  for (const u of ['prac1', 'prac1b', 'prac2', 'net1', 'comm1', 'eval1', 'admin1']) {
    const client = new Client(app, `10.7.0.${++n}`);
    expect((await client.signIn(u)).status).toBe(200);
    clients.set(u, client);
  }
  nhsNumbers = new Set((await f.engine.all<{ nhs_number: string }>('SELECT nhs_number FROM patient WHERE nhs_number IS NOT NULL')).map((r) => r.nhs_number));
  month = f.data.months[f.data.months.length - 1]!.slice(0, 7);
  // The programme with the longest list at the practice, so that filters have something to do.
  let best = -1;
  const programmes = (await (await c('prac1').request('/api/recall/programmes')).json()) as { id: string }[];
  for (const p of programmes) {
    const body = (await (await c('prac1').request(`/api/recall/practices/${f.codes.practice}/worklist?programme=${p.id}`)).json()) as ListBody;
    if (body.rows.length > best) {
      best = body.rows.length;
      programme = p.id;
    }
  }
  expect(best).toBeGreaterThanOrEqual(4);
  // A batch at the sibling practice, for tampering attempts.
  const lib = loadRecallLibrary();
  for (const p of lib.programmes) {
    const sib = await buildWorklist(f.engine, p, { practice: f.codes.sibling, R: f.data.months[f.data.months.length - 1]!, codelists: lib.codelists });
    if (!sib.rows.length) continue;
    otherBatch = await createBatch(f.engine, sib, sib.rows.slice(0, 1), 'letter');
    break;
  }
  expect(otherBatch).toBeGreaterThan(0);
}, 300_000);
afterAll(async () => {
  await f?.close();
});

describe('worklist for the practice', () => {
  it('answers JSON and CSV, filtered and sorted, and audits each read with its patient count', async () => {
    const base = `/api/recall/practices/${f.codes.practice}`;
    const all = (await (await c('prac1').request(`${base}/worklist?programme=${programme}&month=${month}`)).json()) as ListBody;
    expect(all.rows.length).toBe(all.total);
    expect(all.counts.overdue - all.counts.adjusted_in_log + all.counts.due_soon).toBe(all.total);
    for (const r of all.rows) expect(nhsNumbers.has(r.nhs_number!)).toBe(true);

    const overdue = (await (await c('prac1').request(`${base}/worklist?programme=${programme}&status=overdue`)).json()) as ListBody;
    expect(overdue.rows.every((r) => r.status === 'overdue')).toBe(true);
    expect(overdue.rows.length).toBe(all.rows.filter((r) => r.status === 'overdue').length);

    const target = all.rows[all.rows.length - 1]!;
    const found = (await (await c('prac1').request(`${base}/worklist?programme=${programme}&q=${encodeURIComponent(target.nhs_number!)}`)).json()) as ListBody;
    expect(found.rows.map((r) => r.patient_id)).toEqual([target.patient_id]);

    const byName = (await (await c('prac1').request(`${base}/worklist?programme=${programme}&sort=name&dir=desc`)).json()) as ListBody;
    expect(byName.rows.map((r) => r.name)).toEqual([...all.rows.map((r) => r.name)].sort().reverse());

    const csv = await c('prac1').request(`${base}/worklist.csv?programme=${programme}&status=overdue`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const table = parseCsv(await csv.text());
    expect(table[0]).toEqual([...WORKLIST_COLUMNS]);
    expect(table.length - 1).toBe(overdue.rows.length);

    const reads = await auditRows('prac1', 'recall-worklist-read');
    expect(reads.slice(-5).map((r) => r.patient_count)).toEqual([all.rows.length, overdue.rows.length, 1, byName.rows.length, overdue.rows.length]);
    expect(reads.every((r) => r.outcome === 'allowed' && r.organisation === f.codes.practice)).toBe(true);
    expect(reads.find((r) => r.route.includes(`q=${target.nhs_number}`))?.patient_count).toBe(1);
  });

  it('refuses bad parameters with a clear 4xx', async () => {
    const base = `/api/recall/practices/${f.codes.practice}`;
    const cases: [string, number, RegExp][] = [
      [`${base}/worklist`, 400, /programme/],
      [`${base}/worklist?programme=nope`, 404, /no recall programme nope/],
      [`${base}/worklist?programme=${programme}&status=late`, 400, /status/],
      [`${base}/worklist?programme=${programme}&sort=nhs`, 400, /sort/],
      [`${base}/worklist?programme=${programme}&month=1999-01`, 404, /no results for 1999-01/],
      [`${base}/worklist?programme=${programme}&colour=red`, 400, /unknown query parameter colour/],
      [`${base}/batches/abc`, 404, /no batch abc/],
    ];
    for (const [url, status, message] of cases) {
      const res = await c('prac1').request(url);
      expect({ url, status: res.status }).toEqual({ url, status });
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });
});

describe('logging outreach', () => {
  it('moves patients as expected: an adjustment takes the patient off the list, three unanswered invitations make a defaulter', async () => {
    const base = `/api/recall/practices/${f.codes.practice}`;
    const list = async (): Promise<ListBody> => (await (await c('prac1').request(`${base}/worklist?programme=${programme}`)).json()) as ListBody;
    const before = await list();
    const overdue = before.rows.filter((r) => r.status === 'overdue');
    const [gone, chased] = [overdue[0]!, overdue[1]!];

    const res = await post(c('prac1'), `${base}/log`, { programme, patient_ids: [gone.patient_id], adjustment: 'informed_dissent', date: '2013-12-20' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ logged: 1 });
    const after = await list();
    expect(after.rows.some((r) => r.patient_id === gone.patient_id)).toBe(false);
    expect(after.counts.adjusted_in_log).toBe(before.counts.adjusted_in_log + 1);

    for (const [method, date] of [['letter', '2013-10-01'], ['sms', '2013-11-01'], ['phone', '2013-12-01']] as const) {
      expect((await post(c('prac1'), `${base}/log`, { programme, patient_ids: [chased.patient_id], method, outcome: 'no_answer', date })).status).toBe(201);
    }
    const defaulters = (await (await c('prac1').request(`${base}/worklist?programme=${programme}&defaulters=1`)).json()) as ListBody;
    expect(defaulters.rows.map((r) => r.patient_id)).toContain(chased.patient_id);
    expect(defaulters.rows.find((r) => r.patient_id === chased.patient_id)).toMatchObject({ defaulter: true, unanswered_invitations: 3 });

    const logs = await auditRows('prac1', 'recall-log');
    expect(logs.slice(-4).map((r) => [r.method, r.outcome, r.patient_count])).toEqual(Array(4).fill(['POST', 'ok', 1]));
  });

  it('validates the body: names the field, stores nothing', async () => {
    const base = `/api/recall/practices/${f.codes.practice}/log`;
    const rowsBefore = await count('SELECT count(*) AS n FROM recall_outreach');
    const bad: [unknown, RegExp][] = [
      [{ programme, patient_ids: [1] }, /give a method, an outcome or an adjustment/],
      [{ programme, patient_ids: [], method: 'letter' }, /patient_ids/],
      [{ programme, patient_ids: [1], method: 'pigeon' }, /method/],
      [{ programme, patient_ids: [1], method: 'letter', date: '2013-02-30' }, /date/],
      [{ programme, patient_ids: [1], method: 'letter', sql: "'; DROP TABLE patient; --" }, /sql/],
      [{ programme, patient_ids: ['1 OR 1=1'], method: 'letter' }, /patient_ids/],
    ];
    for (const [body, message] of bad) {
      const res = await post(c('prac1'), base, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    const notJson = await c('prac1').request(base, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': c('prac1').csrf }, body: '{"programme": ' });
    expect(notJson.status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(rowsBefore);
  });

  it('refuses a change without the CSRF token (403) and logs nothing', async () => {
    const base = `/api/recall/practices/${f.codes.practice}`;
    const outreach = await count('SELECT count(*) AS n FROM recall_outreach');
    const batches = await count('SELECT count(*) AS n FROM recall_batch');
    const patient = ((await (await c('prac1').request(`${base}/worklist?programme=${programme}`)).json()) as ListBody).rows[0]!.patient_id;
    for (const csrf of [null, 'not-the-token', `${c('prac1').csrf}x`]) {
      expect((await post(c('prac1'), `${base}/log`, { programme, patient_ids: [patient], method: 'letter' }, csrf)).status).toBe(403);
      expect((await post(c('prac1'), `${base}/batches`, { programme, method: 'letter', patient_ids: [patient] }, csrf)).status).toBe(403);
    }
    // A form post without the token, as a cross-site form would send it.
    const form = await c('prac1').request(`/practices/${f.codes.practice}/recall/log`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `programme=${programme}&patient=${patient}&method=letter` });
    expect(form.status).toBe(403);
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(outreach);
    expect(await count('SELECT count(*) AS n FROM recall_batch')).toBe(batches);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE username = 'prac1' AND detail = 'missing or wrong CSRF token'")).toBe(7);
  });
});

describe('batches', () => {
  it('creates a batch from selected rows, exports CSV and SMS, marks it sent once (logging the invitations), all audited', async () => {
    const base = `/api/recall/practices/${f.codes.practice}`;
    const rows = ((await (await c('prac1').request(`${base}/worklist?programme=${programme}`)).json()) as ListBody).rows.filter((r) => !r.defaulter).slice(0, 2);
    const created = await post(c('prac1'), `${base}/batches`, { programme, method: 'sms', patient_ids: rows.map((r) => r.patient_id) });
    expect(created.status).toBe(201);
    const { id, patients } = (await created.json()) as { id: number; patients: number };
    expect(patients).toBe(2);

    const detail = (await (await c('prac1').request(`${base}/batches/${id}`)).json()) as { rows: Row[]; sent_on: string | null; method: string };
    expect(detail).toMatchObject({ sent_on: null, method: 'sms' });
    expect(detail.rows.map((r) => r.patient_id).sort()).toEqual(rows.map((r) => r.patient_id).sort());

    const csv = parseCsv(await (await c('prac1').request(`${base}/batches/${id}/batch.csv`)).text());
    expect(csv[0]).toEqual(['batch_id', 'method', 'nhs_number', 'name', 'phone', 'birth_date', 'programme', 'status', 'reason', 'due_by', 'next_action']);
    expect(csv.slice(1).map((r) => r[2]).sort()).toEqual(rows.map((r) => r.nhs_number).sort());
    const sms = parseCsv(await (await c('prac1').request(`${base}/batches/${id}/sms.csv`)).text());
    expect(sms[0]).toEqual(['nhs_number', 'phone', 'message']);
    expect(sms.length).toBe(3);
    expect(sms[1]![1]).toMatch(/^07700 900\d{3}$/);

    const outreach = await count('SELECT count(*) AS n FROM recall_outreach');
    const sent = await post(c('prac1'), `${base}/batches/${id}/sent`, { date: '2013-12-30' });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toEqual({ batch: id, invitations_logged: 2 });
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(outreach + 2);
    const again = await post(c('prac1'), `${base}/batches/${id}/sent`, { date: '2013-12-31' });
    expect(again.status).toBe(409);
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(outreach + 2);

    const list = (await (await c('prac1').request(`${base}/batches`)).json()) as { id: number; sent_on: string | null; patients: number }[];
    expect(list.find((b) => b.id === id)).toMatchObject({ sent_on: '2013-12-30', patients: 2 });

    expect((await auditRows('prac1', 'recall-batch-create')).at(-1)).toMatchObject({ patient_count: 2, outcome: 'ok' });
    expect((await auditRows('prac1', 'recall-batch-read')).at(-1)).toMatchObject({ patient_count: 2, outcome: 'allowed' });
    expect((await auditRows('prac1', 'recall-batch-export')).slice(-2).map((r) => r.patient_count)).toEqual([2, 2]);
    // The second attempt is refused and audited as failed.
    expect((await auditRows('prac1', 'recall-batch-sent')).slice(-2).map((r) => [r.outcome, r.patient_count])).toEqual([['ok', 2], ['failed', null]]);

    const notListed = await post(c('prac1'), `${base}/batches`, { programme, method: 'letter', patient_ids: [rows[0]!.patient_id, 987654321] });
    expect(notListed.status).toBe(400);
    expect(((await notListed.json()) as { error: { message: string } }).error.message).toMatch(/patient 987654321 is not on the/);
  });
});

describe('practice of another practice', () => {
  it('is denied every route of the other practice, and each denial is audited', async () => {
    const other = f.codes.practice;
    const before = await count("SELECT count(*) AS n FROM audit_log WHERE username = 'prac2' AND outcome = 'denied'");
    const urls = [
      `/api/recall/practices/${other}/worklist?programme=${programme}`,
      `/api/recall/practices/${other}/worklist.csv?programme=${programme}`,
      `/api/recall/practices/${other}/batches`,
      `/api/recall/practices/${other}/batches/1`,
      `/api/recall/practices/${other}/batches/1/batch.csv`,
      `/api/recall/practices/${other}/batches/1/sms.csv`,
      `/api/recall/practices/${other}/batches/1/letters.pdf`,
      `/practices/${other}/recall?programme=${programme}`,
      `/practices/${other}/recall/batches/1`,
      `/practices/${other}/recall/batches/1/letters`,
    ];
    for (const u of urls) expect({ u, status: (await c('prac2').request(u)).status }).toEqual({ u, status: 403 });
    expect((await post(c('prac2'), `/api/recall/practices/${other}/log`, { programme, patient_ids: [1], method: 'letter' })).status).toBe(403);
    expect((await post(c('prac2'), `/api/recall/practices/${other}/batches/1/sent`, {})).status).toBe(403);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE username = 'prac2' AND outcome = 'denied'")).toBe(before + urls.length + 2);
    const sample = await f.engine.all("SELECT organisation, role FROM audit_log WHERE username = 'prac2' AND outcome = 'denied' AND route LIKE '/api/recall/practices/%/worklist?%'");
    expect(sample[0]).toEqual({ organisation: other, role: 'practice' });
  });

  it('cannot reach another practice\'s batch or patients through its own practice code (404/403, audited as denied)', async () => {
    const base = `/api/recall/practices/${f.codes.practice}`;
    const before = await count("SELECT count(*) AS n FROM audit_log WHERE username = 'prac1' AND outcome = 'denied'");
    let attempts = 0;
    for (const s of ['', '/batch.csv', '/sms.csv', '/letters.pdf']) {
      expect((await c('prac1').request(`${base}/batches/${otherBatch}${s}`)).status).toBe(404);
      attempts++;
    }
    expect((await post(c('prac1'), `${base}/batches/${otherBatch}/sent`, { date: '2013-12-30' })).status).toBe(404);
    expect((await c('prac1').request(`/practices/${f.codes.practice}/recall/batches/${otherBatch}`)).status).toBe(404);
    attempts += 2;
    const foreign = Number((await f.engine.all<{ id: number }>('SELECT patient_id AS id FROM registration WHERE practice = $1 AND patient_id NOT IN (SELECT patient_id FROM registration WHERE practice = $2) LIMIT 1', [f.codes.otherPractice, f.codes.practice]))[0]!.id);
    const outreach = await count('SELECT count(*) AS n FROM recall_outreach');
    const res = await post(c('prac1'), `${base}/log`, { programme, patient_ids: [foreign], method: 'letter' });
    expect(res.status).toBe(403);
    attempts++;
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(outreach);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE username = 'prac1' AND outcome = 'denied'")).toBe(before + attempts);
    expect(await count(`SELECT count(*) AS n FROM recall_batch WHERE id = ${otherBatch} AND sent_on IS NULL`)).toBe(1);
  });
});

describe('roles other than practice', () => {
  const PATIENT_WORDS = /nhs_number|patient_id|Test Patient|"name"|07700 900/;

  it('never obtain a patient-level row from any recall route, with any organisation code', async () => {
    const recall = ROUTE_SCOPES.filter((s) => s.path.includes('recall'));
    expect(recall.length).toBe(19);
    const orgs = [f.codes.practice, f.codes.sibling, f.codes.otherPractice, f.codes.network, f.codes.otherNetwork, f.codes.collaboration, f.codes.benchmark, 'ZZZ999'];
    const problems: string[] = [];
    let tried = 0;
    for (const u of ['net1', 'comm1', 'eval1', 'admin1']) {
      const client = c(u);
      for (const scope of recall) {
        for (const org of scope.path.includes(':code') ? orgs : [undefined]) {
          const path = scope.path.replace(':code', org ?? '').replace(':id', String(otherBatch));
          const q = new URLSearchParams({ programme, month });
          if (scope.path === '/api/recall/counts') q.delete('programme');
          if (scope.path.startsWith('/networks/')) q.delete('programme');
          for (const network of scope.path === '/api/recall/counts' ? [...orgs, undefined] : [undefined]) {
            const qq = new URLSearchParams(q);
            if (network) qq.set('network', network);
            const url = `${path}?${qq}`;
            const res =
              scope.method === 'GET'
                ? await client.request(url)
                : scope.path.startsWith('/api/')
                  ? await post(client, url, { programme, patient_ids: [1], method: 'letter', date: '2013-12-30' })
                  : await client.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${encodeURIComponent(client.csrf)}&programme=${programme}&patient=1&method=letter` });
            tried++;
            const text = await res.text();
            const patientLevel = scope.roles?.length === 1 && scope.roles[0] === 'practice';
            if (patientLevel && res.status !== 403) problems.push(`${u} ${scope.method} ${url}: ${res.status}`);
            if (PATIENT_WORDS.test(text)) problems.push(`${u} ${scope.method} ${url}: patient-level words in the body`);
            for (const m of text.matchAll(/\d{10}/g)) if (nhsNumbers.has(m[0])) problems.push(`${u} ${scope.method} ${url}: NHS number ${m[0]} in the body`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(tried).toBeGreaterThan(300);
  });

  it('network users get counts for their own network only; commissioners for any network; counts match the practice lists', async () => {
    const own = await c('net1').request(`/api/recall/counts?network=${f.codes.network}&month=${month}`);
    expect(own.status).toBe(200);
    const body = (await own.json()) as { period_end: string; rows: Record<string, unknown>[] };
    const practices = [...f.data.orgs.values()].filter((o) => o.parent === f.codes.network).map((o) => o.code).sort();
    expect([...new Set(body.rows.map((r) => r.practice))].sort()).toEqual(practices);
    for (const r of body.rows) expect(Object.keys(r).sort()).toEqual(['defaulters', 'due_soon', 'network', 'overdue', 'practice', 'practice_name', 'programme']);
    // The same numbers as the practice's own list (which prac1 changed above: one adjustment, one
    // defaulter), where the default disclosure rule (suppress:1-7) lets them through.
    const list = (await (await c('prac1').request(`/api/recall/practices/${f.codes.practice}/worklist?programme=${programme}&month=${month}`)).json()) as ListBody;
    const expected = {
      overdue: list.rows.filter((r) => r.status === 'overdue').length,
      due_soon: list.rows.filter((r) => r.status === 'due_soon').length,
      defaulters: list.rows.filter((r) => r.defaulter).length,
    };
    const mine = body.rows.find((r) => r.practice === f.codes.practice && r.programme === programme)!;
    for (const [m, n] of Object.entries(expected)) expect(mine[m] === null || mine[m] === n, m).toBe(true);
    expect(mine.defaulters).toBeNull(); // one defaulter: a count from 1 to 7

    // With no disclosure control (the store owner's own server) every count is the list's.
    const plain = new Client(createApp(f.data, { auth: { mode: 'sign-in' }, disclosure: { mode: 'none' } }), '10.7.9.1');
    expect((await plain.signIn('net1')).status).toBe(200);
    const plainBody = (await (await plain.request(`/api/recall/counts?network=${f.codes.network}&month=${month}`)).json()) as { rows: Record<string, unknown>[] };
    expect(plainBody.rows.find((r) => r.practice === f.codes.practice && r.programme === programme)).toMatchObject(expected);

    expect((await c('net1').request(`/api/recall/counts?network=${f.codes.otherNetwork}`)).status).toBe(403);
    expect((await c('net1').request('/api/recall/counts')).status).toBe(403);
    expect((await c('net1').request(`/networks/${f.codes.otherNetwork}/recall`)).status).toBe(403);
    expect((await c('comm1').request(`/api/recall/counts?network=${f.codes.otherNetwork}`)).status).toBe(200);
    expect((await c('comm1').request('/api/recall/counts')).status).toBe(400);
    expect((await c('prac1').request(`/api/recall/counts?network=${f.codes.network}`)).status).toBe(403);
    const page = await c('net1').request(`/networks/${f.codes.network}/recall`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Recall lists in');
    expect(PATIENT_WORDS.test(html)).toBe(false);
  });
});

describe('forms and hostile input', () => {
  const form = (client: Client, path: string, fields: [string, string][]): Promise<Response> =>
    client.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  it('the worklist page logs for the ticked patients and for one row, without JavaScript', async () => {
    const page = `/practices/${f.codes.practice}/recall`;
    const html = await (await c('prac1').request(`${page}?programme=${programme}`)).text();
    expect(html).toContain(`name="csrf" value="${c('prac1').csrf}"`);
    const ticked = [...html.matchAll(/name="patient" value="(\d+)"/g)].map((m) => m[1]!).slice(0, 2);
    expect(ticked.length).toBe(2);
    // Each row's menu and button belong to that row's own small form, the checkboxes to the bulk
    // form: a submission carries only what it needs, so long lists stay under the body limit.
    const selects = [...html.matchAll(/<select[^>]*name="row_action_(\d+)"[^>]*>/g)];
    expect(selects.length).toBeGreaterThan(0);
    for (const m of selects) {
      expect(m[0]).toContain(`form="row-${m[1]}"`);
      expect(html).toContain(`<form id="row-${m[1]}" method="post" action="${page}/log">`);
    }
    expect([...html.matchAll(/<input[^>]*name="patient"[^>]*>/g)].every((m) => m[0].includes('form="worklist-form"'))).toBe(true);
    const outreach = await count('SELECT count(*) AS n FROM recall_outreach');
    const bulk = await form(c('prac1'), `${page}/log`, [['csrf', c('prac1').csrf], ['programme', programme], ['back', `programme=${programme}&status=overdue`], ...ticked.map((id) => ['patient', id] as [string, string]), ['method', 'phone'], ['outcome', 'booked'], ['date', '2013-12-28'], ['bulk', 'log']]);
    expect(bulk.status).toBe(303);
    expect(bulk.headers.get('location')).toBe(`${page}?programme=${programme}&status=overdue&done=logged-2`);
    const one = await form(c('prac1'), `${page}/log`, [['csrf', c('prac1').csrf], ['programme', programme], ['one', ticked[0]!], [`row_action_${ticked[0]}`, 'outcome:attended'], ['date', '2013-12-29']]);
    expect(one.status).toBe(303);
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(outreach + 3);
    const stored = await f.engine.all('SELECT method, outcome FROM recall_outreach WHERE patient_id = $1 AND date >= CAST($2 AS DATE) ORDER BY date', [Number(ticked[0]), '2013-12-28']);
    expect(stored).toEqual([{ method: 'phone', outcome: 'booked' }, { method: null, outcome: 'attended' }]);

    const none = await form(c('prac1'), `${page}/log`, [['csrf', c('prac1').csrf], ['programme', programme], ['method', 'letter']]);
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('select at least one patient');
    const noChoice = await form(c('prac1'), `${page}/log`, [['csrf', c('prac1').csrf], ['programme', programme], ['one', ticked[0]!], [`row_action_${ticked[0]}`, '']]);
    expect(noChoice.status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(outreach + 3);
  });

  it('two clients logging at once lose nothing', async () => {
    const base = `/api/recall/practices/${f.codes.practice}/log`;
    const ids = ((await (await c('prac1').request(`/api/recall/practices/${f.codes.practice}/worklist?programme=${programme}`)).json()) as ListBody).rows.map((r) => r.patient_id);
    const before = await count('SELECT count(*) AS n FROM recall_outreach');
    const writes: Promise<Response>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(post(c('prac1'), base, { programme, patient_ids: [ids[i % ids.length]!], method: 'letter', date: '2013-11-15', note: `a${i}` }));
      writes.push(post(c('prac1b'), base, { programme, patient_ids: [ids[(i + 1) % ids.length]!], method: 'sms', date: '2013-11-15', note: `b${i}` }));
    }
    const statuses = (await Promise.all(writes)).map((r) => r.status);
    expect(statuses).toEqual(Array(40).fill(201));
    expect(await count('SELECT count(*) AS n FROM recall_outreach')).toBe(before + 40);
    expect(await count("SELECT count(DISTINCT note) AS n FROM recall_outreach WHERE date = DATE '2013-11-15'")).toBe(40);
  });

  it('answers SQL-injection and traversal strings in every recall parameter with 4xx or an empty match, and changes nothing', async () => {
    const PAYLOADS = ["' OR '1'='1", '1; DROP TABLE patient; --', '../../etc/passwd', '<script>alert(1)</script>', '%00', 'a'.repeat(300)];
    const base = `/api/recall/practices/${f.codes.practice}`;
    const patients = await count('SELECT count(*) AS n FROM patient');
    const problems: string[] = [];
    for (const p of PAYLOADS) {
      const e = encodeURIComponent(p);
      for (const url of [
        `${base}/worklist?programme=${e}`,
        `${base}/worklist?programme=${programme}&month=${e}`,
        `${base}/worklist?programme=${programme}&sort=${e}`,
        `${base}/worklist?programme=${programme}&status=${e}`,
        `${base}/batches/${e}`,
        `/api/recall/practices/${e}/worklist?programme=${programme}`,
        `/practices/${f.codes.practice}/recall?programme=${e}`,
        `/api/recall/counts?network=${e}`,
      ]) {
        const res = await c('prac1').request(url);
        if (res.status < 400 || res.status >= 500) problems.push(`${url}: ${res.status}`);
      }
      const q = await c('prac1').request(`${base}/worklist?programme=${programme}&q=${e}`);
      if (p.length <= 100) {
        if (q.status !== 200 || ((await q.json()) as ListBody).rows.length !== 0) problems.push(`q=${p}: ${q.status}`);
      } else if (q.status !== 400) problems.push(`q=${p.slice(0, 10)}…: ${q.status}`);
      const logged = await post(c('prac1'), `${base}/log`, { programme: p, patient_ids: [1], method: 'letter' });
      if (logged.status !== 400) problems.push(`log programme=${p}: ${logged.status}`);
    }
    expect(problems).toEqual([]);
    expect(await count('SELECT count(*) AS n FROM patient')).toBe(patients);
  });
});

describe('API description', () => {
  it('lists every recall API route in /api/openapi.json', async () => {
    const doc = (await (await c('net1').request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const declared = ROUTE_SCOPES.filter((s) => s.path.startsWith('/api/recall/')).map((s) => `${s.method.toLowerCase()} ${s.path.replace(/:(\w+)/g, '{$1}')}`);
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).filter((x) => x.includes('/api/recall/'));
    expect(listed.sort()).toEqual(declared.sort());
  });
});

describe('admin', () => {
  it('reads the audit trail of recall activity (patient counts, no patients)', async () => {
    const rows = (await (await c('admin1').request('/api/audit?limit=100000')).json()) as { action: string; patient_count: number | null; username: string; outcome: string }[];
    const reads = rows.filter((r) => r.action === 'recall-worklist-read' && r.username === 'prac1' && r.outcome === 'allowed');
    expect(reads.length).toBeGreaterThan(5);
    expect(reads.every((r) => typeof r.patient_count === 'number')).toBe(true);
    const others = ['net1', 'comm1', 'eval1', 'admin1'];
    expect(rows.filter((r) => r.action.startsWith('recall-') && (r.patient_count ?? 0) > 0 && others.includes(r.username))).toEqual([]);
  });
});
