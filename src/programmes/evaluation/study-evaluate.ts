/**
 * `gpnet evaluate --study ID`: the review's Table 1 for a collaboration in the store. For each
 * programme of the study file and each of its outcomes: the collaboration's and each comparator's
 * values at the outcome's period ends inside its analysis window, the phase-in left out as a
 * transition; a comparative interrupted time series where there are 3 periods on each side, else a
 * comparative before/after estimate (difference in differences) with its sampling-variance CI; the
 * published values beside the demo's at the published dates; then the programme's costs and the
 * cost per additional patient reaching the standard (docs/EVALUATION.md, "Reproducing Table 1").
 */
import type { LoadedIndicator } from '../../indicators/load.js';
import { readDataCoverage } from '../../indicators/measure-window.js';
import { reportingPeriodLabel, type ReportingPeriod, type YearBasis } from '../../model/reporting-period.js';
import type { Engine } from '../../store/engine.js';
import type { IndicatorCatalogue } from '../incentives/load-scheme.js';
import { monthEnd, resolveOutcome, type ResolvedOutcome, type Study, type StudyProgramme } from '../study.js';
import { EvaluationInputError } from './errors.js';
import { evaluateSeries, type EvaluationOptions } from './evaluate.js';
import { isPeriod, parsePeriod } from './period.js';
import type { CoefficientReport, EvaluationReport } from './report.js';
import type { InputSeries } from './series.js';
import { findIndicator, ratePerFor, readComparatorSeries, readOrganisationSeries, type StoreIndicator } from './store-series.js';
import { DEFAULT_SCHEME_DIR, programmeCosts, type CostsOverride, type ProgrammeCostReport } from './study-costs.js';
import { beforeAfterPeriods, chooseMethod, differenceInDifferences, windowSides, type Observed, type StudyMethod, type VarianceKind } from './study-window.js';
export type Change = 'increase' | 'decrease' | 'none';

export interface EstimateSummary {
  estimate: number;
  ci_lower: number;
  ci_upper: number;
  p: number | null;
}

export interface AdditionalPatients {
  /** The horizon month (the last period of the outcome's window). */
  horizon: string;
  /** sign × effect / per × the collaboration's denominator at the horizon (sign −1 when lower is better; per 100 for a percentage, 1,000 for a register per 1,000). */
  at_horizon: number;
  /** ITS only: Σ over post-phase-in periods up to the horizon of the same quantity with each period's own denominator; null for a before/after estimate. */
  patient_months: number | null;
  /**
   * Total programme cost ÷ additional patients at the horizon; null unless the comparison found a
   * significant change the better way, there are additional patients and there is a cost.
   */
  cost_per_additional_patient_pence: number | null;
}

/** The outcome's effect against one comparator, whichever method estimated it. */
export interface StudyEffect extends EstimateSummary {
  method: StudyMethod;
  /** ITS: the first period after the phase-in; before/after: the baseline period (YYYY-MM). */
  from: string;
  /** The period the effect is given at: the window's last period (YYYY-MM). */
  to: string;
}

export interface ComparisonSummary {
  comparator: string;
  comparator_name: string;
  status: 'ok' | 'not-estimable' | 'not-available';
  reason?: string;
  method?: StudyMethod;
  /** The effect: ITS, the modelled effect at the window's last period; before/after, the difference in differences. */
  effect?: StudyEffect;
  /** ITS: treated minus comparator change in level at the end of the phase-in. */
  level_change?: EstimateSummary;
  /** ITS: treated minus comparator change in slope (per month). */
  slope_change?: EstimateSummary;
  /** ITS: treated minus comparator pre-intervention trend (a check that the series were comparable). */
  pre_trend?: EstimateSummary;
  /** ITS: modelled effect (fitted − counterfactual) at the horizon (the same as `effect`, with its period). */
  effect_at_horizon?: EstimateSummary & { period: string };
  /** Before/after: each side's change between the two periods. */
  changes?: { collaboration: number; comparator: number };
  /** A significant effect (P < alpha) one way, or none. */
  finding?: 'significant increase' | 'significant decrease' | 'no significant change';
  additional_patients?: AdditionalPatients | null;
}

/** A published value beside the demo's value at the same date. */
export interface PublishedComparison {
  /** As the study file gives it: YYYY-MM, YYYY-Qn or YYYY. */
  period: string;
  /** The month whose end the value is read at. */
  month: string;
  label: string | null;
  measure: 'value' | 'relative';
  published: number;
  /** The collaboration's value at the month end (relative: 100 × value ÷ the first published date's value). */
  demo: number | null;
  difference: number | null;
  tolerance: number;
  within: boolean | null;
}

export interface KpiSummary {
  indicator: string;
  title: string | null;
  kind: string | null;
  /** increase / decrease / none as the study reported it. */
  expected: Change;
  /** Whether the review quotes values for it. */
  in_table: boolean;
  note: string | null;
  /** The analysis window as the study file gives it, and the first and last period end it holds (YYYY-MM-DD). */
  window: { from: string; to: string; first_period_end: string; last_period_end: string };
  period: ReportingPeriod;
  year_basis: YearBasis;
  phase_in: { from: string; to: string };
  /** The window's periods (labels) before, inside and after the phase-in. */
  periods: { before: string[]; transition: string[]; after: string[] };
  /** How the effect is estimated; null when the outcome is not available. */
  method: StudyMethod | null;
  /** ok, or not-available (the indicator is not defined or has no results) with the reason. */
  status: 'ok' | 'not-available';
  reason?: string;
  reported: { from: string | null; to: string | null } | null;
  /** The published values beside the demo's at the published dates (empty when the review quotes none). */
  published: PublishedComparison[];
  /** The collaboration's value at the first and last compared date: the published dates, else the before/after periods. */
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
  /** The programme's phase-in (also `phase_in`; kept under its old name). */
  start_window: { from: string; to: string };
  phase_in: { from: string; to: string };
  comparators: string[];
  comparators_note: string | null;
  /** The latest window end of the programme's outcomes (YYYY-MM). */
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
  /** Every comparator any programme uses, with whether the store holds it. */
  comparators: { code: string; name: string; available: boolean; reason?: string }[];
  method: string;
  alpha: number;
  programmes: ProgrammeSummary[];
  caveats: string[];
}

export interface StudyEvaluationOptions {
  /** The collaboration to evaluate; default the store's only organisation of kind collaboration. */
  org?: string;
  /** Comparator codes for every programme; default the study file's per programme (else every benchmark). */
  comparators?: readonly string[];
  schemesDir?: string;
  costs?: CostsOverride;
  alpha?: number;
  /**
   * What to do when the store lacks results the windows or published dates need: `fail` (the
   * default: an error with the `gpnet measure` command that fills them in) or `report` (those
   * outcomes are reported not-available with the command as the reason; the dashboard's page).
   */
  missing?: 'fail' | 'report';
}

/** The store lacks results the study needs; the message holds the measure command. */
export class MissingResultsError extends EvaluationInputError {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
    this.name = 'MissingResultsError';
  }
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

/** Every benchmark organisation in the store, the smaller area (the closer comparator) first. */
async function storeBenchmarks(engine: Engine): Promise<string[]> {
  const rows = await engine.all<{ code: string }>(
    "SELECT o.code FROM organisation o LEFT JOIN (SELECT benchmark, max(denominator) AS d FROM benchmark_series GROUP BY benchmark) b ON b.benchmark = o.code WHERE o.kind = 'benchmark' ORDER BY b.d NULLS LAST, o.code",
  );
  return rows.map((r) => r.code);
}

interface ComparatorInfo {
  code: string;
  name: string;
  available: boolean;
  reason?: string;
}

async function comparatorInfo(engine: Engine, code: string): Promise<ComparatorInfo> {
  const rows = await engine.all<{ name: string }>('SELECT name FROM organisation WHERE code = $1', [code]);
  if (rows[0]) return { code, name: rows[0].name, available: true };
  const bench = await engine.all<{ n: number }>('SELECT count(*) AS n FROM benchmark_series WHERE benchmark = $1', [code]);
  if (Number(bench[0]?.n ?? 0) > 0) return { code, name: code, available: true };
  return { code, name: code, available: false, reason: `${code} is not in ${engine.location} (neither an organisation nor a benchmark series)` };
}

function summary(c: CoefficientReport | undefined): EstimateSummary | undefined {
  return c ? { estimate: c.estimate, ci_lower: c.ci_lower, ci_upper: c.ci_upper, p: c.p } : undefined;
}

/** A significant effect (P < alpha) one way, else no significant change. */
export function findingOf(effect: EstimateSummary | undefined, alpha: number): ComparisonSummary['finding'] {
  if (!effect || effect.p === null || effect.p >= alpha || effect.estimate === 0) return 'no significant change';
  return effect.estimate > 0 ? 'significant increase' : 'significant decrease';
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

function monthOfEnd(periodEnd: string): string {
  return periodEnd.slice(0, 7);
}

/** The series' observations at these month ends only (the outcome's period ends). */
function atMonths(series: InputSeries, months: readonly string[]): InputSeries {
  const keep = new Set(months.map((m) => ordinal(m.slice(0, 7))));
  return { ...series, observations: series.observations.filter((o) => keep.has(o.period.ordinal)) };
}

function observationAt(series: InputSeries, month: string): InputSeries['observations'][number] | undefined {
  const o = ordinal(month);
  return series.observations.find((x) => x.period.ordinal === o);
}

function valueAt(series: InputSeries | null, month: string): number | null {
  return series ? (observationAt(series, month)?.value ?? null) : null;
}

function reportedText(p: { period: string; value: number } | { period: string; relative: number }): string {
  return 'value' in p ? String(p.value) : `${p.relative} (relative)`;
}

function varianceKindOf(kind: string | null): VarianceKind {
  if (kind === 'proportion') return 'binomial';
  if (kind === 'mean') return 'mean';
  return 'poisson';
}

/** The months (YYYY-MM) an outcome needs the collaboration's results at: its period ends and its published dates. */
export function neededMonths(o: ResolvedOutcome): string[] {
  const months = new Set(o.period_ends.map(monthOfEnd));
  if (o.published) {
    months.add(o.published.from.month);
    months.add(o.published.to.month);
  }
  return [...months].sort();
}

/**
 * The `gpnet measure` command that fills in these months (one range covering them all), with
 * `--allow-sparse` when the range starts before every practice has registrations (measure refuses
 * such a range without it).
 */
export function measureCommand(engine: Engine, months: readonly string[], firstFullMonth: string | null): string {
  const sorted = [...months].sort();
  const from = (sorted[0] ?? '').slice(0, 7);
  const store = engine.dialect === 'postgres' ? `--pg ${engine.location}` : `--db ${engine.location}`;
  const sparse = firstFullMonth === null || from < firstFullMonth ? ' --allow-sparse' : '';
  return `gpnet measure ${store} --from ${from} --to ${(sorted[sorted.length - 1] ?? '').slice(0, 7)}${sparse}`;
}

async function monthsWithResults(engine: Engine, indicator: string, org: string): Promise<Set<string>> {
  const rows = await engine.all<{ period_end: string }>(
    "SELECT strftime(period_end, '%Y-%m-%d') AS period_end FROM indicator_result WHERE indicator_id = $1 AND org_code = $2",
    [indicator, org],
  );
  return new Set(rows.map((r) => String(r.period_end).slice(0, 7)));
}

/** The standard errors of a mean indicator's values from their stored 95% intervals, by month. */
async function meanStandardErrors(engine: Engine, indicator: string, org: string): Promise<Map<string, number>> {
  const rows = await engine.all<{ period_end: string; ci_low: number | null; ci_high: number | null }>(
    "SELECT strftime(period_end, '%Y-%m-%d') AS period_end, ci_low, ci_high FROM indicator_result WHERE indicator_id = $1 AND org_code = $2",
    [indicator, org],
  );
  const out = new Map<string, number>();
  for (const r of rows) if (r.ci_low !== null && r.ci_high !== null) out.set(String(r.period_end).slice(0, 7), (r.ci_high - r.ci_low) / (2 * 1.959963984540054));
  return out;
}

interface OutcomeContext {
  engine: Engine;
  org: { code: string };
  programme: StudyProgramme;
  comparators: readonly ComparatorInfo[];
  loaded: ReadonlyMap<string, LoadedIndicator>;
  costPence: number | null;
  alpha: number;
  /** Set when the store lacks results the outcome needs (missing: 'report'). */
  missing: string | null;
}

function labelOf(o: ResolvedOutcome, periodEnd: string): string {
  return reportingPeriodLabel(periodEnd, o.period, o.year_basis);
}

function publishedComparisons(o: ResolvedOutcome, series: InputSeries | null): PublishedComparison[] {
  if (!o.published) return [];
  const base = valueAt(series, o.published.from.month);
  return [o.published.from, o.published.to].map((p) => {
    const raw = valueAt(series, p.month);
    const measure = 'value' in p ? 'value' : 'relative';
    const published = 'value' in p ? p.value : p.relative;
    const demo = raw === null ? null : measure === 'value' ? raw : base === null || base === 0 ? null : (100 * raw) / base;
    const difference = demo === null ? null : demo - published;
    return {
      period: p.period,
      month: p.month,
      label: p.label ?? null,
      measure,
      published,
      demo,
      difference,
      tolerance: o.tolerance,
      within: difference === null ? null : Math.abs(difference) <= o.tolerance + 1e-9,
    };
  });
}

function skeleton(o: ResolvedOutcome, def: LoadedIndicator['definition'] | undefined): Omit<KpiSummary, 'status' | 'method' | 'start' | 'end' | 'target' | 'comparisons' | 'agrees_with_study' | 'published' | 'title' | 'kind'> {
  const sides = windowSides(o.period_ends, o.phase_in);
  void def;
  return {
    indicator: o.indicator,
    expected: o.change,
    in_table: o.published !== null,
    note: o.note,
    window: { from: o.window.from, to: o.window.to, first_period_end: o.period_ends[0]!, last_period_end: o.period_ends[o.period_ends.length - 1]! },
    period: o.period,
    year_basis: o.year_basis,
    phase_in: o.phase_in,
    periods: { before: sides.before.map((e) => labelOf(o, e)), transition: sides.transition.map((e) => labelOf(o, e)), after: sides.after.map((e) => labelOf(o, e)) },
    reported: o.published ? { from: reportedText(o.published.from), to: reportedText(o.published.to) } : null,
  };
}

function notAvailable(o: ResolvedOutcome, def: LoadedIndicator['definition'] | undefined, comparators: readonly ComparatorInfo[], reason: string): KpiSummary {
  const first = o.published?.from.month ?? monthOfEnd(o.period_ends[0]!);
  const last = o.published?.to.month ?? monthOfEnd(o.period_ends[o.period_ends.length - 1]!);
  return {
    ...skeleton(o, def),
    title: def?.title ?? null,
    kind: def?.kind ?? null,
    status: 'not-available',
    reason,
    method: null,
    published: publishedComparisons(o, null),
    start: { period: first, value: null },
    end: { period: last, value: null },
    target: null,
    comparisons: comparators.map((c) => ({ comparator: c.code, comparator_name: c.name, status: 'not-available', reason })),
    agrees_with_study: false,
  };
}

function observed(series: InputSeries, month: string, se: ReadonlyMap<string, number> | null, fallbackSd: number | null): Observed | null {
  const o = observationAt(series, month);
  if (!o || o.value === null || o.numerator === null || o.denominator === null) return null;
  let s: number | null = se?.get(month) ?? null;
  if (s === null && fallbackSd !== null && o.denominator > 0) s = fallbackSd / Math.sqrt(o.denominator);
  return { value: o.value, numerator: o.numerator, denominator: o.denominator, se: s };
}

async function compareOne(
  ctx: OutcomeContext,
  o: ResolvedOutcome,
  indicator: StoreIndicator,
  kind: string | null,
  fitted: InputSeries,
  c: ComparatorInfo,
  meanSe: ReadonlyMap<string, number> | null,
): Promise<ComparisonSummary> {
  const base = { comparator: c.code, comparator_name: c.name };
  if (!c.available) return { ...base, status: 'not-available', reason: c.reason ?? `${c.code} is not in the store` };
  let comparator: InputSeries;
  try {
    comparator = await readComparatorSeries(ctx.engine, indicator, c.code);
    if (kind === 'count') comparator = perThousand(comparator);
    comparator = atMonths(comparator, o.period_ends);
  } catch (err) {
    if (!(err instanceof EvaluationInputError)) throw err;
    return { ...base, status: 'not-available', reason: err.message };
  }
  const sides = windowSides(o.period_ends, o.phase_in);
  const method = chooseMethod(sides);
  const last = monthOfEnd(o.period_ends[o.period_ends.length - 1]!);
  const t = ctx.loaded.get(o.indicator)?.definition.target;
  const sign: 1 | -1 = t?.direction === 'lower' ? -1 : 1;
  // Units of the value: 100 (percentages), 1,000 (per 1,000 and registers per 1,000), 100,000 (deaths per 100,000); 1 for means.
  const per = kind === 'mean' ? 1 : ratePerFor(kind);
  const denominatorAtEnd = observationAt(fitted, last)?.denominator ?? null;
  const costPer = (atHorizon: number, significant: boolean): number | null =>
    significant && ctx.costPence !== null && ctx.costPence > 0 && atHorizon > 0 ? Math.round(ctx.costPence / atHorizon) : null;

  if (method === 'comparative ITS') {
    const h = ordinal(last) - ordinal(o.phase_in.from) + 1;
    let report: EvaluationReport;
    try {
      report = evaluateSeries({
        series: fitted,
        comparator,
        intervention: `${o.phase_in.from}..${o.phase_in.to}`,
        options: { ...OPTIONS, horizons: [h] },
        source: { source: 'store', db: ctx.engine.location, indicator: indicator.id, org: ctx.org.code },
      });
    } catch (err) {
      if (!(err instanceof EvaluationInputError)) throw err;
      return { ...base, status: 'not-estimable', method, reason: err.message };
    }
    if (report.status !== 'ok') return { ...base, status: 'not-estimable', method, reason: report.reason ?? 'the model could not be fitted' };
    const coef = (name: string): CoefficientReport | undefined => report.coefficients.find((x) => x.name === name);
    const e = report.effects[0];
    if (!e || e.status !== 'ok') return { ...base, status: 'not-estimable', method, reason: e?.status === 'not-estimable' ? e.reason : 'no effect at the window end' };
    const effect: StudyEffect = { method, from: monthOfEnd(sides.after[0]!), to: last, estimate: e.estimate, ci_lower: e.ci_lower, ci_upper: e.ci_upper, p: e.p };
    const finding = findingOf(effect, ctx.alpha);
    const significant = o.change !== 'none' && agrees(finding, o.change);
    const extra = kind === 'proportion' || kind === 'count' ? additionalPatients(report, fitted, last, { per, sign, costPence: ctx.costPence, significant }) : null;
    return {
      ...base,
      status: 'ok',
      method,
      effect,
      level_change: summary(coef('difference_in_level_change')),
      slope_change: summary(coef('difference_in_slope_change')),
      pre_trend: summary(coef('difference_in_pre_trend')),
      effect_at_horizon: { period: e.period, estimate: e.estimate, ci_lower: e.ci_lower, ci_upper: e.ci_upper, p: e.p },
      finding,
      additional_patients: extra,
    };
  }

  const periods = beforeAfterPeriods(o.period_ends, sides);
  if (!periods) return { ...base, status: 'not-estimable', method, reason: `the window ${o.window.from}–${o.window.to} holds one ${o.period} only` };
  const from = monthOfEnd(periods.from);
  const to = monthOfEnd(periods.to);
  // A mean's comparator SE: the collaboration's standard deviation over the comparator's √n.
  const sdAt = (m: string): number | null => {
    const se = meanSe?.get(m);
    const d = observationAt(fitted, m)?.denominator;
    return se !== undefined && d ? se * Math.sqrt(d) : null;
  };
  const vk = varianceKindOf(kind);
  const tb = observed(fitted, from, meanSe, null);
  const ta = observed(fitted, to, meanSe, null);
  const cb = observed(comparator, from, null, vk === 'mean' ? sdAt(from) : null);
  const ca = observed(comparator, to, null, vk === 'mean' ? sdAt(to) : null);
  if (!tb || !ta || !cb || !ca) {
    const missing = [!tb || !ta ? 'the collaboration' : null, !cb || !ca ? c.name : null].filter((x) => x !== null).join(' and ');
    return { ...base, status: 'not-estimable', method, reason: `${missing} has no value at ${from} or ${to}` };
  }
  const did = differenceInDifferences({ before: tb, after: ta }, { before: cb, after: ca }, vk, per === 1 ? 1 : per);
  if (!did) return { ...base, status: 'not-estimable', method, reason: `no sampling variance for ${o.indicator} (a mean needs its stored confidence interval)` };
  const effect: StudyEffect = { method, from, to, estimate: did.estimate, ci_lower: did.ci_lower, ci_upper: did.ci_upper, p: did.p };
  const finding = findingOf(effect, ctx.alpha);
  const significant = o.change !== 'none' && agrees(finding, o.change);
  let extra: AdditionalPatients | null = null;
  if ((kind === 'proportion' || kind === 'count') && denominatorAtEnd !== null) {
    const atHorizon = (sign * did.estimate * denominatorAtEnd) / per;
    extra = { horizon: to, at_horizon: atHorizon, patient_months: null, cost_per_additional_patient_pence: costPer(atHorizon, significant) };
  }
  return {
    ...base,
    status: 'ok',
    method,
    effect,
    changes: { collaboration: did.treated_change, comparator: did.comparator_change },
    finding,
    additional_patients: extra,
  };
}

async function evaluateOutcome(ctx: OutcomeContext, o: ResolvedOutcome): Promise<KpiSummary> {
  const def = ctx.loaded.get(o.indicator)?.definition;
  if (ctx.missing) return notAvailable(o, def, ctx.comparators, ctx.missing);
  let indicator: StoreIndicator;
  let full: InputSeries;
  try {
    indicator = await findIndicator(ctx.engine, o.indicator);
    full = await readOrganisationSeries(ctx.engine, indicator, ctx.org.code);
  } catch (err) {
    if (!(err instanceof EvaluationInputError)) throw err;
    // Not defined in indicators/ and not in this store: reported as such, the rest of the report stands.
    return notAvailable(o, def, ctx.comparators, err.message);
  }
  const kind = indicator.kind ?? def?.kind ?? null;
  // A count (a register) is compared as a prevalence: per 1,000 registered patients, on both sides.
  const fitted = atMonths(kind === 'count' ? perThousand(full) : full, o.period_ends);
  const meanSe = kind === 'mean' ? await meanStandardErrors(ctx.engine, o.indicator, ctx.org.code) : null;
  const sides = windowSides(o.period_ends, o.phase_in);
  const method = chooseMethod(sides);
  const comparisons: ComparisonSummary[] = [];
  for (const c of ctx.comparators) comparisons.push(await compareOne(ctx, o, indicator, kind, fitted, c, meanSe));
  const ba = beforeAfterPeriods(o.period_ends, sides);
  const first = o.published?.from.month ?? (ba ? monthOfEnd(ba.from) : monthOfEnd(o.period_ends[0]!));
  const lastMonth = o.published?.to.month ?? monthOfEnd(o.period_ends[o.period_ends.length - 1]!);
  const start = { period: first, value: valueAt(full, first) };
  const end = { period: lastMonth, value: valueAt(full, lastMonth) };
  const t = def?.target;
  const target = t
    ? { value: t.value, direction: t.direction, met: end.value === null ? null : t.direction === 'higher' ? end.value >= t.value : end.value <= t.value }
    : null;
  const compared = comparisons.filter((c) => c.status === 'ok');
  return {
    ...skeleton(o, def),
    title: indicator.title ?? def?.title ?? null,
    kind,
    status: 'ok',
    method,
    published: publishedComparisons(o, full),
    start,
    end,
    target,
    comparisons,
    agrees_with_study: compared.length > 0 && compared.every((c) => agrees(c.finding, o.change)),
  };
}

/**
 * The months each outcome lacks results at (for the collaboration), for outcomes whose indicator is
 * defined (in indicators/ or the store); an undefined indicator is reported per outcome instead.
 */
export async function missingResults(
  engine: Engine,
  study: Study,
  org: string,
  defined: (id: string) => boolean,
): Promise<{ indicator: string; months: string[] }[]> {
  const out: { indicator: string; months: string[] }[] = [];
  const cache = new Map<string, Set<string>>();
  for (const p of study.programmes) {
    for (const k of p.kpis) {
      const o = resolveOutcome(study, p, k);
      if (!defined(o.indicator)) continue;
      let have = cache.get(o.indicator);
      if (!have) {
        have = await monthsWithResults(engine, o.indicator, org);
        cache.set(o.indicator, have);
      }
      const months = neededMonths(o).filter((m) => !have.has(m));
      if (months.length > 0) out.push({ indicator: o.indicator, months });
    }
  }
  return out;
}

async function missingMessage(engine: Engine, missing: readonly { indicator: string; months: string[] }[]): Promise<{ message: string; command: string }> {
  const all = missing.flatMap((m) => m.months);
  const command = measureCommand(engine, all, (await readDataCoverage(engine)).firstFullMonth);
  const what = missing.map((m) => `${m.indicator} (${m.months.length === 1 ? m.months[0] : `${m.months.length} months, ${m.months[0]} to ${m.months[m.months.length - 1]}`})`);
  return {
    command,
    message: `${engine.location} lacks the collaboration's results the study's windows and published dates need: ${what.join(', ')}. Measure them with: ${command}`,
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
  const loaded = new Map(indicators.map((i) => [i.definition.id, i]));
  const inStore = new Set(
    (await engine.all<{ id: string }>('SELECT id FROM indicator_definition UNION SELECT DISTINCT indicator_id AS id FROM indicator_result')).map((r) => r.id),
  );
  const missing = await missingResults(engine, study, org.code, (id) => loaded.has(id) || inStore.has(id));
  let missingNote: { message: string; command: string } | null = null;
  if (missing.length > 0) {
    missingNote = await missingMessage(engine, missing);
    if ((options.missing ?? 'fail') === 'fail') throw new MissingResultsError(missingNote.message, missingNote.command);
  }
  const missingIds = new Set(missing.map((m) => m.indicator));
  const fallback = options.comparators && options.comparators.length > 0 ? null : await storeBenchmarks(engine);
  const infos = new Map<string, ComparatorInfo>();
  const info = async (code: string): Promise<ComparatorInfo> => {
    let i = infos.get(code);
    if (!i) {
      i = await comparatorInfo(engine, code);
      infos.set(code, i);
    }
    return i;
  };
  const programmes: ProgrammeSummary[] = [];
  for (const p of study.programmes) {
    const codes = options.comparators && options.comparators.length > 0 ? [...options.comparators] : p.comparators.length > 0 ? p.comparators : (fallback ?? []);
    if (codes.length === 0) throw new EvaluationInputError(`${engine.location} holds no benchmark organisations to compare with; give --comparator CODE[,CODE]`);
    const comparators: ComparatorInfo[] = [];
    for (const code of codes) comparators.push(await info(code));
    const outcomes = p.kpis.map((k) => resolveOutcome(study, p, k));
    const horizon = outcomes.map((o) => monthOfEnd(o.period_ends[o.period_ends.length - 1]!)).sort().at(-1) ?? p.phase_in.to;
    const costs = await programmeCosts(engine, options.costs?.[p.id] ?? p.costs, catalogue, options.schemesDir ?? DEFAULT_SCHEME_DIR);
    const costPence = costs.total_pence > 0 ? costs.total_pence : null;
    const kpis: KpiSummary[] = [];
    for (const o of outcomes) {
      const ctx: OutcomeContext = { engine, org, programme: p, comparators, loaded, costPence, alpha, missing: missingIds.has(o.indicator) && missingNote ? missingNote.message : null };
      kpis.push(await evaluateOutcome(ctx, o));
    }
    programmes.push({
      id: p.id,
      title: p.title,
      start_window: p.phase_in,
      phase_in: p.phase_in,
      comparators: comparators.map((c) => c.code),
      comparators_note: p.comparators_note ?? null,
      horizon,
      kpis,
      costs,
    });
  }
  return {
    gpnet: 'evaluate-study',
    study: study.study,
    title: study.title,
    db: engine.location,
    organisation: org,
    comparators: [...infos.values()],
    method:
      'per outcome, the collaboration and each comparator at the period ends (month, quarter or QOF/calendar year end) inside the outcome’s analysis window; periods whose value date falls inside the phase-in are a transition, left out. With 3 periods or more on each side: comparative interrupted time series (Linden), ordinary least squares with Newey–West standard errors, the effect the modelled difference at the window’s last period. Otherwise: comparative before/after — the difference in differences between the last period before the phase-in (the window’s first period when it starts inside the phase-in) and the window’s last period, its 95% CI from the sampling variances (binomial for percentages, Poisson for rates and registers per 1,000, the mean’s standard error for means)',
    alpha,
    programmes,
    caveats: [
      'A before/after estimate uses two periods per series: it does not allow for a trend the collaboration already had relative to the comparator; the ITS does, where the window has 3 periods on each side.',
      'The before/after CI treats the four values as independent samples; the same patients counted at both dates make the true interval narrower for the collaboration, and the CI ignores any year-to-year variation beyond sampling.',
      'The cost per additional patient gives each KPI the whole programme cost; a programme that improves several KPIs costs less per patient than any one figure suggests.',
    ],
  };
}

export { monthEnd };
