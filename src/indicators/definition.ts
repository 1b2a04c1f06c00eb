import { z } from 'zod';

/**
 * The indicator definition language: a small query model that a clinical effectiveness
 * analyst can read. Definitions are YAML files in indicators/, validated by this schema and
 * compiled to SQL (src/indicators/compile) or evaluated patient by patient by the reference
 * engine (src/indicators/reference). docs/INDICATORS.md gives the precise semantics; both
 * engines must agree with it, and the spec cases in test/spec check that they do.
 *
 * Every criterion is evaluated for one patient at one reference date R (a month end).
 * Events count only when dated on or before R, whichever practice recorded them.
 */

const Slug = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a codelist slug');

/** Where an event must fall, relative to R. Absent: any time on or before R. */
export const Window = z.union([
  z.object({ months: z.number().int().positive() }).strict(), // R+1day−N months ≤ date ≤ R
  z.object({ days: z.number().int().positive() }).strict(), // R+1day−N days ≤ date ≤ R
  z.object({ before_age_months: z.number().int().positive() }).strict(), // date < birth + N months (and ≤ R)
  z
    .object({ from_age_months: z.number().int().nonnegative(), before_age_months: z.number().int().positive() })
    .strict(), // birth + from ≤ date < birth + before (and ≤ R)
]);
export type Window = z.infer<typeof Window>;

export const Comparison = z
  .object({
    op: z.enum(['<', '<=', '>', '>=', '=']),
    value: z.number(),
  })
  .strict();
export type Comparison = z.infer<typeof Comparison>;

/** Which admissions (linked hospital data) count: admission method and ICD-10 prefixes (dots ignored). */
const AdmissionMethod = z.enum(['emergency', 'elective', 'any']);
const Icd10Prefixes = z.array(z.string().regex(/^[A-Z][0-9A-Z.]*$/, 'an ICD-10 code or prefix, e.g. I21 or J44.1')).min(1);

/**
 * Admissions matched by a criterion: method, ICD-10 prefixes, and which of the admission's
 * dates is its date for the window and for what follows ('discharged': admissions without a
 * discharge date never count).
 */
export const AdmissionSpec = z
  .object({ method: AdmissionMethod, icd10_prefixes: Icd10Prefixes, date: z.enum(['admitted', 'discharged']), window: Window.optional() })
  .strict();
export type AdmissionSpec = z.infer<typeof AdmissionSpec>;

/** Completed years at some date, within [min, max] (both inclusive). */
const YearsRange = z
  .object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })
  .strict()
  .refine((a) => a.min !== undefined || a.max !== undefined, 'needs min or max')
  .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, 'min is greater than max');

export type Criterion =
  | { on_register: { codelist: string; resolved_by?: string | undefined } }
  | { has_event: { codelist: string; window?: Window | undefined; value?: Comparison | undefined; min_count?: number | undefined } }
  | { latest_value: { codelist: string; window?: Window | undefined; compare: Comparison } }
  | { latest_code: { among: string; window?: Window | undefined; in: string } }
  | { first_event: { codelist: string; window: Window } }
  | { medication: { codelist: string; window?: Window | undefined; min_count?: number | undefined } }
  | { event_then: { first: { codelist: string; window?: Window | undefined; value?: Comparison | undefined }; then: { codelist: string; within_days: number } } }
  | { has_admission: AdmissionSpec }
  | { admission_then: { admission: AdmissionSpec; then: { codelist: string; within_days: number } } }
  | { age: { min?: number | undefined; max?: number | undefined; unit: 'years' | 'months' } }
  | { sex: 'F' | 'M' }
  | { registered_for: { months: number } }
  | { all: Criterion[] }
  | { any: Criterion[] }
  | { not: Criterion };

export const Criterion: z.ZodType<Criterion> = z.lazy(() =>
  z.union([
    z.object({ on_register: z.object({ codelist: Slug, resolved_by: Slug.optional() }).strict() }).strict(),
    z
      .object({
        has_event: z
          .object({ codelist: Slug, window: Window.optional(), value: Comparison.optional(), min_count: z.number().int().min(1).optional() })
          .strict(),
      })
      .strict(),
    z.object({ latest_value: z.object({ codelist: Slug, window: Window.optional(), compare: Comparison }).strict() }).strict(),
    z.object({ latest_code: z.object({ among: Slug, window: Window.optional(), in: Slug }).strict() }).strict(),
    z.object({ first_event: z.object({ codelist: Slug, window: Window }).strict() }).strict(),
    z
      .object({ medication: z.object({ codelist: Slug, window: Window.optional(), min_count: z.number().int().min(1).optional() }).strict() })
      .strict(),
    z
      .object({
        event_then: z
          .object({
            first: z.object({ codelist: Slug, window: Window.optional(), value: Comparison.optional() }).strict(),
            then: z.object({ codelist: Slug, within_days: z.number().int().nonnegative() }).strict(),
          })
          .strict(),
      })
      .strict(),
    z.object({ has_admission: AdmissionSpec }).strict(),
    z
      .object({
        admission_then: z
          .object({ admission: AdmissionSpec, then: z.object({ codelist: Slug, within_days: z.number().int().nonnegative() }).strict() })
          .strict(),
      })
      .strict(),
    z
      .object({
        age: z
          .object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional(), unit: z.enum(['years', 'months']) })
          .strict()
          .refine((a) => a.min !== undefined || a.max !== undefined, 'age needs min or max')
          .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, 'age: min is greater than max'),
      })
      .strict(),
    z.object({ sex: z.enum(['F', 'M']) }).strict(),
    z.object({ registered_for: z.object({ months: z.number().int().positive() }).strict() }).strict(),
    z.object({ all: z.array(Criterion).min(1) }).strict(),
    z.object({ any: z.array(Criterion).min(1) }).strict(),
    z.object({ not: Criterion }).strict(),
  ]),
);

/** For kind 'mean': the measured value of each patient (the latest value in the window). */
export const MeasuredValue = z
  .object({
    codelist: Slug,
    window: Window.optional(),
    /** ifcc_to_dcct: HbA1c mmol/mol → % (DCCT = IFCC / 10.929 + 2.15). */
    transform: z.enum(['ifcc_to_dcct']).optional(),
  })
  .strict();
export type MeasuredValue = z.infer<typeof MeasuredValue>;

/** For kind 'rate_per_1000': what is counted for each patient in the population. */
export const CountedItems = z.union([
  z
    .object({
      admissions: z
        .object({
          method: AdmissionMethod,
          icd10_prefixes: Icd10Prefixes,
          window: Window,
        })
        .strict(),
    })
    .strict(),
  z.object({ events: z.object({ codelist: Slug, window: Window }).strict() }).strict(),
]);
export type CountedItems = z.infer<typeof CountedItems>;

/**
 * For kind 'deaths_per_100000': the deaths counted, each at the practice the patient was
 * registered with on the day they died (docs/INDICATORS.md). The window is relative to R.
 */
export const CountedDeaths = z
  .object({
    window: z.union([z.object({ months: z.number().int().positive() }).strict(), z.object({ days: z.number().int().positive() }).strict()]),
    /** Age at death in completed years. */
    age_at_death: YearsRange.optional(),
    /** The death followed an admission: admitted ≤ death ≤ admitted + within_days. */
    after_admission: z
      .object({ method: AdmissionMethod, icd10_prefixes: Icd10Prefixes, within_days: z.number().int().nonnegative() })
      .strict()
      .optional(),
  })
  .strict();
export type CountedDeaths = z.infer<typeof CountedDeaths>;

/** Every kind of indicator, in the order the docs list them. */
export const INDICATOR_KINDS = ['proportion', 'mean', 'count', 'rate_per_1000', 'deaths_per_100000'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

export const Target = z
  .object({
    value: z.number(),
    direction: z.enum(['higher', 'lower']),
    /** Amber band width below (higher is better) or above (lower is better) the target. */
    amber_margin: z.number().nonnegative(),
    unit: z.string().optional(),
  })
  .strict();
export type Target = z.infer<typeof Target>;

export const IndicatorDefinition = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id: lower-case letters, digits and hyphens'),
    title: z.string().min(1),
    area: z.enum(['childhood_immunisation', 'diabetes', 'copd', 'cvd']),
    rationale: z.string().min(1),
    source: z.string().min(1),
    kind: z.enum(INDICATOR_KINDS),
    /** Everyone registered and alive at R who meets this (the register / eligible population). */
    population: Criterion,
    /** proportion: who meets the standard; count: who is counted (default: the whole population). */
    numerator: Criterion.optional(),
    value: MeasuredValue.optional(),
    count: CountedItems.optional(),
    /** deaths_per_100000: which deaths are counted (the population is the denominator). */
    deaths: CountedDeaths.optional(),
    /** Personalised care adjustments: patients meeting any of these and not the numerator leave the denominator. */
    exclusions: z.array(Criterion).default([]),
    target: Target.optional(),
    /** Every codelist the definition uses, with the version it was written against. */
    codelists: z.record(Slug, z.string().min(1)),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.kind === 'proportion' && !d.numerator) ctx.addIssue({ code: 'custom', path: ['numerator'], message: 'a proportion needs a numerator' });
    if (d.kind === 'mean' && !d.value) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a mean needs a value' });
    if (d.kind === 'rate_per_1000' && !d.count) ctx.addIssue({ code: 'custom', path: ['count'], message: 'a rate needs count' });
    if (d.kind !== 'mean' && d.value) ctx.addIssue({ code: 'custom', path: ['value'], message: `value is only for kind mean` });
    if (d.kind !== 'rate_per_1000' && d.count) ctx.addIssue({ code: 'custom', path: ['count'], message: `count is only for kind rate_per_1000` });
    if (d.kind === 'deaths_per_100000' && !d.deaths) ctx.addIssue({ code: 'custom', path: ['deaths'], message: 'a death rate needs deaths' });
    if (d.kind !== 'deaths_per_100000' && d.deaths) ctx.addIssue({ code: 'custom', path: ['deaths'], message: 'deaths is only for kind deaths_per_100000' });
    if ((d.kind === 'mean' || d.kind === 'rate_per_1000' || d.kind === 'deaths_per_100000') && d.numerator)
      ctx.addIssue({ code: 'custom', path: ['numerator'], message: `a ${d.kind} has no numerator criterion (put conditions in population)` });
    if (d.kind !== 'proportion' && d.exclusions.length)
      ctx.addIssue({ code: 'custom', path: ['exclusions'], message: 'exclusions apply to proportions only' });
  });
export type IndicatorDefinition = z.infer<typeof IndicatorDefinition>;

/** Every codelist slug a definition refers to, in first-use order. */
export function codelistSlugs(def: IndicatorDefinition): string[] {
  const out = new Set<string>();
  const visit = (c: Criterion): void => {
    if ('on_register' in c) {
      out.add(c.on_register.codelist);
      if (c.on_register.resolved_by) out.add(c.on_register.resolved_by);
    } else if ('has_event' in c) out.add(c.has_event.codelist);
    else if ('latest_value' in c) out.add(c.latest_value.codelist);
    else if ('latest_code' in c) {
      out.add(c.latest_code.among);
      out.add(c.latest_code.in);
    } else if ('first_event' in c) out.add(c.first_event.codelist);
    else if ('medication' in c) out.add(c.medication.codelist);
    else if ('event_then' in c) {
      out.add(c.event_then.first.codelist);
      out.add(c.event_then.then.codelist);
    } else if ('admission_then' in c) out.add(c.admission_then.then.codelist);
    else if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
  };
  visit(def.population);
  if (def.numerator) visit(def.numerator);
  def.exclusions.forEach(visit);
  if (def.value) out.add(def.value.codelist);
  if (def.count && 'events' in def.count) out.add(def.count.events.codelist);
  return [...out];
}
