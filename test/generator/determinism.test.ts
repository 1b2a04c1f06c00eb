import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/store/duckdb/duckdb-engine.js';
import { generateSynthetic, StoreNotEmptyError } from '../../src/sources/synthetic/generate.js';
import { CODELISTS, generatedStore, num, storeChecksums } from './helpers.js';
import type { Engine } from '../../src/store/engine.js';

describe('synthetic generator: determinism', () => {
  const open: Engine[] = [];
  afterAll(async () => {
    for (const db of open) await db.close();
  });

  it('gives identical tables for the same seed and size, and different ones for another seed', async () => {
    const a = await generatedStore(5000, 7);
    const b = await generatedStore(5000, 7);
    const c = await generatedStore(5000, 8);
    open.push(a.db, b.db, c.db);
    const ca = await storeChecksums(a.db);
    const cb = await storeChecksums(b.db);
    const cc = await storeChecksums(c.db);
    expect(cb).toEqual(ca);
    expect(a.summary.rows).toEqual(b.summary.rows);
    for (const t of ['patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission', 'benchmark_series']) {
      expect(cc[t], t).not.toEqual(ca[t]);
    }
    // The organisations do not depend on the seed (only list_size_reference depends on the size).
    expect(cc['organisation']).toEqual(ca['organisation']);
    // The import batch records the source and a checksum of the recipe, the same for the same inputs.
    const batchA = await a.db.all('SELECT source, checksum, rows_in, rows_accepted, rows_rejected FROM import_batch');
    const batchB = await b.db.all('SELECT source, checksum, rows_in, rows_accepted, rows_rejected FROM import_batch');
    expect(batchA).toEqual(batchB);
    expect(batchA[0]?.['source']).toBe('synthetic:seed=7,patients=5000');
  });

  it('refuses to overwrite a store that holds patients unless forced, and then replaces them', async () => {
    const db = await DuckDBEngine.open(':memory:');
    open.push(db);
    await generateSynthetic(db, { patients: 1000, seed: 1 }, { codelists: CODELISTS });
    const before = await num(db, 'SELECT count(*) FROM consultation');
    await expect(generateSynthetic(db, { patients: 1000, seed: 2 }, { codelists: CODELISTS })).rejects.toBeInstanceOf(StoreNotEmptyError);
    expect(await num(db, 'SELECT count(*) FROM consultation')).toBe(before);
    const s = await generateSynthetic(db, { patients: 1200, seed: 2, force: true }, { codelists: CODELISTS });
    expect(await num(db, 'SELECT count(*) FROM patient')).toBe(1200);
    expect(await num(db, 'SELECT count(DISTINCT batch_id) FROM clinical_event')).toBe(1);
    expect(await num(db, 'SELECT max(batch_id) FROM consultation')).toBe(s.batchId);
    expect(await num(db, 'SELECT count(*) FROM import_batch')).toBe(2);
    expect(await num(db, 'SELECT count(*) FROM organisation')).toBe(49);
  });

  it('leaves nothing behind when a step fails part-way', async () => {
    const db = await DuckDBEngine.open(':memory:');
    open.push(db);
    const failing = {
      start(label: string): void {
        if (label === 'COPD care') throw new Error('interrupted');
      },
      tick(): void {},
      stop(): void {},
    };
    await expect(generateSynthetic(db, { patients: 1000, seed: 1 }, { codelists: CODELISTS, progress: failing })).rejects.toThrow('interrupted');
    for (const t of ['organisation', 'patient', 'registration', 'clinical_event', 'medication_issue', 'consultation', 'admission', 'benchmark_series', 'import_batch']) {
      expect(await num(db, `SELECT count(*) FROM ${t}`), t).toBe(0);
    }
    expect(await num(db, `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'g\\_%' ESCAPE '\\'`)).toBe(0);
    // …and the store can then be generated into normally.
    await generateSynthetic(db, { patients: 1000, seed: 1 }, { codelists: CODELISTS });
    expect(await num(db, 'SELECT count(*) FROM patient')).toBe(1000);
  });

  it('rejects bad options', async () => {
    const db = await DuckDBEngine.open(':memory:');
    open.push(db);
    await expect(generateSynthetic(db, { patients: 10, seed: 1 }, { codelists: CODELISTS })).rejects.toThrow(/at least 200/);
    await expect(generateSynthetic(db, { patients: 1000, seed: -1 }, { codelists: CODELISTS })).rejects.toThrow(/seed/);
  });
});
