import type { AdmissionSpec, CountedDeaths, Criterion, IndicatorDefinition, Window } from '../../indicators/definition.js';

/** Plain-English sentences for an indicator definition (population, numerator, windows, exclusions). */
export function describeWindow(w: Window | undefined): string {
  if (!w) return 'at any time';
  if ('months' in w) return `in the last ${w.months} month${w.months === 1 ? '' : 's'}`;
  if ('days' in w) return `in the last ${w.days} day${w.days === 1 ? '' : 's'}`;
  if ('from_age_months' in w) return `between ages ${w.from_age_months} and ${w.before_age_months} months`;
  return `before the age of ${w.before_age_months} months`;
}

const OPS: Record<string, string> = { '<': 'below', '<=': 'at or below', '>': 'above', '>=': 'at or above', '=': 'equal to' };

export type Namer = (slug: string) => string;
const bySlug: Namer = (slug) => slug;

function describeAdmissions(method: AdmissionSpec['method'], prefixes: readonly string[]): string {
  return `${method === 'any' ? 'an' : `an ${method}`} admission with ICD-10 ${prefixes.join(' or ')}`;
}

function describeAdmission(a: AdmissionSpec): string {
  return `${describeAdmissions(a.method, a.icd10_prefixes)} ${a.date === 'discharged' ? 'discharged' : 'admitted'} ${describeWindow(a.window)}`;
}

/** The deaths a death rate counts, in words. */
export function describeDeaths(d: CountedDeaths): string {
  const age = d.age_at_death;
  const ageText = !age
    ? ''
    : age.min !== undefined && age.max !== undefined
      ? `, aged ${age.min} to ${age.max} at death`
      : age.max !== undefined
        ? `, aged under ${age.max + 1} at death`
        : `, aged ${age.min} or over at death`;
  const after = d.after_admission
    ? `, within ${d.after_admission.within_days} days of the admission date of ${describeAdmissions(d.after_admission.method, d.after_admission.icd10_prefixes)}`
    : '';
  return `deaths ${describeWindow(d.window)}${ageText}${after}, each counted at the practice the patient was registered with on the day they died`;
}

export function describeCriterion(c: Criterion, n: Namer = bySlug): string {
  if ('on_register' in c) return `on the ${n(c.on_register.codelist)} register${c.on_register.resolved_by ? ` (not resolved by ${n(c.on_register.resolved_by)})` : ''}`;
  if ('has_event' in c) {
    const h = c.has_event;
    const count = h.min_count && h.min_count > 1 ? `at least ${h.min_count} codes` : 'a code';
    return `${count} from ${n(h.codelist)} ${describeWindow(h.window)}${h.value ? ` with a value ${OPS[h.value.op]} ${h.value.value}` : ''}`;
  }
  if ('latest_value' in c) return `latest ${n(c.latest_value.codelist)} value ${describeWindow(c.latest_value.window)} ${OPS[c.latest_value.compare.op]} ${c.latest_value.compare.value}`;
  if ('latest_code' in c) return `latest code among ${n(c.latest_code.among)} ${describeWindow(c.latest_code.window)} is in ${n(c.latest_code.in)}`;
  if ('first_event' in c) return `first-ever ${n(c.first_event.codelist)} code ${describeWindow(c.first_event.window)}`;
  if ('medication' in c) return `${c.medication.min_count && c.medication.min_count > 1 ? `at least ${c.medication.min_count} issues` : 'an issue'} of ${n(c.medication.codelist)} ${describeWindow(c.medication.window)}`;
  if ('event_then' in c) {
    const e = c.event_then;
    return `a ${n(e.first.codelist)} code ${describeWindow(e.first.window)} followed by ${n(e.then.codelist)} within ${e.then.within_days} days`;
  }
  if ('has_admission' in c) return describeAdmission(c.has_admission);
  if ('admission_then' in c) {
    const a = c.admission_then;
    return `${describeAdmission(a.admission)} followed by ${n(a.then.codelist)} within ${a.then.within_days} days of ${a.admission.date === 'discharged' ? 'discharge' : 'admission'}`;
  }
  if ('age' in c) {
    const a = c.age;
    const unit = a.unit;
    if (a.min !== undefined && a.max !== undefined) return `aged ${a.min} to ${a.max} ${unit}`;
    return a.min !== undefined ? `aged ${a.min} ${unit} or over` : `aged ${a.max} ${unit} or under`;
  }
  if ('sex' in c) return c.sex === 'F' ? 'female' : 'male';
  if ('registered_for' in c) return `registered for at least ${c.registered_for.months} months`;
  if ('all' in c) return c.all.map((x) => describeCriterion(x, n)).join(', and ');
  if ('any' in c) return `any of: ${c.any.map((x) => describeCriterion(x, n)).join('; or ')}`;
  if ('registered_for' in c.not) return `registered for less than ${c.not.registered_for.months} months`;
  if ('age' in c.not) return `not ${describeCriterion(c.not, n)}`;
  return `not (${describeCriterion(c.not, n)})`;
}

export interface PlainDefinition {
  measure: string;
  population: string;
  numerator: string | null;
  exclusions: string[];
  target: string | null;
}

export function describeDefinition(d: IndicatorDefinition, n: Namer = bySlug): PlainDefinition {
  const measure =
    d.kind === 'proportion'
      ? 'The percentage of the population who meet the standard.'
      : d.kind === 'mean'
        ? `The mean of each patient's latest ${d.value ? n(d.value.codelist) : ''} value ${describeWindow(d.value?.window)}${d.value?.transform ? ' (IFCC converted to DCCT %)' : ''}.`
        : d.kind === 'count'
          ? 'The number of patients counted.'
          : d.kind === 'deaths_per_100000'
            ? `Deaths per 100,000 patients in the population: ${d.deaths ? describeDeaths(d.deaths) : 'deaths'}.`
            : 'Items per 1,000 patients in the population.';
  return {
    measure,
    population: `Patients registered and alive at the month end who are ${describeCriterion(d.population, n)}.`,
    numerator: d.numerator ? `Patients who have ${describeCriterion(d.numerator, n)}.` : null,
    exclusions: d.exclusions.map((c) => `Leave the denominator unless they meet the standard: patients with ${describeCriterion(c, n)}.`.replace('patients with registered', 'patients registered')),
    target: d.target
      ? `${d.target.direction === 'higher' ? 'At least' : 'At most'} ${d.target.value}${unitText(d.target.unit)} (Near within ${d.target.amber_margin}${unitText(d.target.unit)}).`
      : null,
  };
}

function unitText(unit: string | undefined): string {
  if (unit === undefined) return '';
  return /^[%°]/.test(unit) ? unit : ` ${unit}`;
}
