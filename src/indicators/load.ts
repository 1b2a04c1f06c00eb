import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlWithLines, type LineOf } from '../util/yaml-lines.js';
import { describeIssue } from '../util/zod-issue.js';
import type { Codelist } from '../codelists/load.js';
import { IndicatorDefinition, codelistSlugs } from './definition.js';

export interface LoadedIndicator {
  definition: IndicatorDefinition;
  /** sha256 of the canonical JSON of the validated definition. */
  hash: string;
  /** slug → version actually used. */
  codelistVersions: Record<string, string>;
  file: string;
}

export const DEFAULT_INDICATOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'indicators');

export class DefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
    readonly line: number | null = null,
  ) {
    super(`${file}${line ? ` line ${line}` : ''}: ${field || '(top level)'}: ${reason}`);
  }
}

const noLines: LineOf = () => null;

/** JSON with object keys sorted, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Validates one parsed definition; errors name the file and the field. */
export function checkDefinition(raw: unknown, file: string, codelists: ReadonlyMap<string, Codelist>, lineOf: LineOf = noLines): LoadedIndicator {
  const parsed = IndicatorDefinition.safeParse(raw);
  if (!parsed.success) {
    const issue = describeIssue(parsed.error);
    throw new DefinitionError(file, issue.path.map(String).join('.'), issue.message, lineOf(issue.path));
  }
  const def = parsed.data;
  for (const slug of codelistSlugs(def)) {
    if (!(slug in def.codelists))
      throw new DefinitionError(file, 'codelists', `uses codelist ${slug} but does not list it with its version`, lineOf(['codelists']));
  }
  const codelistVersions: Record<string, string> = {};
  for (const [slug, version] of Object.entries(def.codelists)) {
    const list = codelists.get(slug);
    if (!list) throw new DefinitionError(file, `codelists.${slug}`, `unknown codelist ${slug}`, lineOf(['codelists', slug]));
    if (list.version !== version)
      throw new DefinitionError(
        file,
        `codelists.${slug}`,
        `written against version ${version} but the project has ${list.version}`,
        lineOf(['codelists', slug]),
      );
    codelistVersions[slug] = version;
  }
  const hash = createHash('sha256').update(canonicalJson(def)).digest('hex');
  return { definition: def, hash, codelistVersions, file };
}

/** Loads every *.yaml definition in a folder, sorted by id. */
export function loadIndicators(codelists: ReadonlyMap<string, Codelist>, dir: string = DEFAULT_INDICATOR_DIR): LoadedIndicator[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const out: LoadedIndicator[] = [];
  const ids = new Map<string, string>();
  for (const f of files) {
    const path = join(dir, f);
    const { doc, lineOf, error } = parseYamlWithLines(readFileSync(path, 'utf8'));
    if (error) throw new DefinitionError(path, '', `not valid YAML: ${error.message}`, error.line);
    const loaded = checkDefinition(doc.toJS(), path, codelists, lineOf);
    const prior = ids.get(loaded.definition.id);
    if (prior) throw new DefinitionError(path, 'id', `id ${loaded.definition.id} is also used by ${prior}`, lineOf(['id']));
    ids.set(loaded.definition.id, path);
    out.push(loaded);
  }
  return out.sort((a, b) => a.definition.id.localeCompare(b.definition.id));
}
