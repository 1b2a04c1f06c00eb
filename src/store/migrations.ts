import type { Engine } from './engine.js';

/**
 * Schema migrations, applied in order and recorded in schema_migrations.
 * The SQL is written in the common subset of DuckDB and PostgreSQL; where the dialects
 * differ, a migration may give a per-dialect variant.
 *
 * Conventions (see docs/ARCHITECTURE.md, "Data model"):
 * - registration.end_date is exclusive: the first day the patient is no longer registered.
 *   A patient is registered at date D when start_date <= D and (end_date is null or end_date > D).
 *   A patient's registrations never overlap (importers reject overlaps; the generator never makes them).
 * - death_date: the patient is alive at D when death_date is null or death_date > D.
 * - Every imported row carries the batch_id of the import_batch that brought it.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string | { duckdb: string; postgres: string };
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'clinical store',
    sql: withPostgresTypes(`
CREATE TABLE organisation (
  code        VARCHAR PRIMARY KEY,
  name        VARCHAR NOT NULL,
  kind        VARCHAR NOT NULL CHECK (kind IN ('collaboration', 'network', 'practice', 'benchmark')),
  parent      VARCHAR,
  synthetic   BOOLEAN NOT NULL DEFAULT FALSE,
  list_size_reference INTEGER
);
CREATE TABLE import_batch (
  id            INTEGER PRIMARY KEY,
  source        VARCHAR NOT NULL,
  checksum      VARCHAR NOT NULL,
  received_at   TIMESTAMP NOT NULL,
  rows_in       BIGINT NOT NULL,
  rows_accepted BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  detail        VARCHAR
);
CREATE TABLE rejected_row (
  batch_id  INTEGER NOT NULL,
  file      VARCHAR NOT NULL,
  line      BIGINT NOT NULL,
  field     VARCHAR,
  reason    VARCHAR NOT NULL,
  raw       VARCHAR
);
CREATE TABLE patient (
  id          BIGINT PRIMARY KEY,
  nhs_number  VARCHAR,
  birth_date  DATE NOT NULL,
  sex         VARCHAR NOT NULL CHECK (sex IN ('F', 'M', 'U')),
  death_date  DATE,
  imd_decile  SMALLINT,
  batch_id    INTEGER
);
CREATE TABLE registration (
  patient_id  BIGINT NOT NULL,
  practice    VARCHAR NOT NULL,
  start_date  DATE NOT NULL,
  end_date    DATE,
  batch_id    INTEGER
);
CREATE TABLE clinical_event (
  patient_id  BIGINT NOT NULL,
  practice    VARCHAR NOT NULL,
  date        DATE NOT NULL,
  code        VARCHAR NOT NULL,
  value       DOUBLE,
  unit        VARCHAR,
  batch_id    INTEGER
);
CREATE TABLE medication_issue (
  patient_id  BIGINT NOT NULL,
  practice    VARCHAR NOT NULL,
  date        DATE NOT NULL,
  dmd_code    VARCHAR NOT NULL,
  batch_id    INTEGER
);
CREATE TABLE consultation (
  patient_id  BIGINT NOT NULL,
  practice    VARCHAR NOT NULL,
  date        DATE NOT NULL,
  clinician   VARCHAR NOT NULL,
  mode        VARCHAR NOT NULL CHECK (mode IN ('face_to_face', 'telephone', 'video', 'home_visit', 'online')),
  batch_id    INTEGER
);
CREATE TABLE admission (
  patient_id  BIGINT NOT NULL,
  admitted    DATE NOT NULL,
  discharged  DATE,
  method      VARCHAR NOT NULL CHECK (method IN ('emergency', 'elective')),
  icd10       VARCHAR NOT NULL,
  batch_id    INTEGER
);
CREATE TABLE benchmark_series (
  benchmark     VARCHAR NOT NULL,
  indicator_id  VARCHAR NOT NULL,
  period_end    DATE NOT NULL,
  numerator     DOUBLE,
  denominator   DOUBLE,
  value         DOUBLE,
  PRIMARY KEY (benchmark, indicator_id, period_end)
);
CREATE TABLE codelist_code (
  slug     VARCHAR NOT NULL,
  version  VARCHAR NOT NULL,
  system   VARCHAR NOT NULL,
  code     VARCHAR NOT NULL,
  term     VARCHAR,
  PRIMARY KEY (slug, code)
);
CREATE TABLE indicator_definition (
  id                VARCHAR PRIMARY KEY,
  definition_hash   VARCHAR NOT NULL,
  definition_json   VARCHAR NOT NULL,
  codelist_versions VARCHAR NOT NULL,
  loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE indicator_result (
  indicator_id      VARCHAR NOT NULL,
  org_kind          VARCHAR NOT NULL,
  org_code          VARCHAR NOT NULL,
  period_end        DATE NOT NULL,
  numerator         DOUBLE NOT NULL,
  denominator       DOUBLE NOT NULL,
  value             DOUBLE,
  ci_low            DOUBLE,
  ci_high           DOUBLE,
  target            DOUBLE,
  rag               VARCHAR,
  definition_hash   VARCHAR NOT NULL,
  codelist_versions VARCHAR NOT NULL,
  computed_at       TIMESTAMP NOT NULL,
  PRIMARY KEY (indicator_id, org_code, period_end)
);
`),
  },
  {
    version: 2,
    name: 'recall outreach log and batches',
    sql: `
CREATE SEQUENCE recall_outreach_id START 1;
CREATE TABLE recall_outreach (
  id          BIGINT PRIMARY KEY DEFAULT nextval('recall_outreach_id'),
  practice    VARCHAR NOT NULL,
  patient_id  BIGINT NOT NULL,
  programme   VARCHAR NOT NULL,
  date        DATE NOT NULL,
  method      VARCHAR CHECK (method IN ('letter', 'sms', 'phone', 'opportunistic')),
  outcome     VARCHAR CHECK (outcome IN ('booked', 'attended', 'declined', 'no_answer', 'wrong_number')),
  adjustment  VARCHAR CHECK (adjustment IN ('informed_dissent', 'unsuitable')),
  batch_id    BIGINT,
  note        VARCHAR,
  recorded_at TIMESTAMP NOT NULL,
  CHECK (method IS NOT NULL OR outcome IS NOT NULL OR adjustment IS NOT NULL)
);
CREATE INDEX recall_outreach_list ON recall_outreach (practice, programme, patient_id);
CREATE SEQUENCE recall_batch_id START 1;
CREATE TABLE recall_batch (
  id          BIGINT PRIMARY KEY DEFAULT nextval('recall_batch_id'),
  practice    VARCHAR NOT NULL,
  programme   VARCHAR NOT NULL,
  period_end  DATE NOT NULL,
  method      VARCHAR NOT NULL CHECK (method IN ('letter', 'sms', 'phone')),
  created_at  TIMESTAMP NOT NULL,
  sent_on     DATE
);
CREATE TABLE recall_batch_member (
  batch_id    BIGINT NOT NULL,
  patient_id  BIGINT NOT NULL,
  PRIMARY KEY (batch_id, patient_id)
);
`,
  },
  {
    version: 3,
    name: 'incentive calculations, versioned',
    sql: withPostgresTypes(`
CREATE TABLE incentive_calculation (
  scheme_id      VARCHAR NOT NULL,
  year           INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  scheme_file    VARCHAR NOT NULL,
  scheme_hash    VARCHAR NOT NULL,
  result_hash    VARCHAR NOT NULL,
  pot_pence      BIGINT NOT NULL,
  paid_pence     BIGINT NOT NULL,
  result_json    VARCHAR NOT NULL,
  calculated_at  TIMESTAMP NOT NULL,
  PRIMARY KEY (scheme_id, year, version)
);
CREATE TABLE incentive_payment (
  scheme_id              VARCHAR NOT NULL,
  year                   INTEGER NOT NULL,
  version                INTEGER NOT NULL,
  network_code           VARCHAR NOT NULL,
  pot_pence              BIGINT NOT NULL,
  advance_pence          BIGINT NOT NULL,
  performance_pot_pence  BIGINT NOT NULL,
  performance_pence      BIGINT NOT NULL,
  clawback_pence         BIGINT NOT NULL,
  total_pence            BIGINT NOT NULL,
  PRIMARY KEY (scheme_id, year, version, network_code)
);
CREATE TABLE incentive_component (
  scheme_id            VARCHAR NOT NULL,
  year                 INTEGER NOT NULL,
  version              INTEGER NOT NULL,
  network_code         VARCHAR NOT NULL,
  component_id         VARCHAR NOT NULL,
  indicator_id         VARCHAR NOT NULL,
  measured_at          DATE NOT NULL,
  value                DOUBLE,
  achievement          VARCHAR,
  status               VARCHAR NOT NULL,
  earned_share         VARCHAR NOT NULL,
  component_pot_pence  BIGINT NOT NULL,
  earned_pence         BIGINT NOT NULL,
  clawback_pence       BIGINT NOT NULL,
  definition_hash      VARCHAR,
  PRIMARY KEY (scheme_id, year, version, network_code, component_id)
);
`),
  },
  {
    version: 4,
    name: 'users, sessions and the audit log',
    sql: `
CREATE TABLE app_user (
  username         VARCHAR PRIMARY KEY,
  password_hash    VARCHAR NOT NULL,
  role             VARCHAR NOT NULL CHECK (role IN ('practice', 'network', 'commissioner', 'evaluator', 'admin')),
  org              VARCHAR,
  created_at       VARCHAR NOT NULL,
  failed_attempts  INTEGER NOT NULL DEFAULT 0,
  locked_until_ms  BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE app_session (
  id_hash        VARCHAR PRIMARY KEY,
  username       VARCHAR NOT NULL,
  csrf_token     VARCHAR NOT NULL,
  created_ms     BIGINT NOT NULL,
  expires_ms     BIGINT NOT NULL
);
CREATE TABLE audit_log (
  occurred_at    VARCHAR NOT NULL,
  username       VARCHAR,
  role           VARCHAR,
  method         VARCHAR NOT NULL,
  route          VARCHAR NOT NULL,
  organisation   VARCHAR,
  action         VARCHAR NOT NULL,
  patient_count  BIGINT,
  outcome        VARCHAR NOT NULL,
  detail         VARCHAR
);
`,
  },
];

/** DuckDB's DOUBLE is PostgreSQL's DOUBLE PRECISION; the rest of the SQL is common to both. */
function withPostgresTypes(sql: string): { duckdb: string; postgres: string } {
  return { duckdb: sql, postgres: sql.replace(/\bDOUBLE\b/g, 'DOUBLE PRECISION') };
}

export async function migrate(engine: Engine): Promise<void> {
  await engine.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
  );
  const applied = new Set((await engine.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    const sql = typeof m.sql === 'string' ? m.sql : m.sql[engine.dialect];
    await engine.transaction(async (tx) => {
      await tx.run(sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, CURRENT_TIMESTAMP)', [m.version, m.name]);
    });
  }
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
