import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvImportError } from '../../sources/csv/errors.js';
import type { ImportSummary } from '../../sources/csv/import-csv.js';
import { importIntoStore } from '../../sources/csv/import-into-store.js';
import { KNOWN_FILES } from '../../sources/csv/layout.js';
import { DuckDBEngine } from '../../store/duckdb/duckdb-engine.js';
import type { Engine } from '../../store/engine.js';
import { receiveMultipart, UploadError } from './multipart.js';

/**
 * Imports through the server (POST /api/imports): the upload is streamed into a private temp
 * folder, imported as one batch with the same importer as `gpnet import csv`, and the folder
 * is deleted. One import runs at a time; its progress is kept in memory (GET /api/imports).
 *
 * The import runs on its own connection where the engine allows it (DuckDB: a second
 * connection to the same database; PostgreSQL: `openStore`, when the server was given one), so
 * the long transaction does not hold the connection that serves everyone else.
 */
export type ImportPhase = 'receiving' | 'reading' | 'checking' | 'writing' | 'committed' | 'refused' | 'failed';

export interface ImportJob {
  id: string;
  username: string;
  phase: ImportPhase;
  startedAt: string;
  finishedAt: string | null;
  bytesReceived: number;
  /** The file being read, or the table being written. */
  current: string | null;
  rowsWritten: number;
  batchId: number | null;
  error: string | null;
}

export interface ImportServiceOptions {
  /** Opens a dedicated store connection for one import (closed after it). */
  openStore?: () => Promise<Engine>;
  /** Upload limit in bytes (the route's body limit is the hard cap). */
  maxBytes: number;
  /** Where private upload folders are made (default: the system temp folder). */
  tempDir?: string;
}

export type ImportOutcome =
  | { kind: 'imported'; job: ImportJob; summary: Extract<ImportSummary, { status: 'imported' }> }
  | { kind: 'already-imported'; job: ImportJob; summary: Extract<ImportSummary, { status: 'already-imported' }> };

export class ImportBusyError extends Error {}

const KEEP_FINISHED = 20;

export function acceptExtractName(name: string): string | null {
  if (/[/\\]/.test(name) || name.startsWith('.')) return `file name ${JSON.stringify(name.slice(0, 80))}: send the file's own name only (no folders)`;
  if (!KNOWN_FILES.includes(name)) return `unknown file ${JSON.stringify(name.slice(0, 80))}; an extract holds only ${KNOWN_FILES.join(', ')} (see docs/CSV-LAYOUT.md)`;
  return null;
}

export class ImportService {
  private readonly jobs = new Map<string, ImportJob>();
  private running: ImportJob | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly options: ImportServiceOptions,
  ) {}

  list(): ImportJob[] {
    return [...this.jobs.values()].reverse().map((j) => ({ ...j }));
  }

  get(id: string): ImportJob | undefined {
    const j = this.jobs.get(id);
    return j ? { ...j } : undefined;
  }

  /** Receives and imports one upload; throws UploadError, CsvImportError or ImportBusyError for the caller to answer. */
  async importUpload(username: string, body: ReadableStream<Uint8Array> | null, contentType: string | undefined): Promise<ImportOutcome> {
    if (this.running) throw new ImportBusyError(`another import (${this.running.id}, by ${this.running.username}) is running; try again when it has finished`);
    const job: ImportJob = {
      id: randomUUID(),
      username,
      phase: 'receiving',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      bytesReceived: 0,
      current: null,
      rowsWritten: 0,
      batchId: null,
      error: null,
    };
    this.running = job;
    this.remember(job);
    const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'gpnet-upload-'));
    let store: Engine | undefined;
    try {
      await receiveMultipart(body, contentType, { dir, maxBytes: this.options.maxBytes, acceptName: acceptExtractName, onBytes: (n) => (job.bytesReceived = n) });
      job.phase = 'reading';
      store = await this.openStore();
      const written = new Map<string, number>();
      const summary = await importIntoStore(store, dir, {
        source: `upload by ${username}`,
        onFile: (file) => (job.current = file),
        onTransaction: () => {
          job.phase = 'checking';
          job.current = null;
        },
        onWrite: (table, rows) => {
          job.phase = 'writing';
          job.current = table;
          written.set(table, rows);
          job.rowsWritten = [...written.values()].reduce((a, b) => a + b, 0);
        },
      });
      job.batchId = summary.batchId;
      job.finishedAt = new Date().toISOString();
      if (summary.status === 'imported') {
        job.phase = 'committed';
        job.current = null;
        job.rowsWritten = summary.totals.accepted;
        return { kind: 'imported', job: { ...job }, summary };
      }
      job.phase = 'refused';
      return { kind: 'already-imported', job: { ...job }, summary };
    } catch (err) {
      job.phase = 'failed';
      job.finishedAt = new Date().toISOString();
      if (err instanceof CsvImportError) {
        // Messages name the upload, not the server's private temp folder.
        const named = new CsvImportError(err.message.split(dir).join('the upload'));
        job.error = named.message;
        throw named;
      }
      job.error = err instanceof UploadError ? err.message : 'the import failed; nothing was written';
      throw err;
    } finally {
      this.running = null;
      if (store && store !== this.engine) await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async openStore(): Promise<Engine> {
    if (this.options.openStore) return this.options.openStore();
    if (this.engine instanceof DuckDBEngine) return this.engine.connectAgain();
    return this.engine;
  }

  private remember(job: ImportJob): void {
    this.jobs.set(job.id, job);
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== null);
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(old.id);
  }
}
