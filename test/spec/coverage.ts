import type { Criterion, IndicatorDefinition, Window } from '../../src/indicators/definition.js';

/** The language features a definition uses, e.g. 'criterion:on_register', 'window:days', 'op:<='. */
export function featuresOf(def: IndicatorDefinition): Set<string> {
  const out = new Set<string>([`kind:${def.kind}`]);
  const window = (w: Window | undefined): void => {
    if (!w) return;
    if ('months' in w) out.add('window:months');
    else if ('days' in w) out.add('window:days');
    else if ('from_age_months' in w) out.add('window:from_age_months');
    else out.add('window:before_age_months');
  };
  const visit = (c: Criterion): void => {
    const name = Object.keys(c)[0] as string;
    out.add(`criterion:${name}`);
    if ('on_register' in c && c.on_register.resolved_by) out.add('on_register:resolved_by');
    if ('has_event' in c) {
      window(c.has_event.window);
      if (c.has_event.value) out.add(`op:${c.has_event.value.op}`);
      if (c.has_event.min_count) out.add('has_event:min_count');
    }
    if ('latest_value' in c) {
      window(c.latest_value.window);
      out.add(`op:${c.latest_value.compare.op}`);
    }
    if ('latest_code' in c) window(c.latest_code.window);
    if ('first_event' in c) window(c.first_event.window);
    if ('medication' in c) {
      window(c.medication.window);
      if (c.medication.min_count) out.add('medication:min_count');
    }
    if ('event_then' in c) {
      window(c.event_then.first.window);
      if (c.event_then.first.value) out.add('event_then:value');
    }
    if ('has_admission' in c) {
      window(c.has_admission.window);
      out.add(`admission_date:${c.has_admission.date}`);
      out.add(`admissions:${c.has_admission.method}`);
    }
    if ('admission_then' in c) {
      window(c.admission_then.admission.window);
      out.add(`admission_date:${c.admission_then.admission.date}`);
      out.add(`admissions:${c.admission_then.admission.method}`);
    }
    if ('age' in c) out.add(`age:${c.age.unit}`);
    if ('all' in c) c.all.forEach(visit);
    if ('any' in c) c.any.forEach(visit);
    if ('not' in c) visit(c.not);
  };
  visit(def.population);
  if (def.numerator) visit(def.numerator);
  if (def.exclusions.length) out.add('exclusions');
  def.exclusions.forEach(visit);
  if (def.value) {
    window(def.value.window);
    if (def.value.transform) out.add(`transform:${def.value.transform}`);
  }
  if (def.count) {
    if ('admissions' in def.count) {
      out.add('count:admissions');
      out.add(`admissions:${def.count.admissions.method}`);
      window(def.count.admissions.window);
    } else {
      out.add('count:events');
      window(def.count.events.window);
    }
  }
  if (def.deaths) {
    out.add('deaths');
    if (def.deaths.age_at_death) out.add('deaths:age_at_death');
    if (def.deaths.after_admission) out.add('deaths:after_admission');
  }
  return out;
}

/** What the spec cases together must exercise: every rule of docs/INDICATORS.md. */
export const REQUIRED_FEATURES = [
  'kind:proportion',
  'kind:mean',
  'kind:count',
  'kind:rate_per_1000',
  'kind:deaths_per_100000',
  'deaths:age_at_death',
  'deaths:after_admission',
  'criterion:has_admission',
  'criterion:admission_then',
  'admission_date:admitted',
  'admission_date:discharged',
  'admissions:elective',
  'criterion:on_register',
  'on_register:resolved_by',
  'criterion:has_event',
  'has_event:min_count',
  'criterion:latest_value',
  'criterion:latest_code',
  'criterion:first_event',
  'criterion:medication',
  'medication:min_count',
  'criterion:event_then',
  'event_then:value',
  'criterion:age',
  'age:years',
  'age:months',
  'criterion:sex',
  'criterion:registered_for',
  'criterion:all',
  'criterion:any',
  'criterion:not',
  'window:months',
  'window:days',
  'window:before_age_months',
  'window:from_age_months',
  'op:<',
  'op:<=',
  'op:>',
  'op:>=',
  'op:=',
  'exclusions',
  'transform:ifcc_to_dcct',
  'count:admissions',
  'count:events',
  'admissions:emergency',
  'admissions:any',
] as const;
