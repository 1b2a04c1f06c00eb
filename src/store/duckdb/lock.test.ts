import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from './duckdb-engine.js';
import { StoreLockedError, lockErrorOf } from './lock.js';

describe('lockErrorOf', () => {
  it('reads the PID and whether the holder only reads from DuckDB’s message', () => {
    const writer = lockErrorOf(new Error('IO Error: Could not set lock on file "/x/s.duckdb": Conflicting lock is held in /usr/bin/node (PID 3500). See also https://duckdb.org/docs/stable/connect/concurrency'), '/x/s.duckdb');
    expect(writer).toBeInstanceOf(StoreLockedError);
    expect(writer?.pid).toBe(3500);
    expect(writer?.holderReadsOnly).toBe(false);
    const reader = lockErrorOf(
      new Error('IO Error: Could not set lock on file "/x/s.duckdb": Conflicting lock is held in /usr/bin/node (PID 3588). However, you would be able to open this database in read-only mode, e.g. by using the -readonly parameter in the CLI.'),
      '/x/s.duckdb',
    );
    expect(reader?.pid).toBe(3588);
    expect(reader?.holderReadsOnly).toBe(true);
    expect(lockErrorOf(new Error('IO Error: Could not set lock on file "/x": Resource temporarily unavailable'), '/x')?.pid).toBeNull();
    expect(lockErrorOf(new Error('Catalog Error: Table with name t does not exist!'), '/x')).toBeNull();
  });
});

describe('DuckDBEngine read-only', () => {
  it('reads, refuses writes, and snapshotTo copies every table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpnet-lock-'));
    try {
      const db = join(dir, 's.duckdb');
      const w = await DuckDBEngine.open(db);
      await w.insertRows('organisation', ['code', 'name', 'kind', 'parent', 'synthetic'], [['P1', 'Practice one', 'practice', null, true]]);
      await w.snapshotTo(join(dir, 'copy.duckdb'));
      await w.close();
      for (const file of [db, join(dir, 'copy.duckdb')]) {
        const r = await DuckDBEngine.open(file, { readOnly: true });
        expect(await r.all('SELECT code, name FROM organisation')).toEqual([{ code: 'P1', name: 'Practice one' }]);
        await expect(r.run("UPDATE organisation SET name = 'x'")).rejects.toThrow(/read-only/);
        await r.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
