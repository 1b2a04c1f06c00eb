import { z } from 'zod';
import type { WorklistRow } from '../../programmes/recall/worklist.js';

/**
 * The worklist's filters and sorting, shared by the JSON/CSV route and the page. Every value is
 * checked here (zod); unknown parameters are refused by the callers.
 */
export const SORTS = ['priority', 'due_by', 'name', 'age', 'status', 'invitations', 'reason'] as const;
export type Sort = (typeof SORTS)[number];

const flag = z.enum(['1', 'true', 'on']).optional().transform((v) => v !== undefined);

export const WorklistQuery = z
  .object({
    programme: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a programme id (see /api/recall/programmes)'),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM').optional(),
    status: z.enum(['all', 'overdue', 'due_soon']).default('all'),
    defaulters: flag,
    risk: flag,
    q: z.string().max(100).optional(),
    sort: z.enum(SORTS).default('priority'),
    dir: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();
export type WorklistQuery = z.infer<typeof WorklistQuery>;

export const WORKLIST_PARAMS = ['programme', 'month', 'status', 'defaulters', 'risk', 'q', 'sort', 'dir'] as const;

function key(r: WorklistRow, sort: Sort): string | number {
  switch (sort) {
    case 'due_by':
      return r.due_by ?? '9999-12-31';
    case 'name':
      return r.name;
    case 'age':
      // Oldest first when ascending by age: the earliest birth date.
      return r.birth_date;
    case 'status':
      return r.status;
    case 'invitations':
      return r.unanswered_invitations;
    case 'reason':
      return r.reason;
    default:
      return 0;
  }
}

/** The rows the filters keep, in the order asked for (ties keep the list's priority order). */
export function applyQuery(rows: readonly WorklistRow[], q: WorklistQuery): WorklistRow[] {
  const text = q.q?.trim().toLowerCase() ?? '';
  const kept = rows.filter(
    (r) =>
      (q.status === 'all' || r.status === q.status) &&
      (!q.defaulters || r.defaulter) &&
      (!q.risk || r.risk !== null) &&
      (text === '' ||
        [r.name, r.nhs_number ?? '', String(r.patient_id), r.reason, r.risk ?? '', r.next_action].some((s) => s.toLowerCase().includes(text)) ||
        (r.nhs_number ?? '').replace(/\s/g, '').includes(text.replace(/\s/g, ''))),
  );
  // The list comes in priority order; a stable sort keeps it for ties.
  const sign = q.dir === 'desc' ? -1 : 1;
  if (q.sort === 'priority') return q.dir === 'desc' ? kept.reverse() : kept;
  return kept
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ka = key(a.r, q.sort);
      const kb = key(b.r, q.sort);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return a.i - b.i;
    })
    .map((x) => x.r);
}
