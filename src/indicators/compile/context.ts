import type { Engine } from '../../store/engine.js';
import type { SqlDialect } from './dialect.js';
import { Statement, dateLiteral, ident, int } from './sql.js';

let runCounter = 0;

/**
 * One computeRaw run: the engine, the dialect, the reference dates and the temporary tables
 * the run creates (all dropped at the end).
 *
 * Shared tables (created by prepare.ts):
 * - period(k, r, ws_<w>…): the reference dates, k = 0 … n−1, and each window's first day at r.
 * - cal(d, kge, kle, hi_<w>, lo_<w>…): for every day d from calStart to calEnd, the first period
 *   on or after d (kge), the last on or before d (kle), and per window the last period whose
 *   window starts on or before d (hi_) and the first whose window starts on or after d (lo_).
 *   Dates outside the calendar are clamped to its ends, which are chosen so that the clamped
 *   answers are right (calStart precedes every window start of the first period).
 * - reg(patient_id, practice, reg_start, lo, hi): registered and alive, per registration.
 * - listsize(practice, k, n): registered living patients per practice and period (n ≥ 1).
 * - ev(sid, patient_id, date, code, value) and med(sid, patient_id, date): events and
 *   medication issues from the codelists in use (sid numbers the codelist), dated ≤ the last R.
 */
export class RunContext {
  readonly prefix: string;
  private readonly created: string[] = [];
  calStart = '';
  calEnd = '';
  readonly eventSlugIds = new Map<string, number>();
  readonly medicationSlugIds = new Map<string, number>();

  constructor(
    readonly engine: Engine,
    readonly d: SqlDialect,
    readonly periods: readonly string[],
  ) {
    runCounter += 1;
    this.prefix = `gpc${process.pid % 100000}_${runCounter}_`;
  }

  get n(): number {
    return this.periods.length;
  }
  get lastPeriod(): string {
    return this.periods[this.periods.length - 1] as string;
  }

  /** The number standing for a codelist in ev (events) or med (medications). */
  slugId(source: 'events' | 'medications', slug: string): number {
    const id = (source === 'events' ? this.eventSlugIds : this.medicationSlugIds).get(slug);
    if (id === undefined) throw new Error(`compiler: codelist ${slug} was not prepared for ${source}`);
    return id;
  }

  /** Name of a temporary table of this run. */
  table(name: string): string {
    return ident(`${this.prefix}${name}`);
  }

  get period(): string {
    return this.table('period');
  }
  get cal(): string {
    return this.table('cal');
  }
  get reg(): string {
    return this.table('reg');
  }
  get listSize(): string {
    return this.table('listsize');
  }
  get ev(): string {
    return this.table('ev');
  }
  get med(): string {
    return this.table('med');
  }

  /** Creates (or replaces) a temp table from a SELECT. */
  async create(name: string, select: string, st: Statement = new Statement()): Promise<string> {
    const table = this.table(name);
    if (!this.created.includes(table)) {
      await this.engine.run(this.d.dropTempTable(table));
      this.created.push(table);
    } else {
      await this.engine.run(this.d.dropTempTable(table));
    }
    await this.engine.run(this.d.createTempTable(table, select), st.params);
    return table;
  }

  /** Drops one temp table of this run now (it would otherwise last until dropAll). */
  async drop(table: string): Promise<void> {
    const i = this.created.indexOf(table);
    if (i < 0) return;
    this.created.splice(i, 1);
    await this.engine.run(this.d.dropTempTable(table));
  }

  async dropAll(): Promise<void> {
    for (const t of this.created.splice(0).reverse()) await this.engine.run(this.d.dropTempTable(t)).catch(() => undefined);
  }

  /** A JOIN to the calendar row of `date` (clamped to the calendar's ends). */
  calJoin(alias: string, date: string, kind: 'JOIN' | 'LEFT JOIN' = 'JOIN'): string {
    return `${kind} ${this.cal} AS ${ident(alias)} ON ${alias}.d = ${this.clamp(date)}`;
  }

  /** `date` clamped to the calendar (NULL stays NULL: least/greatest would ignore it). */
  clamp(date: string): string {
    return `CASE WHEN ${date} IS NULL THEN NULL ELSE least(greatest(${date}, ${dateLiteral(this.calStart)}), ${dateLiteral(this.calEnd)}) END`;
  }

  /** The last period index, as SQL. */
  get last(): string {
    return int(this.n - 1);
  }
}
