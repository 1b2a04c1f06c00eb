import { readFileSync } from 'node:fs';
import { askHolder } from '../store/duckdb/holder.js';
import type { StoreLockedError } from '../store/duckdb/lock.js';

/** The command line of a process, as a person would type it ("gpnet serve --db x"), or null. */
export function processCommand(pid: number): string | null {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return null;
  }
  const gpnet = args.findIndex((a) => /(^|\/)gpnet(\.js)?$/.test(a));
  if (gpnet >= 0) return ['gpnet', ...args.slice(gpnet + 1)].join(' ');
  return args.length ? args.join(' ') : null;
}

export interface LockContext {
  /** The command takes --read-only (it only reads). */
  readOnlyOption: boolean;
  /** … and --read-only was given. */
  readOnlyGiven: boolean;
}

/**
 * What to tell someone whose command found the DuckDB store held by another process: who holds it
 * (the gpnet command and where it serves, or the process's command line) and what to do.
 */
export async function lockMessage(err: StoreLockedError, ctx: LockContext): Promise<string> {
  const holder = await askHolder(err.path);
  const pid = holder?.pid ?? err.pid;
  const command = holder?.command ?? (pid === null ? null : processCommand(pid));
  const who = [pid === null ? 'another process' : `PID ${pid}`, command ? `: ${command}` : '', holder?.url ? `, serving ${holder.url}/` : ''].join('');
  const lines = [`the store ${err.path} is in use by another process, so this command cannot open it:`, `  ${who}`];
  if (err.holderReadsOnly) {
    lines.push('That process only reads the store, but DuckDB lets nobody write a store while others read it.');
    lines.push(ctx.readOnlyOption && !ctx.readOnlyGiven ? 'Wait for it to finish, or add --read-only: this command only reads.' : 'Wait for it to finish, then run this command again.');
    return lines.join('\n');
  }
  lines.push('DuckDB lets one process at a time open a store for writing, and nobody else open it meanwhile. You can:');
  lines.push(`  - stop that process (Ctrl-C where it runs${pid === null ? '' : `, or kill ${pid}`}) and run this command again;`);
  if (holder?.url) lines.push(`  - use the running server instead: its pages at ${holder.url}/ and its JSON API (${holder.url}/api/openapi.json);`);
  if (!ctx.readOnlyOption) {
    lines.push('  - this command writes to the store, so otherwise it has to wait until that process has stopped.');
  } else if (!ctx.readOnlyGiven) {
    lines.push('  - add --read-only: this command only reads, and with --read-only it works while gpnet serve or gpnet demo holds the store.');
  } else {
    lines.push('  - --read-only works while gpnet serve or gpnet demo holds the store; this process is not one of them (it is writing), so wait for it to finish.');
  }
  return lines.join('\n');
}
