import { spawn, spawnSync } from 'node:child_process';
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

/**
 * A small measured store without the demo's extras: `generate` then `measure` over the given months
 * (`allowSparse`: also months before every practice has registrations, e.g. a decades-long history).
 */
export function buildSmallStore(opts: { patients: number; from: string; to?: string; dir?: string; allowSparse?: boolean }): { dir: string; db: string } {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'gpnet-web-'));
  const db = join(dir, 'store.duckdb');
  const g = gpnet('generate', '--db', db, '--patients', String(opts.patients), '--seed', '1');
  if (g.status !== 0) throw new Error(`gpnet generate failed: ${g.stderr}`);
  const m = gpnet('measure', '--db', db, '--from', opts.from, ...(opts.to ? ['--to', opts.to] : []), ...(opts.allowSparse ? ['--allow-sparse'] : []));
  if (m.status !== 0) throw new Error(`gpnet measure failed: ${m.stderr}`);
  return { dir, db };
}

export interface ServeProcess {
  url: string;
  pid: number;
  /** Stops the server by its pid (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a real `node bin/gpnet.js serve … --port 0` and waits for the URL it prints. */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gpnet.js'), 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string | null>((resolve) => {
    const t = setInterval(() => {
      const m = /on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(t);
      resolve(null);
    });
  });
  if (!url || child.pid === undefined) throw new Error(`gpnet serve did not start: ${err}`);
  return {
    url,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
