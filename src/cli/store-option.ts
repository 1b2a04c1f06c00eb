import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { StoreLocation } from '../store/open.js';
import { UserError } from './errors.js';

/** The options every store-reading command takes: a DuckDB file (the default engine) or PostgreSQL. */
export interface StoreOptions {
  db?: string;
  pg?: string;
  /** --read-only, on commands that only read (see READ_ONLY_HELP). */
  readOnly?: boolean;
}

/** The help of --read-only, which every command that only reads the store takes. */
export const READ_ONLY_HELP = 'open the store for reading only; works while gpnet serve or gpnet demo holds the DuckDB file (it reads a snapshot the server makes)';

/** The openStore options for a command's store options. */
export function openOptions(opts: StoreOptions): { readOnly: boolean } {
  return { readOnly: opts.readOnly === true };
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database');
}

/** Checks that exactly one store was given (and that a DuckDB file exists) and returns where it is. */
export function storeLocation(opts: StoreOptions, hint = 'create one with gpnet generate or gpnet import csv'): StoreLocation {
  if (opts.db && opts.pg) throw new UserError('give one store: --db FILE or --pg postgres://…, not both');
  if (opts.pg) {
    if (!/^postgres(ql)?:\/\//.test(opts.pg)) throw new UserError(`--pg must be a postgres:// connection URL (got ${describeStore(opts)})`);
    return { pg: opts.pg };
  }
  if (!opts.db) throw new UserError('give the store: --db FILE (DuckDB) or --pg postgres://… (PostgreSQL)');
  if (!existsSync(opts.db)) throw new UserError(`no store at ${opts.db} (${hint})`);
  return { db: opts.db };
}

/** The store for messages: the file, or the URL without its password. */
export function describeStore(opts: StoreOptions): string {
  if (opts.db) return opts.db;
  return (opts.pg ?? '').replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** `--pg-pool N`: connections in the server's PostgreSQL pool (1–200; default 10). */
export function poolSizeOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 200) throw new UserError(`--pg-pool must be a whole number from 1 to 200 (got ${value})`);
  return n;
}
