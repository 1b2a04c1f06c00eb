import { int } from './sql.js';

/**
 * Interval algebra in SQL. Everything is in period-index space: k = 0 … n−1 indexes the sorted
 * reference dates, and an interval [lo, hi] (inclusive) is the run of reference dates on which
 * something holds. Interval tables have columns (patient_id, lo, hi[, payload]) and, per
 * patient, disjoint intervals — so a LEFT JOIN on patient and `k BETWEEN lo AND hi` finds at
 * most one row.
 */

/**
 * Count of overlapping items at each k: `items` has (patient_id, lo, hi), one row per item
 * (for example an event and the periods whose window contains it). Returns disjoint segments
 * (patient_id, lo, hi, cnt) where at least `minCount` items overlap.
 */
export function sweep(items: string, minCount: number): string {
  return `(WITH it AS MATERIALIZED (SELECT patient_id, lo, hi FROM ${items} AS src WHERE lo <= hi),
  dl AS (SELECT patient_id, lo AS pos, 1 AS dl FROM it UNION ALL SELECT patient_id, hi + 1 AS pos, -1 AS dl FROM it),
  g AS (SELECT patient_id, pos, sum(dl) AS dl FROM dl GROUP BY patient_id, pos),
  r AS (SELECT patient_id, pos,
          sum(dl) OVER (PARTITION BY patient_id ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cnt,
          lead(pos) OVER (PARTITION BY patient_id ORDER BY pos) AS nxt
        FROM g)
  SELECT patient_id, pos AS lo, nxt - 1 AS hi, CAST(cnt AS BIGINT) AS cnt FROM r WHERE cnt >= ${int(minCount)} AND nxt IS NOT NULL)`;
}

/**
 * Joins overlapping or adjacent intervals into maximal runs. `intervals` has (patient_id, lo, hi)
 * with distinct lo per patient and hi non-decreasing in lo order (true of disjoint intervals,
 * and of event windows, whose both ends move forward with the event date). One sort of all
 * rows marks run starts and ends; a second, small one pairs them.
 */
export function merge(intervals: string): string {
  return `(SELECT patient_id, lo, hi FROM (
    SELECT patient_id, lo, st, CASE WHEN en THEN hi ELSE lead(hi) OVER (PARTITION BY patient_id ORDER BY lo) END AS hi FROM (
      SELECT patient_id, lo, hi,
        coalesce(lo > lag(hi) OVER w + 1, TRUE) AS st,
        coalesce(lead(lo) OVER w > hi + 1, TRUE) AS en
      FROM ${intervals} AS src WHERE lo <= hi
      WINDOW w AS (PARTITION BY patient_id ORDER BY lo)) AS m
    WHERE st OR en) AS f
  WHERE st)`;
}

/**
 * "The latest item on or before R": `perK` has (patient_id, k, whi, v) with one row per patient
 * and k, where k is the first period at or after the item's date and whi the last period whose
 * window still contains it. The item is the latest one from period k until the next item's k,
 * and counts only up to whi. Returns disjoint (patient_id, lo, hi, v).
 */
export function latestSegments(perK: string, n: number): string {
  return `(SELECT patient_id, lo, hi, v FROM (
    SELECT patient_id, k AS lo,
      least(coalesce(lead(k) OVER (PARTITION BY patient_id ORDER BY k) - 1, ${int(n - 1)}), whi) AS hi, v
    FROM ${perK} AS src) AS seg WHERE lo <= hi)`;
}

/** Intersects disjoint intervals `a` (with extra columns `keep`) with disjoint intervals `b`. */
export function intersect(a: string, b: string, keep: readonly string[]): string {
  const cols = keep.map((c) => `x.${c}`).join(', ');
  return `(SELECT x.patient_id${cols ? `, ${cols}` : ''}, greatest(x.lo, y.lo) AS lo, least(x.hi, y.hi) AS hi
    FROM ${a} AS x JOIN ${b} AS y ON y.patient_id = x.patient_id AND y.lo <= x.hi AND y.hi >= x.lo)`;
}
