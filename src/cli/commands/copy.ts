import type { Command } from 'commander';
import { CopyError, copyStore } from '../../store/copy-store.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { describeStore, storeLocation } from '../store-option.js';

/**
 * `gpnet copy --db FILE --to-pg URL [--replace]`: copies a whole store (every table, in batches, in
 * one transaction on the target) from a DuckDB file into PostgreSQL — how a store made by
 * `gpnet generate` or `gpnet import csv` reaches a server deployment.
 */
export function register(program: Command): void {
  program
    .command('copy')
    .description('copy a DuckDB store into PostgreSQL (every table; the target must be empty unless --replace)')
    .requiredOption('--db <file>', 'the DuckDB store to copy from')
    .requiredOption('--to-pg <url>', 'the PostgreSQL store to copy into: postgres://user@host:port/database')
    .option('--replace', 'delete the rows already in the target first')
    .action(async (opts: { db: string; toPg: string; replace?: boolean }) => {
      const from = storeLocation({ db: opts.db });
      const to = storeLocation({ pg: opts.toPg });
      const source = await openStore(from);
      try {
        const target = await openStore(to);
        try {
          const t0 = Date.now();
          const counts = await copyStore(source, target, { replace: opts.replace === true });
          const total = Object.values(counts).reduce((a, b) => a + b, 0);
          process.stdout.write(
            `copied ${total.toLocaleString('en-GB')} rows from ${opts.db} to ${describeStore({ pg: opts.toPg })} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
          );
        } catch (err) {
          if (err instanceof CopyError) throw new UserError(err.message);
          throw err;
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}
