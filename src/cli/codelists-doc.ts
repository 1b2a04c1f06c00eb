import type { IndicatorSummary } from '../indicators/catalogue.js';

/**
 * docs/CODELISTS.md is partly generated from `gpnet indicators list --format json`
 * (scripts/update-codelists-doc.mjs; test/indicators/codelists-doc.test.ts fails when it is stale):
 * - the "Used by" column of the "Every codelist" table;
 * - the list of indicators that depend on unpublished (gpnet-local) codelists, between the
 *   BEGIN/END markers under "## Gaps".
 */
export const GAPS_BEGIN = '<!-- BEGIN generated: indicator gaps (npm run docs:codelists, from `gpnet indicators list --format json`; do not edit) -->';
export const GAPS_END = '<!-- END generated: indicator gaps -->';

export class CodelistsDocError extends Error {}

/** The generated gap list: every indicator that uses a codelist with published: false. */
export function gapSection(summaries: readonly IndicatorSummary[]): string {
  const withGaps = summaries.filter((s) => s.codelists.some((c) => !c.published));
  const rows = withGaps.map((s) => {
    const local = s.codelists.filter((c) => !c.published).map((c) => `\`${c.id}\``);
    return `| \`${s.id}\` | ${s.clinical_area} | ${s.title} | ${local.join(', ')} |`;
  });
  return [
    `${withGaps.length} of ${summaries.length} indicators use a codelist that is not published (the local`,
    'code system `gpnet-local`); each must be replaced by a real list (tables below) before production.',
    '',
    '| Indicator | Area | Title | Unpublished codelists |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** codelist slug → the ids of the indicators that use it, in id order. */
function usedBy(summaries: readonly IndicatorSummary[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of [...summaries].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (const c of s.codelists) out.set(c.id, [...(out.get(c.id) ?? []), s.id]);
  }
  return out;
}

/** The doc with its generated parts brought up to date. */
export function regenerateCodelistsDoc(doc: string, summaries: readonly IndicatorSummary[]): string {
  const begin = doc.indexOf(GAPS_BEGIN);
  const end = doc.indexOf(GAPS_END);
  if (begin < 0 || end < begin) throw new CodelistsDocError(`docs/CODELISTS.md: the markers ${GAPS_BEGIN} … ${GAPS_END} are missing`);
  let out = `${doc.slice(0, begin + GAPS_BEGIN.length)}\n${gapSection(summaries)}\n${doc.slice(end)}`;

  // "Used by" cells of the "Every codelist" table (rows of lists no indicator uses keep their note).
  const users = usedBy(summaries);
  const tableStart = out.indexOf('## Every codelist');
  const tableEnd = out.indexOf('\n## ', tableStart + 1);
  if (tableStart < 0 || tableEnd < 0) throw new CodelistsDocError('docs/CODELISTS.md: no "## Every codelist" section');
  const table = out
    .slice(tableStart, tableEnd)
    .split('\n')
    .map((line) => {
      const m = /^\| `([^`]+)` \|/.exec(line);
      if (!m) return line;
      const ids = users.get(m[1] as string);
      const cells = line.split(' | ');
      const last = (cells[cells.length - 1] ?? '').replace(/ ?\|$/, '');
      const cell = ids ? ids.map((id) => `\`${id}\``).join(', ') : last.startsWith('—') ? last : '— (not used yet)';
      cells[cells.length - 1] = `${cell} |`;
      return cells.join(' | ');
    })
    .join('\n');
  out = out.slice(0, tableStart) + table + out.slice(tableEnd);
  return out;
}
