/**
 * Store mode: `gpnet evaluate --db FILE --indicator ID --org CODE [--comparator CODE]` reads the
 * organisation's monthly results from indicator_result and the comparator from benchmark_series
 * (a benchmark) or indicator_result (another organisation), then runs the same analysis as a
 * series file holding the same numbers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateReport } from '../../src/cli/commands/evaluate.js';
import { UserError } from '../../src/cli/errors.js';
import type { EvaluationReport } from '../../src/programmes/evaluation/index.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import type { Engine, SqlValue } from '../../src/store/engine.js';
import { csv, evaluateJson, tempDir } from './helpers.js';

const MONTHS = 30; // 2021-01 … 2023-06
const monthEnd = (i: number): string => {
  const year = 2021 + Math.floor(i / 12);
  const month = (i % 12) + 1;
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};
const wobble = (i: number, phase: number): number => Math.round(6 * Math.sin(1.3 * i + phase) + 3 * Math.cos(0.7 * i));

/** Practice P1 improves from 2022-04 (index 15); P2 and England drift. P1 has no denominator in 2021-05. */
function numbers(org: 'P1' | 'P2' | 'ENG', i: number): { numerator: number; denominator: number } {
  if (org === 'P1') return i === 4 ? { numerator: 0, denominator: 0 } : { numerator: 400 + 2 * i + wobble(i, 0) + (i >= 15 ? 60 + 3 * (i - 15) : 0), denominator: 1000 };
  if (org === 'P2') return { numerator: 350 + i + wobble(i, 1), denominator: 900 };
  return { numerator: 41_000 + 120 * i + 40 * wobble(i, 2), denominator: 100_000 };
}
const value = (n: { numerator: number; denominator: number }): number | null => (n.denominator === 0 ? null : (100 * n.numerator) / n.denominator);

async function buildStore(engine: Engine): Promise<void> {
  await engine.insertRows('organisation', ['code', 'name', 'kind', 'parent'], [
    ['N1', 'North Network', 'network', null],
    ['P1', 'Practice One', 'practice', 'N1'],
    ['P2', 'Practice Two', 'practice', 'N1'],
    ['P3', 'Practice Three', 'practice', 'N1'],
    ['ENG', 'England', 'benchmark', null],
  ]);
  await engine.insertRows('indicator_definition', ['id', 'definition_hash', 'definition_json', 'codelist_versions', 'loaded_at'], [
    ['bp_control', 'h1', JSON.stringify({ id: 'bp_control', title: 'Blood pressure controlled', kind: 'proportion' }), '{}', '2024-01-01 00:00:00'],
    ['hba1c_mean', 'h2', JSON.stringify({ id: 'hba1c_mean', title: 'Mean HbA1c', kind: 'mean' }), '{}', '2024-01-01 00:00:00'],
  ]);
  const rows: SqlValue[][] = [];
  for (const org of ['P1', 'P2'] as const) {
    for (let i = 0; i < MONTHS; i++) {
      const n = numbers(org, i);
      rows.push(['bp_control', 'practice', org, monthEnd(i), n.numerator, n.denominator, value(n), 'h1', '{}', '2024-01-01 00:00:00']);
    }
  }
  for (let i = 0; i < MONTHS; i++) rows.push(['hba1c_mean', 'practice', 'P1', monthEnd(i), 5000 + i, 100, 50 + i / 100, 'h2', '{}', '2024-01-01 00:00:00']);
  await engine.insertRows(
    'indicator_result',
    ['indicator_id', 'org_kind', 'org_code', 'period_end', 'numerator', 'denominator', 'value', 'definition_hash', 'codelist_versions', 'computed_at'],
    rows,
  );
  // England: value given for most months; two months carry only numerator and denominator.
  await engine.insertRows(
    'benchmark_series',
    ['benchmark', 'indicator_id', 'period_end', 'numerator', 'denominator', 'value'],
    Array.from({ length: MONTHS }, (_, i) => {
      const n = numbers('ENG', i);
      return ['ENG', 'bp_control', monthEnd(i), n.numerator, n.denominator, i === 3 || i === 20 ? null : value(n)];
    }),
  );
}

const dir = tempDir();
let store: Engine;
beforeAll(async () => {
  store = await DuckDBEngine.open(':memory:');
  await buildStore(store);
});
afterAll(async () => {
  await store.close();
  dir.remove();
});

/** The same numbers as a series file (period = month end, as the store holds it). */
function seriesFile(org: 'P1' | 'P2' | 'ENG'): string {
  return dir.write(
    `${org}.csv`,
    csv(
      ['period', 'numerator', 'denominator'],
      Array.from({ length: MONTHS }, (_, i) => {
        const n = numbers(org, i);
        return [monthEnd(i), n.numerator, n.denominator];
      }),
    ),
  );
}

function sameFit(a: EvaluationReport, b: EvaluationReport): void {
  expect(a.status).toBe('ok');
  expect(a.coefficients.map((c) => c.name)).toEqual(b.coefficients.map((c) => c.name));
  a.coefficients.forEach((c, j) => {
    expect(c.estimate).toBeCloseTo(b.coefficients[j]!.estimate, 9);
    expect(c.se).toBeCloseTo(b.coefficients[j]!.se, 9);
  });
  expect(a.series.map((s) => s.counterfactual)).toEqual(b.series.map((s) => s.counterfactual));
}

async function userError(options: Parameters<typeof evaluateReport>[0]): Promise<string> {
  try {
    await evaluateReport(options, { store });
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('evaluate --db: a practice series', () => {
  const db = { db: ':memory:', indicator: 'bp_control', org: 'P1', intervention: '2022-04' };
  it('fits the indicator value and matches the same numbers given as a series file', async () => {
    const r = await evaluateJson(db, { store });
    expect(r.data).toMatchObject({
      source: 'store',
      indicator: 'bp_control',
      org: 'P1',
      series: 'indicator bp_control for P1 (Practice One)',
      outcome: 'indicator value (percentage)',
      first_period: '2021-01',
      last_period: '2023-06',
    });
    expect(r.diagnostics).toMatchObject({ points_before: 14, points_after: 15, points_missing: 1 });
    expect(r.caveats.join(' ')).toMatch(/1 month with a zero or missing denominator .* left out: 2021-05/);
    sameFit(r, await evaluateJson({ series: seriesFile('P1'), intervention: '2022-04' }));
    // The built-in improvement: about +6 points at the start, then +0.3 points a month.
    const level = r.coefficients.find((c) => c.name === 'level_change')!;
    expect(level.ci_lower).toBeLessThan(6);
    expect(level.ci_upper).toBeGreaterThan(6);
  });

  it('a Poisson model uses the numerator with log(denominator) as offset', async () => {
    const r = await evaluateJson({ ...db, model: 'quasipoisson' }, { store });
    expect(r.data.outcome).toBe('numerator, as a count');
    expect(r.data.rate_per).toBe(100);
    sameFit(r, await evaluateJson({ series: seriesFile('P1'), intervention: '2022-04', model: 'quasipoisson' }));
  });

  it('a benchmark comparator comes from benchmark_series, filling a missing value from numerator and denominator', async () => {
    const r = await evaluateJson({ ...db, comparator: 'ENG' }, { store });
    expect(r.model.comparative).toBe(true);
    expect(r.data.comparator).toBe('benchmark ENG (England)');
    expect(r.series[3]!.comparator).toBeCloseTo(value(numbers('ENG', 3))!, 12);
    expect(r.diagnostics.comparator_points_before).toBe(15);
    sameFit(r, await evaluateJson({ series: seriesFile('P1'), comparatorSeries: seriesFile('ENG'), intervention: '2022-04' }));
    expect(r.coefficients.find((c) => c.name === 'difference_in_level_change')!.estimate).toBeGreaterThan(3);
  });

  it('a benchmark comparator with a Poisson model uses its numerators and denominators', async () => {
    const r = await evaluateJson({ ...db, comparator: 'ENG', model: 'poisson' }, { store });
    expect(r.model.method).toBe('comparative Poisson regression with log offset');
    const d = r.coefficients.find((c) => c.name === 'difference_in_level_change')!;
    expect(d.rate_ratio!.estimate).toBeGreaterThan(1);
    sameFit(r, await evaluateJson({ series: seriesFile('P1'), comparatorSeries: seriesFile('ENG'), intervention: '2022-04', model: 'poisson' }));
  });

  it('another organisation as comparator comes from indicator_result', async () => {
    const r = await evaluateJson({ ...db, comparator: 'P2' }, { store });
    expect(r.data.comparator).toBe('indicator bp_control for P2 (Practice Two)');
    sameFit(r, await evaluateJson({ series: seriesFile('P1'), comparatorSeries: seriesFile('P2'), intervention: '2022-04' }));
  });

  it('opens a store file given with --db', async () => {
    const path = join(dir.path, 'store.duckdb');
    const file = await DuckDBEngine.open(path);
    await buildStore(file);
    await file.close();
    const r = await evaluateJson({ ...db, db: path });
    expect(r.data.db).toBe(path);
    expect(r.status).toBe('ok');
  });
});

describe('evaluate --db: clear errors', () => {
  const db = { db: ':memory:', indicator: 'bp_control', org: 'P1', intervention: '2022-04' };
  it.each([
    [{ indicator: 'bp_contrl' }, "unknown indicator 'bp_contrl' in :memory: (indicators in the store: bp_control, hba1c_mean)"],
    [{ org: 'P9' }, "unknown organisation 'P9' in :memory: (organisations with results for bp_control: P1, P2)"],
    [{ org: 'P3' }, 'organisation P3 (Practice Three) has no results for indicator bp_control in :memory:'],
    [{ comparator: 'LDN' }, "unknown comparator 'LDN' in :memory:: it is neither an organisation nor a benchmark (benchmarks with bp_control: ENG)"],
    [{ comparator: 'P3' }, 'comparator P3 (Practice Three) has no results for indicator bp_control in :memory:'],
    [{ indicator: 'hba1c_mean', comparator: 'ENG' }, 'benchmark ENG (England) has no series for indicator hba1c_mean in benchmark_series'],
    [{ indicator: 'hba1c_mean', model: 'poisson' }, 'indicator hba1c_mean for P1 (Practice One) is a mean, not a count: use --model ols'],
    [{ intervention: '2020-06' }, 'the intervention 2020-06 is not after the first period of indicator bp_control for P1 (Practice One) (2021-01 to 2023-06): there are no periods before it'],
    [{ intervention: '2023-09' }, 'the intervention 2023-09 leaves no periods of indicator bp_control for P1 (Practice One) (2021-01 to 2023-06) after it'],
    [{ intervention: '2023-05' }, 'indicator bp_control for P1 (Practice One) has 2 usable months after the intervention (2023-05 to 2023-06); at least 3 are needed on each side to estimate a level and a trend'],
    [{ intervention: '2021-03' }, 'indicator bp_control for P1 (Practice One) has 2 usable months before the intervention (2021-01 to 2021-02); at least 3 are needed on each side to estimate a level and a trend'],
    [{ offset: 'x' }, '--offset is for --series files; store results carry their own denominators'],
    [{ org: undefined }, 'with --db, give --indicator ID and --org CODE'],
  ])('%o', async (extra, expected) => {
    expect(await userError({ ...db, ...extra })).toBe(expected);
  });
});
