import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { startServer } from '../../server/start.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';

/** `gpnet serve --db FILE [--port P] [--host H]`: the dashboard and its JSON API. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the dashboard (pages and JSON API, documented at /api/openapi.json)')
    .requiredOption('--db <file>', 'the DuckDB store file')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { db: string; port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a whole number from 0 to 65535 (got ${opts.port})`);
      if (!existsSync(opts.db)) throw new UserError(`no store at ${opts.db}`);
      const store = await openStore({ db: opts.db });
      const server = await startServer(store, { port, host: opts.host });
      if (server.data.months.length === 0) process.stderr.write(`warning: ${opts.db} holds no indicator results; run gpnet measure first\n`);
      process.stdout.write(`gpnet dashboard on ${server.url}/ (API: ${server.url}/api/openapi.json). Ctrl-C to stop.\n`);
      const stop = async (): Promise<void> => {
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
