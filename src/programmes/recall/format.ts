import { csvField } from '../../util/csv.js';
import type { Worklist, WorklistRow } from './worklist.js';

/** A CSV cell that a spreadsheet will not run as a formula. */
export function safeCell(v: string | number | boolean | null): string {
  if (typeof v === 'string' && /^[=+@\t\r]|^-(?![0-9])/.test(v)) return csvField(`'${v}`);
  return csvField(v);
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return [header.join(','), ...rows.map((r) => r.map(safeCell).join(','))].join('\n') + '\n';
}

export const WORKLIST_COLUMNS = [
  'priority',
  'status',
  'patient_id',
  'nhs_number',
  'name',
  'phone',
  'birth_date',
  'age',
  'reason',
  'due_by',
  'days_to_due',
  'risk',
  'unanswered_invitations',
  'defaulter',
  'last_contact',
  'next_action',
] as const satisfies readonly (keyof WorklistRow)[];

export function worklistCsv(list: Worklist): string {
  return toCsv(WORKLIST_COLUMNS, list.rows.map((r) => WORKLIST_COLUMNS.map((c) => r[c])));
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** A plain-text table for the terminal. */
export function worklistTable(list: Worklist): string {
  const c = list.counts;
  const head =
    `${list.programme} (indicator ${list.indicator}) at ${list.practice}, ${list.period_end}: ` +
    `${c.overdue} overdue = denominator ${c.denominator} − numerator ${c.numerator}` +
    `${c.adjusted_in_log ? ` (${c.adjusted_in_log} adjusted in the log, not listed)` : ''}; ${c.due_soon} due soon\n`;
  const cols: [string, (r: WorklistRow) => string, number][] = [
    ['P', (r) => String(r.priority), 1],
    ['status', (r) => r.status, 8],
    ['patient', (r) => String(r.patient_id), 7],
    ['name', (r) => r.name, 19],
    ['age', (r) => r.age, 4],
    ['due by', (r) => r.due_by ?? '', 10],
    ['reason', (r) => r.reason + (r.risk ? `; RISK: ${r.risk}` : ''), 60],
    ['next action', (r) => r.next_action, 0],
  ];
  const line = (vals: string[]): string => vals.map((v, i) => pad(v, cols[i]?.[2] ?? 0)).join('  ').trimEnd();
  return head + [line(cols.map((x) => x[0])), ...list.rows.map((r) => line(cols.map((x) => x[1](r))))].join('\n') + '\n';
}
