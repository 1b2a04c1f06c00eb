/**
 * The CSV extract layout (docs/CSV-LAYOUT.md): one file per table, a header row naming the
 * columns, each column a known kind of value. Everything the importer checks per field is
 * derived from this table, so the doc and the code describe the same thing.
 */

/** What a column holds; each kind has one check (see field-checks.ts). */
export type ColumnKind =
  | 'patient_id'
  | 'date'
  | 'sex'
  | 'nhs_number'
  | 'imd_decile'
  | 'snomed_or_local'
  | 'dmd'
  | 'icd10'
  | 'number'
  | 'text'
  | 'org_code'
  | 'count'
  | 'enum';

export interface ColumnSpec {
  /** Header name in the file, and the column of the store table it fills. */
  name: string;
  kind: ColumnKind;
  required: boolean;
  /** Allowed values, for kind 'enum'. */
  values?: readonly string[];
}

export type TableName =
  | 'organisation'
  | 'patient'
  | 'registration'
  | 'clinical_event'
  | 'medication_issue'
  | 'consultation'
  | 'admission';

export interface FileSpec {
  file: string;
  table: TableName;
  columns: readonly ColumnSpec[];
  /** Whether the store table records the import batch of each row (organisation does not). */
  batchColumn: boolean;
}

const req = (name: string, kind: ColumnKind, values?: readonly string[]): ColumnSpec => ({ name, kind, required: true, ...(values ? { values } : {}) });
const opt = (name: string, kind: ColumnKind, values?: readonly string[]): ColumnSpec => ({ name, kind, required: false, ...(values ? { values } : {}) });

export const ORG_KINDS = ['collaboration', 'network', 'practice', 'benchmark'] as const;
export const CONSULTATION_MODES = ['face_to_face', 'telephone', 'video', 'home_visit', 'online'] as const;
export const ADMISSION_METHODS = ['emergency', 'elective'] as const;

/** Every known file, in the order the importer processes them (referenced tables first). */
export const FILE_SPECS: readonly FileSpec[] = [
  {
    file: 'organisations.csv',
    table: 'organisation',
    batchColumn: false,
    columns: [req('code', 'org_code'), req('name', 'text'), req('kind', 'enum', ORG_KINDS), opt('parent', 'org_code'), opt('list_size_reference', 'count')],
  },
  {
    file: 'patients.csv',
    table: 'patient',
    batchColumn: true,
    columns: [req('id', 'patient_id'), opt('nhs_number', 'nhs_number'), req('birth_date', 'date'), req('sex', 'sex'), opt('death_date', 'date'), opt('imd_decile', 'imd_decile')],
  },
  {
    file: 'registrations.csv',
    table: 'registration',
    batchColumn: true,
    columns: [req('patient_id', 'patient_id'), req('practice', 'org_code'), req('start_date', 'date'), opt('end_date', 'date')],
  },
  {
    file: 'clinical_events.csv',
    table: 'clinical_event',
    batchColumn: true,
    columns: [req('patient_id', 'patient_id'), req('practice', 'org_code'), req('date', 'date'), req('code', 'snomed_or_local'), opt('value', 'number'), opt('unit', 'text')],
  },
  {
    file: 'medication_issues.csv',
    table: 'medication_issue',
    batchColumn: true,
    columns: [req('patient_id', 'patient_id'), req('practice', 'org_code'), req('date', 'date'), req('dmd_code', 'dmd')],
  },
  {
    file: 'consultations.csv',
    table: 'consultation',
    batchColumn: true,
    columns: [req('patient_id', 'patient_id'), req('practice', 'org_code'), req('date', 'date'), req('clinician', 'text'), req('mode', 'enum', CONSULTATION_MODES)],
  },
  {
    file: 'admissions.csv',
    table: 'admission',
    batchColumn: true,
    columns: [req('patient_id', 'patient_id'), req('admitted', 'date'), opt('discharged', 'date'), req('method', 'enum', ADMISSION_METHODS), req('icd10', 'icd10')],
  },
];

export const KNOWN_FILES: readonly string[] = FILE_SPECS.map((s) => s.file);

export function specFor(file: string): FileSpec | undefined {
  return FILE_SPECS.find((s) => s.file === file);
}
