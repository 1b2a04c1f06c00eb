import type { AdmissionSpec, Comparison, CountedDeaths, CountedItems, MeasuredValue, Window } from '../definition.js';
import type { RunContext } from './context.js';
import { type Leaf, relativeWindow, windowKey } from './criteria.js';
import { latestSegments, merge, sweep } from './intervals.js';
import { type Statement, ident, int } from './sql.js';

/**
 * Each leaf criterion becomes a SELECT of disjoint validity intervals (patient_id, lo, hi) in
 * period-index space: the leaf is true for the patient at period k exactly when some row has
 * lo ≤ k ≤ hi. docs/INDICATORS.md is the specification; the comments say how each rule maps.
 *
 * Events enter through ctx.ev / ctx.med (already cut to the codelists in use and to dates ≤ the
 * last R). An event dated d counts at R_k, for a window relative to R, exactly when
 * kge(d) ≤ k ≤ hi_w(d) (R_k ≥ d, and the window start at R_k ≤ d): both bounds come from the
 * calendar, which applies the window's own date arithmetic (addMonths with clamping) to every R.
 */

/** Patients a leaf is computed for: a temp table of patient_id, or null for everyone. */
export type Scope = string | null;

const OPS: Record<Comparison['op'], string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=' };

export function comparisonSql(st: Statement, expr: string, c: Comparison): string {
  return `${expr} ${OPS[c.op]} ${st.param(c.value)}`;
}

function scoped(scope: Scope, col: string): string {
  return scope ? ` AND ${col} IN (SELECT patient_id FROM ${ident(scope)})` : '';
}

/** Clinical events of a codelist: (patient_id, date, code, value). */
function events(ctx: RunContext, slug: string, scope: Scope): string {
  return `(SELECT patient_id, date, code, value FROM ${ctx.ev} WHERE sid = ${int(ctx.slugId('events', slug))}${scoped(scope, 'patient_id')})`;
}

/** Medication issues of a dm+d codelist: (patient_id, date, code, value = NULL). */
function medications(ctx: RunContext, slug: string, scope: Scope): string {
  return `(SELECT patient_id, date, code, CAST(NULL AS ${ctx.d.double}) AS value FROM ${ctx.med} WHERE sid = ${int(ctx.slugId('medications', slug))}${scoped(scope, 'patient_id')})`;
}

/** How a window restricts an item dated `date`, with the calendar row of that date as `cal`. */
interface WindowParts {
  /** Last period at which the item counts. */
  hi: string;
  /** For age windows: the R-independent condition on the date (needs patient p). */
  ageCondition: string | null;
}

function windowParts(ctx: RunContext, w: Window | undefined, cal: string, date: string): WindowParts {
  const rel = relativeWindow(w);
  if (rel) return { hi: `${cal}.${ident(`hi_${windowKey(rel)}`)}`, ageCondition: null };
  if (!w || !('before_age_months' in w)) return { hi: ctx.last, ageCondition: null };
  // {before_age_months: N}: date < addMonths(birth, N); with from_age_months A also addMonths(birth, A) ≤ date.
  const conds = [`${date} < ${ctx.d.addMonths('p.birth_date', int(w.before_age_months))}`];
  if ('from_age_months' in w) conds.unshift(`${date} >= ${ctx.d.addMonths('p.birth_date', int(w.from_age_months))}`);
  return { hi: ctx.last, ageCondition: conds.join(' AND ') };
}

function whereAll(conds: readonly (string | null)[]): string {
  const c = conds.filter((x): x is string => !!x);
  return c.length ? ` WHERE ${c.join(' AND ')}` : '';
}

/** True when items under this window count from their date to the last period (no upper bound). */
function unbounded(w: Window | undefined): boolean {
  return relativeWindow(w) === null;
}

/**
 * One row per item (event, issue, admission) with the periods it counts in: (patient_id, lo, hi).
 * `source` has (patient_id, date, value); `value` filters on the numeric value (NULL never passes).
 */
function itemIntervals(ctx: RunContext, st: Statement, source: string, w: Window | undefined, value?: Comparison): string {
  const parts = windowParts(ctx, w, 'c', 'e.date');
  const join = parts.ageCondition ? ' JOIN patient AS p ON p.id = e.patient_id' : '';
  const where = whereAll([value ? comparisonSql(st, 'e.value', value) : null, parts.ageCondition]);
  return `(SELECT e.patient_id, c.kge AS lo, ${parts.hi} AS hi FROM ${source} AS e${join} ${ctx.calJoin('c', 'e.date')}${where})`;
}

/** Periods at which at least `minCount` items count. */
function atLeast(ctx: RunContext, items: string, w: Window | undefined, minCount: number): string {
  if (unbounded(w)) {
    // Items count from their own period to the end: the minCount-th earliest item decides.
    if (minCount === 1) return `(SELECT patient_id, min(lo) AS lo, ${ctx.last} AS hi FROM ${items} AS it GROUP BY patient_id)`;
    return `(SELECT patient_id, lo, ${ctx.last} AS hi FROM (
      SELECT patient_id, lo, row_number() OVER (PARTITION BY patient_id ORDER BY lo) AS rn FROM ${items} AS it) AS x
      WHERE rn = ${int(minCount)})`;
  }
  if (minCount === 1) {
    // Both ends of an item's interval move forward with its date, so the union is a merge.
    return merge(`(SELECT patient_id, lo, max(hi) AS hi FROM ${items} AS it WHERE lo <= hi GROUP BY patient_id, lo)`);
  }
  return merge(sweep(items, minCount));
}

/**
 * The latest item per patient and period: `rows` has (patient_id, date, …) and `latest` is an
 * aggregate over them (alias e) giving the value of the latest one. Returns (patient_id, lo, hi, v):
 * v while that item is the latest on or before R and still inside the window.
 */
function latestPerPeriod(ctx: RunContext, rows: string, latest: string, w: Window | undefined): string {
  const parts = windowParts(ctx, w, 'c', 'e.date');
  // The window's last period moves forward with the date, so the latest item has the greatest.
  const whi = parts.hi === ctx.last ? `${ctx.last} AS whi` : `max(${parts.hi}) AS whi`;
  const perK = `(SELECT e.patient_id, c.kge AS k, ${latest} AS v, ${whi}
    FROM ${rows} AS e ${ctx.calJoin('c', 'e.date')} GROUP BY e.patient_id, c.kge)`;
  return latestSegments(perK, ctx.n);
}

/** Events from `source` inside an age window (if any) — the R-independent part of the window. */
function inAgeWindow(ctx: RunContext, source: string, w: Window | undefined, extra: string | null = null): string {
  const parts = windowParts(ctx, w, 'c', 'e.date');
  const join = parts.ageCondition ? ' JOIN patient AS p ON p.id = e.patient_id' : '';
  return `(SELECT e.patient_id, e.date, e.code, e.value FROM ${source} AS e${join}${whereAll([parts.ageCondition, extra])})`;
}

function onRegister(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { on_register: unknown }>, scope: Scope): string {
  const { codelist, resolved_by } = leaf.on_register;
  const dx = events(ctx, codelist, scope);
  if (!resolved_by) return atLeast(ctx, itemIntervals(ctx, st, dx, undefined), undefined, 1);
  // Registered after a date when that date has a diagnosis and no resolved code (a resolved code
  // on the same day resolves); the state after the latest dated event on or before R decides.
  const perDate = `(SELECT patient_id, date, NOT bool_or(res) AS v FROM (
      SELECT patient_id, date, FALSE AS res FROM ${dx} AS a
      UNION ALL SELECT patient_id, date, TRUE AS res FROM ${events(ctx, resolved_by, scope)} AS b) AS x
    GROUP BY patient_id, date)`;
  return merge(`(SELECT patient_id, lo, hi FROM ${latestPerPeriod(ctx, perDate, ctx.d.argMax('e.v', 'e.date'), undefined)} AS s WHERE v)`);
}

function hasEvent(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { has_event: unknown }>, scope: Scope): string {
  const { codelist, window, value, min_count } = leaf.has_event;
  return atLeast(ctx, itemIntervals(ctx, st, events(ctx, codelist, scope), window, value), window, min_count ?? 1);
}

function medication(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { medication: unknown }>, scope: Scope): string {
  const { codelist, window, min_count } = leaf.medication;
  return atLeast(ctx, itemIntervals(ctx, st, medications(ctx, codelist, scope), window), window, min_count ?? 1);
}

/** (patient_id, lo, hi, v): the latest non-null value in the window, lowest on the latest date. */
export function latestValueIntervals(ctx: RunContext, slug: string, w: Window | undefined, scope: Scope): string {
  // Latest date, lowest value on that date, among events with a value.
  const rows = inAgeWindow(ctx, events(ctx, slug, scope), w, 'e.value IS NOT NULL');
  return latestPerPeriod(ctx, rows, ctx.d.latestLowest('e.value', 'e.date'), w);
}

function latestValue(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { latest_value: unknown }>, scope: Scope): string {
  const { codelist, window, compare } = leaf.latest_value;
  const segs = latestValueIntervals(ctx, codelist, window, scope);
  return merge(`(SELECT patient_id, lo, hi FROM ${segs} AS s WHERE ${comparisonSql(st, 's.v', compare)})`);
}

function latestCode(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { latest_code: unknown }>, scope: Scope): string {
  const { among, window } = leaf.latest_code;
  // On the latest date, true if any event that day has a code in `in`.
  const perDate = `(SELECT e.patient_id, e.date, bool_or(ic.code IS NOT NULL) AS v
    FROM ${inAgeWindow(ctx, events(ctx, among, scope), window)} AS e
    LEFT JOIN codelist_code AS ic ON ic.slug = ${st.param(leaf.latest_code.in)} AND ic.code = e.code
    GROUP BY e.patient_id, e.date)`;
  return merge(`(SELECT patient_id, lo, hi FROM ${latestPerPeriod(ctx, perDate, ctx.d.argMax('e.v', 'e.date'), window)} AS s WHERE v)`);
}

function firstEvent(ctx: RunContext, leaf: Extract<Leaf, { first_event: unknown }>, scope: Scope): string {
  const { codelist, window } = leaf.first_event;
  // The earliest-ever event f: true from R ≥ f while f is in the window at R.
  const first = `(SELECT patient_id, min(date) AS date FROM ${events(ctx, codelist, scope)} AS x GROUP BY patient_id)`;
  const parts = windowParts(ctx, window, 'c', 'e.date');
  const join = parts.ageCondition ? ' JOIN patient AS p ON p.id = e.patient_id' : '';
  return `(SELECT * FROM (SELECT e.patient_id, c.kge AS lo, ${parts.hi} AS hi FROM ${first} AS e${join} ${ctx.calJoin('c', 'e.date')}${whereAll([
    parts.ageCondition,
  ])}) AS x WHERE lo <= hi)`;
}

function eventThen(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { event_then: unknown }>, scope: Scope): string {
  const { first, then } = leaf.event_then;
  const aSource = inAgeWindow(ctx, events(ctx, first.codelist, scope), first.window, first.value ? comparisonSql(st, 'e.value', first.value) : null);
  return thenWithin(ctx, aSource, first.window, then, scope);
}

/**
 * Items A from `aSource` (patient_id, date, …; already inside any age window), each followed by
 * an event B from `then.codelist` with A.date ≤ B.date ≤ A.date + within_days: true from R ≥
 * B.date while A is inside `window` at R.
 */
function thenWithin(ctx: RunContext, aSource: string, window: Window | undefined, then: { codelist: string; within_days: number }, scope: Scope): string {
  // For each qualifying A, the earliest B with A.date ≤ B.date ≤ A.date + within_days: A then
  // counts from R ≥ B.date while A is inside A's window at R.
  const pairs = `(SELECT a.patient_id, a.date, min(b.date) AS q
    FROM (SELECT DISTINCT patient_id, date FROM ${aSource} AS a0) AS a
    JOIN ${events(ctx, then.codelist, scope)} AS b
      ON b.patient_id = a.patient_id AND b.date >= a.date AND b.date <= ${ctx.d.addDays('a.date', int(then.within_days))}
    GROUP BY a.patient_id, a.date)`;
  const parts = windowParts(ctx, window, 'ca', 'x.date');
  const joinA = parts.hi === ctx.last ? '' : ` ${ctx.calJoin('ca', 'x.date')}`;
  const items = `(SELECT x.patient_id, cq.kge AS lo, ${parts.hi} AS hi FROM ${pairs} AS x ${ctx.calJoin('cq', 'x.q')}${joinA})`;
  // Unlike an event's own window, lo (from B) and hi (from A) need not move together: sweep.
  return unbounded(window) ? atLeast(ctx, items, window, 1) : merge(sweep(items, 1));
}

/** `a.method` and `a.icd10` match (dots removed; method any matches both). */
function admissionConds(ctx: RunContext, st: Statement, method: AdmissionSpec['method'], prefixes: readonly string[], alias = 'a'): string[] {
  const starts = prefixes.map((p) => ctx.d.startsWith(`replace(${alias}.icd10, '.', '')`, st.param(p.replace(/\./g, ''))));
  const conds = [`(${starts.join(' OR ')})`];
  if (method !== 'any') conds.push(`${alias}.method = ${st.param(method)}`);
  return conds;
}

/**
 * Admissions matching `spec`, dated by `spec.date` (admitted or discharged; a NULL discharge
 * never counts), dated ≤ the last R: (patient_id, date, code = icd10, value = NULL).
 */
function admissions(ctx: RunContext, st: Statement, spec: AdmissionSpec, scope: Scope): string {
  const col = spec.date === 'discharged' ? 'a.discharged' : 'a.admitted';
  const conds = [`${col} IS NOT NULL`, `${col} <= ${ctx.d.date(st.param(ctx.lastPeriod))}`, ...admissionConds(ctx, st, spec.method, spec.icd10_prefixes)];
  return `(SELECT a.patient_id, ${col} AS date, a.icd10 AS code, CAST(NULL AS ${ctx.d.double}) AS value FROM admission AS a WHERE ${conds.join(' AND ')}${scoped(scope, 'a.patient_id')})`;
}

function hasAdmission(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { has_admission: unknown }>, scope: Scope): string {
  const spec = leaf.has_admission;
  return atLeast(ctx, itemIntervals(ctx, st, admissions(ctx, st, spec, scope), spec.window), spec.window, 1);
}

function admissionThen(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { admission_then: unknown }>, scope: Scope): string {
  const { admission, then } = leaf.admission_then;
  // As event_then, with the admission's date (admitted or discharged) in place of event A's.
  return thenWithin(ctx, inAgeWindow(ctx, admissions(ctx, st, admission, scope), admission.window), admission.window, then, scope);
}

function age(ctx: RunContext, leaf: Extract<Leaf, { age: unknown }>, scope: Scope): string {
  const { min, max, unit } = leaf.age;
  const per = unit === 'years' ? 12 : 1;
  // Age ≥ m months ⇔ R ≥ addMonths(birth, m); age ≤ M ⇔ R < addMonths(birth, M + 1) (in the unit).
  const joins: string[] = [];
  let lo = '0';
  let hi = ctx.last;
  if (min !== undefined) {
    joins.push(ctx.calJoin('c1', ctx.d.addMonths('p.birth_date', int(min * per))));
    lo = 'c1.kge';
  }
  if (max !== undefined) {
    joins.push(ctx.calJoin('c2', ctx.d.addDays(ctx.d.addMonths('p.birth_date', int((max + 1) * per)), '-1')));
    hi = 'c2.kle';
  }
  const where = scope ? ` WHERE p.id IN (SELECT patient_id FROM ${ident(scope)})` : '';
  return `(SELECT * FROM (SELECT p.id AS patient_id, ${lo} AS lo, ${hi} AS hi FROM patient AS p ${joins.join(' ')}${where}) AS x WHERE lo <= hi)`;
}

function sex(ctx: RunContext, st: Statement, leaf: Extract<Leaf, { sex: unknown }>, scope: Scope): string {
  return `(SELECT id AS patient_id, 0 AS lo, ${ctx.last} AS hi FROM patient WHERE sex = ${st.param(leaf.sex)}${scoped(scope, 'id')})`;
}

function registeredFor(ctx: RunContext, leaf: Extract<Leaf, { registered_for: unknown }>, scope: Scope): string {
  // The current registration started on or before R + 1 day − N months: from the first period
  // whose window start is on or after the registration start, until the registration ends.
  const col = ident(`lo_${windowKey({ months: leaf.registered_for.months })}`);
  const where = scope ? ` WHERE r.patient_id IN (SELECT patient_id FROM ${ident(scope)})` : '';
  return `(SELECT * FROM (SELECT r.patient_id, greatest(r.lo, c.${col}) AS lo, r.hi FROM ${ctx.reg} AS r ${ctx.calJoin('c', 'r.reg_start')}${where}) AS x WHERE lo <= hi)`;
}

/** SELECT (patient_id, lo, hi) of disjoint intervals where the leaf holds. */
export function leafIntervals(ctx: RunContext, st: Statement, leaf: Leaf, scope: Scope): string {
  if ('on_register' in leaf) return onRegister(ctx, st, leaf, scope);
  if ('has_event' in leaf) return hasEvent(ctx, st, leaf, scope);
  if ('latest_value' in leaf) return latestValue(ctx, st, leaf, scope);
  if ('latest_code' in leaf) return latestCode(ctx, st, leaf, scope);
  if ('first_event' in leaf) return firstEvent(ctx, leaf, scope);
  if ('medication' in leaf) return medication(ctx, st, leaf, scope);
  if ('event_then' in leaf) return eventThen(ctx, st, leaf, scope);
  if ('has_admission' in leaf) return hasAdmission(ctx, st, leaf, scope);
  if ('admission_then' in leaf) return admissionThen(ctx, st, leaf, scope);
  if ('age' in leaf) return age(ctx, leaf, scope);
  if ('sex' in leaf) return sex(ctx, st, leaf, scope);
  return registeredFor(ctx, leaf, scope);
}

/** SELECT (patient_id, lo, hi, v) for a mean's measured value (after its transform). */
export function measuredValueIntervals(ctx: RunContext, value: MeasuredValue, scope: Scope): string {
  const segs = latestValueIntervals(ctx, value.codelist, value.window, scope);
  const v = value.transform === 'ifcc_to_dcct' ? 's.v / 10.929 + 2.15' : 's.v';
  return `(SELECT patient_id, lo, hi, CAST(${v} AS ${ctx.d.double}) AS v FROM ${segs} AS s)`;
}

/** SELECT (patient_id, lo, hi, cnt) for a rate's counted items (cnt ≥ 1). */
export function countedItemIntervals(ctx: RunContext, st: Statement, count: CountedItems, scope: Scope): string {
  if ('events' in count) {
    return sweep(itemIntervals(ctx, st, events(ctx, count.events.codelist, scope), count.events.window), 1);
  }
  const { method, icd10_prefixes, window } = count.admissions;
  const source = admissions(ctx, st, { method, icd10_prefixes, date: 'admitted' }, scope);
  return sweep(itemIntervals(ctx, st, source, window), 1);
}

/**
 * SELECT (practice, lo, hi) for a death rate's counted deaths: one row per counted death, at the
 * practice of the registration in force on the day of death (or else the one that ended that
 * day: registrations end at death), for the periods whose window contains the death date.
 */
export function countedDeathIntervals(ctx: RunContext, st: Statement, deaths: CountedDeaths): string {
  const conds = ['p.death_date IS NOT NULL', `p.death_date <= ${ctx.d.date(st.param(ctx.lastPeriod))}`];
  const { age_at_death: ageAt, after_admission: after } = deaths;
  // Completed years at death ≥ min ⇔ death ≥ addMonths(birth, 12·min); ≤ max ⇔ death < addMonths(birth, 12·(max + 1)).
  if (ageAt?.min !== undefined) conds.push(`p.death_date >= ${ctx.d.addMonths('p.birth_date', int(12 * ageAt.min))}`);
  if (ageAt?.max !== undefined) conds.push(`p.death_date < ${ctx.d.addMonths('p.birth_date', int(12 * (ageAt.max + 1)))}`);
  if (after) {
    conds.push(`EXISTS (SELECT 1 FROM admission AS a WHERE a.patient_id = p.id AND ${admissionConds(ctx, st, after.method, after.icd10_prefixes).join(' AND ')}
      AND a.admitted <= p.death_date AND p.death_date <= ${ctx.d.addDays('a.admitted', int(after.within_days))})`);
  }
  const inForce = (r: string): string => `${r}.start_date <= p.death_date AND (${r}.end_date IS NULL OR ${r}.end_date > p.death_date)`;
  const reg = `JOIN registration AS r ON r.patient_id = p.id AND (${inForce('r')}
      OR (r.start_date <= p.death_date AND r.end_date = p.death_date
          AND NOT EXISTS (SELECT 1 FROM registration AS r2 WHERE r2.patient_id = p.id AND ${inForce('r2')})))`;
  const w = relativeWindow(deaths.window);
  if (!w) throw new Error('compiler: a deaths window must be relative to R');
  return `(SELECT * FROM (SELECT r.practice, c.kge AS lo, c.${ident(`hi_${windowKey(w)}`)} AS hi
    FROM patient AS p ${reg} ${ctx.calJoin('c', 'p.death_date')}
    WHERE ${conds.join(' AND ')}) AS x WHERE lo <= hi)`;
}
