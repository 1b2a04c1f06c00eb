/**
 * `gpnet evaluate --study ID`: the review's Table 1 for a collaboration in the store. For each
 * programme of the study file and each of its KPIs: the collaboration's values at the study's start
 * and end periods beside the reported ones, the indicator target met or not, and a comparative
 * interrupted time series against each comparator (London, England) with the programme's phased
 * start window as a transition period; then the programme's costs and the cost per additional
 * patient reaching the standard (docs/EVALUATION.md, "Reproducing Table 1").
 */
import type { LoadedIndicator } from '../../indicators/load.js';
import type { Engine } from '../../store/engine.js';
import type { IndicatorCatalogue } from '../incentives/load-scheme.js';
import type { Study } from '../study.js';
import { EvaluationInputError } from './errors.js';
import { evaluateSeries, type EvaluationOptions } from './evaluate.js';
import { isPeriod, parsePeriod } from './period.js';
import type { CoefficientReport, EvaluationReport } from './report.js';
import type { InputSeries } from './series.js';
import { findIndicator, readComparatorSeries, readOrganisationSeries } from './store-series.js';
import { DEFAULT_SCHEME_DIR, programmeCosts, type CostsOverride, type ProgrammeCostReport } from './study-costs.js';

export type Change = 'increase' | 'decrease' | 'none';

export interface EstimateSummary {
  estimate: number;
  ci_lower: number;
  ci_upper: number;
  p: number | null;
}

export interface AdditionalPatients {
  /** The horizon month (the study's end period for the programme). */
  horizon: string;
  /** sign × (observed − counterfactual) / per × denominator at the horizon (sign −1 when lower is better; per 100 for a percentage, 1,000 for a register per 1,000). */
  at_horizon: number;
  /** Σ over post-intervention months up to the horizon of the same quantity with each month's own denominator. */
  patient_months: number;
  /**
   * Total programme cost ÷ additional patients at the horizon; null unless the comparison found a
   * significant change the better way, there are additional patients and there is a cost.
   */
  cost_per_additional_patient_pence: number | null;
}

export interface ComparisonSummary {
  comparator: string;
  comparator_name: string;
  status: 'ok' | 'not-estimable' | 'not-available';
  reason?: string;
  /** Treated minus comparator change in level at the end of the transition window. */
  level_change?: EstimateSummary;
  /** Treated minus comparator change in slope (per month). */
  slope_change?: EstimateSummary;
  /** Treated minus comparator pre-intervention trend (a check that the series were comparable). */
  pre_trend?: EstimateSummary;
  /** Modelled effect (fitted − counterfactual) at the horizon month. */
  effect_at_horizon?: EstimateSummary & { period: string };
  /** A significant change in the KPI's expected direction (level or slope P < alpha). */
  finding?: 'significant increase' | 'significant decrease' | 'no significant change';
  additional_patients?: AdditionalPatients | null;
}

export interface KpiSummary {
  indicator: string;
  title: string | null;
  kind: string | null;
  /** increase / decrease / none as the study reported it. */
  expected: Change;
  /** Whether the review quotes values for it (false for also_evaluate KPIs). */
  in_table: boolean;
  note: string | null;
  reported: { from: string | null; to: string | null } | null;
  start: { period: string; value: number | null };
  end: { period: string; value: number | null };
  target: { value: number; direction: 'higher' | 'lower'; met: boolean | null } | null;
  comparisons: ComparisonSummary[];
  /** Every comparison agrees with the study: a significant change the expected way, or none where none was found. */
  agrees_with_study: boolean;
}

export interface ProgrammeSummary {
  id: string;
  title: string;
  start_window: { from: string; to: string };
  horizon: string;
  kpis: KpiSummary[];
  costs: ProgrammeCostReport;
}

export interface StudyReport {
  gpnet: 'evaluate-study';
  study: string;
  title: string;
  db: string;
  organisation: { code: string; name: string };
  comparators: { code: string; name: string }[];
  method: string;
  alpha: number;
  programmes: ProgrammeSummary[];
  caveats: string[];
}

export interface StudyEvaluationOptions {
  /** The collaboration to evaluate; default the store's only organisation of kind collaboration. */
  org?: string;
  /** Comparator codes; default every organisation of kind benchmark in the store. */
  comparators?: readonly string[];
  schemesDir?: string;
  costs?: CostsOverride;
  alpha?: number;
}

const OPTIONS: EvaluationOptions = {
  family: 'ols',
  errors: 'newey-west',
  lag: null,
  seasonalHarmonics: 0,
  slopeChange: true,
  slopeStart: 0,
  horizons: null,
};

function ordinal(month: string): number {
  const p = parsePeriod(month);
  if (!isPeriod(p)) throw new EvaluationInputError(`study file: ${p.error}`);
  return p.ordinal;
}

async function organisationOf(engine: Engine, code: string | undefined): Promise<{ code: string; name: string }> {
  if (code) {
    const rows = await engine.all<{ code: string; name: string }>('SELECT code, name FROM organisation WHERE code = $1', [code]);
    if (!rows[0]) throw new EvaluationInputError(`unknown organisation '${code}' in ${engine.location}`);
    return rows[0];
  }
  const rows = await engine.all<{ code: string; name: string }>("SELECT code, name FROM organisation WHERE kind = 'collaboration' ORDER BY code");
  if (rows.length !== 1) {
    throw new EvaluationInputError(
      rows.length === 0
        ? `${engine.location} holds no organisation of kind collaboration; give --org CODE`
        : `${engine.location} holds ${rows.length} collaborations (${rows.map((r) => r.code).join(', ')}); give --org CODE`,
    );
  }
  return rows[0]!;
}

async function comparatorsOf(engine: Engine, codes: readonly string[] | undefined): Promise<{ code: string; name: string }[]> {
  if (codes && codes.length > 0) {
    const out = [];
    for (const code of codes) {
      const rows = await engine.all<{ name: string }>('SELECT name FROM organisation WHERE code = $1', [code]);
      out.push({ code, name: rows[0]?.name ?? code });
    }
    return out;
  }
  // London before England: the smaller area (the closer comparator) first.
  const rows = await engine.all<{ code: string; name: string }>(
    "SELECT o.code, o.name FROM organisation o LEFT JOIN (SELECT benchmark, max(denominator) AS d FROM benchmark_series GROUP BY benchmark) b ON b.benchmark = o.code WHERE o.kind = 'benchmark' ORDER BY b.d NULLS LAST, o.code",
  );
  if (rows.length === 0) throw new EvaluationInputError(`${engine.location} holds no benchmark organisations to compare with; give --comparator CODE[,CODE]`);
  return rows;
}

function summary(c: CoefficientReport | undefined): EstimateSummary | undefined {
  return c ? { estimate: c.estimate, ci_lower: c.ci_lower, ci_upper: c.ci_upper, p: c.p } : undefined;
}

function findingOf(level: EstimateSummary | undefined, slope: EstimateSummary | undefined, expected: Change, alpha: number): ComparisonSummary['finding'] {
  const sig = (e: EstimateSummary | undefined, sign: 1 | -1): boolean => !!e && e.p !== null && e.p < alpha && Math.sign(e.estimate) === sign;
  // Where the study expected a fall, look for a significant fall first; otherwise for a rise.
  const order: (1 | -1)[] = expected === 'decrease' ? [-1, 1] : [1, -1];
  for (const sign of order) if (sig(level, sign) || sig(slope, sign)) return sign === 1 ? 'significant increase' : 'significant decrease';
  return 'no significant change';
}

function agrees(finding: ComparisonSummary['finding'], expected: Change): boolean {
  if (expected === 'none') return finding === 'no significant change';
  return finding === (expected === 'increase' ? 'significant increase' : 'significant decrease');
}

/**
 * Additional patients meeting the standard against the counterfactual of one comparative fit, for
 * a proportion indicator: (observed − counterfactual)% of each month's denominator.
 */
export function additionalPatients(
  report: EvaluationReport,
  series: InputSeries,
  horizon: string,
  opts: { per: number; sign: 1 | -1; costPence: number | null; significant: boolean },
): AdditionalPatients | null {
  const denominators = new Map(series.observations.map((o) => [o.period.ordinal, o.denominator]));
  const h = ordinal(horizon);
  let months = 0;
  let atHorizon: number | null = null;
  for (const point of report.series) {
    if (point.phase !== 'after') continue;
    const o = ordinal(point.period);
    if (o > h) break;
    const d = denominators.get(o);
    if (point.observed === null || point.counterfactual === null || d === null || d === undefined) continue;
    const extra = (opts.sign * (point.observed - point.counterfactual) * d) / opts.per;
    months += extra;
    if (o === h) atHorizon = extra;
  }
  if (atHorizon === null) return null;
  return {
    horizon,
    at_horizon: atHorizon,
    patient_months: months,
    cost_per_additional_patient_pence:
      opts.significant && opts.costPence !== null && opts.costPence > 0 && atHorizon > 0 ? Math.round(opts.costPence / atHorizon) : null,
  };
}

/** A count series with list-size denominators as a rate per 1,000 (the register's recorded prevalence). */
export function perThousand(series: InputSeries): InputSeries {
  return {
    ...series,
    label: `${series.label}, per 1,000 registered patients`,
    columns: { ...series.columns, value: true },
    observations: series.observations.map((o) => ({
      ...o,
      value: o.numerator !== null && o.denominator !== null && o.denominator > 0 ? (1000 * o.numerator) / o.denominator : null,
    })),
    ratePer: 1000,
    valueDescription: 'count per 1,000 registered patients',
  };
}

function valueAt(series: InputSeries, month: string): number | null {
  const o = ordinal(month);
  return series.observations.find((x) => x.period.ordinal === o)?.value ?? null;
}

function reportedText(p: { period: string; value: number } | { period: string; relative: number }): string {
  return 'value' in p ? String(p.value) : `${p.relative} (relative)`;
}

interface KpiSpec {
  indicator: string;
  expected: Change;
  inTable: boolean;
  note: string | null;
  reported: KpiSummary['reported'];
  from: string;
  to: string;
}

function kpiSpecs(programme: Study['programmes'][number], horizon: string): KpiSpec[] {
  const first = programme.kpis[0]?.from.period ?? programme.start.from;
  const table = programme.kpis.map((k) => ({
    indicator: k.indicator,
    expected: k.change,
    inTable: true,
    note: null,
    reported: { from: reportedText(k.from), to: reportedText(k.to) },
    from: k.from.period,
    to: k.to.period,
  }));
  const also = (programme.also_evaluate ?? []).map((k) => ({
    indicator: k.indicator,
    expected: k.change,
    inTable: false,
    note: k.note ?? null,
    reported: null,
    from: first,
    to: horizon,
  }));
  return [...table, ...also];
}

async function evaluateKpi(
  engine: Engine,
  spec: KpiSpec,
  programme: Study['programmes'][number],
  horizon: string,
  org: { code: string },
  comparators: readonly { code: string; name: string }[],
  loaded: ReadonlyMap<string, LoadedIndicator>,
  costPence: number | null,
  alpha: number,
): Promise<KpiSummary> {
  const def = loaded.get(spec.indicator)?.definition;
  let indicator;
  let series: InputSeries;
  try {
    indicator = await findIndicator(engine, spec.indicator);
    series = await readOrganisationSeries(engine, indicator, org.code);
  } catch (err) {
    if (!(err instanceof EvaluationInputError)) throw err;
    // Not measured in this store: the KPI is reported as such, the rest of the report stands.
    return {
      indicator: spec.indicator,
      title: def?.title ?? null,
      kind: def?.kind ?? null,
      expected: spec.expected,
      in_table: spec.inTable,
      note: spec.note,
      reported: spec.reported,
      start: { period: spec.from, value: null },
      end: { period: spec.to, value: null },
      target: null,
      comparisons: comparators.map((c) => ({ comparator: c.code, comparator_name: c.name, status: 'not-available', reason: err.message })),
      agrees_with_study: false,
    };
  }
  const kind = indicator.kind ?? def?.kind ?? null;
  const start = { period: spec.from, value: valueAt(series, spec.from) };
  const end = { period: spec.to, value: valueAt(series, spec.to) };
  const t = def?.target;
  const target = t
    ? { value: t.value, direction: t.direction, met: end.value === null ? null : t.direction === 'higher' ? end.value >= t.value : end.value <= t.value }
    : null;
  const intervention = `${programme.start.from}..${programme.start.to}`;
  // A count (a register) is compared as a prevalence: per 1,000 registered patients, on both sides.
  const fitted = kind === 'count' ? perThousand(series) : series;
  const per = kind === 'count' ? 1000 : 100;
  const sign: 1 | -1 = t?.direction === 'lower' ? -1 : 1;
  const h = ordinal(horizon) - ordinal(programme.start.from) + 1;
  const comparisons: ComparisonSummary[] = [];
  for (const c of comparators) {
    const base = { comparator: c.code, comparator_name: c.name };
    let comparator: InputSeries;
    try {
      comparator = await readComparatorSeries(engine, indicator, c.code);
      if (kind === 'count') comparator = perThousand(comparator);
    } catch (err) {
      if (!(err instanceof EvaluationInputError)) throw err;
      comparisons.push({ ...base, status: 'not-available', reason: err.message });
      continue;
    }
    let report: EvaluationReport;
    try {
      report = evaluateSeries({
        series: fitted,
        comparator,
        intervention,
        options: { ...OPTIONS, horizons: [h] },
        source: { source: 'store', db: engine.location, indicator: indicator.id, org: org.code },
      });
    } catch (err) {
      if (!(err instanceof EvaluationInputError)) throw err;
      comparisons.push({ ...base, status: 'not-estimable', reason: err.message });
      continue;
    }
    if (report.status !== 'ok') {
      comparisons.push({ ...base, status: 'not-estimable', reason: report.reason ?? 'the model could not be fitted' });
      continue;
    }
    const coef = (name: string): CoefficientReport | undefined => report.coefficients.find((x) => x.name === name);
    const level = summary(coef('difference_in_level_change'));
    const slope = summary(coef('difference_in_slope_change'));
    const effect = report.effects[0];
    const finding = findingOf(level, slope, spec.expected, alpha);
    comparisons.push({
      ...base,
      status: 'ok',
      level_change: level,
      slope_change: slope,
      pre_trend: summary(coef('difference_in_pre_trend')),
      ...(effect?.status === 'ok'
        ? { effect_at_horizon: { period: effect.period, estimate: effect.estimate, ci_lower: effect.ci_lower, ci_upper: effect.ci_upper, p: effect.p } }
        : {}),
      finding,
      additional_patients:
        kind === 'proportion' || kind === 'count'
          ? additionalPatients(report, fitted, horizon, { per, sign, costPence, significant: spec.expected !== 'none' && agrees(finding, spec.expected) })
          : null,
    });
  }
  const compared = comparisons.filter((c) => c.status === 'ok');
  return {
    indicator: spec.indicator,
    title: indicator.title ?? def?.title ?? null,
    kind,
    expected: spec.expected,
    in_table: spec.inTable,
    note: spec.note,
    reported: spec.reported,
    start,
    end,
    target,
    comparisons,
    agrees_with_study: compared.length > 0 && compared.every((c) => agrees(c.finding, spec.expected)),
  };
}

export async function evaluateStudy(
  engine: Engine,
  study: Study,
  indicators: readonly LoadedIndicator[],
  catalogue: IndicatorCatalogue,
  options: StudyEvaluationOptions = {},
): Promise<StudyReport> {
  const alpha = options.alpha ?? 0.05;
  const org = await organisationOf(engine, options.org);
  const comparators = await comparatorsOf(engine, options.comparators);
  const loaded = new Map(indicators.map((i) => [i.definition.id, i]));
  const programmes: ProgrammeSummary[] = [];
  for (const p of study.programmes) {
    const ends = p.kpis.map((k) => k.to.period).sort();
    const horizon = ends[ends.length - 1] ?? p.start.to;
    const costs = await programmeCosts(engine, options.costs?.[p.id] ?? p.costs, catalogue, options.schemesDir ?? DEFAULT_SCHEME_DIR);
    const costPence = costs.total_pence > 0 ? costs.total_pence : null;
    const kpis: KpiSummary[] = [];
    for (const spec of kpiSpecs(p, horizon)) kpis.push(await evaluateKpi(engine, spec, p, horizon, org, comparators, loaded, costPence, alpha));
    programmes.push({ id: p.id, title: p.title, start_window: p.start, horizon, kpis, costs });
  }
  return {
    gpnet: 'evaluate-study',
    study: study.study,
    title: study.title,
    db: engine.location,
    organisation: org,
    comparators,
    method:
      'comparative interrupted time series (Linden): the collaboration against each comparator, ordinary least squares with Newey–West standard errors, the programme’s phased start window left out of the fit as a transition period; level and slope changes are the collaboration’s minus the comparator’s',
    alpha,
    programmes,
    caveats: [
      'The level change is the step at the end of the start window; with a phased start it holds part of the change that happened during the window.',
      'The cost per additional patient gives each KPI the whole programme cost; a programme that improves several KPIs costs less per patient than any one figure suggests.',
      'Additional patients compare the observed values with the counterfactual of the comparative model: the collaboration’s own pre-programme line shifted by the comparator’s change at the programme start.',
    ],
  };
}
