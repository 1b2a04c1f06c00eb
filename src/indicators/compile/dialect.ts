import type { Dialect } from '../../store/engine.js';

/**
 * Everything in the compiled SQL that differs between DuckDB and PostgreSQL: date arithmetic,
 * the day series behind the calendar, "value at the greatest key" and temp tables. The rest of
 * the compiler writes SQL in the subset both databases share (window functions, CTEs with
 * MATERIALIZED, LEFT JOIN with range predicates).
 *
 * Arguments are SQL expressions the compiler built itself (column names, integer literals,
 * parameter placeholders), never user text.
 */
export interface SqlDialect {
  readonly name: Dialect;
  /** `date` plus `months` calendar months, keeping the day and clamping to the month end (2012-02-29 + 12 → 2013-02-28). */
  addMonths(date: string, months: string): string;
  /** `date` plus `days` days (days may be negative). */
  addDays(date: string, days: string): string;
  /** The name of the 8-byte floating point type. */
  readonly double: string;
  /** A DATE from a 'YYYY-MM-DD' literal or parameter placeholder. */
  date(expr: string): string;
  /** A FROM item yielding one column `d` for every day from..to inclusive. */
  days(from: string, to: string): string;
  /** Aggregate: `value` of the row with the greatest `key` (keys unique within the group). */
  argMax(value: string, key: string): string;
  /** Aggregate: `value` of the row with the latest `date`, the lowest value among rows on that date. */
  latestLowest(value: string, date: string): string;
  /** `text` starts with `prefix`. */
  startsWith(text: string, prefix: string): string;
  createTempTable(name: string, select: string): string;
  dropTempTable(name: string): string;
}

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  double: 'DOUBLE',
  addMonths: (date, months) => `CAST((${date}) + INTERVAL (${months}) MONTH AS DATE)`,
  addDays: (date, days) => `CAST((${date}) + INTERVAL (${days}) DAY AS DATE)`,
  date: (expr) => `CAST(${expr} AS DATE)`,
  days: (from, to) => `(SELECT CAST(t.d AS DATE) AS d FROM range(CAST(${from} AS DATE), CAST(${to} AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d))`,
  argMax: (value, key) => `arg_max(${value}, ${key})`,
  latestLowest: (value, date) => `arg_max(${value}, {'d': ${date}, 'nv': -(${value})})`,
  startsWith: (text, prefix) => `starts_with(${text}, ${prefix})`,
  createTempTable: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS ${select}`,
  dropTempTable: (name) => `DROP TABLE IF EXISTS ${name}`,
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  double: 'DOUBLE PRECISION',
  addMonths: (date, months) => `CAST((${date}) + make_interval(months => ${months}) AS DATE)`,
  addDays: (date, days) => `CAST((${date}) + (${days}) AS DATE)`,
  date: (expr) => `CAST(${expr} AS DATE)`,
  days: (from, to) => `(SELECT CAST(t.d AS DATE) AS d FROM generate_series(CAST(${from} AS DATE), CAST(${to} AS DATE), INTERVAL '1 day') AS t(d))`,
  argMax: (value, key) => `(array_agg(${value} ORDER BY ${key} DESC))[1]`,
  latestLowest: (value, date) => `(array_agg(${value} ORDER BY ${date} DESC, ${value} ASC))[1]`,
  startsWith: (text, prefix) => `starts_with(${text}, ${prefix})`,
  createTempTable: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`,
  dropTempTable: (name) => `DROP TABLE IF EXISTS ${name}`,
};

export function dialectFor(name: Dialect): SqlDialect {
  return name === 'duckdb' ? duckdbDialect : postgresDialect;
}
