import type { Command } from 'commander';
import { RESULT_COLUMNS } from '../../indicators/results.js';
import { atReportingPeriodEnds, reportingPeriodLabel } from '../../model/reporting-period.js';
import type { Engine, Row, SqlValue } from '../../store/engine.js';
import { openStore } from '../../store/open.js';
import { csvField } from '../../util/csv.js';
import { UserError } from '../errors.js';
import { addPeriodOptions, type ChosenPeriod, chosenPeriod, type PeriodOptions } from '../period-option.js';
import { READ_ONLY_HELP, addStoreOptions, describeStore, openOptions, storeLocation, type StoreOptions } from '../store-option.js';
import { DashboardData } from '../../server/api/dashboard-data.js';
import { DisclosureRuleError, parseDisclosure, type DisclosureRule } from '../../server/disclosure/rule.js';

/**
 * `gpnet export results --db FILE --format csv|json [--indicator ID] [--org CODE] [--disclosure RULE]
 * [--period month|quarter|year [--year-basis qof|calendar]]`:
 * prints stored indicator results with the columns of RESULT_COLUMNS, ordered by indicator, month,
 * level (collaboration, networks, practices) and organisation code. The store owner's own export:
 * no disclosure control unless --disclosure asks for it (then the rule is applied to the whole
 * store, as the server does, before filtering, and a `suppressed` column is added). With --period,
 * only the rows at period ends (a quarter's value is its last month's) and a `period` column with
 * the period's label (2010-03, 2010-Q1, 2009/10 or 2010).
 */
export type ExportFormat = 'csv' | 'json';

export interface ResultFilter {
  indicator?: string;
  org?: string;
}

/** Reads stored results, filtered; values come back as plain numbers, strings and nulls. */
export async function readResults(engine: Engine, filter: ResultFilter): Promise<Row[]> {
  const params: SqlValue[] = [];
  const where: string[] = [];
  if (filter.indicator !== undefined) {
    params.push(filter.indicator);
    where.push(`indicator_id = $${params.length}`);
  }
  if (filter.org !== undefined) {
    params.push(filter.org);
    where.push(`org_code = $${params.length}`);
  }
  return engine.all(
    `SELECT ${RESULT_COLUMNS.join(', ')} FROM indicator_result
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY indicator_id, period_end,
       CASE org_kind WHEN 'collaboration' THEN 0 WHEN 'network' THEN 1 ELSE 2 END, org_code`,
    params,
  );
}

/** The rows after a disclosure rule, computed over the whole store (groups need every organisation), then filtered. */
export async function readDisclosedResults(engine: Engine, filter: ResultFilter, rule: DisclosureRule): Promise<Row[]> {
  const data = (await DashboardData.load(engine)).disclosed(rule);
  return data.rows(filter).map((r) => ({ ...r }));
}

/** The rows at the ends of the chosen periods, each with its period label in `period`. */
export function atPeriodEnds(rows: readonly Row[], chosen: Pick<ChosenPeriod, 'period' | 'yearBasis'>): Row[] {
  const dated = rows.map((row) => ({ row, period_end: String(row['period_end']).slice(0, 10) }));
  return atReportingPeriodEnds(dated, chosen.period, chosen.yearBasis).map(({ row, period_end }) => ({
    ...row,
    period: reportingPeriodLabel(period_end, chosen.period, chosen.yearBasis),
  }));
}

export function formatResults(rows: readonly Row[], format: ExportFormat, columns: readonly string[] = RESULT_COLUMNS): string {
  if (format === 'json') {
    if (rows.length === 0) return '[]\n';
    const objects = rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
    return `[\n${objects.join(',\n')}\n]\n`;
  }
  const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const exp = program.command('export').description('export data from the store');
  const results = addStoreOptions(exp.command('results').description('print stored indicator results (practices, networks, collaboration) as CSV or JSON'))
    .requiredOption('--format <format>', 'csv or json')
    .option('--indicator <id>', 'only this indicator')
    .option('--org <code>', 'only this organisation (practice, network or collaboration code)')
    .option('--disclosure <rule>', 'small-number control: suppress:LOW-HIGH, round:N or none (your own data: none)', 'none')
    .option('--read-only', READ_ONLY_HELP);
  addPeriodOptions(results, 'only the results at period ends, with a period column (2010-Q1, 2009/10)')
    .action(async (opts: StoreOptions & PeriodOptions & { format: string; indicator?: string; org?: string; disclosure: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new UserError(`--format must be csv or json, not '${opts.format}'`);
      const chosen = chosenPeriod(opts);
      let rule: DisclosureRule;
      try {
        rule = parseDisclosure(opts.disclosure);
      } catch (err) {
        if (err instanceof DisclosureRuleError) throw new UserError(err.message);
        throw err;
      }
      const store = await openStore(storeLocation(opts), openOptions(opts));
      try {
        const filter: ResultFilter = {
          ...(opts.indicator !== undefined ? { indicator: opts.indicator } : {}),
          ...(opts.org !== undefined ? { org: opts.org } : {}),
        };
        const all = rule.mode === 'none' ? await readResults(store, filter) : await readDisclosedResults(store, filter, rule);
        if (all.length === 0 && (filter.indicator !== undefined || filter.org !== undefined)) {
          const what = [filter.indicator !== undefined ? `indicator ${filter.indicator}` : '', filter.org !== undefined ? `organisation ${filter.org}` : '']
            .filter(Boolean)
            .join(' and ');
          throw new UserError(`no stored results for ${what} in ${describeStore(opts)} (run gpnet measure first, or check the id)`);
        }
        const rows = chosen.given ? atPeriodEnds(all, chosen) : all;
        const columns = [...RESULT_COLUMNS, ...(chosen.given ? ['period'] : []), ...(rule.mode === 'none' ? [] : ['suppressed'])];
        await writeOut(formatResults(rows, opts.format, columns));
      } finally {
        await store.close();
      }
    });
}

let epipeIgnored = false;

/** Writes to stdout and waits until it has been taken; a reader that stops early (| head) is fine. */
function writeOut(text: string): Promise<void> {
  if (!epipeIgnored) {
    // Without a listener, EPIPE from a closed pipe would be an unhandled 'error' event.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    epipeIgnored = true;
  }
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => {
      if (!err || (err as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else reject(err);
    });
  });
}
