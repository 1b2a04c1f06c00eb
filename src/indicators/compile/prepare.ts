import type { RunContext } from './context.js';
import { type RelativeWindow, windowKey } from './criteria.js';
import { Statement, dateLiteral, ident, int } from './sql.js';

/** SQL for the first day of a window ending at the reference date `r`: R + 1 day − N months (or days). */
export function windowStart(ctx: RunContext, r: string, w: RelativeWindow): string {
  if ('months' in w) return ctx.d.addMonths(ctx.d.addDays(r, '1'), int(-w.months));
  return ctx.d.addDays(r, int(1 - w.days));
}

/** period(k, r, ws_<w>…): the sorted reference dates and each window's first day. */
export async function createPeriods(ctx: RunContext, windows: readonly RelativeWindow[]): Promise<void> {
  const st = new Statement();
  const values = ctx.periods.map((p, k) => `(${int(k)}, ${ctx.d.date(st.param(p))})`).join(', ');
  const ws = windows.map((w) => `, ${windowStart(ctx, 'r', w)} AS ${ident(`ws_${windowKey(w)}`)}`).join('');
  await ctx.create('period', `SELECT k, r${ws} FROM (VALUES ${values}) AS t(k, r)`, st);
}

/** cal(d, kge, kle, hi_<w>, lo_<w>…) for every day from calStart to calEnd. */
export async function createCalendar(ctx: RunContext, windows: readonly RelativeWindow[]): Promise<void> {
  const starts = ['r', ...windows.map((w) => ident(`ws_${windowKey(w)}`))];
  const firstDay = starts.length > 1 ? `least(${starts.join(', ')})` : 'r';
  const rows = await ctx.engine.all<{ s: string; e: string }>(
    `SELECT ${ctx.d.addDays(firstDay, '-1')} AS s, ${ctx.d.addDays('r', '1')} AS e FROM ${ctx.period} WHERE k = 0`,
  );
  const lastRow = await ctx.engine.all<{ e: string }>(`SELECT ${ctx.d.addDays('r', '1')} AS e FROM ${ctx.period} WHERE k = ${ctx.last}`);
  ctx.calStart = String(rows[0]?.s);
  ctx.calEnd = String(lastRow[0]?.e);
  const n = int(ctx.n);
  const perWindow = windows
    .map((w) => {
      const ws = ident(`ws_${windowKey(w)}`);
      const key = windowKey(w);
      return `,
    coalesce((SELECT max(p.k) FROM ${ctx.period} AS p WHERE p.${ws} <= c.d), -1) AS ${ident(`hi_${key}`)},
    coalesce((SELECT min(p.k) FROM ${ctx.period} AS p WHERE p.${ws} >= c.d), ${n}) AS ${ident(`lo_${key}`)}`;
    })
    .join('');
  await ctx.create(
    'cal',
    `SELECT c.d,
    coalesce((SELECT min(p.k) FROM ${ctx.period} AS p WHERE p.r >= c.d), ${n}) AS kge,
    coalesce((SELECT max(p.k) FROM ${ctx.period} AS p WHERE p.r <= c.d), -1) AS kle${perWindow}
  FROM ${ctx.d.days(dateLiteral(ctx.calStart), dateLiteral(ctx.calEnd))} AS c`,
  );
}

/**
 * reg(patient_id, practice, reg_start, lo, hi): for each registration, the periods at which the
 * patient is registered there (start ≤ R < end; end exclusive) and alive (death > R).
 */
export async function createRegistrations(ctx: RunContext): Promise<void> {
  await ctx.create(
    'reg',
    `SELECT * FROM (
    SELECT r.patient_id, r.practice, r.start_date AS reg_start, cs.kge AS lo,
      least(coalesce(ce.kle, ${ctx.last}), coalesce(cd.kle, ${ctx.last})) AS hi
    FROM registration AS r
    JOIN patient AS p ON p.id = r.patient_id
    ${ctx.calJoin('cs', 'r.start_date')}
    ${ctx.calJoin('ce', ctx.d.addDays('r.end_date', '-1'), 'LEFT JOIN')}
    ${ctx.calJoin('cd', ctx.d.addDays('p.death_date', '-1'), 'LEFT JOIN')}
  ) AS x WHERE lo <= hi`,
  );
}

/** listsize(practice, k, n): registered, living patients per practice at each period (n ≥ 1). */
export async function createListSize(ctx: RunContext): Promise<void> {
  await ctx.create(
    'listsize',
    `WITH dl AS (
    SELECT practice, lo AS pos, 1 AS dl FROM ${ctx.reg}
    UNION ALL SELECT practice, hi + 1 AS pos, -1 AS dl FROM ${ctx.reg}
    UNION ALL SELECT pr.practice, p.k AS pos, 0 AS dl FROM (SELECT DISTINCT practice FROM ${ctx.reg}) AS pr CROSS JOIN ${ctx.period} AS p
  ),
  g AS (SELECT practice, pos, sum(dl) AS dl FROM dl GROUP BY practice, pos),
  r AS (SELECT practice, pos, sum(dl) OVER (PARTITION BY practice ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n FROM g)
  SELECT practice, pos AS k, CAST(n AS BIGINT) AS n FROM r WHERE pos BETWEEN 0 AND ${ctx.last} AND n > 0`,
  );
}

/** `(VALUES (1, $1), (2, $2) …) AS s(sid, slug)` for the codelists in use. */
function slugValues(st: Statement, ids: ReadonlyMap<string, number>): string {
  return `(VALUES ${[...ids].map(([slug, id]) => `(${int(id)}, ${st.param(slug)})`).join(', ')}) AS s(sid, slug)`;
}

/**
 * ev and med: one pass over clinical_event and medication_issue keeping only rows whose code is
 * in a codelist in use (a row appears once per codelist containing its code), dated ≤ last R.
 */
export async function createEventTables(ctx: RunContext): Promise<void> {
  const last = dateLiteral(ctx.lastPeriod);
  if (ctx.eventSlugIds.size > 0) {
    const st = new Statement();
    await ctx.create(
      'ev',
      `SELECT s.sid, e.patient_id, e.date, e.code, e.value
    FROM clinical_event AS e
    JOIN codelist_code AS cc ON cc.code = e.code
    JOIN ${slugValues(st, ctx.eventSlugIds)} ON s.slug = cc.slug
    WHERE e.date <= ${last}`,
      st,
    );
  }
  if (ctx.medicationSlugIds.size > 0) {
    const st = new Statement();
    await ctx.create(
      'med',
      `SELECT s.sid, m.patient_id, m.date, m.dmd_code AS code
    FROM medication_issue AS m
    JOIN codelist_code AS cc ON cc.code = m.dmd_code
    JOIN ${slugValues(st, ctx.medicationSlugIds)} ON s.slug = cc.slug
    WHERE m.date <= ${last}`,
      st,
    );
  }
}
