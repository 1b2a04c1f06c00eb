import type { Command } from 'commander';
import { generateIntoPostgres } from '../../sources/synthetic/generate-into-postgres.js';
import { measure } from '../../indicators/measure.js';
import { loadStudy } from '../../programmes/study.js';
import { startServer } from '../../server/start.js';
import { formatSummary, summariseStudy } from '../../programmes/summary.js';
import { generateSynthetic } from '../../sources/synthetic/generate.js';
import { HISTORY_FIRST_MONTH, HISTORY_LAST_MONTH } from '../../sources/synthetic/params.js';
import { scalar } from '../../store/engine.js';
import { IncompleteBatchError, assertNoIncompleteBatches } from '../../store/integrity.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { loadIndicatorLibrary } from '../indicator-library.js';
import { OpenModeRefused } from '../../server/auth/open-mode.js';
import { makeProgress } from '../progress.js';
import { describeStore } from '../store-option.js';
import { formatGenerateSummary } from './generate.js';
import { formatMeasureSummary } from './measure.js';

/**
 * `gpnet demo`: the default scenario end to end. Generates the synthetic Tower Hamlets-style
 * collaboration (unless the store already holds it), measures every indicator monthly over
 * the whole history (unless already measured), and prints the Table 1 summary: for each
 * programme's KPIs, the range across networks and the collaboration's value at the start
 * and about two years later, beside what the studies reported.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('generate the default synthetic collaboration, measure it, and print the programme summary')
    .option('--db <file>', 'the DuckDB store to use (created if missing)', 'gpnet-demo.duckdb')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database (the database must exist)')
    .option('--patients <n>', 'patients to generate when the store is empty', '300000')
    .option('--seed <s>', 'random seed', '1')
    .option('--port <n>', 'port for the dashboard (0 = any free port)', '8080')
    .option('--no-serve', 'print the summary and stop, without serving the dashboard')
    .action(async (opts: { db: string; pg?: string; patients: string; seed: string; port: string; serve: boolean }, cmd: Command) => {
      if (opts.pg !== undefined && cmd.getOptionValueSource('db') !== 'default') throw new UserError('give one store: --db FILE or --pg postgres://…, not both');
      if (opts.pg !== undefined && !/^postgres(ql)?:\/\//.test(opts.pg)) throw new UserError('--pg must be a postgres:// connection URL');
      const where = opts.pg !== undefined ? describeStore({ pg: opts.pg }) : opts.db;
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a whole number from 0 to 65535 (got ${opts.port})`);
      const patients = Number(opts.patients);
      const seed = Number(opts.seed);
      if (!Number.isInteger(patients) || patients < 200) throw new UserError(`--patients must be a whole number of at least 200 (got ${opts.patients})`);
      if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed must be a whole number (got ${opts.seed})`);
      const { codelists, indicators } = loadIndicatorLibrary();
      const study = loadStudy('tower-hamlets');
      const store = await openStore(opts.pg !== undefined ? { pg: opts.pg } : { db: opts.db });
      const progress = makeProgress();
      try {
        const patientsInStore = Number(await scalar(store, 'SELECT count(*) FROM patient'));
        if (patientsInStore === 0) {
          process.stdout.write(`Generating ${patients.toLocaleString('en-GB')} synthetic patients into ${where} …\n`);
          const generate = store.dialect === 'postgres' ? generateIntoPostgres : generateSynthetic;
          const g = await generate(store, { patients, seed, force: false }, { progress, codelists });
          progress.stop();
          process.stdout.write(`${formatGenerateSummary(g)}\n`);
        } else {
          process.stdout.write(`Using the ${patientsInStore.toLocaleString('en-GB')} patients already in ${where}\n`);
        }
        try {
          await assertNoIncompleteBatches(store);
        } catch (err) {
          if (err instanceof IncompleteBatchError) throw new UserError(err.message);
          throw err;
        }
        const results = Number(await scalar(store, 'SELECT count(*) FROM indicator_result'));
        if (results === 0) {
          process.stdout.write(`Measuring every indicator at every month end, ${HISTORY_FIRST_MONTH} to ${HISTORY_LAST_MONTH} …\n`);
          const m = await measure(store, {
            indicators,
            codelists,
            from: HISTORY_FIRST_MONTH,
            to: HISTORY_LAST_MONTH,
            onProgress: (e) => {
              if (e.phase === 'prepare') progress.start('indicators', e.total);
              else if (e.phase === 'indicator') progress.tick();
            },
          });
          progress.stop();
          process.stdout.write(`${formatMeasureSummary(m)}\n`);
        }
        const titles = new Map(indicators.map((i) => [i.definition.id, i.definition.title]));
        const rows = await summariseStudy(store, study, titles);
        process.stdout.write(`\n${study.title}\n\n${formatSummary(rows)}\n`);
        process.stdout.write(
          `\nValues are percentages except mean HbA1c (%, DCCT) and the COPD register (patients). ` +
            `Explore further with: gpnet export results ${opts.pg !== undefined ? '--pg URL' : `--db ${opts.db}`} --format csv\n`,
        );
      } catch (err) {
        progress.stop();
        await store.close();
        throw err;
      }
      progress.stop();
      if (!opts.serve) {
        await store.close();
        return;
      }
      const server = await startServer(store, { port, host: '127.0.0.1', access: 'open' }).catch(async (err: unknown) => {
        await store.close();
        throw err instanceof OpenModeRefused ? new UserError(err.message) : err;
      });
      process.stdout.write(`\nThe dashboard is open at ${server.url}/ (API: ${server.url}/api/openapi.json). Ctrl-C to stop.\n`);
      const stop = async (): Promise<void> => {
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
