import type { Engine, SqlValue } from '../../store/engine.js';

/**
 * The append-only audit log. This module is the only code that touches audit_log, and it only
 * INSERTs and SELECTs: there is no UPDATE or DELETE path (a test checks the source).
 */
export interface AuditEntry {
  username: string | null;
  role: string | null;
  method: string;
  route: string;
  organisation: string | null;
  /** What was attempted, e.g. 'read', 'sign-in', 'sign-out', 'user-add', 'audit-export'. */
  action: string;
  /** Patients whose identifiable data the request read (patient-level reads only). */
  patientCount?: number | null;
  outcome: 'allowed' | 'denied' | 'failed' | 'ok';
  detail?: string | null;
}

export interface AuditRow extends Record<string, SqlValue> {
  occurred_at: string;
  username: string | null;
  role: string | null;
  method: string;
  route: string;
  organisation: string | null;
  action: string;
  patient_count: number | null;
  outcome: string;
  detail: string | null;
}

export const AUDIT_COLUMNS = ['occurred_at', 'username', 'role', 'method', 'route', 'organisation', 'action', 'patient_count', 'outcome', 'detail'] as const;

export async function appendAudit(engine: Engine, e: AuditEntry, now: Date = new Date()): Promise<void> {
  await engine.run(
    `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [now.toISOString(), e.username, e.role, e.method, e.route.slice(0, 500), e.organisation?.slice(0, 200) ?? null, e.action, e.patientCount ?? null, e.outcome, e.detail?.slice(0, 500) ?? null],
  );
}

export async function readAudit(engine: Engine, limit = 10000): Promise<AuditRow[]> {
  const rows = await engine.all<AuditRow>(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log ORDER BY occurred_at DESC LIMIT $1`, [limit]);
  return rows.map((r) => ({ ...r, patient_count: r.patient_count === null ? null : Number(r.patient_count) }));
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function auditCsv(rows: readonly AuditRow[]): string {
  const cell = (v: SqlValue): string => {
    let s = v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [AUDIT_COLUMNS.join(','), ...rows.map((r) => AUDIT_COLUMNS.map((k) => cell(r[k] ?? null)).join(','))].join('\r\n') + '\r\n';
}
