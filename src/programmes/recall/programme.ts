import { z } from 'zod';
import { Comparison, Window } from '../../indicators/definition.js';

/**
 * A recall programme (recall/*.yaml): a worklist derived from one proportion indicator. A
 * patient in the indicator's denominator and not its numerator at the reference date is on the
 * list ("overdue"); a patient who will be so at a month end within `due_soon_months` if nothing
 * is recorded is "due soon". Reasons are worded from the indicator's numerator criterion, with
 * the codelist labels given here. See docs/RECALL.md.
 */

const Slug = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a codelist slug');

/** A clinical-risk flag: the latest value of a codelist in a window satisfies a comparison. */
export const RiskRule = z
  .object({
    latest_value: z.object({ codelist: Slug, window: Window.optional(), compare: Comparison }).strict(),
    /** Words shown on the row, e.g. "latest HbA1c above 75 mmol/mol". */
    label: z.string().min(1),
  })
  .strict();
export type RiskRule = z.infer<typeof RiskRule>;

export const PLACEHOLDERS = ['name', 'nhs_number', 'practice', 'programme', 'service', 'due_by'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const RecallProgramme = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id: lower-case letters, digits and hyphens'),
    title: z.string().min(1),
    /** The proportion indicator the list is derived from (indicators/<id>.yaml). */
    indicator: z.string().min(1),
    /** What the patient is invited for, in words a patient reads ("your diabetes blood test"). */
    service: z.string().min(1),
    /** Codelist slug → the words used for it in reasons ("HbA1c", "MMR1"). */
    labels: z.record(Slug, z.string().min(1)).default({}),
    /** Next action for a patient on the list who has not been contacted. */
    action: z.string().min(1),
    /** Next action when the reason is a value out of range rather than a missing activity. */
    action_out_of_range: z.string().min(1).optional(),
    /** Look-ahead for "due soon", in month ends (0: none). */
    due_soon_months: z.number().int().min(0).max(24).default(1),
    risk: z.array(RiskRule).default([]),
    /**
     * Personalised care adjustments the indicator itself recognises: the codelist to record in
     * the clinical system so the KPI excludes the patient too (absent: the KPI cannot exclude).
     */
    adjustment_codes: z
      .object({ informed_dissent: Slug.optional(), unsuitable: Slug.optional() })
      .strict()
      .default({}),
    /** SMS text; only the whitelisted {placeholders} are allowed. */
    sms_template: z.string().min(1).max(612),
  })
  .strict();
export type RecallProgramme = z.infer<typeof RecallProgramme>;
