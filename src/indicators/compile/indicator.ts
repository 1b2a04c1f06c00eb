import type { Criterion, IndicatorDefinition } from '../definition.js';
import { canonicalJson } from '../load.js';
import type { RawResult } from '../results.js';
import type { RunContext } from './context.js';
import { type Leaf, type PatientSet, booleanSql, collectLeaves, conjuncts, isLeaf, leafKey, necessaryPatients } from './criteria.js';
import { intersect } from './intervals.js';
import { type Scope, countedDeathIntervals, countedItemIntervals, leafIntervals, measuredValueIntervals } from './leaves.js';
import { Statement, ident, int } from './sql.js';

/**
 * Interval tables shared by the indicators of one run: a leaf computed for the same patients
 * (scope) is computed once.
 */
export class LeafTables {
  private readonly tables = new Map<string, string>();
  private readonly scopes = new Map<string, string>();
  private counter = 0;

  constructor(private readonly ctx: RunContext) {}

  /** The interval table of `leaf` for the patients in `scope`. */
  async leaf(leaf: Leaf, scope: Scope): Promise<string> {
    return this.cached(`${scope ?? '*'}|${leafKey(leaf)}`, (st) => leafIntervals(this.ctx, st, leaf, scope));
  }

  async cached(key: string, build: (st: Statement) => string): Promise<string> {
    const hit = this.tables.get(key);
    if (hit) return hit;
    const st = new Statement();
    const select = build(st);
    const name = await this.ctx.create(`leaf${++this.counter}`, `SELECT * FROM ${select} AS t`, st);
    this.tables.set(key, name);
    return name;
  }

  /** A table of the patients in `set`: the scope every leaf of an indicator is computed for. */
  async scope(set: PatientSet): Promise<string> {
    const key = canonicalJson(set);
    const hit = this.scopes.get(key);
    if (hit) return hit;
    const name = await this.ctx.create(`scope${++this.counter}`, `SELECT DISTINCT patient_id FROM (${this.patientSetSql(set)}) AS s`);
    this.scopes.set(key, name);
    return name;
  }

  private patientSetSql(set: PatientSet): string {
    if ('events' in set) return `SELECT patient_id FROM ${this.ctx.ev} WHERE sid = ${int(this.ctx.slugId('events', set.events))}`;
    if ('medications' in set) return `SELECT patient_id FROM ${this.ctx.med} WHERE sid = ${int(this.ctx.slugId('medications', set.medications))}`;
    const parts = 'union' in set ? set.union : set.intersect;
    return parts.map((p) => `(${this.patientSetSql(p)})`).join('union' in set ? ' UNION ' : ' INTERSECT ');
  }
}

/** Top-level population conjuncts that are leaves, de-duplicated. */
function conjunctLeaves(population: Criterion): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  for (const c of conjuncts(population)) if (isLeaf(c)) out.set(leafKey(c), c);
  return out;
}

interface Numbers {
  numerator: string;
  denominator: string;
  sumSq: string;
}

function numbers(ctx: RunContext, def: IndicatorDefinition, flag: (leaf: Leaf) => string): Numbers {
  const pop = booleanSql(def.population, flag);
  const num = (): string => (def.numerator ? booleanSql(def.numerator, flag) : 'TRUE');
  const one = (cond: string): string => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;
  switch (def.kind) {
    case 'proportion': {
      // Excluded: meets an exclusion and not the numerator (a patient who met the target stays).
      const excl = def.exclusions.length ? `(${def.exclusions.map((e) => booleanSql(e, flag)).join(' OR ')})` : 'FALSE';
      return { numerator: one(`${pop} AND ${num()}`), denominator: one(`${pop} AND (${num()} OR NOT ${excl})`), sumSq: '0' };
    }
    case 'count':
      return { numerator: one(`${pop} AND ${num()}`), denominator: '0', sumSq: '0' };
    case 'mean':
      return {
        numerator: `CASE WHEN ${pop} AND vv.v IS NOT NULL THEN vv.v ELSE CAST(0 AS ${ctx.d.double}) END`,
        denominator: one(`${pop} AND vv.v IS NOT NULL`),
        sumSq: `CASE WHEN ${pop} AND vv.v IS NOT NULL THEN vv.v * vv.v ELSE CAST(0 AS ${ctx.d.double}) END`,
      };
    case 'rate_per_1000':
      return { numerator: `CASE WHEN ${pop} THEN coalesce(ci.cnt, 0) ELSE 0 END`, denominator: one(pop), sumSq: '0' };
    case 'deaths_per_100000':
      // The numerator is the practice's counted deaths, added in the sweep (the dead are not in segments).
      return { numerator: '0', denominator: one(pop), sumSq: '0' };
  }
}

/**
 * Computes one indicator's raw results at every period:
 * 1. base intervals: registered ∩ alive ∩ every leaf that is a top-level conjunct of the population
 *    (those leaves are then simply true);
 * 2. the base intervals are cut at every boundary of the other leaves' intervals (and of the
 *    measured value or counted items), so that every leaf is constant on each segment;
 * 3. each segment is evaluated once (population, numerator, exclusions as SQL booleans);
 * 4. a sweep over segment starts and ends per practice turns segments into per-period sums.
 */
export async function computeIndicator(ctx: RunContext, leaves: LeafTables, def: IndicatorDefinition, tag: string): Promise<RawResult[]> {
  const conj = conjunctLeaves(def.population);
  const needed = necessaryPatients(def.population);
  const scope: Scope = needed ? await leaves.scope(needed) : null;
  const conjTables: string[] = [];
  for (const leaf of conj.values()) conjTables.push(await leaves.leaf(leaf, scope));

  // Leaves evaluated per segment: everything except the population's conjuncts.
  // (Only proportions use exclusions; only proportions and counts use a numerator.)
  const all = collectLeaves(def.population);
  if (def.numerator && (def.kind === 'proportion' || def.kind === 'count')) collectLeaves(def.numerator, all);
  if (def.kind === 'proportion') def.exclusions.forEach((e) => collectLeaves(e, all));
  const other: { key: string; table: string }[] = [];
  for (const [key, leaf] of all) {
    if (conj.has(key)) continue;
    other.push({ key, table: await leaves.leaf(leaf, scope) });
  }
  const { value, count } = def;
  const valueTable = value ? await leaves.cached(`${scope ?? '*'}|value|${canonicalJson(value)}`, () => measuredValueIntervals(ctx, value, scope)) : null;
  const countTable = count ? await leaves.cached(`${scope ?? '*'}|count|${canonicalJson(count)}`, (st) => countedItemIntervals(ctx, st, count, scope)) : null;
  const { deaths } = def;
  const deathTable = deaths ? await leaves.cached(`deaths|${canonicalJson(deaths)}`, (st) => countedDeathIntervals(ctx, st, deaths)) : null;

  // 1. Base intervals.
  let base = `(SELECT patient_id, practice, lo, hi FROM ${ctx.reg}${scope ? ` WHERE patient_id IN (SELECT patient_id FROM ${ident(scope)})` : ''})`;
  for (const t of conjTables) base = intersect(base, t, ['practice']);
  const bi = await ctx.create(`${tag}_base`, `SELECT * FROM ${base} AS b`);

  // 2. Segments: a sweep over every leaf interval's start (+bit) and end (−bit) gives, between
  //    consecutive positions, the set of leaves that hold as a bit mask (a leaf's intervals are
  //    disjoint, so its bit is never added twice); base, value and count boundaries cut too.
  if (other.length > 52) throw new Error(`${def.id}: more than 52 distinct criteria outside the population's top level`);
  const inBase = `patient_id IN (SELECT patient_id FROM ${bi})`;
  const deltas = [
    ...other.flatMap((o, i) => {
      const bit = int(2 ** i);
      return [`SELECT patient_id, lo AS pos, ${bit} AS m FROM ${o.table} WHERE ${inBase}`, `SELECT patient_id, hi + 1 AS pos, -${bit} AS m FROM ${o.table} WHERE ${inBase}`];
    }),
    ...[valueTable, countTable]
      .filter((t): t is string => t !== null)
      .flatMap((t) => [`SELECT patient_id, lo AS pos, 0 AS m FROM ${t} WHERE ${inBase}`, `SELECT patient_id, hi + 1 AS pos, 0 AS m FROM ${t} WHERE ${inBase}`]),
    `SELECT patient_id, lo AS pos, 0 AS m FROM ${bi}`,
    `SELECT patient_id, hi + 1 AS pos, 0 AS m FROM ${bi}`,
  ];
  const seg = await ctx.create(
    `${tag}_seg`,
    `WITH d AS (${deltas.join('\n    UNION ALL ')}),
    g AS (SELECT patient_id, pos, sum(m) AS m FROM d GROUP BY patient_id, pos),
    r AS (SELECT patient_id, pos AS lo, lead(pos) OVER w - 1 AS hi,
            CAST(sum(m) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS mask
          FROM g WINDOW w AS (PARTITION BY patient_id ORDER BY pos))
    SELECT r.patient_id, b.practice, r.lo, r.hi, r.mask
    FROM r JOIN ${bi} AS b ON b.patient_id = r.patient_id AND r.lo >= b.lo AND r.hi <= b.hi`,
  );

  // 3. Evaluate each segment.
  const bitOf = new Map(other.map((o, i) => [o.key, int(2 ** i)]));
  const flag = (leaf: Leaf): string => {
    const key = leafKey(leaf);
    if (conj.has(key)) return 'TRUE';
    const bit = bitOf.get(key);
    if (bit === undefined) throw new Error(`compiler: no interval table for leaf ${key}`);
    return `((s.mask & ${bit}) <> 0)`;
  };
  const joins = [
    ...(valueTable ? [`LEFT JOIN ${valueTable} AS vv ON vv.patient_id = s.patient_id AND s.lo BETWEEN vv.lo AND vv.hi`] : []),
    ...(countTable ? [`LEFT JOIN ${countTable} AS ci ON ci.patient_id = s.patient_id AND s.lo BETWEEN ci.lo AND ci.hi`] : []),
  ];
  const nums = numbers(ctx, def, flag);
  const denominator = def.kind === 'count' ? 'ls.n' : 'coalesce(r.dc, 0)';

  // 4. Sweep per practice.
  const rows = await ctx.engine.all<{ practice: string; period_end: string; numerator: number; denominator: number; sum_sq: number }>(
    `WITH ev AS MATERIALIZED (
    SELECT s.practice, s.lo, s.hi, ${nums.numerator} AS nc, ${nums.denominator} AS dc, ${nums.sumSq} AS qc
    FROM ${seg} AS s ${joins.join('\n    ')}
  ),
  c AS MATERIALIZED (SELECT practice, lo, hi, nc, dc, qc FROM ev WHERE nc <> 0 OR dc <> 0${
    deathTable ? `
    UNION ALL SELECT practice, lo, hi, 1 AS nc, 0 AS dc, 0 AS qc FROM ${deathTable}` : ''
  }),
  dl AS (
    SELECT practice, lo AS pos, nc, dc, qc FROM c
    UNION ALL SELECT practice, hi + 1 AS pos, -nc, -dc, -qc FROM c
    UNION ALL SELECT practice, k AS pos, 0, 0, 0 FROM ${ctx.listSize}
  ),
  g AS (SELECT practice, pos, sum(nc) AS nc, sum(dc) AS dc, sum(qc) AS qc FROM dl GROUP BY practice, pos),
  r AS (SELECT practice, pos,
      sum(nc) OVER w AS nc, sum(dc) OVER w AS dc, sum(qc) OVER w AS qc
    FROM g WINDOW w AS (PARTITION BY practice ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
  SELECT ls.practice, p.r AS period_end,
    CAST(coalesce(r.nc, 0) AS ${ctx.d.double}) AS numerator, CAST(${denominator} AS ${ctx.d.double}) AS denominator, CAST(coalesce(r.qc, 0) AS ${ctx.d.double}) AS sum_sq
  FROM ${ctx.listSize} AS ls
  JOIN ${ctx.period} AS p ON p.k = ls.k
  LEFT JOIN r ON r.practice = ls.practice AND r.pos = ls.k
  ORDER BY ls.practice, ls.k`,
  );
  await ctx.drop(seg);
  await ctx.drop(bi);
  return rows.map((r) => ({
    indicator_id: def.id,
    practice: r.practice,
    period_end: r.period_end,
    numerator: r.numerator,
    denominator: r.denominator,
    sum_sq: r.sum_sq,
  }));
}
