import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CodelistError } from '../../codelists/load.js';
import { DefinitionError } from '../../indicators/load.js';
import { MeasureError } from '../../indicators/measure.js';
import { isIsoDate } from '../../indicators/reference/dates.js';
import { BatchError, type BatchMethod, batchCsv, createBatch, markBatchSent, readBatch, smsOutbox } from '../../programmes/recall/batch.js';
import { worklistCsv, worklistTable } from '../../programmes/recall/format.js';
import { lettersHtml } from '../../programmes/recall/letters.js';
import { htmlToPdf } from '../../programmes/recall/letters-pdf.js';
import { ProgrammeError } from '../../programmes/recall/load.js';
import { ADJUSTMENTS, type Adjustment, METHODS, type Method, OUTCOMES, type Outcome, logOutreach } from '../../programmes/recall/outreach.js';
import { type RecallLibrary, findProgramme, listDate, loadRecallLibrary, practiceName, registeredAt } from '../../programmes/recall/session.js';
import { TemplateError } from '../../programmes/recall/template.js';
import { type Worklist, buildWorklist } from '../../programmes/recall/worklist.js';
import type { Engine } from '../../store/engine.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { READ_ONLY_HELP, storeLocation, type StoreOptions } from '../store-option.js';
import { askHolder } from '../../store/duckdb/holder.js';
import { StoreLockedError } from '../../store/duckdb/lock.js';

/**
 * `gpnet recall …`: call and recall worklists (docs/RECALL.md). Practice-scoped: every command
 * that reads or writes patient-level rows names one practice.
 *   programmes [--format json|table]
 *   list  --db --practice --programme [--month] [--status] [--format csv|json|table]
 *   log   --db --practice --patient --programme (--method|--outcome|--adjustment) [--date] [--note]
 *   batch create --db --practice --programme --method [--month] [--status] [--limit] --csv FILE [--sms FILE] [--letters FILE.pdf]
 *   batch sent   --db --practice --batch ID [--date]
 */

function library(): RecallLibrary {
  try {
    return loadRecallLibrary();
  } catch (err) {
    if (err instanceof CodelistError || err instanceof DefinitionError || err instanceof ProgrammeError) throw new UserError(err.message);
    throw err;
  }
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | null {
  if (value === undefined) return null;
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`${option} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function dateOption(v: string | undefined): string {
  if (v === undefined) return today();
  if (!isIsoDate(v)) throw new UserError(`--date must be a date YYYY-MM-DD, not '${v}'`);
  return v;
}

function positiveInt(option: string, v: string): number {
  if (!/^[1-9][0-9]*$/.test(v)) throw new UserError(`${option} must be a positive whole number, not '${v}'`);
  return Number(v);
}

/**
 * Opens the store, waiting while another gpnet process holds the DuckDB file's lock (DuckDB
 * allows one writing process per file), so two people logging at once both succeed.
 */
async function openWaiting(db: string, readOnly: boolean): Promise<Engine> {
  if (!existsSync(db)) throw new UserError(`no store at ${db} (create one with gpnet generate or gpnet import csv)`);
  const deadline = Date.now() + 30_000;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    try {
      return await openStore({ db }, { readOnly });
    } catch (err) {
      if (!(err instanceof StoreLockedError) || Date.now() > deadline) throw err;
      // A server holds the store for as long as it runs: say so now rather than after 30 s.
      if (await askHolder(db)) throw err;
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }
}

async function withStore<T>(store: StoreOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const location = storeLocation(store);
  const engine = location.pg ? await openStore(location) : await openWaiting(location.db as string, store.readOnly === true);
  try {
    return await fn(engine);
  } catch (err) {
    if (err instanceof ProgrammeError || err instanceof BatchError || err instanceof MeasureError || err instanceof TemplateError) throw new UserError(err.message);
    throw err;
  } finally {
    await engine.close();
  }
}

type Status = 'overdue' | 'due_soon' | 'all';

async function worklist(engine: Engine, lib: RecallLibrary, opts: { practice: string; programme: string; month?: string; status?: string }): Promise<Worklist> {
  const p = findProgramme(lib, opts.programme);
  await practiceName(engine, opts.practice);
  const R = await listDate(engine, opts.month);
  const list = await buildWorklist(engine, p, { practice: opts.practice, R, codelists: lib.codelists });
  const status = oneOf<Status>('--status', opts.status, ['overdue', 'due_soon', 'all']) ?? 'all';
  return status === 'all' ? list : { ...list, rows: list.rows.filter((r) => r.status === status) };
}

export function register(program: Command): void {
  const recall = program.command('recall').description('call and recall: worklists of patients due and overdue, outreach log, invitation batches');

  recall
    .command('programmes')
    .description('list the recall programmes and the indicator each derives from')
    .option('--format <format>', 'json or table', 'table')
    .action((opts: { format: string }) => {
      const format = oneOf('--format', opts.format, ['json', 'table'] as const);
      const lib = library();
      const rows = lib.programmes.map((p) => ({ id: p.programme.id, indicator: p.indicator.definition.id, title: p.programme.title, due_soon_months: p.programme.due_soon_months }));
      if (format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else process.stdout.write(rows.map((r) => `${r.id.padEnd(22)} ${r.indicator.padEnd(22)} ${r.title}`).join('\n') + '\n');
    });

  recall
    .command('list')
    .description("a practice's worklist for one programme at a month end")
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--practice <code>', 'the practice (ODS code)')
    .requiredOption('--programme <id>', 'the recall programme (see gpnet recall programmes)')
    .option('--month <YYYY-MM>', 'the month (default: the latest month of data)')
    .option('--status <status>', 'overdue, due_soon or all', 'all')
    .option('--format <format>', 'csv, json or table', 'table')
    .option('--read-only', READ_ONLY_HELP)
    .action(async (opts: StoreOptions & { practice: string; programme: string; month?: string; status: string; format: string }) => {
      const format = oneOf('--format', opts.format, ['csv', 'json', 'table'] as const);
      const lib = library();
      await withStore(opts, async (engine) => {
        const list = await worklist(engine, lib, opts);
        if (format === 'json') process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (format === 'csv') process.stdout.write(worklistCsv(list));
        else process.stdout.write(worklistTable(list));
      });
    });

  recall
    .command('log')
    .description('record an invitation, its outcome or a personalised care adjustment')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--practice <code>', 'the practice (ODS code)')
    .requiredOption('--patient <id>', 'the patient id')
    .requiredOption('--programme <id>', 'the recall programme')
    .option('--method <method>', METHODS.join(' | '))
    .option('--outcome <outcome>', OUTCOMES.join(' | '))
    .option('--adjustment <kind>', `personalised care adjustment: ${ADJUSTMENTS.join(' | ')}`)
    .option('--date <YYYY-MM-DD>', 'when it happened (default: today)')
    .option('--note <text>', 'free text (no more than 500 characters)')
    .action(async (opts: StoreOptions & { practice: string; patient: string; programme: string; method?: string; outcome?: string; adjustment?: string; date?: string; note?: string }) => {
      const method = oneOf<Method>('--method', opts.method, METHODS);
      const outcome = oneOf<Outcome>('--outcome', opts.outcome, OUTCOMES);
      const adjustment = oneOf<Adjustment>('--adjustment', opts.adjustment, ADJUSTMENTS);
      if (!method && !outcome && !adjustment) throw new UserError('give --method, --outcome or --adjustment');
      if (opts.note !== undefined && opts.note.length > 500) throw new UserError('--note is longer than 500 characters');
      const patient = positiveInt('--patient', opts.patient);
      const date = dateOption(opts.date);
      const lib = library();
      const p = findProgramme(lib, opts.programme);
      await withStore(opts, async (engine) => {
        await practiceName(engine, opts.practice);
        if (!(await registeredAt(engine, patient, opts.practice))) throw new UserError(`patient ${patient} has never been registered at ${opts.practice}`);
        await logOutreach(engine, [{ practice: opts.practice, patient_id: patient, programme: p.programme.id, date, method, outcome, adjustment, note: opts.note ?? null }]);
        const extra = adjustment && p.programme.adjustment_codes[adjustment] ? `; record a ${p.programme.adjustment_codes[adjustment]} code in the clinical system so the indicator excludes the patient too` : '';
        process.stdout.write(`logged for patient ${patient} (${p.programme.id}, ${date})${extra}\n`);
      });
    });

  const batch = recall.command('batch').description('batches of invitations: export, SMS outbox, mark as sent');
  batch
    .command('create')
    .description('save a batch of worklist rows and export it as CSV (and an SMS outbox)')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--practice <code>', 'the practice (ODS code)')
    .requiredOption('--programme <id>', 'the recall programme')
    .requiredOption('--method <method>', 'letter | sms | phone')
    .requiredOption('--csv <file>', 'write the batch as CSV here')
    .option('--sms <file>', 'write the SMS outbox (nhs_number, phone, message) here')
    .option('--letters <file>', 'write printable invitation letters here, as PDF (needs chromium)')
    .option('--month <YYYY-MM>', 'the month (default: the latest month of data)')
    .option('--status <status>', 'overdue, due_soon or all', 'all')
    .option('--limit <n>', 'at most this many patients, in priority order')
    .option('--include-defaulters', 'include defaulters (3 unanswered invitations; default: left for clinician follow-up)')
    .action(async (opts: StoreOptions & { practice: string; programme: string; method: string; csv: string; sms?: string; letters?: string; month?: string; status: string; limit?: string; includeDefaulters?: boolean }) => {
      const method = oneOf<BatchMethod>('--method', opts.method, ['letter', 'sms', 'phone']) as BatchMethod;
      const limit = opts.limit === undefined ? Number.POSITIVE_INFINITY : positiveInt('--limit', opts.limit);
      const lib = library();
      await withStore(opts, async (engine) => {
        const list = await worklist(engine, lib, opts);
        const rows = list.rows.filter((r) => opts.includeDefaulters || !r.defaulter).slice(0, limit);
        const id = await createBatch(engine, list, rows, method);
        writeFileSync(opts.csv, batchCsv(id, method, rows));
        if (opts.sms) writeFileSync(opts.sms, smsOutbox(findProgramme(lib, opts.programme).programme, await practiceName(engine, opts.practice), rows));
        if (opts.letters) {
          const html = lettersHtml({ practiceName: await practiceName(engine, opts.practice), programme: findProgramme(lib, opts.programme).programme, batchId: id, date: today(), rows });
          writeFileSync(opts.letters, await htmlToPdf(html));
        }
        const written = [opts.csv, opts.sms, opts.letters].filter((f) => f !== undefined);
        process.stdout.write(`batch ${id}: ${rows.length} patients (${method}) written to ${written.join(', ')}; mark it sent with gpnet recall batch sent --batch ${id}\n`);
      });
    });
  batch
    .command('sent')
    .description('mark a batch as sent: logs one invitation per patient')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--practice <code>', 'the practice (ODS code)')
    .requiredOption('--batch <id>', 'the batch id')
    .option('--date <YYYY-MM-DD>', 'when it was sent (default: today)')
    .action(async (opts: StoreOptions & { practice: string; batch: string; date?: string }) => {
      const id = positiveInt('--batch', opts.batch);
      const date = dateOption(opts.date);
      await withStore(opts, async (engine) => {
        const b = await readBatch(engine, id);
        if (b.practice !== opts.practice) throw new UserError(`batch ${id} belongs to another practice`);
        const n = await markBatchSent(engine, id, date);
        process.stdout.write(`batch ${id} marked as sent on ${date}: ${n} invitations logged\n`);
      });
    });
}
