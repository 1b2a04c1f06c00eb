/**
 * Engine-conformance spec cases (test/spec/cases/*.yaml): a few patients' records, one
 * indicator definition, the reference dates, and the raw results worked out by hand.
 * Every case runs on every engine; each must produce exactly the expected rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import type { Codelist } from '../../src/codelists/load.js';
import type { ClinicalData } from '../../src/model/clinical.js';
import { IndicatorDefinition, codelistSlugs } from '../../src/indicators/definition.js';
import { checkDefinition, type LoadedIndicator } from '../../src/indicators/load.js';
import type { RawResult } from '../../src/indicators/results.js';
import { isIsoDate } from '../../src/indicators/reference/dates.js';

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases');

const IsoDate = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const Code = z.string({ error: 'a code, written as a quoted string' }).min(1);
const Practice = z.string().regex(/^[A-Z0-9]+$/, 'a practice code (capital letters and digits)');

const CaseOrganisation = z
  .object({
    code: z.string().min(1),
    name: z.string().optional(),
    kind: z.enum(['collaboration', 'network', 'practice']).default('practice'),
    parent: z.string().nullable().default(null),
  })
  .strict();

const CasePatient = z
  .object({
    id: z.number().int().positive(),
    birth_date: IsoDate,
    sex: z.enum(['F', 'M', 'U']),
    death_date: IsoDate.nullable().default(null),
    nhs_number: z.string().nullable().default(null),
    imd_decile: z.number().int().min(1).max(10).nullable().default(null),
  })
  .strict();

const CaseRegistration = z
  .object({ patient_id: z.number().int(), practice: Practice, start_date: IsoDate, end_date: IsoDate.nullable().default(null) })
  .strict();

const CaseEvent = z
  .object({
    patient_id: z.number().int(),
    practice: Practice,
    date: IsoDate,
    code: Code,
    value: z.number().nullable().default(null),
    unit: z.string().nullable().default(null),
  })
  .strict();

const CaseMedication = z.object({ patient_id: z.number().int(), practice: Practice, date: IsoDate, dmd_code: Code }).strict();

const CaseAdmission = z
  .object({
    patient_id: z.number().int(),
    admitted: IsoDate,
    discharged: IsoDate.nullable().default(null),
    method: z.enum(['emergency', 'elective']),
    icd10: z.string().min(1),
  })
  .strict();

const ExpectedRow = z
  .object({
    practice: Practice,
    period_end: IsoDate,
    numerator: z.number(),
    denominator: z.number().int().nonnegative(),
    sum_sq: z.number().default(0),
  })
  .strict();

export const SpecCase = z
  .object({
    description: z.string().min(1),
    organisations: z.array(CaseOrganisation).optional(),
    patients: z.array(CasePatient).min(1),
    registrations: z.array(CaseRegistration).default([]),
    events: z.array(CaseEvent).default([]),
    medications: z.array(CaseMedication).default([]),
    admissions: z.array(CaseAdmission).default([]),
    /** An indicator definition; id, title, area, rationale, source and codelists may be left out. */
    indicator: z.record(z.string(), z.unknown()),
    periods: z.array(IsoDate).min(1),
    expected: z.array(ExpectedRow),
  })
  .strict();
export type SpecCase = z.infer<typeof SpecCase>;

export interface LoadedCase {
  name: string;
  file: string;
  description: string;
  data: ClinicalData;
  indicator: LoadedIndicator;
  periods: string[];
  expected: RawResult[];
}

export class CaseFileError extends Error {}

/** Loads, validates and assembles one case file. Errors name the file, line and field. */
export function loadCase(file: string, codelists: ReadonlyMap<string, Codelist>): LoadedCase {
  const name = basename(file).replace(/\.ya?ml$/, '');
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new CaseFileError(`${file}:${e.linePos?.[0].line ?? '?'}: not valid YAML: ${e.message}`);
  }
  const fail = (path: readonly PropertyKey[], message: string): never => {
    // Report the line of the deepest node on the path that exists.
    let line: number | null = null;
    for (let n = path.length; n >= 0 && line === null; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
    }
    const field = path.map(String).join('.') || '(top level)';
    throw new CaseFileError(`${file}${line === null ? '' : `:${line}`}: ${field}: ${message}`);
  };

  const parsed = SpecCase.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(issue.path, issue.message);
  }
  const c = parsed.data;

  // Fill the definition's bookkeeping fields, then validate it like any indicator file.
  const rawDef: Record<string, unknown> = {
    id: `spec-${name}`,
    title: c.description,
    area: 'diabetes',
    rationale: 'engine-conformance spec case',
    source: `test/spec/cases/${basename(file)}`,
    codelists: {},
    ...c.indicator,
  };
  const firstPass = IndicatorDefinition.safeParse(rawDef);
  if (!firstPass.success) {
    const issue = firstPass.error.issues[0]!;
    return fail(['indicator', ...issue.path], issue.message);
  }
  if (!('codelists' in c.indicator)) {
    const versions: Record<string, string> = {};
    for (const slug of codelistSlugs(firstPass.data)) {
      const list = codelists.get(slug);
      if (!list) return fail(['indicator'], `unknown codelist ${slug}`);
      versions[slug] = list.version;
    }
    rawDef['codelists'] = versions;
  }
  let indicator: LoadedIndicator;
  try {
    indicator = checkDefinition(rawDef, file, codelists);
  } catch (err) {
    return fail(['indicator'], (err as Error).message);
  }

  // Codes in the records must exist somewhere in the project's codelists or be deliberately
  // foreign: a typo would silently make a case pass for the wrong reason, so only codes from
  // the lists the definition uses, or listed under another known codelist, are accepted.
  const known = new Set<string>();
  for (const list of codelists.values()) for (const code of list.codes) known.add(code.code);
  c.events.forEach((e, i) => {
    if (!known.has(e.code) && !e.code.startsWith('OTHER-')) fail(['events', i, 'code'], `code ${e.code} is in no project codelist (use OTHER-… for a deliberately unlisted code)`);
  });
  c.medications.forEach((m, i) => {
    if (!known.has(m.dmd_code) && !m.dmd_code.startsWith('OTHER-')) fail(['medications', i, 'dmd_code'], `code ${m.dmd_code} is in no project codelist`);
  });

  const patientIds = new Set(c.patients.map((p) => p.id));
  const checkPatient = (section: string, rows: readonly { patient_id: number }[]): void =>
    rows.forEach((r, i) => {
      if (!patientIds.has(r.patient_id)) fail([section, i, 'patient_id'], `no patient ${r.patient_id} in patients`);
    });
  checkPatient('registrations', c.registrations);
  checkPatient('events', c.events);
  checkPatient('medications', c.medications);
  checkPatient('admissions', c.admissions);

  const practiceCodes = [...new Set(c.registrations.map((r) => r.practice))].sort();
  const organisations = (c.organisations ?? practiceCodes.map((code) => ({ code, kind: 'practice' as const, parent: null }))).map((o) => ({
    code: o.code,
    name: 'name' in o && o.name ? o.name : `Spec practice ${o.code}`,
    kind: o.kind,
    parent: o.parent,
  }));

  const expected: RawResult[] = c.expected.map((e) => ({ indicator_id: indicator.definition.id, ...e }));
  return {
    name,
    file,
    description: c.description,
    data: {
      organisations,
      patients: c.patients,
      registrations: c.registrations,
      events: c.events,
      medications: c.medications,
      admissions: c.admissions,
      consultations: [],
    },
    indicator,
    periods: c.periods,
    expected,
  };
}

/** Every case file in test/spec/cases, sorted by name. */
export function caseFiles(dir: string = CASES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}
