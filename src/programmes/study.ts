import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * A study file (programmes/*.yaml): a collaboration's care packages, when they started, and
 * the changes the published studies reported for each KPI.
 */
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const Point = z.union([
  z.object({ period: Month, value: z.number() }).strict(),
  z.object({ period: Month, relative: z.number() }).strict(),
]);
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
export const Study = z
  .object({
    study: z.string(),
    title: z.string(),
    programmes: z.array(
      z
        .object({
          id: z.string(),
          title: z.string(),
          start: z.object({ from: Month, to: Month }).strict(),
          kpis: z.array(
            z
              .object({ indicator: z.string(), from: Point, to: Point, change: z.enum(['increase', 'decrease', 'none']) })
              .strict(),
          ),
          /** KPIs the evaluation also tests whose values the review does not quote (e.g. statins): indicator, expected change, why. */
          also_evaluate: z
            .array(z.object({ indicator: z.string(), change: z.enum(['increase', 'decrease', 'none']), note: z.string().optional() }).strict())
            .optional(),
          /** The programme's costs, for the evaluation (docs/EVALUATION.md): incentive scheme files and other costs. */
          costs: ProgrammeCosts.optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type Study = z.infer<typeof Study>;

export const DEFAULT_PROGRAMME_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'programmes');

export function loadStudy(id: string, dir: string = DEFAULT_PROGRAMME_DIR): Study {
  const path = join(dir, `${id}.yaml`);
  const parsed = Study.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** 'YYYY-MM' → the last day of that month, 'YYYY-MM-DD'. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}
