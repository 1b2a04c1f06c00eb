import type { Engine } from '../../store/engine.js';

/**
 * A patient's registrations must not overlap (end_date is exclusive, NULL = still open):
 * [s1, e1) and [s2, e2) overlap when s1 < e2 and s2 < e1.
 *
 * Among the rows that passed every other check (the candidates):
 *   1. a row overlapping a registration already in the store is rejected;
 *   2. of the rest, a row overlapping an EARLIER row of the file (by line) is rejected, naming
 *      that line. The earliest row of an overlapping group is kept, so a duplicated
 *      registration keeps its first copy. (Every later row is compared with every earlier
 *      candidate, even one that is itself rejected as an overlap.)
 * Adds those rows to `bad` (ord, field, reason, other_ord).
 */
export async function addRegistrationOverlaps(tx: Engine, raw: string, bad: string): Promise<void> {
  const cand = `csv_reg_candidates`;
  const open = `DATE '9999-12-31'`;
  const describe = (a: string): string =>
    `${a}.practice || ' from ' || CAST(${a}.start_date AS VARCHAR) || CASE WHEN ${a}.end_date IS NULL THEN ', still open' ELSE ', ended ' || CAST(${a}.end_date AS VARCHAR) END`;
  await tx.run(`
CREATE OR REPLACE TEMP TABLE ${cand} AS
SELECT r.rowid AS ord, CAST(r.patient_id AS BIGINT) AS patient_id, r.practice,
       CAST(r.start_date AS DATE) AS start_date, CAST(r.end_date AS DATE) AS end_date
FROM ${raw} r ANTI JOIN ${bad} b ON r.rowid = b.ord`);
  const kept = `SELECT c.* FROM ${cand} c ANTI JOIN ${bad} b ON c.ord = b.ord`;
  try {
    await tx.run(`
INSERT INTO ${bad}
SELECT c.ord, 'start_date',
       'overlaps a registration already in the store: ' || arg_min(${describe('x')}, x.start_date),
       CAST(NULL AS BIGINT)
FROM ${cand} c JOIN registration x
  ON x.patient_id = c.patient_id AND c.start_date < coalesce(x.end_date, ${open}) AND x.start_date < coalesce(c.end_date, ${open})
GROUP BY c.ord`);
    await tx.run(`
INSERT INTO ${bad}
SELECT a.ord, 'start_date',
       'overlaps the registration on line {line}: ' || arg_min(${describe('e')}, e.ord),
       min(e.ord)
FROM (${kept}) a JOIN (${kept}) e
  ON e.patient_id = a.patient_id AND e.ord < a.ord AND a.start_date < coalesce(e.end_date, ${open}) AND e.start_date < coalesce(a.end_date, ${open})
GROUP BY a.ord`);
  } catch (err) {
    await tx.run(`DROP TABLE IF EXISTS ${cand}`).catch(() => undefined);
    throw err;
  }
  await tx.run(`DROP TABLE ${cand}`);
}
