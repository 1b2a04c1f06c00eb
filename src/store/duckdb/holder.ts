import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, realpathSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { DuckDBEngine } from './duckdb-engine.js';

/**
 * The store holder's side channel. DuckDB lets no other process open a file while one process
 * writes it, not even read-only; `gpnet serve` and `gpnet demo` hold their DuckDB store for as
 * long as they run. So that reading commands still work meanwhile (`--read-only`), a serving
 * process listens on a Unix socket named after the store (owner-only, mode 0600) and answers:
 *
 *   {"op":"info"}     → {"pid", "command", "url"}: who holds the store (for the lock message);
 *   {"op":"snapshot"} → {"path"}: a consistent copy of the store written beside it (COPY FROM
 *                       DATABASE in one transaction), which the reader opens read-only and removes.
 *
 * Requests and answers are one line of JSON each. Only the user who can open the socket (the
 * store's owner, as for the store file itself) can ask; the snapshot sits beside the store, so it
 * has the store's own protection.
 */
export interface HolderInfo {
  pid: number;
  /** The command line, for people: e.g. "gpnet serve --db demo.duckdb". */
  command: string;
  /** Where the holder serves the dashboard, if it does. */
  url: string | null;
}

const Request = z.object({ op: z.enum(['info', 'snapshot']) }).strict();
const InfoAnswer = z.object({ pid: z.number().int(), command: z.string(), url: z.string().nullable() });
const SnapshotAnswer = z.union([z.object({ path: z.string() }), z.object({ error: z.string() })]);

/** The socket of a store: in the temporary folder, named by a hash of the file's real path (sockets' paths are short). */
export function holderSocketPath(dbPath: string): string {
  let real: string;
  try {
    real = realpathSync(dbPath);
  } catch {
    real = resolve(dbPath);
  }
  return join(tmpdir(), `gpnet-store-${createHash('sha256').update(real).digest('hex').slice(0, 20)}.sock`);
}

export interface SharedStore {
  close(): Promise<void>;
}

/**
 * Starts answering on the store's socket. `engine` must be the open, writing engine of
 * `engine.location`. Throws when the socket cannot be made (e.g. another user's file in its place);
 * callers serve on without it (reading commands then cannot use --read-only meanwhile).
 */
export async function shareStore(engine: DuckDBEngine, info: Omit<HolderInfo, 'pid'>): Promise<SharedStore> {
  const socketPath = holderSocketPath(engine.location);
  // A socket left by a holder that was killed: this process holds the store's lock now, so it is stale.
  rmSync(socketPath, { force: true });
  const made = new Set<string>();
  const answer = async (line: string): Promise<unknown> => {
    let req: z.infer<typeof Request>;
    try {
      req = Request.parse(JSON.parse(line));
    } catch {
      return { error: 'bad request' };
    }
    if (req.op === 'info') return { pid: process.pid, ...info };
    const path = join(dirname(resolve(engine.location)), `.${basename(engine.location)}.snapshot-${process.pid}-${randomBytes(6).toString('hex')}.duckdb`);
    made.add(path);
    try {
      await engine.snapshotTo(path);
      chmodSync(path, 0o600);
      return { path };
    } catch (err) {
      removeSnapshot(path);
      made.delete(path);
      return { error: `could not copy the store: ${(err as Error).message}` };
    }
  };
  const server: Server = createServer((socket: Socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 10_000) socket.destroy();
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      const line = buffer.slice(0, nl);
      buffer = '';
      void answer(line).then((a) => socket.end(`${JSON.stringify(a)}\n`));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(socketPath, () => ok());
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        rmSync(socketPath, { force: true });
        // Snapshots a reader has not removed (it was killed): the holder cleans up after itself.
        for (const p of made) removeSnapshot(p);
      }),
  };
}

/** Removes a snapshot file (and a write-ahead log beside it, if any). */
export function removeSnapshot(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
}

/** Only a socket owned by the store file's owner is asked (anyone can make files in the temporary folder). */
function trustedSocket(dbPath: string): boolean {
  try {
    const socket = lstatSync(holderSocketPath(dbPath));
    return socket.isSocket() && socket.uid === statSync(dbPath).uid;
  } catch {
    return false;
  }
}

async function ask(dbPath: string, op: 'info' | 'snapshot', timeoutMs: number): Promise<unknown> {
  if (!trustedSocket(dbPath)) return null;
  return new Promise((resolveAnswer) => {
    const socket = connect(holderSocketPath(dbPath));
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolveAnswer(null);
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ op })}\n`));
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolveAnswer(JSON.parse(data));
      } catch {
        resolveAnswer(null);
      }
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolveAnswer(null);
    });
  });
}

/** Who holds the store, if a gpnet process serving it answers on its socket; null otherwise. */
export async function askHolder(dbPath: string): Promise<HolderInfo | null> {
  const parsed = InfoAnswer.safeParse(await ask(dbPath, 'info', 2000));
  return parsed.success ? parsed.data : null;
}

/**
 * Asks the process serving the store for a snapshot; returns its path (remove it with
 * removeSnapshot when done), or null when no gpnet process serving the store answers.
 */
export async function requestSnapshot(dbPath: string, timeoutMs = 10 * 60_000): Promise<string | null> {
  const parsed = SnapshotAnswer.safeParse(await ask(dbPath, 'snapshot', timeoutMs));
  if (!parsed.success) return null;
  if ('error' in parsed.data) throw new Error(`the gpnet process serving ${dbPath} could not make a snapshot for reading: ${parsed.data.error}`);
  // Only a snapshot beside the store, named as shareStore names them, is opened (and later removed).
  const path = parsed.data.path;
  const expected = join(dirname(resolve(dbPath)), `.${basename(dbPath)}.snapshot-`);
  if (!path.startsWith(expected) || !/^[0-9]+-[0-9a-f]{12}\.duckdb$/.test(path.slice(expected.length))) return null;
  return path;
}
