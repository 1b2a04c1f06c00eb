import type { Command } from 'commander';
import { MeasureError, type MeasureSummary, measure } from '../../indicators/measure.js';
import { IncompleteBatchError, assertNoIncompleteBatches } from '../../store/integrity.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { loadIndicatorLibrary } from '../indicator-library.js';
import { addPeriodOptions, chosenPeriod, periodCount, type PeriodOptions } from '../period-option.js';
import { makeProgress } from '../progress.js';
import { addStoreOptions, storeLocation, type StoreOptions } from '../store-option.js';

/**
 * `gpnet measure --db FILE [--from YYYY-MM] [--to YYYY-MM] [--allow-sparse] [--period month|quarter|year
 * [--year-basis qof|calendar]] [--indicator ID…]`: computes the indicator library (indicators/*.yaml)
 * at every period end in the window and replaces the results in that window in the store.
 * Default window: the last 96 complete months of data (src/indicators/measure-window.ts); the
 * window chosen is printed on stderr before measuring.
 */
export function formatMeasureSummary(s: MeasureSummary): string {
  const n = (x: number): string => x.toLocaleString('en-GB');
  return `measured ${n(s.indicators)} indicator${s.indicators === 1 ? '' : 's'} × ${periodCount(s.periods, s.period, s.yearBasis)} (${s.from} … ${s.to}): ${n(s.rows)} result rows in ${s.seconds.toFixed(1)} s`;
}

export function register(program: Command): void {
  addPeriodOptions(
    addStoreOptions(
      program.command('measure').description('compute the indicators at every month end (or quarter or year end) and store the results (practices, networks, collaboration)'),
    )
      .option('--from <YYYY-MM>', 'first month (default: 96 months before --to)')
      .option('--to <YYYY-MM>', 'last month (default: the last complete month of data)')
      .option('--allow-sparse', 'allow a --from before the first month in which every practice has registrations')
      .option('--indicator <id...>', 'only these indicators (repeatable; default: all)'),
    'measure only at the period ends in the window',
  ).action(async (opts: StoreOptions & PeriodOptions & { from?: string; to?: string; allowSparse?: boolean; indicator?: string[] }) => {
    const location = storeLocation(opts);
    const { period, yearBasis } = chosenPeriod(opts);
    const { codelists, indicators } = loadIndicatorLibrary();
    const store = await openStore(location);
    const progress = makeProgress();
    try {
      await assertNoIncompleteBatches(store);
      const summary = await measure(store, {
        indicators,
        codelists,
        period,
        yearBasis,
        ...(opts.from !== undefined ? { from: opts.from } : {}),
        ...(opts.to !== undefined ? { to: opts.to } : {}),
        ...(opts.allowSparse ? { allowSparse: true } : {}),
        ...(opts.indicator ? { indicatorIds: opts.indicator } : {}),
        onProgress: (e) => {
          if (e.phase === 'window') {
            const at = e.period === 'month' ? '' : ` at ${periodCount(e.periods, e.period, e.yearBasis)}`;
            process.stderr.write(`measuring ${e.window.from} … ${e.window.to}${at} (${e.window.reason})\n`);
          } else if (e.phase === 'prepare') progress.start('indicators', e.total);
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
