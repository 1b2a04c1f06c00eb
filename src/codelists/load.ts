import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CodelistManifest, type CodeSystem, type CodelistEntry } from './manifest.js';
import { parseCsv } from '../util/csv.js';

export interface Codelist {
  slug: string;
  title: string;
  system: CodeSystem;
  version: string;
  codes: { code: string; term: string | null }[];
  /** Where the list came from, as codelists.yaml says (absent for lists built in tests). */
  source?: string;
}

/** The project's codelists/ folder (beside src/ and dist/). */
export const DEFAULT_CODELIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'codelists');

export class CodelistError extends Error {}

function loadOne(dir: string, entry: CodelistEntry, loaded: ReadonlyMap<string, Codelist>): Codelist {
  if (entry.union_of) {
    const seen = new Map<string, string | null>();
    for (const slug of entry.union_of) {
      const part = loaded.get(slug);
      if (!part) throw new CodelistError(`codelist ${entry.slug}: union_of names ${slug}, which is not listed before it`);
      if (part.system !== entry.system) throw new CodelistError(`codelist ${entry.slug}: ${slug} is ${part.system}, not ${entry.system}`);
      for (const c of part.codes) if (!seen.has(c.code)) seen.set(c.code, c.term);
    }
    const codes = [...seen.entries()].map(([code, term]) => ({ code, term }));
    return { slug: entry.slug, title: entry.title, system: entry.system, version: entry.version, codes, source: entry.source };
  }
  const file = entry.file as string;
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CodelistError(`codelist ${entry.slug}: file not found: ${path}`);
  }
  const table = parseCsv(text);
  const header = table[0] ?? [];
  const codeIdx = header.indexOf(entry.code_column);
  if (codeIdx < 0) throw new CodelistError(`codelist ${entry.slug}: ${file} has no column "${entry.code_column}"`);
  const whereIdx = entry.where ? header.indexOf(entry.where.column) : -1;
  if (entry.where && whereIdx < 0) throw new CodelistError(`codelist ${entry.slug}: ${file} has no column "${entry.where.column}"`);
  const whereValues = new Set(entry.where?.in ?? []);
  const termIdx = entry.term_column ? header.indexOf(entry.term_column) : header.indexOf('term');
  const seen = new Map<string, string | null>();
  for (const row of table.slice(1)) {
    const code = (row[codeIdx] ?? '').trim();
    if (!code) continue;
    if (entry.where && !whereValues.has(row[whereIdx] ?? '')) continue;
    if (!seen.has(code)) seen.set(code, termIdx >= 0 ? (row[termIdx] ?? null) : null);
  }
  let codes = [...seen.entries()].map(([code, term]) => ({ code, term }));
  if (entry.include_codes) {
    const missing = entry.include_codes.filter((c) => !seen.has(c));
    if (missing.length) throw new CodelistError(`codelist ${entry.slug}: include_codes not in ${file}: ${missing.join(', ')}`);
    const keep = new Set(entry.include_codes);
    codes = codes.filter((c) => keep.has(c.code));
  }
  if (entry.system === 'gpnet-local') {
    const bad = codes.filter((c) => !c.code.startsWith('GPNET-'));
    if (bad.length) throw new CodelistError(`codelist ${entry.slug}: local codes must start with GPNET- (${bad[0]?.code})`);
  } else if (entry.system === 'snomedct' || entry.system === 'dmd') {
    const bad = codes.filter((c) => !/^\d{6,18}$/.test(c.code));
    if (bad.length) throw new CodelistError(`codelist ${entry.slug}: not a SNOMED CT/dm+d id: ${bad[0]?.code}`);
  }
  return { slug: entry.slug, title: entry.title, system: entry.system, version: entry.version, codes, source: entry.source };
}

/** Loads and checks every codelist in the manifest. */
export function loadCodelists(dir: string = DEFAULT_CODELIST_DIR): Map<string, Codelist> {
  const manifestPath = join(dir, 'codelists.yaml');
  const parsed = CodelistManifest.safeParse(parseYaml(readFileSync(manifestPath, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CodelistError(`${manifestPath}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const out = new Map<string, Codelist>();
  for (const entry of parsed.data.codelists) {
    if (out.has(entry.slug)) throw new CodelistError(`${manifestPath}: duplicate slug ${entry.slug}`);
    out.set(entry.slug, loadOne(dir, entry, out));
  }
  return out;
}
