import type { Command } from 'commander';
import { startServer } from '../../server/start.js';
import { openServingStore, openStore } from '../../store/open.js';
import { scalar } from '../../store/engine.js';
import { DuckDBEngine } from '../../store/duckdb/duckdb-engine.js';
import { shareStore } from '../../store/duckdb/holder.js';
import { processCommand } from '../store-lock-message.js';
import { UserError } from '../errors.js';
import { describeStore, poolSizeOption, storeLocation, type StoreOptions } from '../store-option.js';
import { OpenModeRefused, isLoopbackHost } from '../../server/auth/open-mode.js';
import { DisclosureRuleError, parseDisclosure, ruleText } from '../../server/disclosure/rule.js';

/**
 * `gpnet serve (--db FILE | --pg URL [--pg-pool N]) [--port P] [--host H] [--open] [--disclosure suppress:1-7|round:5|none]`:
 * the dashboard and its JSON API, every count through the disclosure rule (docs/SECURITY.md).
 * Sign-in is always required (create accounts with `gpnet users add`), except with --open:
 * the loopback-only demo on synthetic data, with an "open demo" banner on every page.
 */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the dashboard (pages and JSON API, documented at /api/openapi.json)')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .option('--pg-pool <n>', 'with --pg: connections in the pool serving concurrent requests (default 10)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--open', 'no sign-in: the synthetic demo, on a loopback address only')
    .option('--disclosure <rule>', 'small-number control for every count shown: suppress:LOW-HIGH, round:N or none', 'suppress:1-7')
    .action(async (opts: StoreOptions & { pgPool?: string; port: string; host: string; open?: boolean; disclosure: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a whole number from 0 to 65535 (got ${opts.port})`);
      let disclosure;
      try {
        disclosure = parseDisclosure(opts.disclosure);
      } catch (err) {
        if (err instanceof DisclosureRuleError) throw new UserError(err.message);
        throw err;
      }
      const location = storeLocation(opts);
      const poolSize = poolSizeOption(opts.pgPool);
      if (poolSize !== undefined && !location.pg) throw new UserError('--pg-pool goes with --pg (a DuckDB store has no connection pool)');
      if (opts.open && !isLoopbackHost(opts.host)) throw new UserError(`--open listens on this computer only; --host must be a loopback address such as 127.0.0.1 (got ${opts.host})`);
      const store = await openServingStore(location, poolSize === undefined ? {} : { poolSize });
      let server;
      try {
        // An upload (POST /api/imports) is imported on its own PostgreSQL session, one transaction long,
        // so the pool keeps serving while it runs. (DuckDB: a second connection to the open file.)
        const imports = location.pg ? { imports: { openStore: () => openStore({ pg: location.pg }) } } : {};
        server = await startServer(store, { port, host: opts.host, access: opts.open ? 'open' : 'sign-in', disclosure, ...imports });
      } catch (err) {
        await store.close();
        if (err instanceof OpenModeRefused) throw new UserError(err.message);
        throw err;
      }
      // DuckDB lets no other process open the file while this one serves it: reading commands
      // (--read-only) ask for a snapshot on the store's socket instead (src/store/duckdb/holder.ts).
      const shared =
        store instanceof DuckDBEngine
          ? await shareStore(store, { command: processCommand(process.pid) ?? 'gpnet serve', url: server.url }).catch((err: unknown) => {
              process.stderr.write(`warning: other commands cannot read this store with --read-only while it is served (${(err as Error).message})\n`);
              return null;
            })
          : null;
      if (server.data.months.length === 0) process.stderr.write(`warning: ${describeStore(opts)} holds no indicator results; run gpnet measure first\n`);
      if (opts.open) process.stdout.write('Open demo: no sign-in; synthetic data; this computer only.\n');
      else if (Number(await scalar(store, 'SELECT count(*) FROM app_user')) === 0) {
        process.stderr.write(`warning: ${describeStore(opts)} has no accounts, so nobody can sign in; add one with gpnet users add ${location.pg ? '--pg URL' : `--db ${opts.db}`} --username U --role admin --password-stdin\n`);
      }
      process.stdout.write(`Disclosure control: ${ruleText(disclosure)}.\n`);
      process.stdout.write(`gpnet dashboard on ${server.url}/ (API: ${server.url}/api/openapi.json). Ctrl-C to stop.\n`);
      const stop = async (): Promise<void> => {
        await shared?.close();
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
