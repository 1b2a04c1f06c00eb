import type { ColumnSpec } from './layout.js';

/**
 * SQL for the per-field checks of the layout. Each check is a condition on the raw VARCHAR
 * value (true = the value is wrong) and a reason, both SQL expressions; the validator strings
 * them into one CASE so that each row gets the first problem found, in column order.
 *
 * Column names come from the layout (never from a file), so they are safe to write into SQL.
 * Values are only ever read by the SQL, never spliced into it.
 */

export interface Check {
  field: string;
  /** SQL boolean: true when the row has this problem. */
  when: string;
  /** SQL string expression: the reason, e.g. `'2010-13-01' is not a date (YYYY-MM-DD)`. */
  reason: string;
}

/** SQL string literal for a constant text. */
export function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The value quoted for a message, on one line (line breaks shown as \n), cut to 60 characters. */
export function shown(col: string): string {
  const oneLine = `replace(replace(${col}, chr(13), '\\r'), chr(10), '\\n')`;
  return `('''' || CASE WHEN length(${col}) > 60 THEN left(${oneLine}, 57) || '...' ELSE ${oneLine} END || '''')`;
}

const SNOMED = '[1-9][0-9]{5,17}';
const LOCAL = 'GPNET-[A-Z0-9]+(-[A-Z0-9]+)*';

/** Patterns per kind, with the phrase for a value that does not match. */
export const PATTERNS = {
  patient_id: { re: '[1-9][0-9]{0,17}', says: 'is not a patient id (a whole number, 1 to 18 digits, no leading zero)' },
  date: { re: '[0-9]{4}-[0-9]{2}-[0-9]{2}', says: 'is not a date (YYYY-MM-DD)' },
  nhs_number: { re: '[0-9]{10}', says: 'is not an NHS number (10 digits)' },
  imd_decile: { re: '10|[1-9]', says: 'is not an IMD decile (1 to 10)' },
  snomed_or_local: { re: `${SNOMED}|${LOCAL}`, says: 'is not a SNOMED CT id (6 to 18 digits, no leading zero) nor a gpnet local code (GPNET-…)' },
  dmd: { re: SNOMED, says: 'is not a dm+d id (6 to 18 digits, no leading zero)' },
  icd10: { re: '[A-Z][0-9]{2}(\\.?[0-9A-Z]{1,2})?', says: 'is not an ICD-10 code (a capital letter, two digits, then optionally "." and one or two characters, e.g. I21.9)' },
  number: { re: '[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]{1,3})?', says: 'is not a number' },
  org_code: { re: '[A-Za-z0-9][A-Za-z0-9_-]{0,19}', says: 'is not an organisation code (letters, digits, - or _; at most 20)' },
  count: { re: '[0-9]{1,9}', says: 'is not a whole number' },
} as const;

/** Modulus 11: weights 10..2 on the first nine digits; 11 - (sum mod 11), 11 → 0, 10 → invalid. */
export function nhsCheckDigitOk(col: string): string {
  const terms = Array.from({ length: 9 }, (_, i) => `(ascii(substr(${col}, ${i + 1}, 1)) - 48) * ${10 - i}`);
  return `((11 - ((${terms.join(' + ')}) % 11)) % 11) = (ascii(substr(${col}, 10, 1)) - 48)`;
}

function match(col: string, re: string): string {
  return `regexp_full_match(${col}, ${lit(re)})`;
}

/**
 * The format checks for one column (an empty required value first).
 *
 * `knownWhen`, if given, is a SQL condition meaning "this value equals a key already in the
 * store" (a referential join matched on the exact text): such a value is well-formed, so its
 * pattern need not be tested. That keeps the costly regular expressions off the bulk of a big
 * file (patient ids and practice codes that are known), which is most of the validation time.
 */
export function columnChecks(spec: ColumnSpec, col = spec.name, knownWhen?: string): Check[] {
  const checks: Check[] = [];
  const field = spec.name;
  if (spec.required) {
    // A value that is present but blank fails its format check, with its own message; only
    // free text needs the explicit blank test.
    const empty = spec.kind === 'text' ? `(${col} IS NULL OR trim(${col}) = '')` : `${col} IS NULL`;
    checks.push({ field, when: empty, reason: lit('is empty; a value is required') });
  }
  const unknown = knownWhen ? `NOT (${knownWhen}) AND ` : '';
  const present = spec.required ? '' : `${col} IS NOT NULL AND `;
  const fails = (re: string, says: string): Check => ({
    field,
    when: `(${unknown}${present}NOT ${match(col, re)})`,
    reason: `${shown(col)} || ${lit(' ' + says)}`,
  });
  switch (spec.kind) {
    case 'text':
      break;
    case 'enum': {
      const values = spec.values ?? [];
      checks.push({
        field,
        when: `(${present}${col} NOT IN (${values.map(lit).join(', ')}))`,
        reason: `${shown(col)} || ${lit(` is not one of ${values.join(', ')}`)}`,
      });
      break;
    }
    case 'sex':
      checks.push({ field, when: `(${present}${col} NOT IN ('F', 'M', 'U'))`, reason: `${shown(col)} || ${lit(' is not a sex code (F, M or U)')}` });
      break;
    case 'date':
      // Exactly YYYY-MM-DD and a real calendar date: the value must read as a DATE and print
      // back as itself (cheaper than a regular expression plus a cast, and just as strict).
      checks.push({
        field,
        when: `(${present}(length(${col}) <> 10 OR CAST(try_cast(${col} AS DATE) AS VARCHAR) IS DISTINCT FROM ${col}))`,
        reason: `${shown(col)} || ${lit(' ' + PATTERNS.date.says)}`,
      });
      break;
    case 'nhs_number':
      checks.push(fails(PATTERNS.nhs_number.re, PATTERNS.nhs_number.says));
      checks.push({ field, when: `(${present}NOT ${nhsCheckDigitOk(col)})`, reason: `${shown(col)} || ${lit(' fails the NHS number check digit (modulus 11)')}` });
      break;
    case 'number':
      checks.push(fails(PATTERNS.number.re, PATTERNS.number.says));
      break;
    default: {
      const p = PATTERNS[spec.kind];
      checks.push(fails(p.re, p.says));
    }
  }
  return checks;
}

/** The SQL that turns a checked raw value into the store column's type. */
export function typedValue(spec: ColumnSpec, col = spec.name): string {
  switch (spec.kind) {
    case 'patient_id':
      return `CAST(${col} AS BIGINT)`;
    case 'date':
      return `CAST(${col} AS DATE)`;
    case 'number':
      return `CAST(${col} AS DOUBLE)`;
    case 'imd_decile':
      return `CAST(${col} AS SMALLINT)`;
    case 'count':
      return `CAST(${col} AS INTEGER)`;
    default:
      return col;
  }
}

/** The row re-assembled as a CSV line (RFC 4180 quoting), for rejected_row.raw. */
export function rawLine(columns: readonly string[], alias = ''): string {
  const parts = columns.map((c) => {
    const col = `${alias}${c}`;
    return `CASE WHEN ${col} IS NULL THEN '' WHEN regexp_matches(${col}, '[",\\r\\n]') THEN '"' || replace(${col}, '"', '""') || '"' ELSE ${col} END`;
  });
  return parts.join(` || ',' || `);
}

/** Strings checks into one CASE giving `field <US> reason` for the first problem, else NULL. */
export function firstProblem(checks: readonly Check[]): string {
  if (checks.length === 0) return 'CAST(NULL AS VARCHAR)';
  const arms = checks.map((c) => `WHEN ${c.when} THEN ${lit(c.field)} || chr(31) || (${c.reason})`);
  return `CASE ${arms.join('\n    ')} END`;
}
