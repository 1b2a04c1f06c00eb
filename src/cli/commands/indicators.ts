import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { indicatorCatalogue, type IndicatorSummary } from '../../indicators/catalogue.js';
import type { LoadedIndicator } from '../../indicators/load.js';
import { describeDefinition, describeWindow } from '../../server/api/plain-english.js';
import { UserError } from '../errors.js';
import { loadIndicatorLibrary } from '../indicator-library.js';

/**
 * `gpnet indicators list [--format table|json]`: every indicator in indicators/ with its area,
 * unit, target and codelists (JSON: an array of {id, title, clinical_area, unit, target,
 * codelists: [{id, source, published}]}).
 * `gpnet indicators show ID`: the definition as written (YAML) and its rule in words.
 */
type Format = 'table' | 'json';

function parseFormat(v: string): Format {
  if (v !== 'table' && v !== 'json') throw new UserError(`--format must be table or json, not '${v}'`);
  return v;
}

function targetText(t: IndicatorSummary['target'], unit: string): string {
  if (!t) return '—';
  const u = unit === '%' ? '%' : ` ${unit}`;
  return `${t.direction === 'higher' ? '≥' : '≤'} ${t.value}${u}`;
}

/** The list as an aligned text table. */
export function formatIndicatorTable(summaries: readonly IndicatorSummary[]): string {
  const header = ['id', 'area', 'unit', 'target', 'codelists (* = unpublished, gpnet-local)'];
  const rows = summaries.map((s) => [
    s.id,
    s.clinical_area,
    s.unit,
    targetText(s.target, s.unit),
    s.codelists.map((c) => `${c.id}${c.published ? '' : '*'}`).join(', ') || '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `show ID`: the YAML as written, then the rule in words. */
export function formatIndicatorShow(ind: LoadedIndicator, summary: IndicatorSummary): string {
  const def = ind.definition;
  const plain = describeDefinition(def);
  const words = [
    `${def.title} (${def.id})`,
    `Area: ${summary.clinical_area}. Unit: ${summary.unit}. Kind: ${def.kind}.`,
    `Measure: ${plain.measure}`,
    `Population: ${plain.population}`,
    ...(plain.numerator ? [`Numerator: ${plain.numerator}`] : []),
    ...(def.count ? [`Counted: ${'admissions' in def.count ? `admissions (${def.count.admissions.method}, ICD-10 ${def.count.admissions.icd10_prefixes.join(', ')}) admitted ${describeWindow(def.count.admissions.window)}` : `${def.count.events.codelist} codes ${describeWindow(def.count.events.window)}`}.`] : []),
    ...(plain.exclusions.length ? ['Exclusions:', ...plain.exclusions.map((e) => `  - ${e}`)] : ['Exclusions: none.']),
    `Target: ${plain.target ?? 'none.'}`,
    `Codelists: ${summary.codelists.map((c) => `${c.id} (${c.published ? c.source : 'gpnet-local, unpublished: a gap'})`).join('; ') || 'none (hospital admissions and deaths only).'}`,
    `Windows end at the reference date R (each month end); "in the last N months" means from R + 1 day − N months to R.`,
  ];
  return `# indicators/${basename(ind.file)}\n${readFileSync(ind.file, 'utf8').trimEnd()}\n\n# In words\n${words.join('\n')}\n`;
}

export function register(program: Command): void {
  const cmd = program.command('indicators').description('the indicator library: list the indicators, or show one definition and its rule in words');
  cmd
    .command('list')
    .description('list every indicator: id, area, unit, target and codelists')
    .option('--format <format>', 'table or json', 'table')
    .action((opts: { format: string }) => {
      const format = parseFormat(opts.format);
      const { codelists, indicators } = loadIndicatorLibrary();
      const summaries = indicatorCatalogue(indicators, codelists);
      process.stdout.write(format === 'json' ? `${JSON.stringify(summaries, null, 2)}\n` : `${formatIndicatorTable(summaries)}\n`);
    });
  cmd
    .command('show')
    .description('show one indicator: its YAML definition and its rule in words')
    .argument('<id>', 'the indicator id, e.g. mi-review-3-weeks')
    .action((id: string) => {
      const { codelists, indicators } = loadIndicatorLibrary();
      const ind = indicators.find((i) => i.definition.id === id);
      if (!ind) throw new UserError(`unknown indicator ${id}; the indicators are: ${indicators.map((i) => i.definition.id).join(', ')}`);
      const [summary] = indicatorCatalogue([ind], codelists);
      process.stdout.write(formatIndicatorShow(ind, summary as IndicatorSummary));
    });
}
