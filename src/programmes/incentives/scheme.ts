import { z } from 'zod';
import { dateSpecProblem } from './financial-year.js';
import { parseMoney, type Pence } from './money.js';
import { fromDecimal, type Ratio } from './ratio.js';

/**
 * The scheme file format (schemes/*.yaml), documented in docs/INCENTIVES.md. This module is
 * the shape only; load-scheme.ts adds the checks that need more than one field (weights add
 * up to 100%, thresholds in order, indicators exist, dates fall on month ends).
 *
 * Money is written in pounds ("£14,000", "£14,000.50", or a whole number of pounds) and held
 * as integer pence; shares and weights are percentages with at most two decimals, held as
 * integer basis points (1% = 100 bp); thresholds are decimals held as exact ratios.
 */

/** A percentage held as basis points: 50% → 5000. */
export type BasisPoints = number;

const PERCENT_TEXT = /^(\d+(?:\.\d{1,2})?)\s*%$/;

const Percent = z.union([z.number(), z.string()]).transform((v, ctx): BasisPoints => {
  let bp: number | null = null;
  if (typeof v === 'number') {
    const scaled = Math.round(v * 100);
    if (Number.isFinite(v) && Math.abs(scaled - v * 100) < 1e-6) bp = scaled;
  } else {
    const m = PERCENT_TEXT.exec(v.trim());
    if (m) bp = Math.round(Number(m[1]) * 100);
  }
  if (bp === null || bp < 0 || bp > 10000) {
    ctx.addIssue({ code: 'custom', message: `a percentage from 0% to 100% with at most two decimals, e.g. 70% (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return bp;
});

const Money = z.union([z.number(), z.string()]).transform((v, ctx): Pence => {
  const pence = parseMoney(v);
  if (pence === null) {
    ctx.addIssue({
      code: 'custom',
      message: `an amount in pounds such as "£14,000" or "£14,000.50" (a bare number means whole pounds; got ${JSON.stringify(v)})`,
    });
    return z.NEVER;
  }
  return pence;
});

export interface Threshold {
  /** As written, for display. */
  readonly value: number;
  readonly exact: Ratio;
}

const ThresholdValue = z.number().transform((v, ctx): Threshold => {
  const exact = fromDecimal(v, 6);
  if (!exact) {
    ctx.addIssue({ code: 'custom', message: `a number with at most six decimals (got ${v})` });
    return z.NEVER;
  }
  return { value: v, exact };
});

const DateSpec = z.string().superRefine((v, ctx) => {
  const problem = dateSpecProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _');

const Rule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all_or_nothing'), target: ThresholdValue }).strict(),
  z.object({ type: z.literal('sliding_scale'), lower: ThresholdValue, upper: ThresholdValue }).strict(),
]);
export type Rule = z.infer<typeof Rule>;

const Floor = z
  .object({
    /** Achievement worse than this (below it when higher is better) claws back part of the advance. */
    value: ThresholdValue,
    /** The share of the component's part of the advance that is clawed back. */
    clawback: Percent,
  })
  .strict();
export type Floor = z.infer<typeof Floor>;

const Component = z
  .object({
    id: Id,
    title: z.string().min(1).optional(),
    /** An indicator id (a file name in indicators/). */
    indicator: z.string().min(1),
    weight: Percent,
    /** The month end whose network result is read (default: the end of the financial year). */
    measured_at: DateSpec.default('year_end'),
    /** Default: the indicator's target direction (higher when it has none). */
    direction: z.enum(['higher', 'lower']).optional(),
    rule: Rule,
    floor: Floor.optional(),
  })
  .strict();
export type ComponentInput = z.infer<typeof Component>;

const Split = z.discriminatedUnion('by', [
  z.object({ by: z.literal('equal') }).strict(),
  z
    .object({
      by: z.literal('list_size'),
      date: DateSpec.default('year_start'),
      /** registration: patients registered and alive at the date; list_size_reference: the practices' reference list sizes. */
      source: z.enum(['registration', 'list_size_reference']).default('registration'),
    })
    .strict(),
  z
    .object({
      by: z.literal('register'),
      indicator: z.string().min(1),
      date: DateSpec.default('03-31 of previous year'),
      /** Default: numerator for a count indicator (the register), denominator otherwise (the eligible population). */
      measure: z.enum(['numerator', 'denominator']).optional(),
    })
    .strict(),
]);
export type Split = z.infer<typeof Split>;

/** One year's part of a lifetime pot: "£56,000" (an amount) or "50%" (a share of the lifetime pot). */
const YearPart = z.string().transform((v, ctx): YearPartValue => {
  const t = v.trim();
  if (t.endsWith('%')) {
    const m = PERCENT_TEXT.exec(t);
    const bp = m ? Math.round(Number(m[1]) * 100) : null;
    if (bp !== null && bp <= 10000) return { kind: 'share', bp };
  } else if (t.startsWith('£')) {
    const pence = parseMoney(t);
    if (pence !== null) return { kind: 'amount', pence };
  }
  ctx.addIssue({ code: 'custom', message: `an amount in pounds such as "£56,000" or a share of the lifetime pot such as "50%" (got ${JSON.stringify(v)})` });
  return z.NEVER;
});
export type YearPartValue = { kind: 'amount'; pence: Pence } | { kind: 'share'; bp: BasisPoints };

const Pot = z
  .object({
    /**
     * What the amount covers: `year` — it is the pot for each financial year of the scheme;
     * `scheme` — it is the pot for the scheme's whole life, split between its years by `by_year`.
     */
    per: z.enum(['year', 'scheme']),
    /** Every network's pot is this amount. */
    per_network: Money.optional(),
    /** Or one total, split between the networks. */
    total: Money.optional(),
    split: Split.optional(),
    /** For a lifetime pot (per: scheme): each financial year's part, e.g. { 2009: "£56,000", 2010: "£56,000" }. */
    by_year: z.record(z.string(), YearPart).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.per === 'scheme' && !p.by_year)
      ctx.addIssue({ code: 'custom', path: ['by_year'], message: 'a lifetime pot (per: scheme) must say how it is split across the years: by_year with each year\'s amount or share, e.g. { 2009: "£56,000", 2010: "£56,000" }' });
    else if (p.per === 'year' && p.by_year)
      ctx.addIssue({ code: 'custom', path: ['by_year'], message: 'by_year splits a lifetime pot (per: scheme); a yearly pot (per: year) is the same every year' });
    else if ((p.per_network === undefined) === (p.total === undefined))
      ctx.addIssue({ code: 'custom', message: 'give either per_network or total (with split)' });
    else if (p.total !== undefined && !p.split) ctx.addIssue({ code: 'custom', path: ['split'], message: 'a total needs a split: equal, list_size or register' });
    else if (p.per_network !== undefined && p.split) ctx.addIssue({ code: 'custom', path: ['split'], message: 'split applies to a total, not to per_network' });
  });

const Years = z.union([
  z.number().int().min(1990).max(2100),
  z.object({ from: z.number().int().min(1990).max(2100), to: z.number().int().min(1990).max(2100) }).strict(),
]);

export const SchemeInput = z
  .object({
    id: Id,
    title: z.string().min(1),
    source: z.string().min(1).optional(),
    notes: z.string().min(1).optional(),
    /** Financial years: 2009 is 2009/10 (1 April 2009 – 31 March 2010). One year, or from–to. */
    years: Years,
    /** Network codes that take part; default every organisation of kind network in the store. */
    networks: z.array(z.string().min(1)).min(1).optional(),
    /** The pot: each year's (per: year) or the scheme's whole life (per: scheme, with by_year). */
    pot: Pot,
    advance: z.object({ share: Percent, paid: DateSpec }).strict(),
    performance: z
      .object({
        share: Percent,
        paid: DateSpec.optional(),
        components: z.array(Component).min(1),
      })
      .strict(),
  })
  .strict();
export type SchemeInput = z.infer<typeof SchemeInput>;

/**
 * The pot as the file states it. `amount` is the stated figure (per network, or the total);
 * `per` says whether it is each year's pot or the scheme's whole-life pot; for a lifetime pot,
 * `byYear` gives each financial year's part of it (in pence, adding up exactly to `amount`).
 */
export type PotSpec = ({ kind: 'per_network'; perNetwork: Pence } | { kind: 'total'; total: Pence; split: Split }) & {
  per: 'year' | 'scheme';
  /** Lifetime pots only: year → that year's part of the amount (per network for a per-network pot). */
  byYear: ReadonlyMap<number, Pence> | null;
  /** Lifetime pots only: the parts as written (for display), year → "£56,000" / "50%". */
  byYearWritten: ReadonlyMap<number, string> | null;
};

export interface Component extends Omit<ComponentInput, 'direction' | 'floor'> {
  direction: 'higher' | 'lower';
  floor: Floor | null;
}

/** A validated scheme, ready to calculate. */
export interface Scheme {
  id: string;
  title: string;
  source: string | null;
  /** The file it came from (for messages). */
  file: string;
  /** sha256 of the canonical JSON of the file's content. */
  hash: string;
  years: { from: number; to: number };
  /** The line of `years:` in the file, for messages about the year. */
  yearsLine: number | null;
  networks: string[] | null;
  pot: PotSpec;
  advance: { shareBp: BasisPoints; paid: string };
  performance: { shareBp: BasisPoints; paid: string | null; components: Component[] };
}

