/**
 * A programme's costs for the study report: the advance and performance payments of its incentive
 * schemes, calculated by the incentives module for every year of each scheme from the store's
 * network results, plus other costs (staff, IT) from the study file or a --costs file.
 * All amounts are whole pence (JSON numbers, safe integers).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Engine } from '../../store/engine.js';
import { calculateScheme } from '../incentives/calculate.js';
import { financialYearLabel } from '../incentives/financial-year.js';
import { SchemeError, loadScheme, type IndicatorCatalogue } from '../incentives/load-scheme.js';
import { IncentiveDataError } from '../incentives/store-reads.js';
import { ProgrammeCosts, type CostItem } from '../study.js';
import { EvaluationInputError } from './errors.js';

export const DEFAULT_SCHEME_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemes');

export interface SchemeYearCost {
  scheme: string;
  title: string;
  /** Financial year starting 1 April of `year`. */
  year: number;
  financial_year: string;
  status: 'ok' | 'not-calculated';
  /** Why the year could not be calculated (status not-calculated). */
  reason?: string;
  advance_pence: number;
  performance_pence: number;
  clawback_pence: number;
  /** advance + performance − clawback, summed over the networks. */
  total_pence: number;
  /** The calculation's warnings (e.g. a network with no result at a measurement date). */
  warnings: string[];
}

export interface ItemCost {
  item: string;
  kind: CostItem['kind'];
  pence: number;
  /** How the amount was reached, e.g. "£50,000 a year × 3 years (2009/10 to 2011/12)". */
  basis: string;
  source: string | null;
}

export interface ProgrammeCostReport {
  schemes: SchemeYearCost[];
  items: ItemCost[];
  incentive_pence: number;
  other_pence: number;
  total_pence: number;
  /** False when a scheme year could not be calculated (the total is then a lower bound) or no costs were given. */
  complete: boolean;
  notes: string[];
}

function pounds(n: number): string {
  return `£${n.toLocaleString('en-GB', { maximumFractionDigits: 2 })}`;
}

export function itemCost(item: CostItem): ItemCost {
  if (item.per === 'total') {
    return { item: item.item, kind: item.kind, pence: Math.round(item.pounds * 100), basis: `${pounds(item.pounds)} in all`, source: item.source ?? null };
  }
  const years = item.years!;
  const n = years.to - years.from + 1;
  if (n < 1) throw new EvaluationInputError(`cost '${item.item}': years ${years.from} to ${years.to} run backwards`);
  const range = n === 1 ? financialYearLabel(years.from) : `${financialYearLabel(years.from)} to ${financialYearLabel(years.to)}`;
  return {
    item: item.item,
    kind: item.kind,
    pence: Math.round(item.pounds * 100) * n,
    basis: `${pounds(item.pounds)} a year × ${n} year${n === 1 ? '' : 's'} (${range})`,
    source: item.source ?? null,
  };
}

async function schemeCosts(engine: Engine, file: string, schemesDir: string, catalogue: IndicatorCatalogue): Promise<SchemeYearCost[]> {
  let scheme;
  try {
    scheme = loadScheme(join(schemesDir, file), catalogue);
  } catch (err) {
    if (err instanceof SchemeError) throw new EvaluationInputError(err.message);
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw new EvaluationInputError(`incentive scheme ${join(schemesDir, file)} does not exist`);
    throw err;
  }
  const out: SchemeYearCost[] = [];
  for (let year = scheme.years.from; year <= scheme.years.to; year++) {
    const base = { scheme: scheme.id, title: scheme.title, year, financial_year: financialYearLabel(year) };
    try {
      const calc = await calculateScheme(engine, scheme, year, catalogue);
      const t = calc.totals;
      out.push({
        ...base,
        status: 'ok',
        advance_pence: t.advance_pence,
        performance_pence: t.performance_pence,
        clawback_pence: t.clawback_pence,
        total_pence: t.total_pence,
        warnings: calc.warnings,
      });
    } catch (err) {
      if (!(err instanceof IncentiveDataError || err instanceof SchemeError)) throw err;
      out.push({ ...base, status: 'not-calculated', reason: err.message, advance_pence: 0, performance_pence: 0, clawback_pence: 0, total_pence: 0, warnings: [] });
    }
  }
  return out;
}

export async function programmeCosts(
  engine: Engine,
  costs: ProgrammeCosts | undefined,
  catalogue: IndicatorCatalogue,
  schemesDir: string = DEFAULT_SCHEME_DIR,
): Promise<ProgrammeCostReport> {
  const schemes: SchemeYearCost[] = [];
  for (const file of costs?.schemes ?? []) schemes.push(...(await schemeCosts(engine, file, schemesDir, catalogue)));
  const items = (costs?.items ?? []).map(itemCost);
  const incentive = schemes.reduce((a, s) => a + s.total_pence, 0);
  const other = items.reduce((a, i) => a + i.pence, 0);
  const notes: string[] = [];
  if (costs?.note) notes.push(costs.note);
  const failed = schemes.filter((s) => s.status !== 'ok');
  for (const s of failed) notes.push(`${s.scheme} ${s.financial_year} could not be calculated (${s.reason}); the total leaves it out`);
  const given = schemes.length + items.length > 0;
  if (!given) notes.push('no costs were given for this programme');
  return {
    schemes,
    items,
    incentive_pence: incentive,
    other_pence: other,
    total_pence: incentive + other,
    complete: given && failed.length === 0,
    notes,
  };
}

/** A --costs file: other costs (and scheme files) by programme id; it replaces the study file's costs for the programmes it names. */
const CostsFile = z.object({ programmes: z.record(z.string(), ProgrammeCosts) }).strict();
export type CostsOverride = Record<string, ProgrammeCosts>;

export function readCostsFile(path: string, programmeIds: readonly string[]): CostsOverride {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new EvaluationInputError(`cannot read the costs file ${path}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new EvaluationInputError(`${path}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const parsed = CostsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EvaluationInputError(`${path}: field ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  for (const id of Object.keys(parsed.data.programmes)) {
    if (!programmeIds.includes(id)) throw new EvaluationInputError(`${path}: field programmes.${id}: no programme '${id}' in the study (programmes: ${programmeIds.join(', ')})`);
  }
  return parsed.data.programmes;
}
