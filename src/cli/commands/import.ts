import type { Command } from 'commander';
import { CsvImportError } from '../../sources/csv/errors.js';
import { formatRejection, type ImportSummary } from '../../sources/csv/import-csv.js';
import { importIntoStore } from '../../sources/csv/import-into-store.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';

/**
 * `gpnet import csv --db FILE DIR` (or `--pg postgres://…`): imports a CSV extract folder (docs/CSV-LAYOUT.md).
 * Exit codes: 0 committed (even with rejected rows); 3 refused because the same files were
 * imported before (nothing written); 2 bad extract or usage (nothing written); 1 any other failure.
 */
export const EXIT_ALREADY_IMPORTED = 3;

const n = (x: number): string => x.toLocaleString('en-GB');

/** The per-file table and totals, as printed. */
export function formatSummary(summary: Extract<ImportSummary, { status: 'imported' }>, shown = 20): string {
  const rows = [['file', 'rows in', 'accepted', 'rejected'], ...summary.files.map((f) => [f.file, n(f.rowsIn), n(f.accepted), n(f.rejected)])];
  rows.push(['total', n(summary.totals.rowsIn), n(summary.totals.accepted), n(summary.totals.rejected)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = rows.map(line);
  out.splice(rows.length - 1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  out.push('');
  out.push(
    `import batch ${summary.batchId} committed in ${summary.seconds.toFixed(1)} s (${n(Math.round(summary.rowsPerSecond))} rows/s); checksum sha256 ${summary.checksum}`,
  );
  if (summary.totals.rejected > 0) {
    out.push('');
    out.push(`rejected rows (kept in rejected_row, batch_id ${summary.batchId}):`);
    for (const r of summary.firstRejections.slice(0, shown)) out.push(`  ${formatRejection(r).replace(/\n/g, '\\n')}`);
    const more = summary.totals.rejected - Math.min(shown, summary.firstRejections.length);
    if (more > 0) out.push(`  … and ${n(more)} more`);
  }
  return out.join('\n');
}

export function register(program: Command): void {
  const imp = program.command('import').description('import data into the store');
  imp
    .command('csv')
    .description('import a folder of CSV files (one per table, see docs/CSV-LAYOUT.md) as one import batch, in one transaction')
    .argument('<dir>', 'folder holding organisations.csv, patients.csv, registrations.csv, clinical_events.csv, …')
    .option('--db <file>', 'the DuckDB store file (created if missing)')
    .option('--pg <url>', 'a PostgreSQL store instead (postgres://user@host:port/database)')
    .option('--show <n>', 'how many rejected rows to print', '20')
    .action(async (dir: string, opts: { db?: string; pg?: string; show: string }) => {
      const shown = Number(opts.show);
      if (!Number.isInteger(shown) || shown < 0) throw new UserError(`--show must be a whole number, not '${opts.show}'`);
      if (!opts.db === !opts.pg) throw new UserError('give one store: --db FILE or --pg postgres://…');
      if (opts.pg && !/^postgres(ql)?:\/\//.test(opts.pg)) throw new UserError(`--pg must be a postgres:// connection string, not '${opts.pg.replace(/:[^@/]*@/, ':***@')}'`);
      const store = await openStore(opts.pg ? { pg: opts.pg } : { db: opts.db! });
      try {
        const summary = await importIntoStore(store, dir, {
          showRejections: shown,
          onFile: (file, bytes) => {
            if (process.stderr.isTTY) process.stderr.write(`importing ${file} (${n(bytes)} bytes)\n`);
          },
        });
        if (summary.status === 'already-imported') {
          process.stderr.write(
            `gpnet: these files were already imported as batch ${summary.batchId} (${summary.source}, received ${summary.receivedAt}; sha256 ${summary.checksum}); nothing was written\n`,
          );
          process.exitCode = EXIT_ALREADY_IMPORTED;
          return;
        }
        process.stdout.write(`${formatSummary(summary, shown)}\n`);
      } catch (err) {
        if (err instanceof CsvImportError) throw new UserError(err.message);
        throw err;
      } finally {
        await store.close();
      }
    });
}
