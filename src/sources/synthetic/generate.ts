import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Codelist, loadCodelists } from '../../codelists/load.js';
import { type Engine, scalar } from '../../store/engine.js';
import { benchmarkRows } from './benchmarks.js';
import { CodePicker, CODE_PICKS } from './codes.js';
import { consultationStep, clinicianTableStep } from './consultations.js';
import type { GenContext, Step } from './context.js';
import { copdSteps } from './copd.js';
import { cvdSteps } from './cvd.js';
import { diabetesSteps } from './diabetes.js';
import { diagnosisSteps } from './diagnoses.js';
import { opportunisticSteps } from './opportunistic.js';
import { BENCHMARKS, buildOrganisations, buildPractices } from './organisations.js';
import * as PARAMS from './params.js';
import { personSteps, storePopulationSteps, writeLookupTables } from './population.js';
import { Rng } from './random.js';
import { routineCareSteps } from './routine-care.js';

export const GENERATOR_VERSION = 'gpnet-synthetic-1';

export const GenerateOptions = z
  .object({
    patients: z.number().int().min(200, 'at least 200 patients').max(20_000_000, 'at most 20,000,000 patients'),
    seed: z.number().int().min(0, 'seed must be 0 or more').max(2_147_483_647, 'seed must fit in 31 bits'),
    force: z.boolean().default(false),
  })
  .strict();
export type GenerateOptions = z.input<typeof GenerateOptions>;

/** Reports phases as they run (the CLI shows a progress bar). */
export interface GenerateProgress {
  start(label: string, total: number): void;
  tick(by?: number): void;
  stop(): void;
}

export interface GenerateSummary {
  batchId: number;
  source: string;
  seconds: number;
  rows: Record<string, number>;
}

/** The store already holds patients and --force was not given. */
export class StoreNotEmptyError extends Error {}

export const STORE_TABLES = ['patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission'] as const;
/** Tables emptied before generating with force (results computed from the old data go too). */
export const CLEARED_TABLES = [...STORE_TABLES, 'benchmark_series', 'indicator_result', 'organisation'] as const;

interface Phase {
  label: string;
  steps: Step[];
}

function buildPhases(ctx: GenContext): Phase[] {
  // The bulk table is written in a few parts so that the progress bar moves; each part costs a
  // little extra, so there are no more than four.
  const parts = Math.max(1, Math.min(4, Math.ceil(ctx.patients / 250_000)));
  const consultations: Step[] = [clinicianTableStep(ctx)];
  for (let c = 0; c < parts; c++) consultations.push(consultationStep(ctx, c, parts));
  return [
    { label: 'people and registrations', steps: [...personSteps(ctx), ...storePopulationSteps(ctx)] },
    { label: 'diagnoses', steps: diagnosisSteps(ctx) },
    { label: 'diabetes care', steps: diabetesSteps(ctx) },
    { label: 'COPD care', steps: copdSteps(ctx) },
    { label: 'CVD care and statins', steps: cvdSteps(ctx) },
    { label: 'routine care, flu and childhood immunisations', steps: routineCareSteps(ctx) },
    { label: 'consultations', steps: consultations },
    { label: 'recording at consultations', steps: opportunisticSteps(ctx) },
  ];
}

/** A checksum of everything that determines the generated data (the generator is deterministic). */
function recipeChecksum(patients: number, seed: number): string {
  const recipe = JSON.stringify({ version: GENERATOR_VERSION, patients, seed, params: PARAMS, codes: CODE_PICKS });
  return createHash('sha256').update(recipe).digest('hex');
}

/**
 * Generates the synthetic collaboration into a DuckDB store: organisations, patients,
 * registrations, clinical events, medication issues, consultations, admissions and benchmark
 * series, as one import batch (all of it, or — if a step fails — none of it). Deterministic for
 * (patients, seed).
 */
export async function generateSynthetic(
  engine: Engine,
  options: GenerateOptions,
  deps: { progress?: GenerateProgress; codelists?: ReadonlyMap<string, Codelist> } = {},
): Promise<GenerateSummary> {
  const opts = GenerateOptions.parse(options);
  if (engine.dialect !== 'duckdb') throw new Error(`the synthetic generator runs on DuckDB only (this store is ${engine.dialect})`);
  const existing = Number(await scalar(engine, 'SELECT count(*) FROM patient'));
  const orgs = Number(await scalar(engine, 'SELECT count(*) FROM organisation'));
  if ((existing > 0 || orgs > 0) && !opts.force) {
    const what = existing > 0 ? `${existing} patients` : `${orgs} organisations`;
    throw new StoreNotEmptyError(`the store ${engine.location} already holds ${what}; pass --force to replace them`);
  }
  const codes = CodePicker.fromCodelists(deps.codelists ?? loadCodelists());
  const practices = buildPractices(opts.patients, PARAMS.POPULATION.listFraction);
  const organisations = buildOrganisations(practices);
  const progress = deps.progress ?? { start() {}, tick() {}, stop() {} };
  const source = `synthetic:seed=${opts.seed},patients=${opts.patients}`;
  const t0 = Date.now();

  // Bulk-load settings for this run only: rows need not keep insertion order (lets DuckDB write in
  // parallel), and string columns skip the FSST analysis (our strings are low-cardinality codes,
  // which dictionary compression handles; skipping FSST saves about a fifth of the write time).
  await engine.run('SET preserve_insertion_order = false');
  await engine.run("SET disabled_compression_methods = 'fsst,dict_fsst'");
  // The statements run one by one, not in one explicit transaction: DuckDB writes a bulk INSERT
  // on one thread inside an explicit transaction and on all of them outside one (measured: 22 s
  // against 11 s for the consultations at 1,000,000 patients). Atomicity is kept by hand: the
  // import_batch row is written last, and a failure removes everything this run wrote.
  if (opts.force) for (const t of CLEARED_TABLES) await engine.run(`DELETE FROM ${t}`);
  const batchId = Number(await scalar(engine, 'SELECT coalesce(max(id), 0) + 1 FROM import_batch'));
  const ctx: GenContext = { engine, rng: new Rng(opts.seed), seed: opts.seed, patients: opts.patients, practices, codes, batchId };
  try {
    progress.start('organisations and benchmarks', 3);
    await engine.insertRows(
      'organisation',
      ['code', 'name', 'kind', 'parent', 'synthetic', 'list_size_reference'],
      organisations.map((o) => [o.code, o.name, o.kind, o.parent, true, o.list_size_reference]),
    );
    progress.tick();
    const bench = benchmarkRows(opts.seed);
    await engine.insertRows(
      'benchmark_series',
      ['benchmark', 'indicator_id', 'period_end', 'numerator', 'denominator', 'value'],
      bench.map((b) => [b.benchmark, b.indicator_id, b.period_end, b.numerator, b.denominator, b.value]),
    );
    progress.tick();
    await writeLookupTables(ctx);
    progress.tick();
    progress.stop();

    for (const phase of buildPhases(ctx)) {
      progress.start(phase.label, phase.steps.length);
      for (const step of phase.steps) {
        try {
          await engine.run(step.sql);
        } catch (err) {
          throw new Error(`synthetic generator, step "${step.what}": ${(err as Error).message}`);
        }
        progress.tick();
      }
      progress.stop();
    }

    const rows: Record<string, number> = { organisation: organisations.length, benchmark_series: bench.length };
    for (const t of STORE_TABLES) rows[t] = Number(await scalar(engine, `SELECT count(*) FROM ${t} WHERE batch_id = $1`, [batchId]));
    const total = Object.values(rows).reduce((a, n) => a + n, 0);
    await engine.run(
      `INSERT INTO import_batch (id, source, checksum, received_at, rows_in, rows_accepted, rows_rejected, detail)
       VALUES ($1, $2, $3, CURRENT_TIMESTAMP, $4, $4, 0, $5)`,
      [batchId, source, recipeChecksum(opts.patients, opts.seed), total, JSON.stringify({ generator: GENERATOR_VERSION, rows })],
    );
    return { batchId, source, seconds: (Date.now() - t0) / 1000, rows };
  } catch (err) {
    progress.stop();
    await removeBatch(engine, batchId, organisations.map((o) => o.code)).catch(() => undefined);
    throw err;
  } finally {
    for (const t of WORKING_TABLES) await engine.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    await engine.run('RESET preserve_insertion_order');
    await engine.run('RESET disabled_compression_methods');
  }
}

const WORKING_TABLES = ['g_practice_base', 'g_practice', 'g_cell', 'g_pick_practice', 'g_pick_cell', 'g_base', 'g_cond', 'g_life', 'g_reg', 'g_person', 'g_nhs', 'g_dm_slot', 'g_copd_slot', 'g_cvd_slot', 'g_adm', 'g_statin', 'g_flu', 'g_clin'];

/** Undoes a failed run: every row stamped with its batch, its organisations and its benchmark series. */
async function removeBatch(engine: Engine, batchId: number, orgCodes: readonly string[]): Promise<void> {
  for (const t of STORE_TABLES) await engine.run(`DELETE FROM ${t} WHERE batch_id = $1`, [batchId]);
  for (const b of BENCHMARKS) await engine.run('DELETE FROM benchmark_series WHERE benchmark = $1', [b.code]);
  for (const code of orgCodes) await engine.run('DELETE FROM organisation WHERE code = $1 AND synthetic', [code]);
}
