import type { Engine } from './engine.js';

/**
 * Bulk writers that cannot hold one transaction open (the synthetic generator, for speed) write
 * their import_batch row last. Rows whose batch has no import_batch row were left by a run that
 * was killed part-way; results computed over them would be wrong, so readers refuse them.
 */
export async function incompleteBatches(engine: Engine): Promise<number[]> {
  const rows = await engine.all<{ batch_id: number }>(
    `SELECT DISTINCT batch_id FROM patient
      WHERE batch_id IS NOT NULL AND batch_id NOT IN (SELECT id FROM import_batch)
      ORDER BY batch_id`,
  );
  return rows.map((r) => r.batch_id);
}

export class IncompleteBatchError extends Error {}

export async function assertNoIncompleteBatches(engine: Engine): Promise<void> {
  const ids = await incompleteBatches(engine);
  if (ids.length)
    throw new IncompleteBatchError(
      `the store ${engine.location} holds rows of unfinished import batch${ids.length > 1 ? 'es' : ''} ${ids.join(', ')} ` +
        `(a run was interrupted); regenerate with gpnet generate --force, or re-import into a fresh store`,
    );
}
