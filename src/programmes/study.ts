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
