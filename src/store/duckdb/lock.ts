/**
 * DuckDB lets one process at a time open a file for writing (and several for reading only, but
 * only while nobody writes). A second process gets "IO Error: Could not set lock on file …:
 * Conflicting lock is held in /usr/bin/node (PID n)"; this turns that into a typed error that
 * the CLI can explain (see src/cli/store-lock-message.ts).
 */
export class StoreLockedError extends Error {
  constructor(
    /** The DuckDB file. */
    readonly path: string,
    /** The process holding the lock, when DuckDB names it. */
    readonly pid: number | null,
    /** True when the holder only reads (so this process could open the file read-only too). */
    readonly holderReadsOnly: boolean,
    readonly duckdbMessage: string,
  ) {
    super(`the store ${path} is in use by another process${pid === null ? '' : ` (PID ${pid})`}`);
  }
}

/** The StoreLockedError for a DuckDB open error, or null when the error is something else. */
export function lockErrorOf(err: unknown, path: string): StoreLockedError | null {
  const message = err instanceof Error ? err.message : String(err);
  if (!/Could not set lock on file/i.test(message)) return null;
  const pid = /\(PID (\d+)\)/.exec(message);
  return new StoreLockedError(path, pid ? Number(pid[1]) : null, /able to open this database in read-only mode/i.test(message), message);
}
