/** Shared helpers for the evaluation tests: temp CSV files from the shared reference data, a no-NaN check. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { evaluateReport, runEvaluate, type EvaluateCliOptions, type EvaluateDeps } from '../../src/cli/commands/evaluate.js';
import type { EvaluationReport } from '../../src/programmes/evaluation/index.js';
import { referenceCsv } from '../stats/helpers.js';

export { expectClose, referenceBlock, referenceCsv } from '../stats/helpers.js';

export interface TempDir {
  path: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'gpnet-evaluate-'));
  return {
    path,
    write: (name, text) => {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

export function csv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

/** The Sicily acute coronary events series as period,count,stdpop (2002-01 … 2006-11). */
export function sicilyCsv(): string {
  const rows = referenceCsv('its-sicily/sicily.csv');
  return csv(
    ['period', 'count', 'stdpop', 'smokban'],
    rows.map((r) => [`${r.year}-${String(r.month).padStart(2, '0')}`, r.aces!, r.stdpop!, r.smokban!]),
  );
}

/** California's and the 38 other states' mean cigarette sales per capita, 1970–2000, as period,value. */
export function prop99Csvs(): { california: string; comparator: string } {
  const rows = referenceCsv('its-prop99/california_prop99.csv', ';');
  const years = Array.from({ length: 31 }, (_, i) => 1970 + i);
  const of = (state: string, year: number): number => Number(rows.find((r) => r.State === state && Number(r.Year) === year)!.PacksPerCapita);
  const others = [...new Set(rows.map((r) => r.State!))].filter((s) => s !== 'California');
  expect(others).toHaveLength(38);
  return {
    california: csv(['period', 'value'], years.map((y) => [y, of('California', y)])),
    comparator: csv(['period', 'value'], years.map((y) => [y, String(others.reduce((a, s) => a + of(s, y), 0) / others.length)])),
  };
}

/**
 * Runs the command handler in-process: checks the report object has no NaN or infinite number
 * (JSON would print them as null), then returns the report as parsed from the printed JSON.
 */
export async function evaluateJson(options: EvaluateCliOptions, deps: EvaluateDeps = {}): Promise<EvaluationReport> {
  expectNoNonFinite(await evaluateReport({ ...options, format: 'json' }, deps));
  return JSON.parse(await runEvaluate({ ...options, format: 'json' }, deps)) as EvaluationReport;
}

/** Fails if any number anywhere in the value is NaN or infinite (JSON would silently print null). */
export function expectNoNonFinite(value: unknown, path = 'report'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) expect.fail(`${path} is ${value}`);
  } else if (Array.isArray(value)) value.forEach((v, i) => expectNoNonFinite(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expectNoNonFinite(v, `${path}.${k}`);
}

export function coefficient(report: EvaluationReport, name: string): EvaluationReport['coefficients'][number] {
  const c = [...report.coefficients, ...report.derived].find((x) => x.name === name);
  if (!c) throw new Error(`no coefficient ${name} in ${report.coefficients.map((x) => x.name).join(', ')}`);
  return c;
}
