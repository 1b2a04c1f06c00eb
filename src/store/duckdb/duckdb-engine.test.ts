import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from './duckdb-engine.js';
import { scalar } from '../engine.js';
import { SCHEMA_VERSION } from '../migrations.js';

describe('DuckDBEngine', () => {
  it('creates the schema and records its version', async () => {
    const db = await DuckDBEngine.open(':memory:');
    expect(await scalar(db, 'SELECT max(version) FROM schema_migrations')).toBe(SCHEMA_VERSION);
    await db.close();
  });

  it('reads dates, bigints and doubles back as plain values', async () => {
    const db = await DuckDBEngine.open(':memory:');
    await db.insertRows('patient', ['id', 'birth_date', 'sex'], [[1, '2001-02-03', 'F']]);
    const rows = await db.all(`SELECT id, birth_date, 1.5::DOUBLE AS d, 2::DECIMAL(4,1) AS dec FROM patient`);
    expect(rows).toEqual([{ id: 1, birth_date: '2001-02-03', d: 1.5, dec: 2 }]);
    await db.close();
  });

  it('rolls back a failed transaction completely', async () => {
    const db = await DuckDBEngine.open(':memory:');
    await expect(
      db.transaction(async (tx) => {
        await tx.insertRows('patient', ['id', 'birth_date', 'sex'], [[1, '2001-02-03', 'F']]);
        await tx.insertRows('patient', ['id', 'birth_date', 'sex'], [[2, '2001-02-03', 'X']]);
      }),
    ).rejects.toThrow();
    expect(await scalar(db, 'SELECT count(*) FROM patient')).toBe(0);
    await db.close();
  });
});
