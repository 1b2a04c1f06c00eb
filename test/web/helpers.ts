import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export function gpnet(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gpnet.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small demo store (generated and measured by the built CLI), in a fresh temp folder. */
export function buildDemoStore(patients = 20000): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gpnet-web-'));
  const db = join(dir, 'web.duckdb');
  const r = gpnet('demo', '--db', db, '--patients', String(patients), '--no-serve');
  if (r.status !== 0) throw new Error(`gpnet demo failed: ${r.stderr}`);
  return { dir, db };
}
