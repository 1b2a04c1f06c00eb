import type { SqlValue } from '../../store/engine.js';

/**
 * One SQL statement being built: text plus its positional parameters ($1, $2, …).
 * Codelist slugs, comparison values and dates travel as parameters; the only things written
 * into the text are identifiers the compiler made itself and integers checked by `int`.
 */
export class Statement {
  readonly params: SqlValue[] = [];

  /** Adds a parameter and returns its placeholder. */
  param(value: SqlValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** An integer written into SQL text (window lengths, counts, period indexes). */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return n < 0 ? `(${n})` : String(n);
}

/** A table or column name the compiler made. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

/** A 'YYYY-MM-DD' date written into SQL text as a literal (only dates the compiler computed). */
export function dateLiteral(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not an ISO date: ${JSON.stringify(iso)}`);
  return `DATE '${iso}'`;
}
