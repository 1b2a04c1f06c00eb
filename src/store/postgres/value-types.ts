import pg from 'pg';
import type { SqlValue } from '../engine.js';

/**
 * How values of PostgreSQL types are read back, so that rows are the same plain SqlValues the
 * DuckDB engine returns: DATE as 'YYYY-MM-DD', TIMESTAMP as an ISO string, BIGINT and NUMERIC
 * as numbers (BIGINT only when it fits a double exactly), JSON as its text.
 */
const OID = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  JSON: 114,
  JSONB: 3802,
  INTERVAL: 1186,
} as const;

function safeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${text} is too large to read safely`);
  return n;
}

/** NUMERIC (e.g. sum of BIGINTs): a whole number must be exact; a fraction becomes the nearest double. */
function numeric(text: string): number {
  return /^-?\d+$/.test(text) ? safeInteger(text) : Number(text);
}

/** '2024-01-31 12:34:56.789' (a TIMESTAMP, no zone) → '2024-01-31T12:34:56.789Z', as DuckDB's engine gives it. */
export function timestampToIso(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (!m) return text; // infinity, BC dates: keep PostgreSQL's own text
  const millis = (m[3] ?? '.000').slice(0, 4).padEnd(4, '0');
  return `${m[1]}T${m[2]}${millis}Z`;
}

const identity = (text: string): string => text;

const OVERRIDES: ReadonlyMap<number, (text: string) => SqlValue> = new Map<number, (text: string) => SqlValue>([
  [OID.INT8, safeInteger],
  [OID.NUMERIC, numeric],
  [OID.DATE, identity],
  [OID.TIMESTAMP, timestampToIso],
  [OID.TIMESTAMPTZ, (text) => new Date(text).toISOString()],
  [OID.JSON, identity],
  [OID.JSONB, identity],
  [OID.INTERVAL, identity],
]);

/** The `types` option for a pg Client: our overrides, pg's defaults for the rest (text format). */
export const plainTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    const own = OVERRIDES.get(oid);
    if (own && format !== 'binary') return own;
    return pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
  },
};

/** Anything else pg produced (arrays, buffers, points) as a plain value. */
export function plainValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return safeInteger(String(value));
    default:
      break;
  }
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return JSON.stringify(value);
}
