import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from './duckdb/duckdb-engine.js';
import { assertNoIncompleteBatches, incompleteBatches } from './integrity.js';

describe('incomplete batches', () => {
  it('finds patients whose batch never finished and refuses them', async () => {
    const db = await DuckDBEngine.open(':memory:');
    await db.insertRows('patient', ['id', 'birth_date', 'sex', 'batch_id'], [[1, '2000-01-01', 'F', 7]]);
    expect(await incompleteBatches(db)).toEqual([7]);
    await expect(assertNoIncompleteBatches(db)).rejects.toThrow(/unfinished import batch 7/);
    await db.run(
      "INSERT INTO import_batch VALUES (7, 'test', 'x', CURRENT_TIMESTAMP, 1, 1, 0, NULL)",
    );
    expect(await incompleteBatches(db)).toEqual([]);
    await expect(assertNoIncompleteBatches(db)).resolves.toBeUndefined();
    await db.close();
  });
});
