import { z } from 'zod';

/**
 * The disclosure-control rule for every aggregate the server shows or exports (docs/SECURITY.md,
 * "Disclosure control"):
 *  - suppress:L-H — a row whose counts include one from L to H is withheld, with secondary
 *    suppression so it cannot be recovered by subtraction from a total (the default, 1–7);
 *  - round:N — every count is rounded to the nearest N and values are recomputed from the rounded
 *    counts;
 *  - none — the numbers as stored (the store owner's own export).
 */
export type DisclosureRule = { mode: 'suppress'; low: number; high: number } | { mode: 'round'; base: number } | { mode: 'none' };

export const DEFAULT_DISCLOSURE: DisclosureRule = { mode: 'suppress', low: 1, high: 7 };
export const NO_DISCLOSURE: DisclosureRule = { mode: 'none' };

const Whole = z.coerce.number().int().min(1).max(1_000_000);

const Suppress = z
  .object({ mode: z.literal('suppress'), low: Whole, high: Whole })
  .refine((r) => r.low <= r.high, { message: 'must not be below the low end', path: ['high'] });
const Round = z.object({ mode: z.literal('round'), base: Whole.min(2, 'must be at least 2') });
const None = z.object({ mode: z.literal('none') });

export class DisclosureRuleError extends Error {}

/** Parses `suppress:L-H`, `round:N` or `none`; `where` names the option or setting in the error. */
export function parseDisclosure(text: string, where = '--disclosure'): DisclosureRule {
  const t = text.trim();
  const usage = `${where} must be suppress:LOW-HIGH (e.g. suppress:1-7), round:N (e.g. round:5) or none, not '${text}'`;
  let candidate: unknown;
  let m: RegExpMatchArray | null;
  if (t === 'none') candidate = { mode: 'none' };
  else if ((m = t.match(/^suppress:(\d+)-(\d+)$/))) candidate = { mode: 'suppress', low: m[1], high: m[2] };
  else if ((m = t.match(/^round:(\d+)$/))) candidate = { mode: 'round', base: m[1] };
  else throw new DisclosureRuleError(usage);
  const schema = z.discriminatedUnion('mode', [Suppress, Round, None]);
  const r = schema.safeParse(candidate);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DisclosureRuleError(`${where} '${text}': ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'is invalid'}`);
  }
  return r.data;
}

/** The rule in the form it is given on the command line. */
export function ruleText(rule: DisclosureRule): string {
  if (rule.mode === 'suppress') return `suppress:${rule.low}-${rule.high}`;
  if (rule.mode === 'round') return `round:${rule.base}`;
  return 'none';
}

/** One sentence for people reading a page. */
export function describeDisclosure(rule: DisclosureRule): string {
  if (rule.mode === 'suppress') {
    return `Counts from ${rule.low} to ${rule.high} are not shown: such a row is marked "suppressed" (* in tables), and further rows are hidden where needed so that a hidden count cannot be worked out by subtracting from a total.`;
  }
  if (rule.mode === 'round') {
    return `Every count is rounded to the nearest ${rule.base}, and values, confidence intervals and ratings are worked out from the rounded counts.`;
  }
  return 'Counts are shown as recorded (no disclosure control: for the store owner only).';
}

/** What the API tells its clients about the rule (GET /api/disclosure). */
export function disclosureJson(rule: DisclosureRule): { rule: string; description: string } & DisclosureRule {
  return { rule: ruleText(rule), ...rule, description: describeDisclosure(rule) };
}
