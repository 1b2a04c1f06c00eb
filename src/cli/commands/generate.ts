import type { Command } from 'commander';
import { CodelistError, loadCodelists } from '../../codelists/load.js';
import { type GenerateSummary, StoreNotEmptyError, generateSynthetic } from '../../sources/synthetic/generate.js';
import { generateIntoPostgres } from '../../sources/synthetic/generate-into-postgres.js';
import { CopyError } from '../../store/copy-store.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { makeProgress } from '../progress.js';
import type { StoreOptions } from '../store-option.js';

/**
 * `gpnet generate --patients N --seed S (--db FILE | --pg URL) [--force]`: writes the synthetic
 * collaboration (docs/GENERATOR.md) into a DuckDB store, or into PostgreSQL (generated into a
 * temporary DuckDB file, then copied in one transaction: all of the batch or none of it). Deterministic: the same N and seed give the same data.
 * Refuses to touch a store that already holds patients unless --force (which replaces them).
 */
const WHOLE = /^\d+$/;

function wholeNumber(option: string, value: string): number {
  const v = value.replace(/[_,]/g, '');
  if (!WHOLE.test(v)) throw new UserError(`${option} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(v);
}

export function formatGenerateSummary(s: GenerateSummary): string {
  const n = (x: number): string => x.toLocaleString('en-GB');
  const total = Object.values(s.rows).reduce((a, b) => a + b, 0);
  const parts = Object.entries(s.rows).map(([t, k]) => `${t} ${n(k)}`);
  return `generated ${s.source} as import batch ${s.batchId}: ${n(total)} rows in ${s.seconds.toFixed(1)} s (${parts.join(', ')})`;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('generate a synthetic collaboration (36 practices in 8 networks, with London and England benchmarks) into a store')
    .option('--db <file>', 'the DuckDB store file (created if missing)')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database (the database must exist)')
    .option('--patients <n>', 'patients to generate, all told (registered at any time 2004–2013)', '300000')
    .option('--seed <s>', 'random seed (the same seed and size give the same store)', '1')
    .option('--force', 'replace the patients (and results) already in the store')
    .action(async (opts: StoreOptions & { patients: string; seed: string; force?: boolean }) => {
      const patients = wholeNumber('--patients', opts.patients);
      const seed = wholeNumber('--seed', opts.seed);
      if (patients < 200 || patients > 20_000_000) throw new UserError(`--patients must be between 200 and 20,000,000 (got ${patients})`);
      if (seed > 2_147_483_647) throw new UserError(`--seed must be at most 2147483647 (got ${seed})`);
      let codelists;
      try {
        codelists = loadCodelists();
      } catch (err) {
        if (err instanceof CodelistError) throw new UserError(err.message);
        throw err;
      }
      if (opts.db && opts.pg) throw new UserError('give one store: --db FILE or --pg postgres://…, not both');
      if (!opts.db && !opts.pg) throw new UserError('give the store: --db FILE (DuckDB, created if missing) or --pg postgres://… (PostgreSQL)');
      if (opts.pg && !/^postgres(ql)?:\/\//.test(opts.pg)) throw new UserError('--pg must be a postgres:// connection URL');
      const store = await openStore(opts.pg ? { pg: opts.pg } : { db: opts.db as string });
      const progress = makeProgress();
      try {
        const options = { patients, seed, force: opts.force === true };
        const summary = opts.pg ? await generateIntoPostgres(store, options, { progress, codelists }) : await generateSynthetic(store, options, { progress, codelists });
        process.stdout.write(`${formatGenerateSummary(summary)}\n`);
      } catch (err) {
        progress.stop();
        if (err instanceof StoreNotEmptyError || err instanceof CopyError) throw new UserError(err.message);
        throw err;
      } finally {
        await store.close();
      }
    });
}
