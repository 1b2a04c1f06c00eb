import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { reportingPeriodEnds, yearEndMonth, type ReportingPeriod, type YearBasis } from '../model/reporting-period.js';
import { parseYamlWithLines } from '../util/yaml-lines.js';

/**
 * A study file (programmes/*.yaml): a collaboration's care packages, when they were phased in, the
 * comparators the papers used, and per outcome the analysis window and period the review's Table 1
 * states and the values it published at the published dates (docs/EVALUATION.md, "The study file").
 */
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
/** A period in its own terms: YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY (a year). */
const PeriodTerm = z.preprocess(
  // YAML reads a bare year (2007) as a number.
  (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v),
  z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'a month YYYY-MM, a quarter YYYY-Qn or a year YYYY'),
);
const Point = z.union([
  z.object({ period: PeriodTerm, value: z.number(), label: z.string().optional() }).strict(),
  z.object({ period: PeriodTerm, relative: z.number(), label: z.string().optional() }).strict(),
]);
export type PublishedPoint = z.infer<typeof Point>;
const MonthRange = z.object({ from: Month, to: Month }).strict();
const Change = z.enum(['increase', 'decrease', 'none']);

/** Other costs in whole pounds: per financial year (over `years`, inclusive) or once. */
export const CostItem = z
  .object({
    item: z.string().min(1),
    kind: z.enum(['staff', 'it', 'other']),
    pounds: z.number().nonnegative(),
    per: z.enum(['year', 'total']),
    years: z.object({ from: z.number().int(), to: z.number().int() }).strict().optional(),
    source: z.string().optional(),
  })
  .strict()
  .refine((c) => c.per === 'total' || c.years !== undefined, { message: 'a cost per year needs years: { from, to } (financial years, 2009 = 2009/10)' });
export type CostItem = z.infer<typeof CostItem>;
export const ProgrammeCosts = z
  .object({
    /** Incentive scheme files (schemes/*.yaml) whose advance and performance payments the programme made, every year of the scheme. */
    schemes: z.array(z.string().min(1)).optional(),
    items: z.array(CostItem).optional(),
    note: z.string().optional(),
  })
  .strict();
export type ProgrammeCosts = z.infer<typeof ProgrammeCosts>;

const Outcome = z
  .object({
    indicator: z.string().min(1),
    period: z.enum(['month', 'quarter', 'year']),
    year_basis: z.enum(['qof', 'calendar']).optional(),
    /** The analysis window in the period's own terms (2006-Q1, 2007, or YYYY-MM), inclusive. */
    window: z.object({ from: PeriodTerm, to: PeriodTerm }).strict(),
    /** Overrides the programme's phase-in. */
    phase_in: MonthRange.optional(),
    /** The values the review published, at the published dates; absent when it quotes none. */
    published: z.object({ from: Point, to: Point }).strict().optional(),
    change: Change,
    /** How far the demo's value at a published date may be from the published value (in the outcome's units). */
    tolerance: z.number().positive().optional(),
    note: z.string().optional(),
  })
  .strict();
export type StudyOutcome = z.infer<typeof Outcome>;

const Programme = z
  .object({
    id: z.string(),
    title: z.string(),
    /** The months over which the networks started the package (a transition, not a single month). */
    phase_in: MonthRange,
    /** Comparator organisation codes, in order (smaller areas first). */
    comparators: z.array(z.string().min(1)).min(1),
    comparators_note: z.string().optional(),
    kpis: z.array(Outcome).min(1),
    /** The programme's costs, for the evaluation (docs/EVALUATION.md): incentive scheme files and other costs. */
    costs: ProgrammeCosts.optional(),
  })
  .strict();
export type StudyProgramme = z.infer<typeof Programme>;

export const Study = z
  .object({
    study: z.string(),
    title: z.string(),
    /** Default tolerance for the demo's calibration (percentage points for proportions). */
    tolerance: z.number().positive(),
    programmes: z.array(Programme).min(1),
  })
  .strict();
export type Study = z.infer<typeof Study>;

export const DEFAULT_PROGRAMME_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'programmes');

export class StudyFileError extends Error {}

function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + m - 1;
}

function monthOf(index: number): string {
  const y = Math.floor(index / 12);
  return `${String(y).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first and last month a period term (YYYY-MM, YYYY-Qn, YYYY) covers; a year on the given basis (QOF: April–March, ending in March of the year named). */
export function periodTermMonths(term: string, basis: YearBasis): { from: string; to: string } {
  let m = /^(\d{4})-Q([1-4])$/.exec(term);
  if (m) {
    const last = Number(m[1]) * 12 + Number(m[2]) * 3 - 1;
    return { from: monthOf(last - 2), to: monthOf(last) };
  }
  m = /^(\d{4})$/.exec(term);
  if (m) {
    const last = Number(m[1]) * 12 + yearEndMonth(basis) - 1;
    return { from: monthOf(last - 11), to: monthOf(last) };
  }
  return { from: term, to: term };
}

/** The month a published value belongs to: the month itself, a quarter's last month, or the year's last month (a published year Y is the QOF year ending March Y). */
export function publishedMonth(point: PublishedPoint, basis: YearBasis): string {
  return periodTermMonths(point.period, basis).to;
}

/** An outcome with its study-file defaults filled in and its window resolved to months and period ends. */
export interface ResolvedOutcome {
  indicator: string;
  period: ReportingPeriod;
  year_basis: YearBasis;
  window: { from: string; to: string };
  /** The window's first and last month. */
  window_months: { from: string; to: string };
  /** The month ends (YYYY-MM-DD) that close a period inside the window. */
  period_ends: string[];
  phase_in: { from: string; to: string };
  published: { from: PublishedPoint & { month: string }; to: PublishedPoint & { month: string } } | null;
  change: 'increase' | 'decrease' | 'none';
  tolerance: number;
  note: string | null;
}

export function resolveOutcome(study: Study, programme: StudyProgramme, k: StudyOutcome): ResolvedOutcome {
  const basis: YearBasis = k.year_basis ?? 'qof';
  const from = periodTermMonths(k.window.from, basis).from;
  const to = periodTermMonths(k.window.to, basis).to;
  return {
    indicator: k.indicator,
    period: k.period,
    year_basis: basis,
    window: k.window,
    window_months: { from, to },
    period_ends: reportingPeriodEnds(from, to, k.period, basis),
    phase_in: k.phase_in ?? programme.phase_in,
    published: k.published
      ? { from: { ...k.published.from, month: publishedMonth(k.published.from, basis) }, to: { ...k.published.to, month: publishedMonth(k.published.to, basis) } }
      : null,
    change: k.change,
    tolerance: k.tolerance ?? study.tolerance,
    note: k.note ?? null,
  };
}

/** Checks the study beyond its shape: windows and phase-ins run forwards, window terms match the period. */
function checkStudy(s: Study): { path: (string | number)[]; message: string } | null {
  for (const [pi, p] of s.programmes.entries()) {
    if (monthIndex(p.phase_in.from) > monthIndex(p.phase_in.to)) return { path: ['programmes', pi, 'phase_in'], message: `the phase-in ends (${p.phase_in.to}) before it starts (${p.phase_in.from})` };
    for (const [ki, k] of p.kpis.entries()) {
      const at = (...rest: (string | number)[]): (string | number)[] => ['programmes', pi, 'kpis', ki, ...rest];
      const own = k.period === 'quarter' ? /^\d{4}-Q[1-4]$/ : k.period === 'year' ? /^\d{4}$/ : /^\d{4}-\d{2}$/;
      for (const side of ['from', 'to'] as const) {
        const t = k.window[side];
        if (!own.test(t) && !/^\d{4}-\d{2}$/.test(t)) return { path: at('window', side), message: `'${t}' is not a ${k.period} (give ${k.period === 'quarter' ? 'YYYY-Qn' : k.period === 'year' ? 'YYYY' : 'YYYY-MM'} or a month YYYY-MM)` };
      }
      const basis = k.year_basis ?? 'qof';
      if (monthIndex(periodTermMonths(k.window.from, basis).from) > monthIndex(periodTermMonths(k.window.to, basis).to)) {
        return { path: at('window'), message: `the window ends (${k.window.to}) before it starts (${k.window.from})` };
      }
      const r = resolveOutcome(s, p, k);
      if (r.period_ends.length === 0) return { path: at('window'), message: `the window ${k.window.from}–${k.window.to} holds no ${k.period} end` };
      if (k.phase_in && monthIndex(k.phase_in.from) > monthIndex(k.phase_in.to)) return { path: at('phase_in'), message: `the phase-in ends (${k.phase_in.to}) before it starts (${k.phase_in.from})` };
      if (k.published && ('value' in k.published.from) !== ('value' in k.published.to)) return { path: at('published'), message: 'give both published points as value, or both as relative' };
    }
  }
  return null;
}

/** Reads and checks a study file; a mistake names the file, line and field. */
export function parseStudy(text: string, file: string): Study {
  const { doc, lineOf, error } = parseYamlWithLines(text);
  if (error) throw new StudyFileError(`${file}${error.line !== null ? ` line ${error.line}` : ''}: not valid YAML: ${error.message}`);
  const where = (path: readonly PropertyKey[]): string => {
    const line = lineOf(path);
    return `${file}${line !== null ? ` line ${line}` : ''}${path.length ? `, field ${path.map(String).join('.')}` : ''}`;
  };
  const parsed = Study.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StudyFileError(`${where(issue.path)}: ${issue.message}`);
  }
  const problem = checkStudy(parsed.data);
  if (problem) throw new StudyFileError(`${where(problem.path)}: ${problem.message}`);
  return parsed.data;
}

export function loadStudy(id: string, dir: string = DEFAULT_PROGRAMME_DIR): Study {
  const path = join(dir, `${id}.yaml`);
  return parseStudy(readFileSync(path, 'utf8'), path);
}

/** Every outcome of the study, resolved, with its programme. */
export function studyOutcomes(study: Study): { programme: StudyProgramme; outcome: ResolvedOutcome }[] {
  return study.programmes.flatMap((p) => p.kpis.map((k) => ({ programme: p, outcome: resolveOutcome(study, p, k) })));
}

/** 'YYYY-MM' → the last day of that month, 'YYYY-MM-DD'. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}
