import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlWithLines, type LineOf } from '../../util/yaml-lines.js';
import type { Codelist } from '../../codelists/load.js';
import type { LoadedIndicator } from '../../indicators/load.js';
import { describeIssue } from '../../util/zod-issue.js';
import { RecallProgramme } from './programme.js';
import { TemplateError, checkTemplate } from './template.js';

export const DEFAULT_RECALL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'recall');

export class ProgrammeError extends Error {}

/** A recall programme with the indicator it derives from. */
export interface LoadedProgramme {
  programme: RecallProgramme;
  indicator: LoadedIndicator;
  file: string;
}


function fail(file: string, line: number | null, field: string, reason: string): never {
  throw new ProgrammeError(`${file}${line ? ` line ${line}` : ''}: ${field || '(top level)'}: ${reason}`);
}

/** Validates one parsed programme against the indicators and codelists. */
export function checkProgramme(
  raw: unknown,
  file: string,
  indicators: readonly LoadedIndicator[],
  codelists: ReadonlyMap<string, Codelist>,
  lineOf: LineOf = () => null,
): LoadedProgramme {
  const parsed = RecallProgramme.safeParse(raw);
  if (!parsed.success) {
    const issue = describeIssue(parsed.error);
    fail(file, lineOf(issue.path), issue.path.map(String).join('.'), issue.message);
  }
  const p = parsed.data;
  const indicator = indicators.find((i) => i.definition.id === p.indicator);
  if (!indicator) fail(file, lineOf(['indicator']), 'indicator', `no indicator ${p.indicator} in indicators/`);
  if (indicator.definition.kind !== 'proportion')
    fail(file, lineOf(['indicator']), 'indicator', `${p.indicator} is a ${indicator.definition.kind}; a recall list needs a proportion (denominator − numerator)`);
  for (const slug of Object.keys(p.labels)) {
    if (!codelists.has(slug)) fail(file, lineOf(['labels', slug]), `labels.${slug}`, `unknown codelist ${slug}`);
  }
  p.risk.forEach((r, i) => {
    if (!codelists.has(r.latest_value.codelist))
      fail(file, lineOf(['risk', i, 'latest_value', 'codelist']), `risk.${i}.latest_value.codelist`, `unknown codelist ${r.latest_value.codelist}`);
  });
  for (const [kind, slug] of Object.entries(p.adjustment_codes)) {
    if (slug !== undefined && !(slug in indicator.definition.codelists))
      fail(file, lineOf(['adjustment_codes', kind]), `adjustment_codes.${kind}`, `${slug} is not a codelist of indicator ${p.indicator}`);
  }
  try {
    checkTemplate(p.sms_template);
  } catch (err) {
    if (err instanceof TemplateError) fail(file, lineOf(['sms_template']), 'sms_template', err.message);
    throw err;
  }
  return { programme: p, indicator, file };
}

/** Loads every recall/*.yaml, sorted by id; errors name the file, line and field. */
export function loadProgrammes(
  indicators: readonly LoadedIndicator[],
  codelists: ReadonlyMap<string, Codelist>,
  dir: string = DEFAULT_RECALL_DIR,
): LoadedProgramme[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const out: LoadedProgramme[] = [];
  const ids = new Map<string, string>();
  for (const f of files) {
    const path = join(dir, f);
    const { doc, lineOf, error } = parseYamlWithLines(readFileSync(path, 'utf8'));
    if (error) fail(path, error.line, '', `not valid YAML: ${error.message}`);
    const loaded = checkProgramme(doc.toJS(), path, indicators, codelists, lineOf);
    const prior = ids.get(loaded.programme.id);
    if (prior) fail(path, lineOf(['id']), 'id', `id ${loaded.programme.id} is also used by ${prior}`);
    ids.set(loaded.programme.id, path);
    out.push(loaded);
  }
  return out.sort((a, b) => (a.programme.id < b.programme.id ? -1 : 1));
}
