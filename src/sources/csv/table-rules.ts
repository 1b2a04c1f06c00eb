import { lit, shown, type Check } from './field-checks.js';
import type { TableName } from './layout.js';

/**
 * The checks that look beyond one field: order of dates within a row, duplicates within the
 * file, and references to the store. They run after the field checks (a row is reported for
 * its first problem), against the store as it stands inside the import's transaction — which
 * already holds the organisations and patients this import accepted, since those files are
 * imported first.
 *
 * The raw row is `r` (VARCHAR columns named as in the layout); `r.rowid` orders rows as the
 * file does. A reason may contain `{line}`: the physical line of the row whose rowid is `otherOrd`.
 */
export interface TableRules {
  joins: string;
  checks: Check[];
  otherOrd: string;
  /** Per column: SQL true when the value matched a store key exactly (so is well-formed). */
  known: Record<string, string>;
}

export interface RuleContext {
  raw: string;
  /** Whether this import has a patients.csv (for the wording of unknown-patient reasons). */
  hasPatientsFile: boolean;
  hasOrganisationsFile: boolean;
}

function patientReference(ctx: RuleContext): { join: string; check: Check } {
  const where = ctx.hasPatientsFile ? 'in patients.csv (accepted rows) nor in the store' : 'in the store (and this extract has no patients.csv)';
  return {
    // Joined on the id's text: a value equal to a stored id's canonical text is well-formed.
    join: `LEFT JOIN (SELECT CAST(id AS VARCHAR) AS sid FROM patient) ref_p ON ref_p.sid = r.patient_id`,
    check: { field: 'patient_id', when: `ref_p.sid IS NULL`, reason: `'patient ' || r.patient_id || ${lit(` is not ${where}`)}` },
  };
}

function practiceReference(ctx: RuleContext): { join: string; checks: Check[] } {
  const where = ctx.hasOrganisationsFile ? 'in the store or in organisations.csv (accepted rows)' : 'in the store (and this extract has no organisations.csv)';
  return {
    join: `LEFT JOIN organisation ref_o ON ref_o.code = r.practice`,
    checks: [
      { field: 'practice', when: `ref_o.code IS NULL`, reason: `'practice ' || ${shown('r.practice')} || ${lit(` is not an organisation ${where}`)}` },
      { field: 'practice', when: `ref_o.kind <> 'practice'`, reason: `'practice ' || ${shown('r.practice')} || ' is an organisation of kind ' || ref_o.kind || ', not a practice'` },
    ],
  };
}

/** A later row repeating a key of an earlier row of the same file. */
function firstOccurrence(raw: string, column: string): string {
  return `LEFT JOIN (SELECT ${column} AS k, min(rowid) AS first_ord FROM ${raw} WHERE ${column} IS NOT NULL GROUP BY ${column}) dup ON dup.k = r.${column}`;
}

function dateOrder(later: string, earlier: string, says: string, strict: boolean, note = ''): Check {
  const op = strict ? '<=' : '<';
  return {
    field: later,
    when: `(r.${later} IS NOT NULL AND try_cast(r.${later} AS DATE) ${op} try_cast(r.${earlier} AS DATE))`,
    reason: `${lit(`${later} `)} || ${shown(`r.${later}`)} || ${lit(` ${says} ${earlier} `)} || ${shown(`r.${earlier}`)}${note ? ` || ${lit(note)}` : ''}`,
  };
}

const KNOWN_PATIENT = { patient_id: 'ref_p.sid IS NOT NULL' };
const KNOWN_PRACTICE = { practice: 'ref_o.code IS NOT NULL' };

export function tableRules(table: TableName, ctx: RuleContext): TableRules {
  const none = 'CAST(NULL AS BIGINT)';
  switch (table) {
    case 'organisation':
      return {
        joins: [
          firstOccurrence(ctx.raw, 'code'),
          `LEFT JOIN organisation ref_s ON ref_s.code = r.code`,
          `LEFT JOIN (SELECT code FROM organisation UNION SELECT code FROM ${ctx.raw} WHERE code IS NOT NULL) ref_parent ON ref_parent.code = r.parent`,
        ].join('\n'),
        checks: [
          { field: 'code', when: `dup.first_ord <> r.rowid`, reason: `'organisation code ' || ${shown('r.code')} || ' appears again (first on line {line})'` },
          { field: 'code', when: `ref_s.code IS NOT NULL`, reason: `'organisation ' || ${shown('r.code')} || ' is already in the store'` },
          { field: 'parent', when: `r.parent = r.code`, reason: lit('an organisation cannot be its own parent') },
          {
            field: 'parent',
            when: `(r.parent IS NOT NULL AND ref_parent.code IS NULL)`,
            reason: `'parent ' || ${shown('r.parent')} || ' is not an organisation in the store or in organisations.csv'`,
          },
        ],
        otherOrd: `CASE WHEN dup.first_ord <> r.rowid THEN dup.first_ord END`,
        known: {},
      };
    case 'patient':
      return {
        joins: [firstOccurrence(ctx.raw, 'id'), `LEFT JOIN patient ref_s ON ref_s.id = try_cast(r.id AS BIGINT)`].join('\n'),
        checks: [
          dateOrder('death_date', 'birth_date', 'is before', false),
          { field: 'id', when: `dup.first_ord <> r.rowid`, reason: `'patient id ' || r.id || ' appears again (first on line {line})'` },
          { field: 'id', when: `ref_s.id IS NOT NULL`, reason: `'patient id ' || r.id || ' is already in the store'` },
        ],
        otherOrd: `CASE WHEN dup.first_ord <> r.rowid THEN dup.first_ord END`,
        known: {},
      };
    case 'registration': {
      const p = patientReference(ctx);
      const o = practiceReference(ctx);
      return {
        joins: [p.join, o.join].join('\n'),
        checks: [dateOrder('end_date', 'start_date', 'is not after', true, ' (end_date is exclusive: the first day no longer registered)'), ...o.checks, p.check],
        otherOrd: none,
        known: { ...KNOWN_PATIENT, ...KNOWN_PRACTICE },
      };
    }
    case 'clinical_event':
    case 'medication_issue':
    case 'consultation': {
      const p = patientReference(ctx);
      const o = practiceReference(ctx);
      return { joins: [p.join, o.join].join('\n'), checks: [...o.checks, p.check], otherOrd: none, known: { ...KNOWN_PATIENT, ...KNOWN_PRACTICE } };
    }
    case 'admission': {
      const p = patientReference(ctx);
      return { joins: p.join, checks: [dateOrder('discharged', 'admitted', 'is before', false), p.check], otherOrd: none, known: KNOWN_PATIENT };
    }
  }
}
