/**
 * Speed of `measure` (compiled SQL, then finalising and writing results) on a synthetic store,
 * run on demand:
 *   GPNET_COMPILE_BENCH=200000 npx vitest run test/compile/bench.test.ts
 * GPNET_COMPILE_BENCH_DB=FILE keeps the generated store in FILE and reuses it on the next run.
 * Prints one machine-readable JSON line with the figures.
 */
import { describe, expect, it } from 'vitest';
import { loadCodelists } from '../../src/codelists/load.js';
import { loadIndicators } from '../../src/indicators/load.js';
import { measure } from '../../src/indicators/measure.js';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { storeCodelists } from '../../src/store/load-data.js';
import { buildSyntheticStore } from './synthetic-store.js';

const patients = Number(process.env['GPNET_COMPILE_BENCH'] ?? 0);

describe.skipIf(!patients)('compiler benchmark', () => {
  it(`measures the library monthly for 8 years on ${patients} synthetic patients`, async () => {
    const codelists = loadCodelists();
    const indicators = loadIndicators(codelists);
    const engine = await DuckDBEngine.open(process.env['GPNET_COMPILE_BENCH_DB'] ?? ':memory:', { threads: 2 });
    const existing = Number((await engine.all<{ n: number }>('SELECT count(*) AS n FROM patient'))[0]?.n ?? 0);
    if (existing === 0) await storeCodelists(engine, codelists.values());
    const generated = existing === 0 ? await buildSyntheticStore(engine, patients) : null;
    const volume = await engine.all(
      `SELECT (SELECT count(*) FROM patient) AS patients, (SELECT count(*) FROM clinical_event) AS events,
              (SELECT count(*) FROM medication_issue) AS medications, (SELECT count(*) FROM admission) AS admissions,
              (SELECT count(*) FROM organisation WHERE kind = 'practice') AS practices`,
    );
    const phases: Record<string, number> = {};
    const t0 = performance.now();
    let t = t0;
    let computeEnd = t0;
    const summary = await measure(engine, {
      indicators,
      codelists,
      from: '2017-01',
      to: '2024-12',
      onProgress: (e) => {
        const now = performance.now();
        if (e.phase === 'indicator') phases[e.id] = Math.round(now - t);
        if (e.phase === 'indicator' && e.done === e.total) computeEnd = now;
        t = now;
      },
    });
    const computeSeconds = (computeEnd - t0) / 1000;
    await engine.close();
    expect(summary.rows).toBeGreaterThan(0);
    console.log(
      JSON.stringify({
        bench: 'compile',
        ...volume[0],
        generateSeconds: generated?.seconds ?? null,
        periods: summary.periods,
        indicators: summary.indicators,
        resultRows: summary.rows,
        computeSeconds,
        measureSeconds: summary.seconds,
        phasesMs: phases,
      }),
    );
  });
});
