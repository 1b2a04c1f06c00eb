import type { Command } from 'commander';
import { ApiError } from '../../server/api/errors.js';
import { monthEndFor, requireOrg } from '../../server/api/params.js';
import { renderPdf } from '../../server/pdf.js';
import { startServer } from '../../server/start.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { writePdfOrHtml } from '../pdf-output.js';
import { READ_ONLY_HELP, openOptions, storeLocation, type StoreOptions } from '../store-option.js';

/**
 * `gpnet report (--db FILE | --pg URL) --network CODE --month YYYY-MM --out FILE.pdf`: the network's monthly feedback report.
 * Without Chromium it writes the report as HTML beside FILE.pdf (FILE.html) and exits 3.
 */
export function register(program: Command): void {
  program
    .command('report')
    .description("render a network's monthly feedback report (RAG matrix, trends, movers, alerts) to PDF")
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--network <code>', 'the network code')
    .option('--month <YYYY-MM>', 'the month (default: the latest with results)')
    .requiredOption('--out <file.pdf>', 'where to write the PDF')
    .option('--read-only', READ_ONLY_HELP)
    .action(async (opts: StoreOptions & { network: string; month?: string; out: string }) => {
      const store = await openStore(storeLocation(opts), openOptions(opts));
      try {
        const server = await startServer(store, { port: 0, host: '127.0.0.1', pdf: false, access: 'internal' });
        try {
          let month: string;
          try {
            requireOrg(server.data, opts.network, ['network']);
            month = monthEndFor(server.data, opts.month, '--month').slice(0, 7);
          } catch (err) {
            if (err instanceof ApiError) throw new UserError(err.message.replace(/^org:/, '--network:'));
            throw err;
          }
          const url = `${server.url}/networks/${encodeURIComponent(opts.network)}/report?month=${month}`;
          const what = `the ${month} feedback report for ${opts.network}`;
          const bytes = await writePdfOrHtml(opts.out, () => renderPdf(url), async () => (await fetch(url)).text(), what);
          process.stdout.write(`Wrote ${what} to ${opts.out} (${bytes.toLocaleString('en-GB')} bytes)\n`);
        } finally {
          await server.close();
        }
      } finally {
        await store.close();
      }
    });
}
