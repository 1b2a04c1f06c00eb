/** Shared helpers for the statistics tests: reference files and tolerance checks. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseCsv } from '../../src/util/csv.js';

const SHARED = new URL('../../../shared/', import.meta.url);

/** One block of shared/reference/stats-reference.json, typed by the caller. */
export function referenceBlock<T>(name: string): T {
  const json = JSON.parse(readFileSync(new URL('reference/stats-reference.json', SHARED), 'utf8')) as Record<string, unknown>;
  const block = json[name];
  if (block === undefined) throw new Error(`stats-reference.json has no block '${name}'`);
  return block as T;
}

/** A CSV under shared/data/reference/ as objects keyed by header (BOM removed). */
export function referenceCsv(path: string, separator = ','): Record<string, string>[] {
  let text = readFileSync(new URL(`data/reference/${path}`, SHARED), 'utf8');
  if (separator !== ',') text = text.replace(new RegExp(separator, 'g'), ',');
  const [header, ...rows] = parseCsv(text).filter((r) => r.length > 1 || r[0] !== '');
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * |actual − expected| ≤ max(rel·|expected|, abs). `abs` covers expected values of 0 and the rounding
 * of the printed reference digits.
 */
export function expectClose(actual: number | null | undefined, expected: number, rel: number, abs = 0, label = ''): void {
  expect(actual, label).toBeTypeOf('number');
  const a = actual as number;
  const tol = Math.max(rel * Math.abs(expected), abs);
  if (!(Math.abs(a - expected) <= tol)) {
    expect.fail(`${label}: got ${a}, expected ${expected} (±${tol.toExponential(2)}; off by ${Math.abs(a - expected).toExponential(2)})`);
  }
}

/** The relative difference, for reporting the closeness achieved. */
export function relDiff(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}
