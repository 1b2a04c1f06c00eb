/** Batches (CSV, SMS outbox, mark as sent) and safe message templates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/util/csv.js';
import { batchCsv, createBatch, markBatchSent, readBatch, smsOutbox } from '../../src/programmes/recall/batch.js';
import { fictionalName, fictionalPhone } from '../../src/programmes/recall/fictional.js';
import { safeCell } from '../../src/programmes/recall/format.js';
import { checkProgramme } from '../../src/programmes/recall/load.js';
import { readOutreach } from '../../src/programmes/recall/outreach.js';
import { checkTemplate, renderTemplate } from '../../src/programmes/recall/template.js';
import { buildWorklist } from '../../src/programmes/recall/worklist.js';
import { loadIndicators } from '../../src/indicators/load.js';
import type { Engine } from '../../src/store/engine.js';
import { ExtractBuilder } from '../fixtures/extract-builder.js';
import { code, library, programme, storeOf } from './helpers.js';

const R = '2025-12-31';
const P = 'P1';
const x = new ExtractBuilder().organisation(P, 'practice');
for (const id of [11, 12, 13]) x.patient(id, '1970-01-01', 'M').registered(id, P, '2010-01-01').event(id, P, '2015-01-01', code('dm_cod'));

let engine: Engine;
beforeAll(async () => {
  const data = x.build();
  data.patients.forEach((p, i) => (p.nhs_number = `999000000${i}`));
  engine = await storeOf(data);
});
afterAll(async () => engine?.close());

describe('fictional names and numbers', () => {
  it('are made from the patient id, and phone numbers stay in the drama range', () => {
    expect(fictionalName(123)).toBe('Test Patient 000123');
    expect(fictionalPhone(123)).toBe('07700 900123');
    expect(fictionalPhone(45_678)).toBe('07700 900678');
    for (const id of [0, 1, 999, 1000, 123_456_789]) expect(fictionalPhone(id)).toMatch(/^07700 900\d{3}$/);
  });
});

describe('templates', () => {
  const values = { name: 'Test Patient 000011', nhs_number: '9990000000', practice: 'P1 Surgery', programme: 'Flu', service: 'your flu jab', due_by: '2026-01-31' };
  it('fill only whitelisted placeholders and never evaluate anything', () => {
    expect(renderTemplate('Dear {name}, {service} is due by {due_by}.', values)).toBe('Dear Test Patient 000011, your flu jab is due by 2026-01-31.');
    expect(() => checkTemplate('Hello {process.env.HOME}')).toThrow(/unknown placeholder \{process.env.HOME\}/);
    expect(() => checkTemplate('Hello ${name}')).not.toThrow(); // a literal $ followed by a placeholder
    expect(renderTemplate('Hello ${name}', values)).toBe('Hello $Test Patient 000011');
    expect(() => checkTemplate('Hello {name')).toThrow(/unmatched/);
    expect(() => checkTemplate('{{name}}')).toThrow();
    expect(renderTemplate('{name}', { ...values, name: 'A\nB {due_by}' })).toBe('A B due_by');
  });

  it('a programme with a bad template is rejected naming the file and field', () => {
    const codelists = library().codelists;
    const indicators = loadIndicators(codelists);
    const raw = { ...programme('dm-flu').programme, sms_template: 'Hi {first_name}' };
    expect(() => checkProgramme(raw, 'recall/x.yaml', indicators, codelists, () => 7)).toThrow('recall/x.yaml line 7: sms_template: unknown placeholder {first_name}');
    expect(() => checkProgramme({ ...raw, sms_template: 'ok', indicator: 'dm-register' }, 'recall/x.yaml', indicators, codelists)).toThrow(/needs a proportion/);
    expect(() => checkProgramme({ ...raw, sms_template: 'ok', labels: { nope: 'x' } }, 'recall/x.yaml', indicators, codelists)).toThrow(/labels.nope: unknown codelist/);
  });

  it('CSV cells cannot become spreadsheet formulas', () => {
    expect(safeCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(safeCell('-5')).toBe('-5');
    expect(safeCell(-5)).toBe('-5');
  });
});

describe('batches', () => {
  it('export CSV and an SMS outbox; marking sent logs one invitation each, once', async () => {
    const p = programme('dm-flu');
    const list = await buildWorklist(engine, p, { practice: P, R, codelists: library().codelists });
    expect(list.rows.map((r) => r.patient_id)).toEqual([11, 12, 13]);
    const id = await createBatch(engine, list, list.rows.slice(0, 2), 'sms');
    const csv = parseCsv(batchCsv(id, 'sms', list.rows.slice(0, 2)));
    expect(csv[0]).toEqual(['batch_id', 'method', 'nhs_number', 'name', 'phone', 'birth_date', 'programme', 'status', 'reason', 'due_by', 'next_action']);
    expect(csv.slice(1).map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
      [String(id), '9990000000', 'Test Patient 000011', '07700 900011'],
      [String(id), '9990000001', 'Test Patient 000012', '07700 900012'],
    ]);
    const sms = parseCsv(smsOutbox(p.programme, 'Fixture Surgery', list.rows.slice(0, 2)));
    expect(sms[0]).toEqual(['nhs_number', 'phone', 'message']);
    expect(sms[1]).toEqual(['9990000000', '07700 900011', 'Dear Test Patient 000011, you are eligible for a free flu vaccination. Please call Fixture Surgery to book.']);

    expect((await readBatch(engine, id)).sent_on).toBeNull();
    expect(await markBatchSent(engine, id, '2025-12-20')).toBe(2);
    await expect(markBatchSent(engine, id, '2025-12-21')).rejects.toThrow(/already marked as sent on 2025-12-20/);
    const log = await readOutreach(engine, P, 'dm-flu', '2000-01-01');
    expect(log.map((e) => [e.patient_id, e.method, e.batch_id, e.date])).toEqual([
      [11, 'sms', id, '2025-12-20'],
      [12, 'sms', id, '2025-12-20'],
    ]);
    const after = await buildWorklist(engine, p, { practice: P, R, codelists: library().codelists });
    expect(after.rows.find((r) => r.patient_id === 11)?.unanswered_invitations).toBe(1);
    expect(after.rows.find((r) => r.patient_id === 13)?.unanswered_invitations).toBe(0);
  });
});
