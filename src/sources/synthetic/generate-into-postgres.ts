import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Codelist } from '../../codelists/load.js';
import { copyStore } from '../../store/copy-store.js';
import { DuckDBEngine } from '../../store/duckdb/duckdb-engine.js';
import { type Engine, type SqlValue, scalar } from '../../store/engine.js';
import { CLEARED_TABLES, GenerateOptions, type GenerateProgress, type GenerateSummary, STORE_TABLES, StoreNotEmptyError, generateSynthetic } from './generate.js';

/** The tables the generator fills (besides its import_batch row). */
const GENERATED_TABLES = ['organisation', 'benchmark_series', ...STORE_TABLES] as const;
const IMPORT_BATCH_COLUMNS = ['id', 'source', 'checksum', 'received_at', 'rows_in', 'rows_accepted', 'rows_rejected', 'detail'] as const;

/**
 * Generates the synthetic collaboration into a PostgreSQL store (`gpnet generate --pg URL`).
 *
 * The generator's SQL is DuckDB's, so the data are generated into a temporary DuckDB file first
 * (the same rows, byte for byte, as `gpnet generate --db`), then copied into PostgreSQL in ONE
 * transaction that also writes the import_batch row (and, with force, first deletes the rows
 * being replaced): the batch is in the target completely or not at all, whatever fails or
 * whenever the process is killed. The batch number continues the target's own numbering.
 */
export async function generateIntoPostgres(
  target: Engine,
  options: GenerateOptions,
  deps: { progress?: GenerateProgress; codelists?: ReadonlyMap<string, Codelist>; workDir?: string } = {},
): Promise<GenerateSummary> {
  const opts = GenerateOptions.parse(options);
  if (target.dialect !== 'postgres') throw new Error(`generateIntoPostgres writes into PostgreSQL (this store is ${target.dialect})`);
  const t0 = Date.now();
  await assertEmptyUnlessForced(target, opts.force);
  const batchId = Number(await scalar(target, 'SELECT coalesce(max(id), 0) + 1 FROM import_batch'));
  const dir = mkdtempSync(join(deps.workDir ?? tmpdir(), 'gpnet-generate-'));
  const progress = deps.progress ?? { start() {}, tick() {}, stop() {} };
  try {
    const scratch = await DuckDBEngine.open(join(dir, 'generate.duckdb'));
    try {
      // The generator numbers its batch max(import_batch.id) + 1 of the store it writes; a
      // placeholder row in the scratch store makes that the target's next number. It is not copied.
      if (batchId > 1) {
        await scratch.run(
          `INSERT INTO import_batch (id, source, checksum, received_at, rows_in, rows_accepted, rows_rejected)
           VALUES ($1, 'placeholder', '', CURRENT_TIMESTAMP, 0, 0, 0)`,
          [batchId - 1],
        );
      }
      const summary = await generateSynthetic(scratch, { patients: opts.patients, seed: opts.seed, force: false }, deps);
      if (summary.batchId !== batchId) throw new Error(`internal: generated batch ${summary.batchId}, expected ${batchId}`);
      const batchRow = await scratch.all(`SELECT ${IMPORT_BATCH_COLUMNS.join(', ')} FROM import_batch WHERE id = $1`, [batchId]);
      progress.start('copying into PostgreSQL', GENERATED_TABLES.length);
      try {
        await target.transaction(async (tx) => {
          // Checked again inside the transaction: another writer may have come in meanwhile.
          await assertEmptyUnlessForced(tx, opts.force);
          const next = Number(await scalar(tx, 'SELECT coalesce(max(id), 0) + 1 FROM import_batch'));
          if (next !== batchId) throw new Error(`another import wrote batch ${batchId} into ${target.location} while generating; run gpnet generate again`);
          if (opts.force) for (const t of CLEARED_TABLES) await tx.run(`DELETE FROM ${t}`);
          await copyStore(scratch, tx, { tables: GENERATED_TABLES, onTable: () => progress.tick() });
          await tx.insertRows(
            'import_batch',
            IMPORT_BATCH_COLUMNS,
            batchRow.map((r) => IMPORT_BATCH_COLUMNS.map((c): SqlValue => r[c] ?? null)),
          );
        });
      } finally {
        progress.stop();
      }
      return { ...summary, seconds: (Date.now() - t0) / 1000 };
    } finally {
      await scratch.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function assertEmptyUnlessForced(engine: Engine, force: boolean): Promise<void> {
  if (force) return;
  const patients = Number(await scalar(engine, 'SELECT count(*) FROM patient'));
  const orgs = Number(await scalar(engine, 'SELECT count(*) FROM organisation'));
  if (patients > 0 || orgs > 0) {
    const what = patients > 0 ? `${patients} patients` : `${orgs} organisations`;
    throw new StoreNotEmptyError(`the store ${engine.location} already holds ${what}; pass --force to replace them`);
  }
}
