import { CsvImportError } from './errors.js';
import type { FileSpec } from './layout.js';

/** Checks a file's header row against the layout: known names, no repeats, required present. */
export function checkHeader(spec: FileSpec, header: readonly string[]): void {
  const known = spec.columns.map((c) => c.name);
  const where = `${spec.file} line 1 (header)`;
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') throw new CsvImportError(`${where}: a column has no name`);
    if (!known.includes(name)) {
      throw new CsvImportError(`${where}: unknown column '${name}'; the columns of ${spec.file} are ${known.join(', ')}`);
    }
    if (seen.has(name)) throw new CsvImportError(`${where}: column '${name}' appears twice`);
    seen.add(name);
  }
  const missing = spec.columns.filter((c) => c.required && !seen.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new CsvImportError(`${where}: required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} missing (the header has ${header.join(', ')})`);
  }
}
