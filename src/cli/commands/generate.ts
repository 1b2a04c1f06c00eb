import type { Command } from 'commander';
import { CodelistError, loadCodelists } from '../../codelists/load.js';
import { type GenerateSummary, StoreNotEmptyError, generateSynthetic } from '../../sources/synthetic/generate.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { makeProgress } from '../progress.js';

/**
 * `gpnet generate --patients N --seed S --db FILE [--force]`: writes the synthetic collaboration
 * (docs/GENERATOR.md) into a DuckDB store. Deterministic: the same N and seed give the same data.
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
    .requiredOption('--db <file>', 'the DuckDB store file (created if missing)')
    .option('--patients <n>', 'patients to generate, all told (registered at any time 2005–2013)', '300000')
    .option('--seed <s>', 'random seed (the same seed and size give the same store)', '1')
    .option('--force', 'replace the patients (and results) already in the store')
    .action(async (opts: { db: string; patients: string; seed: string; force?: boolean }) => {
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
      const store = await openStore({ db: opts.db });
      const progress = makeProgress();
      try {
        const summary = await generateSynthetic(store, { patients, seed, force: opts.force === true }, { progress, codelists });
        process.stdout.write(`${formatGenerateSummary(summary)}\n`);
      } catch (err) {
        progress.stop();
        if (err instanceof StoreNotEmptyError) throw new UserError(err.message);
        throw err;
      } finally {
        await store.close();
      }
    });
}
