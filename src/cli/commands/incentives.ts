import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Command } from 'commander';
import { DashboardData } from '../../server/api/dashboard-data.js';
import { createApp } from '../../server/app.js';
import { renderPdf } from '../../server/pdf.js';
import { writePdfOrHtml } from '../pdf-output.js';
import { loadCodelists } from '../../codelists/load.js';
import { loadIndicators } from '../../indicators/load.js';
import { calculateScheme } from '../../programmes/incentives/calculate.js';
import { envelopeYear, isEnvelopeFile, loadEnvelope } from '../../programmes/incentives/envelope.js';
import { calculationMarkdown, changesMarkdown, envelopeMarkdown, projectionMarkdown, summaryMarkdown, versionsMarkdown } from '../../programmes/incentives/format.js';
import { SchemeError, catalogueOf, checkYear, loadScheme, type IndicatorCatalogue } from '../../programmes/incentives/load-scheme.js';
import { formatPounds } from '../../programmes/incentives/money.js';
import type { Scheme } from '../../programmes/incentives/scheme.js';
import { projectScheme } from '../../programmes/incentives/projection.js';
import { IncentiveDataError } from '../../programmes/incentives/store-reads.js';
import { summariseScheme } from '../../programmes/incentives/summary.js';
import { compareStoredVersions, listVersions, storeCalculation } from '../../programmes/incentives/versions.js';
import type { Engine } from '../../store/engine.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { READ_ONLY_HELP, openOptions, storeLocation, type StoreOptions } from '../store-option.js';

/** The store options exactly as given (so that missing and doubled stores are reported by storeLocation). */
function storeArgs(o: StoreOptions): StoreOptions {
  return { ...(o.db !== undefined ? { db: o.db } : {}), ...(o.pg !== undefined ? { pg: o.pg } : {}), ...(o.readOnly === true ? { readOnly: true } : {}) };
}

/**
 * `gpnet incentives …`: network incentive schemes (docs/INCENTIVES.md).
 *   check FILE…                       validate scheme files
 *   calculate --db --scheme --year    calculate, store as a version, show the change from the last
 *   project --db --scheme --year      "at current trajectory you will earn £X of £Y"
 *   versions --db --scheme --year     list stored versions, or compare two
 *   summary --db --scheme             the scheme over its whole life: lifetime pot, paid, unearned, clawed back
 *   envelope --file [--year] [--db]   how a yearly envelope is used by its schemes
 *   statement --db --scheme --year (--network CODE | --all) --out FILE.pdf
 *                                     a network's payment statement (or the commissioner summary) as PDF
 */

type Format = 'md' | 'json';

function parseFormat(v: string): Format {
  if (v !== 'md' && v !== 'json') throw new UserError(`--format must be json or md, not '${v}'`);
  return v;
}

function parseYear(v: string): number {
  if (!/^\d{4}$/.test(v)) throw new UserError(`--year must be a financial year such as 2009 (for 2009/10), not '${v}'`);
  return Number(v);
}

/** YYYY-MM or YYYY-MM-DD (a month end) → the month end. */
function parseMonthEnd(v: string, option: string): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])(?:-(\d{2}))?$/.exec(v);
  if (!m) throw new UserError(`${option} must be a month, YYYY-MM, not '${v}'`);
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  if (m[3] && Number(m[3]) !== last) throw new UserError(`${option} ${v} is not a month end; results are kept for month ends`);
  return `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}`;
}

let catalogueCache: IndicatorCatalogue | null = null;
function defaultCatalogue(): IndicatorCatalogue {
  catalogueCache ??= catalogueOf(loadIndicators(loadCodelists()));
  return catalogueCache;
}

/** Turns the module's own errors into user errors (printed without a stack, exit code 2). */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SchemeError || err instanceof IncentiveDataError) throw new UserError(err.message);
    throw err;
  }
}

async function withStore<T>(store: StoreOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openStore(storeLocation(store), openOptions(store));
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

export interface CalculateArgs {
  db?: string;
  pg?: string;
  readOnly?: boolean;
  scheme: string;
  year: number;
  format: Format;
  dryRun?: boolean;
  catalogue?: IndicatorCatalogue;
}

/** What `gpnet incentives calculate` prints. */
export async function runCalculate(args: CalculateArgs): Promise<string> {
  return userErrors(async () => {
    const catalogue = args.catalogue ?? defaultCatalogue();
    const scheme = loadScheme(args.scheme, catalogue);
    return withStore(args, async (engine) => {
      const calc = await calculateScheme(engine, scheme, args.year, catalogue);
      const stored = args.dryRun ? null : await storeCalculation(engine, calc);
      if (args.format === 'md') return calculationMarkdown(calc, stored);
      return `${JSON.stringify({ ...calc, version: stored?.version ?? null, changes_from_previous: stored?.changes ?? null }, null, 2)}\n`;
    });
  });
}

export interface ProjectArgs {
  db?: string;
  pg?: string;
  readOnly?: boolean;
  scheme: string;
  year: number;
  format: Format;
  asOf?: string;
  months?: number;
  catalogue?: IndicatorCatalogue;
}

export async function runProject(args: ProjectArgs): Promise<string> {
  return userErrors(async () => {
    const catalogue = args.catalogue ?? defaultCatalogue();
    const scheme = loadScheme(args.scheme, catalogue);
    return withStore(args, async (engine) => {
      const p = await projectScheme(engine, scheme, args.year, catalogue, {
        ...(args.asOf ? { asOf: args.asOf } : {}),
        ...(args.months ? { months: args.months } : {}),
      });
      return args.format === 'md' ? projectionMarkdown(p) : `${JSON.stringify(p, null, 2)}\n`;
    });
  });
}

export interface SummaryArgs {
  db?: string;
  pg?: string;
  scheme: string;
  format: Format;
  catalogue?: IndicatorCatalogue;
}

/** What `gpnet incentives summary` prints: every year of the scheme calculated (dry runs) and summed. */
export async function runSummary(args: SummaryArgs): Promise<string> {
  return userErrors(async () => {
    const catalogue = args.catalogue ?? defaultCatalogue();
    const scheme = loadScheme(args.scheme, catalogue);
    return withStore(args, async (engine) => {
      const s = await summariseScheme(engine, scheme, catalogue);
      return args.format === 'md' ? summaryMarkdown(s) : `${JSON.stringify(s, null, 2)}\n`;
    });
  });
}

export interface StatementArgs {
  db?: string;
  pg?: string;
  readOnly?: boolean;
  scheme: string;
  year: number;
  /** A network code, or null for the commissioner summary of every network. */
  network: string | null;
  out: string;
  /** YYYY-MM: show the projection as of this month (default: the latest month in the store). */
  month?: string;
}

/**
 * Renders the dashboard's statement (or summary) page for the scheme file to PDF through the same
 * renderPdf path as the dashboard: the app is served on a free local port for the browser.
 */
export async function runStatement(args: StatementArgs): Promise<{ bytes: number; path: string }> {
  const file = resolve(args.scheme);
  const scheme = await userErrors(async () => {
    const s = loadScheme(file, defaultCatalogue());
    checkYear(s, args.year);
    return s;
  });
  return withStore(args, async (engine) => {
    const data = await DashboardData.load(engine);
    const app = createApp(data, { schemeFiles: [file], auth: { mode: 'internal' } });
    const base = `/incentives/${encodeURIComponent(scheme.id)}/${args.year}`;
    const query = new URLSearchParams();
    if (args.month) query.set('month', args.month);
    if (args.network !== null) query.set('trace', 'open');
    const path = `${args.network === null ? base : `${base}/networks/${encodeURIComponent(args.network)}`}${query.size ? `?${query.toString()}` : ''}`;
    // Check in-process first, so a wrong network or month is a clear error without a browser.
    const check = await app.request(path);
    if (!check.ok) {
      const text = await check.text();
      const message = /<p>([^<]*)<\/p>/.exec(text)?.[1] ?? `HTTP ${check.status}`;
      const plain = message.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      if (plain.startsWith('month:')) throw new UserError(`--${plain}`);
      throw new UserError(args.network === null ? plain : `--network ${args.network}: ${plain}`);
    }
    const server: ServerType = await new Promise((ok, fail) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s));
      s.once('error', fail);
    });
    try {
      const port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}${path}`;
      const what = args.network === null ? `the ${scheme.id} ${args.year} summary` : `the ${scheme.id} ${args.year} statement for ${args.network}`;
      const bytes = await writePdfOrHtml(args.out, () => renderPdf(url), async () => (await fetch(url)).text(), what);
      return { bytes, path };
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
}

/** "lifetime pot £112,000.00 (2009 £56,000.00, 2010 £56,000.00)" or "£300,000.00 a year, lifetime pot £900,000.00". */
function potSummary(s: Scheme): string {
  const each = s.pot.kind === 'per_network' ? ' per network' : '';
  const stated = formatPounds(s.pot.kind === 'per_network' ? s.pot.perNetwork : s.pot.total);
  const years = s.years.to - s.years.from + 1;
  if (s.pot.per === 'year') return `${stated}${each} a year, lifetime pot ${formatPounds((s.pot.kind === 'per_network' ? s.pot.perNetwork : s.pot.total) * BigInt(years))}${each}`;
  return `lifetime pot ${stated}${each} (${[...(s.pot.byYear ?? [])].map(([y, p]) => `${y} ${formatPounds(p)}`).join(', ')})`;
}

export function register(program: Command): void {
  const inc = program.command('incentives').description('network incentive schemes: check, calculate, project (docs/INCENTIVES.md)');

  inc
    .command('check')
    .description('validate scheme files (and envelope files)')
    .argument('<files...>', 'scheme or envelope YAML files')
    .action(async (files: string[]) => {
      await userErrors(async () => {
        const catalogue = defaultCatalogue();
        for (const f of files) {
          if (isEnvelopeFile(f)) {
            const e = loadEnvelope(f, catalogue);
            process.stdout.write(`${f}: ok — envelope ${e.id}, ${e.years.from}–${e.years.to}, ${e.schemes.length} scheme(s) within it every year\n`);
            continue;
          }
          const s = loadScheme(f, catalogue);
          process.stdout.write(
            `${f}: ok — ${s.id}, ${s.years.from === s.years.to ? s.years.from : `${s.years.from}–${s.years.to}`}, ${s.performance.components.length} component(s), ${potSummary(s)}\n`,
          );
        }
      });
    });

  inc
    .command('calculate')
    .description('calculate a scheme for a financial year, store it as a version and show the change from the previous version')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--scheme <file>', 'the scheme YAML file')
    .requiredOption('--year <yyyy>', 'financial year: 2009 is 2009/10 (1 April 2009 – 31 March 2010)')
    .option('--format <format>', 'json or md', 'md')
    .option('--dry-run', 'calculate without storing a version')
    .option('--read-only', `with --dry-run: ${READ_ONLY_HELP}`)
    .action(async (opts: StoreOptions & { scheme: string; year: string; format: string; dryRun?: boolean }) => {
      if (opts.readOnly && !opts.dryRun) throw new UserError('--read-only goes with --dry-run: without it, calculate stores a version in the store');
      const out = await runCalculate({ ...storeArgs(opts), scheme: opts.scheme, year: parseYear(opts.year), format: parseFormat(opts.format), dryRun: opts.dryRun === true });
      process.stdout.write(out);
    });

  inc
    .command('project')
    .description('at current trajectory, what each network will earn: a linear trend of recent months extrapolated to the measurement dates')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--scheme <file>', 'the scheme YAML file')
    .requiredOption('--year <yyyy>', 'financial year: 2009 is 2009/10')
    .option('--as-of <yyyy-mm>', 'project from this month (default: the latest month measured)')
    .option('--months <n>', 'how many recent months the trend is fitted to', '6')
    .option('--read-only', READ_ONLY_HELP)
    .option('--format <format>', 'json or md', 'md')
    .action(async (opts: StoreOptions & { scheme: string; year: string; asOf?: string; months: string; format: string }) => {
      const months = Number(opts.months);
      if (!Number.isInteger(months) || months < 1) throw new UserError(`--months must be a whole number of at least 1, not '${opts.months}'`);
      const out = await runProject({
        ...storeArgs(opts),
        scheme: opts.scheme,
        year: parseYear(opts.year),
        format: parseFormat(opts.format),
        months,
        ...(opts.asOf ? { asOf: parseMonthEnd(opts.asOf, '--as-of') } : {}),
      });
      process.stdout.write(out);
    });

  inc
    .command('versions')
    .description('list the stored versions of a calculation, or compare two of them')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--scheme <file>', 'the scheme YAML file')
    .requiredOption('--year <yyyy>', 'financial year')
    .option('--compare <from:to>', 'two version numbers, e.g. 1:2')
    .option('--read-only', READ_ONLY_HELP)
    .option('--format <format>', 'json or md', 'md')
    .action(async (opts: StoreOptions & { scheme: string; year: string; compare?: string; format: string }) => {
      const year = parseYear(opts.year);
      const format = parseFormat(opts.format);
      const out = await userErrors(async () => {
        const scheme = loadScheme(opts.scheme, defaultCatalogue());
        return withStore(opts, async (engine) => {
          if (opts.compare) {
            const m = /^(\d+):(\d+)$/.exec(opts.compare);
            if (!m) throw new UserError(`--compare must be two version numbers, FROM:TO, not '${opts.compare}'`);
            const known = new Set((await listVersions(engine, scheme.id, year)).map((v) => v.version));
            for (const v of [Number(m[1]), Number(m[2])]) if (!known.has(v)) throw new UserError(`there is no version ${v} of ${scheme.id} for ${year}`);
            const changes = await compareStoredVersions(engine, scheme.id, year, Number(m[1]), Number(m[2]));
            return format === 'md' ? `${changesMarkdown(changes)}\n` : `${JSON.stringify(changes, null, 2)}\n`;
          }
          const versions = await listVersions(engine, scheme.id, year);
          return format === 'md' ? versionsMarkdown(scheme.id, year, versions) : `${JSON.stringify(versions, null, 2)}\n`;
        });
      });
      process.stdout.write(out);
    });

  inc
    .command('summary')
    .description("a scheme over its whole life: the lifetime pot, and what every year paid, left unearned and clawed back (dry runs, nothing stored)")
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--scheme <file>', 'the scheme YAML file')
    .option('--format <format>', 'json or md', 'md')
    .action(async (opts: StoreOptions & { scheme: string; format: string }) => {
      const out = await runSummary({ ...storeArgs(opts), scheme: opts.scheme, format: parseFormat(opts.format) });
      process.stdout.write(out);
    });

  inc
    .command('envelope')
    .description("check a yearly envelope against its schemes' pots and show what is left")
    .requiredOption('--file <file>', 'the envelope YAML file')
    .option('--year <yyyy>', 'one financial year (default: every year of the envelope)')
    .option('--db <file>', 'a store, to count the networks of per-network pots')
    .option('--pg <url>', 'a PostgreSQL store instead of --db')
    .option('--read-only', READ_ONLY_HELP)
    .option('--format <format>', 'json or md', 'md')
    .action(async (opts: StoreOptions & { file: string; year?: string; format: string }) => {
      const format = parseFormat(opts.format);
      const out = await userErrors(async () => {
        const networks = opts.db || opts.pg
          ? await withStore(opts, async (e) => Number((await e.all<{ n: number }>("SELECT COUNT(*) AS n FROM organisation WHERE kind = 'network'"))[0]?.n ?? 0))
          : null;
        const env = loadEnvelope(opts.file, defaultCatalogue(), networks);
        const years = opts.year ? [parseYear(opts.year)] : Array.from({ length: env.years.to - env.years.from + 1 }, (_, i) => env.years.from + i);
        for (const y of years) if (y < env.years.from || y > env.years.to) throw new UserError(`${opts.file}: years: the envelope does not cover ${y}`);
        const rows = years.map((y) => envelopeYear(env, y, networks));
        return format === 'md' ? envelopeMarkdown(env.title, rows, env.otherUses) : `${JSON.stringify({ envelope: env.id, title: env.title, years: rows, other_uses: env.otherUses }, null, 2)}\n`;
      });
      process.stdout.write(out);
    });

  inc
    .command('statement')
    .description("a network's incentive payment statement as PDF (with --all: the commissioner summary across networks)")
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--scheme <file>', 'the scheme YAML file')
    .requiredOption('--year <yyyy>', 'financial year: 2009 is 2009/10')
    .option('--network <code>', 'the network code')
    .option('--all', 'the commissioner summary of every network instead of one statement')
    .option('--month <yyyy-mm>', 'show the projection as of this month (default: the latest month in the store)')
    .requiredOption('--out <file.pdf>', 'where to write the PDF')
    .option('--read-only', READ_ONLY_HELP)
    .action(async (opts: StoreOptions & { scheme: string; year: string; network?: string; all?: boolean; month?: string; out: string }) => {
      if ((opts.network === undefined) === (opts.all !== true)) throw new UserError('give either --network CODE or --all');
      if (opts.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) throw new UserError(`--month must be a month, YYYY-MM, not '${opts.month}'`);
      const year = parseYear(opts.year);
      const r = await runStatement({ ...storeArgs(opts), scheme: opts.scheme, year, network: opts.network ?? null, out: opts.out, ...(opts.month ? { month: opts.month } : {}) });
      process.stdout.write(`Wrote the ${opts.network ? `payment statement for ${opts.network}` : 'commissioner summary'} (${year}) to ${opts.out} (${r.bytes.toLocaleString('en-GB')} bytes)\n`);
    });
}
