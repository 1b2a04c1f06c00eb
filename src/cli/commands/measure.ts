import type { Command } from 'commander';
import { MeasureError, type MeasureSummary, measure } from '../../indicators/measure.js';
import { IncompleteBatchError, assertNoIncompleteBatches } from '../../store/integrity.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { loadIndicatorLibrary } from '../indicator-library.js';
import { makeProgress } from '../progress.js';
import { addStoreOptions, storeLocation, type StoreOptions } from '../store-option.js';

/**
 * `gpnet measure --db FILE [--from YYYY-MM --to YYYY-MM] [--indicator ID…]`: computes the
 * indicator library (indicators/*.yaml) at every month end in the range and replaces those
 * results in the store. Default range: the months the data cover.
 */
export function formatMeasureSummary(s: MeasureSummary): string {
  const n = (x: number): string => x.toLocaleString('en-GB');
  return `measured ${n(s.indicators)} indicator${s.indicators === 1 ? '' : 's'} × ${n(s.periods)} month${s.periods === 1 ? '' : 's'} (${s.from} … ${s.to}): ${n(s.rows)} result rows in ${s.seconds.toFixed(1)} s`;
}

export function register(program: Command): void {
  addStoreOptions(
    program.command('measure').description('compute the indicators at every month end and store the results (practices, networks, collaboration)'),
  )
    .option('--from <YYYY-MM>', 'first month (default: the earliest registration month)')
    .option('--to <YYYY-MM>', 'last month (default: the latest event month)')
    .option('--indicator <id...>', 'only these indicators (repeatable; default: all)')
    .action(async (opts: StoreOptions & { from?: string; to?: string; indicator?: string[] }) => {
      const location = storeLocation(opts);
      const { codelists, indicators } = loadIndicatorLibrary();
      const store = await openStore(location);
      const progress = makeProgress();
      try {
        await assertNoIncompleteBatches(store);
        const summary = await measure(store, {
          indicators,
          codelists,
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          ...(opts.indicator ? { indicatorIds: opts.indicator } : {}),
          onProgress: (e) => {
            if (e.phase === 'prepare') progress.start('indicators', e.total);
            else if (e.phase === 'indicator') progress.tick();
            else {
              progress.stop();
              progress.start(`writing ${e.rows.toLocaleString('en-GB')} result rows`, 1);
            }
          },
        });
        progress.stop();
        process.stdout.write(`${formatMeasureSummary(summary)}\n`);
      } catch (err) {
        progress.stop();
        if (err instanceof MeasureError || err instanceof IncompleteBatchError) throw new UserError(err.message);
        throw err;
      } finally {
        await store.close();
      }
    });
}
