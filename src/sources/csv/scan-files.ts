import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parseCsv } from '../../util/csv.js';
import { CsvImportError } from './errors.js';

/**
 * One streaming pass over each file's bytes, done in JavaScript before DuckDB reads it:
 * the batch checksum (sha256), the header row, and two cheap facts that decide how physical
 * line numbers are recovered later (see line-map.ts):
 *   - whether the file contains a '"' at all (only then can a field hold a line break);
 *   - whether it may contain an empty line (DuckDB's reader skips those without a trace).
 * Both are found with Buffer.indexOf (native memchr-like search), so the pass runs at
 * several hundred MB/s. Only a file that really has an empty line gets a second, exact pass.
 */

const CHUNK = 4 << 20;
const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = 0x20;

export interface ScannedFile {
  path: string;
  bytes: number;
  /** Header names as written (BOM and surrounding quotes removed). */
  header: string[];
  hasQuote: boolean;
  mayHaveBlankLine: boolean;
}

/** Reads a file in chunks, feeding each to the hash and to `visit`. */
async function eachChunk(path: string, visit: (chunk: Buffer, offset: number) => void): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let offset = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
      if (bytesRead === 0) break;
      visit(buffer.subarray(0, bytesRead), offset);
      offset += bytesRead;
    }
    return offset;
  } finally {
    await handle.close();
  }
}

function parseHeader(bytes: Buffer, file: string): string[] {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r$/, '');
  if (text.trim() === '') throw new CsvImportError(`${file} line 1: the header row is missing (the first line must name the columns)`);
  const rows = parseCsv(text);
  return (rows[0] ?? []).map((h) => h.trim());
}

/**
 * Scans one file, adding `name NUL size NUL bytes` to the batch hash.
 * `name` is the file's base name, so the checksum does not depend on where the folder lives.
 */
export async function scanFile(path: string, name: string, size: number, hash: Hash): Promise<ScannedFile> {
  hash.update(`${name}\0${size}\0`);
  const headerParts: Buffer[] = [];
  let headerLength = 0;
  let headerDone = false;
  let hasQuote = false;
  let mayHaveBlankLine = false;
  let tail = Buffer.alloc(0);
  const bytes = await eachChunk(path, (chunk) => {
    hash.update(chunk);
    if (!headerDone) {
      const end = chunk.indexOf(NL);
      const part = end === -1 ? chunk : chunk.subarray(0, end);
      headerParts.push(Buffer.from(part));
      headerLength += part.length;
      if (end !== -1) headerDone = true;
      else if (headerLength > 1 << 20) throw new CsvImportError(`${name} line 1: the header row is longer than 1 MB`);
    }
    if (!hasQuote && chunk.indexOf(QUOTE) !== -1) hasQuote = true;
    if (!mayHaveBlankLine) {
      const seam = Buffer.concat([tail, chunk.subarray(0, 2)]);
      if (hasBlank(seam) || hasBlank(chunk)) mayHaveBlankLine = true;
      tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 2)));
    }
  });
  const header = parseHeader(Buffer.concat(headerParts), name);
  return { path, bytes, header, hasQuote, mayHaveBlankLine };
}

function hasBlank(b: Buffer): boolean {
  return b.indexOf('\n\n') !== -1 || b.indexOf('\n\r\n') !== -1;
}

/**
 * The exact pass, for files that may have empty lines: the record numbers (as DuckDB counts
 * them: header = 1, one more per line break outside quotes) of every empty line. Quoting
 * follows DuckDB's reader: a '"' opens a quoted field only at the start of a field (after
 * optional spaces), '""' inside a quoted field is a quote, and a '"' anywhere else is text.
 */
export async function blankRecordNumbers(path: string): Promise<number[]> {
  const blanks: number[] = [];
  // 0: unquoted, 1: inside quotes, 2: just after a quote inside quotes (closing or escaping).
  let state = 0;
  let fieldStart = true;
  let lineEmpty = true;
  let record = 1;
  await eachChunk(path, (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (state === 1) {
        if (b === QUOTE) state = 2;
        continue;
      }
      if (state === 2) {
        if (b === QUOTE) {
          state = 1;
          continue;
        }
        state = 0;
      }
      if (b === QUOTE) {
        if (fieldStart) state = 1;
        fieldStart = false;
        lineEmpty = false;
      } else if (b === COMMA) {
        fieldStart = true;
        lineEmpty = false;
      } else if (b === NL) {
        if (lineEmpty && record > 1) blanks.push(record);
        record++;
        lineEmpty = true;
        fieldStart = true;
      } else if (b === SPACE) {
        lineEmpty = false;
      } else if (b !== CR) {
        fieldStart = false;
        lineEmpty = false;
      }
    }
  });
  return blanks;
}

export function newBatchHash(): Hash {
  return createHash('sha256');
}
