import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Crash safety of the generator, as a user would meet it: the process is killed mid-run;
// measuring the store then refuses (rather than computing on half the data), and
// `generate --force` recovers.
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'gpnet.js');
const work = mkdtempSync(join(tmpdir(), 'gpnet-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a generate run killed part-way', () => {
  const db = join(work, 'killed.duckdb');

  it('is refused by measure, then replaced by generate --force', async () => {
    const child = spawn(process.execPath, [bin, 'generate', '--patients', '150000', '--seed', '3', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Patients are written in the first phase; kill once the second phase has begun.
        if (/diagnoses/.test(stderr)) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(child.signalCode).toBe('SIGKILL');

    const measure = spawnSync(process.execPath, [bin, 'measure', '--db', db, '--from', '2010-01', '--to', '2010-02'], { encoding: 'utf8' });
    expect(measure.status).not.toBe(0);
    expect(measure.stderr).toMatch(/unfinished import batch 1/);

    const again = spawnSync(process.execPath, [bin, 'generate', '--patients', '3000', '--seed', '3', '--db', db, '--force'], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    // At 3,000 patients the tiny practice SYNP05 has no patients before 2012-04: the window is sparse.
    const ok = spawnSync(process.execPath, [bin, 'measure', '--db', db, '--from', '2010-01', '--to', '2010-02', '--allow-sparse'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const exported = spawnSync(process.execPath, [bin, 'export', 'results', '--db', db, '--format', 'json'], { encoding: 'utf8' });
    const rows = JSON.parse(exported.stdout) as { period_end: string }[];
    expect(new Set(rows.map((r) => r.period_end))).toEqual(new Set(['2010-01-31', '2010-02-28']));
  });
});
