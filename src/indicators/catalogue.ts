import type { Codelist } from '../codelists/load.js';
import { codelistSlugs } from './definition.js';
import type { LoadedIndicator } from './load.js';
import { indicatorUnit } from './results.js';

/**
 * What `gpnet indicators list --format json` prints for each indicator (a contract: field names
 * are fixed by issue 13). docs/CODELISTS.md's gap list is generated from the same summaries.
 */
export interface CodelistReference {
  /** The codelist's slug. */
  id: string;
  /** Where it comes from: the OpenCodelists id (e.g. nhsd-primary-care-domain-refsets/dm_cod/20250627), another public source, or 'gpnet-local'. */
  source: string;
  /** False for the local code system (gpnet-local): a gap, not a published list. */
  published: boolean;
}

export interface IndicatorSummary {
  id: string;
  title: string;
  clinical_area: string;
  /** As the results show it: '%', 'per 1,000', 'per 100,000', 'patients', or a mean's unit. */
  unit: string;
  target: { value: number; direction: 'higher' | 'lower' } | null;
  codelists: CodelistReference[];
}

export const LOCAL_SOURCE = 'gpnet-local';

/** The source of a codelist as one short id: the OpenCodelists id when there is one. */
export function codelistSource(list: Codelist): string {
  if (list.system === 'gpnet-local') return LOCAL_SOURCE;
  const text = list.source ?? '';
  const openCodelists = /^OpenCodelists (\S+?)[;,]?(?:\s|$)/.exec(text);
  if (openCodelists) return openCodelists[1] as string;
  // Anything else: the source text up to its first ';' (e.g. a repository @ commit, or a union).
  return (text.split(';')[0] ?? '').trim() || list.slug;
}

export function summariseIndicator(ind: LoadedIndicator, codelists: ReadonlyMap<string, Codelist>): IndicatorSummary {
  const def = ind.definition;
  return {
    id: def.id,
    title: def.title,
    clinical_area: def.area,
    unit: indicatorUnit(def),
    target: def.target ? { value: def.target.value, direction: def.target.direction } : null,
    codelists: codelistSlugs(def).map((slug) => {
      const list = codelists.get(slug);
      if (!list) throw new Error(`indicator ${def.id}: unknown codelist ${slug}`);
      return { id: slug, source: codelistSource(list), published: list.system !== 'gpnet-local' };
    }),
  };
}

/** Every indicator's summary, in id order. */
export function indicatorCatalogue(indicators: readonly LoadedIndicator[], codelists: ReadonlyMap<string, Codelist>): IndicatorSummary[] {
  return [...indicators].sort((a, b) => (a.definition.id < b.definition.id ? -1 : 1)).map((i) => summariseIndicator(i, codelists));
}
