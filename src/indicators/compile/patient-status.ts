import type { Engine } from '../../store/engine.js';
import type { LoadedIndicator } from '../load.js';
import { RunContext } from './context.js';
import { type Leaf, type RelativeWindow, booleanSql, collectLeaves, conjuncts, isLeaf, leafKey, necessaryPatients, relativeWindows, sourceSlugs, windowKey } from './criteria.js';
import { dialectFor } from './dialect.js';
import { LeafTables } from './indicator.js';
import { intersect } from './intervals.js';
import type { Scope } from './leaves.js';
import { normalisePeriods } from './periods.js';
import { createCalendar, createPeriods, createRegistrations } from './prepare.js';
import { Statement, dateLiteral, ident, int } from './sql.js';

/** One population member of a proportion indicator at one practice and reference date. */
export interface PatientStatus {
  patient_id: number;
  /** The practice the patient is registered with at R. */
  practice: string;
  inNumerator: boolean;
  /** Meets an exclusion and not the numerator (so not in the denominator). */
  excluded: boolean;
  /** population − excluded. */
  inDenominator: boolean;
}

/**
 * Patient-level status for one proportion indicator, one practice (or, with null, every practice)
 * and one reference date R (a month end), computed in SQL with the compiler's own modules (the same leaf interval tables and
 * booleans computeRaw sums), so that per-patient lists add up to the practice-level counts:
 * count(inNumerator) = numerator and count(inDenominator) = denominator of computeRaw at R.
 * Returns every population member (registered at `practice` and alive at R), sorted by practice and id.
 */
export async function patientStatus(engine: Engine, indicator: LoadedIndicator, practice: string | null, R: string): Promise<PatientStatus[]> {
  const def = indicator.definition;
  if (def.kind !== 'proportion' || !def.numerator) throw new Error(`patientStatus: ${def.id} is a ${def.kind}; only proportions have a patient-level status`);
  const [period] = normalisePeriods([R]);
  if (period === undefined) throw new Error('patientStatus: no reference date');
  const ctx = new RunContext(engine, dialectFor(engine.dialect), [period]);
  try {
    const windows = new Map<string, RelativeWindow>();
    for (const w of relativeWindows(def)) windows.set(windowKey(w), w);
    const { events, medications } = sourceSlugs(def);
    for (const s of events) ctx.eventSlugIds.set(s, ctx.eventSlugIds.size + 1);
    for (const s of medications) ctx.medicationSlugIds.set(s, ctx.medicationSlugIds.size + 1);
    const ws = [...windows.values()];
    await createPeriods(ctx, ws);
    await createCalendar(ctx, ws);
    await createRegistrations(ctx);
    await createPracticeEventTables(ctx, practice);

    // Scope every leaf to the practice's registered patients at R (and to the patients the
    // population needs, as computeIndicator does): a leaf's intervals for a patient depend only
    // on that patient's rows, so restricting the patients changes no one's status.
    const leaves = new LeafTables(ctx);
    const needed = necessaryPatients(def.population);
    const st0 = new Statement();
    const atPractice = `SELECT patient_id FROM ${ctx.reg} WHERE ${practice === null ? 'TRUE' : `practice = ${st0.param(practice)}`} AND lo <= 0 AND hi >= 0`;
    const scope: Scope = await ctx.create('pscope', needed ? `SELECT patient_id FROM ${await leaves.scope(needed)} INTERSECT ${atPractice}` : atPractice, st0);

    // Population conjuncts that are leaves intersect the registration interval (as computeIndicator does).
    const conj = new Map<string, Leaf>();
    for (const c of conjuncts(def.population)) if (isLeaf(c)) conj.set(leafKey(c), c);
    let base = `(SELECT patient_id, practice, lo, hi FROM ${ctx.reg} WHERE lo <= 0 AND hi >= 0 AND patient_id IN (SELECT patient_id FROM ${ident(scope)}))`;
    for (const leaf of conj.values()) base = intersect(base, await leaves.leaf(leaf, scope), ['practice']);

    // Every other leaf: a flag from a LEFT JOIN on its interval table at k = 0 (the only period).
    const all = collectLeaves(def.population);
    collectLeaves(def.numerator, all);
    def.exclusions.forEach((e) => collectLeaves(e, all));
    const joins: string[] = [];
    const alias = new Map<string, string>();
    for (const [key, leaf] of all) {
      if (conj.has(key)) continue;
      const a = `l${alias.size}`;
      alias.set(key, a);
      joins.push(`LEFT JOIN ${await leaves.leaf(leaf, scope)} AS ${a} ON ${a}.patient_id = b.patient_id AND 0 BETWEEN ${a}.lo AND ${a}.hi`);
    }
    const flag = (leaf: Leaf): string => {
      const key = leafKey(leaf);
      if (conj.has(key)) return 'TRUE';
      const a = alias.get(key);
      if (a === undefined) throw new Error(`patientStatus: no interval table for leaf ${key}`);
      return `(${a}.patient_id IS NOT NULL)`;
    };
    const pop = booleanSql(def.population, flag);
    const num = booleanSql(def.numerator, flag);
    const excl = def.exclusions.length ? `(${def.exclusions.map((e) => booleanSql(e, flag)).join(' OR ')})` : 'FALSE';
    const rows = await engine.all<{ patient_id: number; practice: string; num: boolean; excl: boolean }>(
      `SELECT b.patient_id, b.practice, coalesce(${num}, FALSE) AS num, coalesce(${excl}, FALSE) AS excl
    FROM ${base} AS b
    ${joins.join('\n    ')}
    WHERE 0 BETWEEN b.lo AND b.hi AND coalesce(${pop}, FALSE)
    ORDER BY b.practice, b.patient_id`,
    );
    return rows.map((r) => {
      const inNumerator = r.num === true;
      const excluded = !inNumerator && r.excl === true;
      return { patient_id: Number(r.patient_id), practice: r.practice, inNumerator, excluded, inDenominator: !excluded };
    });
  } finally {
    await ctx.dropAll();
  }
}

/**
 * ev and med as prepare.ts's createEventTables makes them, for the patients registered at the
 * practice at the (only) reference date: their rows from every practice (the record follows the
 * patient), whose code is in a codelist in use, dated on or before R.
 */
async function createPracticeEventTables(ctx: RunContext, practice: string | null): Promise<void> {
  const last = dateLiteral(ctx.lastPeriod);
  const sources: [string, string, ReadonlyMap<string, number>, string][] = [
    ['ev', 'SELECT s.sid, e.patient_id, e.date, e.code, e.value FROM clinical_event AS e JOIN codelist_code AS cc ON cc.code = e.code', ctx.eventSlugIds, 'e'],
    ['med', 'SELECT s.sid, e.patient_id, e.date, e.dmd_code AS code FROM medication_issue AS e JOIN codelist_code AS cc ON cc.code = e.dmd_code', ctx.medicationSlugIds, 'e'],
  ];
  for (const [name, select, ids] of sources) {
    if (ids.size === 0) continue;
    const st = new Statement();
    const slugs = `(VALUES ${[...ids].map(([slug, id]) => `(${int(id)}, ${st.param(slug)})`).join(', ')}) AS s(sid, slug)`;
    await ctx.create(
      name,
      `${select}
    JOIN ${slugs} ON s.slug = cc.slug
    WHERE e.date <= ${last}${practice === null ? '' : ` AND e.patient_id IN (SELECT patient_id FROM ${ctx.reg} WHERE practice = ${st.param(practice)} AND lo <= 0 AND hi >= 0)`}`,
      st,
    );
  }
}
