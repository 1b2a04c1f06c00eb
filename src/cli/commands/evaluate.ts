import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { catalogueOf } from '../../programmes/incentives/load-scheme.js';
import { loadStudy } from '../../programmes/study.js';
import {
  EvaluationInputError,
  type EvaluationOptions,
  type EvaluationReport,
  evaluateSeries,
  findIndicator,
  type InputSeries,
  readComparatorSeries,
  readOrganisationSeries,
  readSeriesCsv,
  renderMarkdown,
} from '../../programmes/evaluation/index.js';
import { markdownToHtml } from '../../programmes/evaluation/markdown-html.js';
import { htmlToPdf } from '../../programmes/evaluation/pdf.js';
import { readCostsFile } from '../../programmes/evaluation/study-costs.js';
import { evaluateStudy, type StudyReport } from '../../programmes/evaluation/study-evaluate.js';
import { renderStudyHtml, renderStudyMarkdown } from '../../programmes/evaluation/study-render.js';
import type { Engine } from '../../store/engine.js';
import { openStore } from '../../store/open.js';
import { READ_ONLY_HELP } from '../store-option.js';
import { UserError } from '../errors.js';
import { loadIndicatorLibrary } from '../indicator-library.js';
import { type ChosenPeriod, chosenPeriod } from '../period-option.js';
import { seriesAtPeriodEnds } from '../../programmes/evaluation/series-period.js';

/**
 * `gpnet evaluate`: an interrupted time-series evaluation of an intervention (docs/EVALUATION.md).
 *   series mode: --series FILE.csv [--comparator-series FILE.csv] [--offset COLUMN]
 *   store mode:  --db FILE --indicator ID --org CODE [--comparator CODE]
 * Both: --intervention YYYY-MM[..YYYY-MM] [--model ols|poisson|quasipoisson] [--errors …] [--lag L]
 *       [--seasonal N] [--no-slope-change] [--slope-start 0|1] [--horizons 12,24] [--format json|md|pdf]
 *       [--period month|quarter|year [--year-basis qof|calendar]]: a monthly series taken to period ends
 *   study mode:  --study ID --db FILE [--org CODE] [--comparator CODE[,CODE]] [--costs FILE]
 *                [--format json|md|pdf]: the review's Table 1 for every programme of programmes/ID.yaml
 * Prints the report on stdout, or writes it to --out FILE (a PDF needs --out). Bad input is a
 * UserError (exit 2) naming the file, line and field.
 */
const WHOLE = /^\d+$/;

const CliOptions = z.object({
  series: z.string().min(1).optional(),
  comparatorSeries: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  pg: z.string().regex(/^postgres(ql)?:\/\//, '--pg must be a postgres:// connection URL').optional(),
  readOnly: z.boolean().optional(),
  indicator: z.string().min(1).optional(),
  org: z.string().min(1).optional(),
  comparator: z.string().min(1).optional(),
  intervention: z.string({ error: '--intervention is required (e.g. --intervention 2023-04, or 2023-04..2023-06 for a transition window)' }).min(1),
  out: z.string().min(1).optional(),
  model: z.enum(['ols', 'poisson', 'quasipoisson'], { error: '--model must be ols, poisson or quasipoisson' }).default('ols'),
  errors: z.enum(['newey-west', 'prais-winsten', 'classical'], { error: '--errors must be newey-west, prais-winsten or classical' }).optional(),
  lag: z.string().regex(WHOLE, '--lag must be a whole number ≥ 0').optional(),
  offset: z.string().min(1).optional(),
  seasonal: z.string().regex(WHOLE, '--seasonal must be a whole number of harmonics (1 to 6)').optional(),
  slopeChange: z.boolean().default(true),
  slopeStart: z.enum(['0', '1'], { error: '--slope-start must be 0 or 1' }).default('0'),
  horizons: z
    .string()
    .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, '--horizons must be a comma-separated list of whole numbers, e.g. 12,24')
    .optional(),
  format: z.enum(['json', 'md', 'pdf'], { error: '--format must be json, md or pdf' }).default('json'),
  period: z.string().optional(),
  yearBasis: z.string().optional(),
});

const StudyCliOptions = z.object({
  study: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, '--study must be a study id such as tower-hamlets (a file programmes/ID.yaml)'),
  db: z.string().min(1).optional(),
  pg: z.string().regex(/^postgres(ql)?:\/\//, '--pg must be a postgres:// connection URL').optional(),
  readOnly: z.boolean().optional(),
  org: z.string().min(1).optional(),
  comparator: z.string().min(1).optional(),
  costs: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  format: z.enum(['json', 'md', 'pdf'], { error: '--format must be json, md or pdf' }).default('json'),
});
const NOT_FOR_STUDY: [keyof EvaluateCliOptions, string][] = [
  ['series', '--series'],
  ['comparatorSeries', '--comparator-series'],
  ['indicator', '--indicator'],
  ['intervention', '--intervention'],
  ['model', '--model'],
  ['errors', '--errors'],
  ['lag', '--lag'],
  ['offset', '--offset'],
  ['seasonal', '--seasonal'],
  ['slopeStart', '--slope-start'],
  ['horizons', '--horizons'],
];
/** The options as commander hands them over (all strings, and slopeChange from --no-slope-change); zod checks them. */
export interface EvaluateCliOptions {
  series?: string;
  comparatorSeries?: string;
  db?: string;
  pg?: string;
  readOnly?: boolean;
  indicator?: string;
  org?: string;
  comparator?: string;
  intervention?: string;
  model?: string;
  errors?: string;
  lag?: string;
  offset?: string;
  seasonal?: string;
  slopeChange?: boolean;
  slopeStart?: string;
  horizons?: string;
  format?: string;
  out?: string;
  study?: string;
  costs?: string;
  period?: string;
  yearBasis?: string;
}

export interface EvaluateDeps {
  /** An open store to use instead of opening --db (tests); it is not closed. */
  store?: Engine;
}

function parseOptions(raw: unknown): z.output<typeof CliOptions> {
  const parsed = CliOptions.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(issue.message);
  }
  const o = parsed.data;
  if (o.format === 'pdf' && !o.out) throw new UserError('--format pdf writes a file: give --out FILE.pdf');
  if (o.db && o.pg) throw new UserError('give one store: --db FILE or --pg postgres://…, not both');
  if (o.series && (o.db || o.pg)) throw new UserError('give either --series FILE.csv or --db FILE with --indicator and --org, not both');
  if (!o.series && !o.db && !o.pg) throw new UserError('nothing to evaluate: give --series FILE.csv, or --db FILE with --indicator ID and --org CODE');
  if (o.series) {
    for (const [flag, v] of [['--indicator', o.indicator], ['--org', o.org], ['--comparator', o.comparator]] as const) {
      if (v !== undefined) throw new UserError(`${flag} is for the store (--db); with --series give a comparator file with --comparator-series`);
    }
  } else {
    if (!o.indicator || !o.org) throw new UserError('with --db, give --indicator ID and --org CODE');
    if (o.comparatorSeries) throw new UserError('--comparator-series is for --series files; with --db give --comparator CODE');
    if (o.offset) throw new UserError('--offset is for --series files; store results carry their own denominators');
  }
  const seasonal = o.seasonal === undefined ? 0 : Number(o.seasonal);
  if (o.seasonal !== undefined && (seasonal < 1 || seasonal > 6)) throw new UserError(`--seasonal must be from 1 to 6 harmonics, not ${o.seasonal}`);
  const horizons = o.horizons?.split(',').map((h) => Number(h.trim()));
  if (horizons?.some((h) => h < 1)) throw new UserError('--horizons must be whole numbers ≥ 1 (1 is the first period of the intervention)');
  return o;
}

function evaluationOptions(o: z.output<typeof CliOptions>): EvaluationOptions {
  return {
    family: o.model,
    errors: o.errors ?? null,
    lag: o.lag === undefined ? null : Number(o.lag),
    seasonalHarmonics: o.seasonal === undefined ? 0 : Number(o.seasonal),
    slopeChange: o.slopeChange,
    slopeStart: o.slopeStart === '1' ? 1 : 0,
    horizons: o.horizons === undefined ? null : o.horizons.split(',').map((h) => Number(h.trim())),
  };
}

/** --period: a monthly series taken to quarter or year ends (series-period.ts); month leaves it as it is. */
function atPeriod(series: InputSeries, chosen: ChosenPeriod): InputSeries {
  return chosen.given ? seriesAtPeriodEnds(series, chosen.period, chosen.yearBasis) : series;
}

async function fromStore(o: z.output<typeof CliOptions>, deps: EvaluateDeps): Promise<EvaluationReport> {
  const chosen = chosenPeriod(o);
  const store = deps.store ?? (await openStore(o.pg ? { pg: o.pg } : { db: o.db! }, { readOnly: o.readOnly === true }));
  try {
    const indicator = await findIndicator(store, o.indicator!);
    const series = atPeriod(await readOrganisationSeries(store, indicator, o.org!), chosen);
    const comparator: InputSeries | null = o.comparator ? atPeriod(await readComparatorSeries(store, indicator, o.comparator), chosen) : null;
    return evaluateSeries({
      series,
      comparator,
      intervention: o.intervention,
      options: evaluationOptions(o),
      source: { source: 'store', db: o.db ?? o.pg!.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@'), indicator: indicator.id, org: o.org! },
    });
  } finally {
    if (!deps.store) await store.close();
  }
}

function fromFiles(o: z.output<typeof CliOptions>): EvaluationReport {
  const chosen = chosenPeriod(o);
  const series = atPeriod(readSeriesCsv(o.series!, { offsetColumn: o.offset ?? null }), chosen);
  const comparator = o.comparatorSeries ? atPeriod(readSeriesCsv(o.comparatorSeries, { offsetColumn: o.offset ?? null }), chosen) : null;
  return evaluateSeries({ series, comparator, intervention: o.intervention, options: evaluationOptions(o), source: { source: 'csv' } });
}

/** Runs the evaluation the options describe and returns the report object. */
export async function evaluateReport(raw: EvaluateCliOptions, deps: EvaluateDeps = {}): Promise<EvaluationReport> {
  const o = parseOptions(raw);
  try {
    return o.series ? fromFiles(o) : await fromStore(o, deps);
  } catch (err) {
    if (err instanceof EvaluationInputError) throw new UserError(err.message);
    throw err;
  }
}

/** Runs the evaluation and returns the report as the command prints it (JSON or Markdown). */
export async function runEvaluate(raw: EvaluateCliOptions, deps: EvaluateDeps = {}): Promise<string> {
  const report = await evaluateReport(raw, deps);
  return raw.format === 'md' ? renderMarkdown(report) : `${JSON.stringify(report, null, 2)}\n`;
}

export interface StudyDeps extends EvaluateDeps {
  /** Directory of the study files (default programmes/). */
  studyDir?: string;
  /** Directory of the incentive scheme files (default schemes/). */
  schemesDir?: string;
}

function parseStudyOptions(raw: EvaluateCliOptions): z.output<typeof StudyCliOptions> {
  if (raw.period !== undefined || raw.yearBasis !== undefined) throw new UserError("--period is not used with --study: the study file sets each outcome's period");
  for (const [key, flag] of NOT_FOR_STUDY) {
    if (raw[key] !== undefined) throw new UserError(`${flag} is not used with --study: the study file gives each outcome's window, period and phase-in`);
  }
  if (raw.slopeChange === false) throw new UserError('--no-slope-change is not used with --study: the Table 1 report estimates both changes');
  const parsed = StudyCliOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message);
  if (parsed.data.format === 'pdf' && !parsed.data.out) throw new UserError('--format pdf writes a file: give --out FILE.pdf');
  if (!parsed.data.db && !parsed.data.pg) throw new UserError('--study needs --db FILE (or --pg postgres://…), the store holding the collaboration and its results');
  if (parsed.data.db && parsed.data.pg) throw new UserError('give one store: --db FILE or --pg postgres://…, not both');
  return parsed.data;
}

/** The Table 1 report of a study (`--study ID`) as an object. */
export async function studyReport(raw: EvaluateCliOptions, deps: StudyDeps = {}): Promise<StudyReport> {
  const o = parseStudyOptions(raw);
  let study;
  try {
    study = loadStudy(o.study, deps.studyDir);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw new UserError(`unknown study '${o.study}': there is no programmes/${o.study}.yaml`);
    if (err instanceof Error) throw new UserError(err.message);
    throw err;
  }
  const { indicators } = loadIndicatorLibrary();
  const store = deps.store ?? (await openStore(o.pg ? { pg: o.pg } : { db: o.db! }, { readOnly: o.readOnly === true }));
  try {
    const costs = o.costs ? readCostsFile(o.costs, study.programmes.map((p) => p.id)) : undefined;
    return await evaluateStudy(store, study, indicators, catalogueOf(indicators), {
      ...(o.org ? { org: o.org } : {}),
      ...(o.comparator ? { comparators: o.comparator.split(',').map((c) => c.trim()).filter((c) => c !== '') } : {}),
      ...(costs ? { costs } : {}),
      ...(deps.schemesDir ? { schemesDir: deps.schemesDir } : {}),
    });
  } catch (err) {
    if (err instanceof EvaluationInputError) throw new UserError(err.message);
    throw err;
  } finally {
    if (!deps.store) await store.close();
  }
}

/** Renders a report in the asked format: text for json and md, bytes for pdf. */
async function rendered(format: string | undefined, json: unknown, md: () => string, html: () => string): Promise<string | Buffer> {
  if (format === 'md') return md();
  if (format === 'pdf') {
    try {
      return await htmlToPdf(html());
    } catch (err) {
      if (err instanceof EvaluationInputError) throw new UserError(err.message);
      throw err;
    }
  }
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Runs whichever mode the options ask for and returns what the command writes. */
export async function runEvaluateCommand(raw: EvaluateCliOptions, deps: StudyDeps = {}): Promise<string | Buffer> {
  if (raw.study !== undefined) {
    const r = await studyReport(raw, deps);
    return rendered(raw.format, r, () => renderStudyMarkdown(r), () => renderStudyHtml(r));
  }
  if (raw.costs !== undefined) throw new UserError('--costs is for --study reports');
  const r = await evaluateReport(raw, deps);
  return rendered(raw.format, r, () => renderMarkdown(r), () => markdownToHtml(renderMarkdown(r), `Impact evaluation: ${r.data.series}`));
}

/** Writes the output to --out FILE, or stdout. */
export async function writeEvaluateOutput(raw: EvaluateCliOptions, deps: StudyDeps = {}): Promise<void> {
  const output = await runEvaluateCommand(raw, deps);
  if (raw.out) {
    try {
      writeFileSync(raw.out, output);
    } catch (err) {
      throw new UserError(`cannot write ${raw.out}: ${err instanceof Error ? err.message : String(err)}`);
    }
    process.stderr.write(`Wrote ${raw.out}\n`);
  } else {
    process.stdout.write(output);
  }
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('interrupted time-series evaluation of an intervention, from a series file or an indicator in the store (docs/EVALUATION.md)')
    .option('--series <file>', 'CSV with period and value, count, or numerator and denominator columns')
    .option('--comparator-series <file>', 'CSV of a comparator series (same layout) for a comparative model')
    .option('--db <file>', 'the DuckDB store (with --indicator and --org)')
    .option('--pg <url>', 'a PostgreSQL store instead of --db: postgres://user@host:port/database')
    .option('--read-only', READ_ONLY_HELP)
    .option('--indicator <id>', 'indicator whose monthly results to evaluate (store mode)')
    .option('--org <code>', 'organisation whose results to evaluate (store mode)')
    .option('--comparator <code>', 'a benchmark (e.g. ENG) or another organisation as comparator (store mode); with --study a comma-separated list (default every benchmark)')
    .option('--study <id>', "the review's Table 1 for every programme of programmes/ID.yaml (e.g. tower-hamlets), with --db")
    .option('--costs <file>', 'with --study: YAML of programme costs (staff, IT, schemes) replacing the study file\'s')
    .option('--out <file>', 'write the report to FILE instead of stdout (needed for pdf)')
    .option('--intervention <period>', 'first period of the intervention, YYYY-MM (YYYY for yearly series), or a transition window START..END left out of the fit')
    .option('--model <model>', 'ols (linear, the default), poisson or quasipoisson (counts)')
    .option('--errors <kind>', 'standard errors of a linear model: newey-west (default), prais-winsten or classical')
    .option('--lag <n>', 'Newey–West lag (default floor(4(n/100)^(2/9)))')
    .option('--offset <column>', 'column of the series file holding the population at risk (Poisson models)')
    .option('--seasonal <n>', 'add n sine–cosine harmonics of the calendar month (monthly series)')
    .option('--no-slope-change', 'model a change in level only, not in trend')
    .option('--slope-start <0|1>', 'value of slope_change in the first period of the intervention: 0 (Linden, default) or 1 (Lopez Bernal et al.)')
    .option('--horizons <list>', 'periods after the start of the intervention at which to report the effect (default 12,24 for months, 1,5 for years)')
    .option('--format <format>', 'json (default), md or pdf (with --out)')
    .option('--period <period>', 'month (default), quarter or year: take a monthly series to quarter or year ends (a month in --intervention stands for its period)')
    .option('--year-basis <basis>', 'with --period year: qof (1 April–31 March, the default) or calendar')
    .action(async (opts: EvaluateCliOptions) => {
      await writeEvaluateOutput(opts);
    });
}
