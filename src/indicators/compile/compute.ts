import type { Engine } from '../../store/engine.js';
import { codelistSlugs } from '../definition.js';
import type { LoadedIndicator } from '../load.js';
import type { RawResult } from '../results.js';
import { RunContext } from './context.js';
import { type RelativeWindow, relativeWindows, sourceSlugs, windowKey } from './criteria.js';
import { dialectFor } from './dialect.js';
import { LeafTables, computeIndicator } from './indicator.js';
import { normalisePeriods } from './periods.js';
import { Statement } from './sql.js';
import { createCalendar, createEventTables, createListSize, createPeriods, createRegistrations } from './prepare.js';

/** Every codelist the indicators use must be in codelist_code, or they would silently count nobody. */
async function checkCodelistsStored(engine: Engine, indicators: readonly LoadedIndicator[]): Promise<void> {
  const needed = [...new Set(indicators.flatMap((i) => codelistSlugs(i.definition)))];
  if (needed.length === 0) return;
  const st = new Statement();
  const rows = await engine.all<{ slug: string }>(
    `SELECT DISTINCT slug FROM codelist_code WHERE slug IN (${needed.map((s) => st.param(s)).join(', ')})`,
    st.params,
  );
  const stored = new Set(rows.map((r) => r.slug));
  const missing = needed.filter((s) => !stored.has(s));
  if (missing.length) throw new Error(`codelist${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in the store's codelist_code (store them with storeCodelists first)`);
}

export interface ComputeOptions {
  /** Called when the shared tables are ready and after each indicator. */
  onProgress?: (event: { phase: 'prepared' } | { phase: 'indicator'; id: string; done: number; total: number }) => void;
}

/**
 * Computes the practice-level raw results of `indicators` at every reference date in `periods`
 * (month ends, 'YYYY-MM-DD'), in set-based SQL on the store. Codelists are matched through the
 * store table codelist_code (fill it with storeCodelists first). Returns one row per indicator,
 * practice and period for every practice with at least one registered, living patient then.
 */
export async function computeRaw(engine: Engine, indicators: LoadedIndicator[], periods: string[], options: ComputeOptions = {}): Promise<RawResult[]> {
  const sorted = normalisePeriods(periods);
  if (sorted.length === 0 || indicators.length === 0) return [];
  const ctx = new RunContext(engine, dialectFor(engine.dialect), sorted);
  try {
    const windows = new Map<string, RelativeWindow>();
    for (const ind of indicators) {
      for (const w of relativeWindows(ind.definition)) windows.set(windowKey(w), w);
      const { events, medications } = sourceSlugs(ind.definition);
      for (const s of events) if (!ctx.eventSlugIds.has(s)) ctx.eventSlugIds.set(s, ctx.eventSlugIds.size + 1);
      for (const s of medications) if (!ctx.medicationSlugIds.has(s)) ctx.medicationSlugIds.set(s, ctx.medicationSlugIds.size + 1);
    }
    await checkCodelistsStored(engine, indicators);
    const ws = [...windows.values()];
    await createPeriods(ctx, ws);
    await createCalendar(ctx, ws);
    await createRegistrations(ctx);
    await createListSize(ctx);
    await createEventTables(ctx);
    options.onProgress?.({ phase: 'prepared' });

    const leaves = new LeafTables(ctx);
    const out: RawResult[] = [];
    let done = 0;
    for (const ind of indicators) {
      const rows = await computeIndicator(ctx, leaves, ind.definition, `i${done}`);
      out.push(...rows);
      done += 1;
      options.onProgress?.({ phase: 'indicator', id: ind.definition.id, done, total: indicators.length });
    }
    return out;
  } finally {
    await ctx.dropAll();
  }
}
