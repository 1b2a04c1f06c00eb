/**
 * A problem with the extract as a whole (unknown file, bad header, nothing to import): the
 * import does not start. Problems with single rows are never errors: they become rejected rows.
 */
export class CsvImportError extends Error {}
