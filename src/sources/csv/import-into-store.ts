import type { Engine } from '../../store/engine.js';
import { importCsvExtract, type ImportSummary } from './import-csv.js';
import { importCsvExtractToPostgres, type PostgresImportOptions } from './import-postgres.js';

/** Imports an extract folder into whichever store `engine` is: DuckDB directly, PostgreSQL through a scratch DuckDB. */
export function importIntoStore(engine: Engine, dir: string, options: PostgresImportOptions = {}): Promise<ImportSummary> {
  return engine.dialect === 'postgres' ? importCsvExtractToPostgres(engine, dir, options) : importCsvExtract(engine, dir, options);
}
