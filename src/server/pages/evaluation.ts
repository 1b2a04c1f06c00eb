import { ruleText } from '../disclosure/rule.js';
import * as Plot from '@observablehq/plot';
import { Hono, type Context } from 'hono';
import { parseHTML } from 'linkedom';
import { z } from 'zod';
import { loadCodelists } from '../../codelists/load.js';
import { loadIndicators } from '../../indicators/load.js';
import { catalogueOf } from '../../programmes/incentives/load-scheme.js';
import {
  EvaluationInputError,
  evaluateSeries,
  evaluateStudy,
  findIndicator,
  readComparatorSeries,
  readOrganisationSeries,
  renderStudyHtml,
  type EvaluationReport,
  type StudyReport,
} from '../../programmes/evaluation/index.js';
import type { CoefficientReport, EffectReport, ModelFamily } from '../../programmes/evaluation/report.js';
import { loadStudy, type Study } from '../../programmes/study.js';
import type { DashboardData, IndicatorRecord } from '../api/dashboard-data.js';
import { ApiError } from '../api/errors.js';
import { accessibleSvg, SERIES_STYLE, toDate } from './charts.js';
import { monthLabel } from './format.js';
import { h, qs, raw, type Html, type Raw } from './html.js';
import { layout, type Crumb } from './layout.js';
import { cell, tableCsv, tableHtml, type Table } from './table.js';

/**
 * The evaluation pages: /evaluate runs the interrupted time-series evaluation of the evaluation
 * programme (src/programmes/evaluation, as `gpnet evaluate --db … --indicator … --org …`) for one
 * indicator and organisation against a comparator, and shows the observed vs counterfactual chart,
 * the effect table, the diagnostics and the caveats; /evaluate/study shows the Table 1 report of
 * the study file (as `gpnet evaluate --study tower-hamlets`).
 */
export const STUDY_ID = 'tower-hamlets';
const DEFAULT_COMPARATOR = 'SYNB-ENG';
const NO_COMPARATOR = 'none';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const EvaluateQuery = z
  .object({
    indicator: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'indicator: an indicator id (letters, digits, _ . -)').optional(),
    org: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'org: an organisation code (letters, digits, _ . -)').optional(),
    intervention: z
      .string()
      .refine((s) => s.split('..').length <= 2 && s.split('..').every((p) => MONTH.test(p.trim())), 'intervention: a month YYYY-MM, or a transition window YYYY-MM..YYYY-MM')
      .optional(),
    comparator: z.string().regex(/^([A-Za-z0-9_.-]{1,64})?$/, `comparator: an organisation or benchmark code, or ${NO_COMPARATOR}`).optional(),
    model: z.enum(['ols', 'poisson', 'quasipoisson'], { error: 'model: ols, poisson or quasipoisson' }).optional(),
    format: z.enum(['html', 'csv'], { error: 'format: html or csv' }).optional(),
    table: z.string().optional(),
  })
  .strict();

export interface EvaluationRequest {
  indicator: string;
  org: string;
  intervention: string;
  /** null: a single series, without a comparator. */
  comparator: string | null;
  model: ModelFamily;
}

let study: Study | null | undefined;
function theStudy(): Study | null {
  if (study === undefined) {
    try {
      study = loadStudy(STUDY_ID);
    } catch {
      study = null;
    }
  }
  return study;
}

/** The programme start window of the study programme with this KPI (else the indicator's area), as START..END. */
export function defaultIntervention(ind: IndicatorRecord | undefined): string | null {
  const s = theStudy();
  if (!s || !ind) return null;
  const p = s.programmes.find((x) => x.kpis.some((k) => k.indicator === ind.definition.id)) ?? s.programmes.find((x) => x.id === ind.definition.area);
  if (!p) return null;
  return p.phase_in.from === p.phase_in.to ? p.phase_in.from : `${p.phase_in.from}..${p.phase_in.to}`;
}

function firstStudyIndicator(data: DashboardData): string | undefined {
  const s = theStudy();
  const fromStudy = s?.programmes.flatMap((p) => p.kpis.map((k) => k.indicator)).find((id) => data.indicators.has(id));
  return fromStudy ?? data.indicatorList()[0]?.definition.id;
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'bad_request', message);
}

/**
 * Disclosure control (docs/SECURITY.md): an evaluation shows every month's observed value and
 * denominator, read from the store. Under suppression it is offered only for series with no
 * withheld month (the organisation's and an organisation or benchmark comparator's); under
 * rounding, not at all (it needs the exact counts).
 */
function requireDisclosable(data: DashboardData, indicator: string, codes: readonly string[]): void {
  const rule = data.disclosure;
  if (rule.mode === 'none') return;
  if (rule.mode === 'round') throw badRequest(`evaluations use the exact monthly counts, which this server does not show (disclosure rule ${ruleText(rule)}); the store owner can run gpnet evaluate`);
  for (const code of codes) {
    const months = data.orgs.get(code)?.kind === 'benchmark' ? data.benchmarkSeries(code, indicator) : data.series(indicator, code);
    const withheld = months.filter((m) => m.suppressed);
    if (withheld.length > 0) {
      throw badRequest(`${code} cannot be evaluated on ${indicator} here: ${withheld.length} of its ${months.length} months are suppressed as small numbers (disclosure rule ${ruleText(rule)}; the first is ${withheld[0]!.period_end.slice(0, 7)}); choose a larger organisation`);
    }
  }
}

/** The query with defaults filled in; ApiError 400 for anything malformed. */
export function evaluationRequest(data: DashboardData, query: Record<string, string[]>): EvaluationRequest & { format?: 'html' | 'csv'; table?: string } {
  const single: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (v.length !== 1) throw badRequest(`query parameter ${k} given ${v.length} times`);
    single[k] = v[0]!;
  }
  const parsed = EvaluateQuery.safeParse(single);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.join(', ')} (this page takes indicator, org, intervention, comparator, model)` : issue.message);
  }
  const q = parsed.data;
  const indicator = q.indicator && q.indicator !== '' ? q.indicator : firstStudyIndicator(data);
  if (!indicator) throw badRequest('the store holds no indicators to evaluate');
  const ind = data.indicators.get(indicator);
  if (!ind) throw badRequest(`indicator: no indicator with id ${indicator} in this store`);
  const org = q.org && q.org !== '' ? q.org : data.collaboration()?.code;
  if (!org) throw badRequest('org: give an organisation code (the store has no collaboration)');
  const o = data.orgs.get(org);
  if (!o || o.kind === 'benchmark') throw badRequest(`org: no practice, network or collaboration with code ${org} (benchmarks can only be comparators)`);
  const intervention = q.intervention && q.intervention !== '' ? q.intervention.trim() : defaultIntervention(ind);
  if (!intervention) throw badRequest(`intervention: ${ind.definition.title} is in no programme of the study file, so there is no default start: give intervention=YYYY-MM or YYYY-MM..YYYY-MM`);
  let comparator: string | null;
  if (q.comparator === undefined || q.comparator === '') comparator = data.orgs.has(DEFAULT_COMPARATOR) ? DEFAULT_COMPARATOR : (data.benchmarkOrgs().at(-1)?.code ?? null);
  else if (q.comparator === NO_COMPARATOR) comparator = null;
  else {
    comparator = q.comparator;
    if (!data.orgs.has(comparator)) throw badRequest(`comparator: no organisation or benchmark with code ${comparator}`);
    if (comparator === org) throw badRequest(`comparator: ${comparator} is the organisation being evaluated; choose another`);
  }
  requireDisclosable(data, indicator, comparator === null ? [org] : [org, comparator]);
  return { indicator, org, intervention, comparator, model: q.model ?? 'ols', ...(q.format ? { format: q.format } : {}), ...(q.table ? { table: q.table } : {}) };
}

/** Runs the evaluation module exactly as `gpnet evaluate --db --indicator --org [--comparator] --intervention [--model]` does. */
export async function runEvaluation(data: DashboardData, r: EvaluationRequest): Promise<EvaluationReport> {
  const engine = data.engine;
  const indicator = await findIndicator(engine, r.indicator);
  const series = await readOrganisationSeries(engine, indicator, r.org);
  const comparator = r.comparator ? await readComparatorSeries(engine, indicator, r.comparator) : null;
  return evaluateSeries({
    series,
    comparator,
    intervention: r.intervention,
    options: { family: r.model, errors: null, lag: null, seasonalHarmonics: 0, slopeChange: true, slopeStart: 0, horizons: null },
    source: { source: 'store', db: engine.location, indicator: indicator.id, org: r.org },
  });
}

function memoEvaluation(data: DashboardData, r: EvaluationRequest): Promise<EvaluationReport> {
  const key = `evaluate:${r.indicator}|${r.org}|${r.intervention}|${r.comparator ?? ''}|${r.model}`;
  return data.memo(key, () => runEvaluation(data, r));
}

// ---- formatting -------------------------------------------------------------------------------

export function fmt(x: number | null | undefined, dp = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = x.toFixed(dp);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined) return '–';
  return p < 0.001 ? '<\u00a00.001' : p.toFixed(3);
}

function ciText(lo: number, hi: number, dp = 2): string {
  return `${fmt(lo, dp)}\u00a0to\u00a0${fmt(hi, dp)}`;
}

function periodLabel(p: string): string {
  return MONTH.test(p) ? monthLabel(`${p}-01`) : p;
}

function interventionText(r: EvaluationReport): string {
  const i = r.model.intervention;
  return i.transition_end ? `${periodLabel(i.start)} to ${periodLabel(i.transition_end)} (a transition window of ${i.transition_periods} months, left out of the fit)` : periodLabel(i.start);
}

// ---- chart ------------------------------------------------------------------------------------

const STYLE = {
  observed: { color: SERIES_STYLE.practice!.color, dash: '' },
  fitted: { color: '#212b32', dash: '' },
  counterfactual: { color: '#d5281b', dash: '6,4' },
  comparator: { color: SERIES_STYLE.england!.color, dash: SERIES_STYLE.england!.dash },
};

interface ChartPoint {
  date: Date;
  observed: number | null;
  fitted: number | null;
  counterfactual: number | null;
  lower: number | null;
  upper: number | null;
  comparator: number | null;
  phase: string;
}

/** Values on the chart's scale: the outcome for linear models, the rate per rate_per for count models with an offset. */
function chartPoints(r: EvaluationReport): ChartPoint[] {
  const rates = r.model.family !== 'ols' && r.data.rate_per !== null;
  return r.series.map((s) => ({
    date: toDate(`${s.period}-01`),
    observed: rates ? (s.observed_rate ?? null) : s.observed,
    fitted: rates ? (s.fitted_rate ?? null) : s.fitted,
    counterfactual: s.phase === 'after' ? (rates ? (s.counterfactual_rate ?? null) : s.counterfactual) : null,
    lower: s.phase === 'after' ? (rates ? (s.counterfactual_rate_lower ?? null) : s.counterfactual_lower) : null,
    upper: s.phase === 'after' ? (rates ? (s.counterfactual_rate_upper ?? null) : s.counterfactual_upper) : null,
    comparator: rates ? null : (s.comparator ?? null),
    phase: s.phase,
  }));
}

function chartSvg(r: EvaluationReport, title: string, yLabel: string, comparatorName: string | null): Raw {
  const pts = chartPoints(r);
  const def = <K extends keyof ChartPoint>(k: K) => pts.filter((p) => p[k] !== null);
  const before = pts.filter((p) => p.phase === 'before' && p.fitted !== null);
  const after = pts.filter((p) => p.phase === 'after' && p.fitted !== null);
  const band = pts.filter((p) => p.lower !== null && p.upper !== null);
  const i = r.model.intervention;
  const start = toDate(`${i.start}-01`);
  const firstPost = toDate(`${i.first_post_period}-01`);
  const marks: unknown[] = [];
  if (i.transition_end) {
    marks.push(Plot.rectX([{ x1: start, x2: firstPost }], { x1: 'x1', x2: 'x2', fill: '#e8edee' }));
    marks.push(Plot.text([start], { x: (d: Date) => d, frameAnchor: 'top', dy: 4, dx: 4, textAnchor: 'start', text: () => 'Transition window', fill: '#212b32', fontSize: 11 }));
  } else {
    marks.push(Plot.ruleX([start], { stroke: '#212b32', strokeDasharray: '1,3' }));
    marks.push(Plot.text([start], { x: (d: Date) => d, frameAnchor: 'top', dy: 4, dx: 4, textAnchor: 'start', text: () => 'Intervention', fill: '#212b32', fontSize: 11 }));
  }
  if (band.length) marks.push(Plot.areaY(band, { x: 'date', y1: 'lower', y2: 'upper', fill: STYLE.counterfactual.color, fillOpacity: 0.12 }));
  if (comparatorName) marks.push(Plot.lineY(def('comparator'), { x: 'date', y: 'comparator', stroke: STYLE.comparator.color, strokeDasharray: STYLE.comparator.dash, strokeWidth: 1.5 }));
  marks.push(Plot.dot(def('observed'), { x: 'date', y: 'observed', r: 2.2, fill: STYLE.observed.color }));
  marks.push(Plot.lineY(def('counterfactual'), { x: 'date', y: 'counterfactual', stroke: STYLE.counterfactual.color, strokeDasharray: STYLE.counterfactual.dash, strokeWidth: 2 }));
  marks.push(Plot.lineY(before, { x: 'date', y: 'fitted', stroke: STYLE.fitted.color, strokeWidth: 2 }));
  marks.push(Plot.lineY(after, { x: 'date', y: 'fitted', stroke: STYLE.fitted.color, strokeWidth: 2 }));
  const node = Plot.plot({
    document: parseHTML('<!doctype html><html><body></body></html>').document,
    width: 680,
    height: 340,
    marginLeft: 52,
    marginRight: 20,
    style: { fontSize: '12px', fontFamily: 'Arial, sans-serif', color: '#212b32', background: 'white' },
    ariaLabel: title,
    ariaDescription: `Chart by month: observed values as dots, the fitted model as a solid line, the counterfactual (the model without the intervention) as a dashed line with its 95% confidence band after the intervention${comparatorName ? `, and ${comparatorName} as a dash-dot line` : ''}; the ${i.transition_end ? 'transition window is shaded' : 'intervention month is marked'}. The data are in the table below the chart.`,
    x: { type: 'utc', label: null },
    y: { label: yLabel, grid: true, nice: true },
    marks,
  } as never) as unknown as { outerHTML: string };
  const key = (svg: string, label: string): string => `<li>${svg} ${escText(label)}</li>`;
  const line = (s: { color: string; dash: string }): string => `<svg width="28" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="28" y2="5" stroke="${s.color}" stroke-width="3" stroke-dasharray="${s.dash}"/></svg>`;
  const legend = [
    key('<svg width="12" height="12" aria-hidden="true" focusable="false"><circle cx="6" cy="6" r="3" fill="#005eb8"/></svg>', 'Observed'),
    key(line(STYLE.fitted), 'Fitted model'),
    key(line(STYLE.counterfactual), 'Counterfactual (no intervention), with 95% CI'),
    ...(comparatorName ? [key(line(STYLE.comparator), `Comparator: ${comparatorName}`)] : []),
    key(i.transition_end ? '<svg width="16" height="12" aria-hidden="true" focusable="false"><rect width="16" height="12" fill="#e8edee" stroke="#768692"/></svg>' : line({ color: '#212b32', dash: '1,3' }), i.transition_end ? 'Transition window' : 'Intervention'),
  ].join('');
  return raw(`<ul class="gp-legend">${legend}</ul>${accessibleSvg(node.outerHTML)}`);
}

function escText(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
}

// ---- tables -----------------------------------------------------------------------------------

const TERM_LABEL: Record<string, string> = {
  baseline_level: 'Baseline level',
  pre_trend: 'Trend before',
  level_change: 'Change in level',
  slope_change: 'Change in trend',
  post_trend: 'Trend after',
  difference_in_baseline_level: 'Difference in baseline level',
  difference_in_pre_trend: 'Difference in trend before',
  difference_in_level_change: 'Difference in change in level (effect)',
  difference_in_slope_change: 'Difference in change in trend (effect)',
  treated_post_trend: 'Trend after (evaluated)',
  comparator_post_trend: 'Trend after (comparator)',
};

function coefficientTable(r: EvaluationReport): Table {
  const counts = r.model.family !== 'ols';
  const rows = [...r.coefficients.map((c) => ({ c, derived: false })), ...r.derived.map((c) => ({ c, derived: true }))];
  const rr = (c: CoefficientReport): string => (c.rate_ratio ? `${fmt(c.rate_ratio.estimate, 3)} (${ciText(c.rate_ratio.ci_lower, c.rate_ratio.ci_upper, 3)})` : '–');
  return {
    id: 'coefficients',
    caption: 'Model coefficients with 95% confidence intervals',
    head: ['Term', 'What it means', 'Estimate', '95% CI', 'P value', ...(counts ? ['Rate ratio (95% CI)'] : [])],
    numericColumns: [2, 4],
    rows: rows.map(({ c, derived }) => [
      cell(h`${TERM_LABEL[c.name] ?? c.name}${derived ? h`<span class="gp-muted"> (derived)</span>` : ''}<br><code>${c.name}</code>`, c.name),
      cell(c.description, c.description),
      cell(fmt(c.estimate, 3), c.estimate),
      cell(ciText(c.ci_lower, c.ci_upper, 3), `${c.ci_lower} to ${c.ci_upper}`),
      cell(fmtP(c.p), c.p),
      ...(counts ? [cell(rr(c), c.rate_ratio ? c.rate_ratio.estimate : null)] : []),
    ]),
    csv: {
      head: ['term', 'derived', 'description', 'estimate', 'se', 'statistic', 'p', 'ci_lower', 'ci_upper', ...(counts ? ['rate_ratio', 'rate_ratio_ci_lower', 'rate_ratio_ci_upper'] : [])],
      rows: rows.map(({ c, derived }) => [c.name, derived ? 'yes' : 'no', c.description, c.estimate, c.se, c.statistic, c.p, c.ci_lower, c.ci_upper, ...(counts ? [c.rate_ratio?.estimate ?? null, c.rate_ratio?.ci_lower ?? null, c.rate_ratio?.ci_upper ?? null] : [])]),
    },
  };
}

function effectTable(r: EvaluationReport, dp: number): Table {
  const counts = r.model.family !== 'ols';
  return {
    id: 'effects',
    caption: counts ? 'Effect of the intervention at each horizon (log rate ratio and rate ratio)' : 'Effect of the intervention at each horizon (fitted minus counterfactual)',
    head: ['Horizon', 'Month', 'Effect', '95% CI', 'P value', counts ? 'Rate ratio (95% CI)' : 'Relative change', 'Fitted', 'Counterfactual', 'Note'],
    numericColumns: [2, 4, 6, 7],
    rows: r.effects.map((e) => effectRow(e, counts, dp)),
    csv: {
      head: ['horizon', 'period', 'status', 'estimate', 'se', 'p', 'ci_lower', 'ci_upper', 'rate_ratio', 'relative_change', 'fitted', 'counterfactual', 'extrapolated', 'reason'],
      rows: r.effects.map((e) =>
        e.status === 'ok'
          ? [e.horizon, e.period, e.status, e.estimate, e.se, e.p, e.ci_lower, e.ci_upper, e.rate_ratio?.estimate ?? null, e.relative_change, e.fitted, e.counterfactual, e.extrapolated ? 'yes' : 'no', null]
          : [e.horizon, e.period, e.status, null, null, null, null, null, null, null, null, null, null, e.reason],
      ),
    },
  };
}

function effectRow(e: EffectReport, counts: boolean, dp: number): ReturnType<typeof cell>[] {
  const head = cell(`${e.horizon} months`, e.horizon);
  if (e.status !== 'ok') return [head, cell(periodLabel(e.period), e.period), cell('–', null), cell('–', null), cell('–', null), cell('–', null), cell('–', null), cell('–', null), cell(e.reason, e.reason)];
  return [
    head,
    cell(periodLabel(e.period), e.period),
    cell(fmt(e.estimate, 3), e.estimate),
    cell(ciText(e.ci_lower, e.ci_upper, 3), `${e.ci_lower} to ${e.ci_upper}`),
    cell(fmtP(e.p), e.p),
    counts ? cell(e.rate_ratio ? `${fmt(e.rate_ratio.estimate, 3)} (${ciText(e.rate_ratio.ci_lower, e.rate_ratio.ci_upper, 3)})` : '–', e.rate_ratio?.estimate ?? null) : cell(e.relative_change === null ? '–' : `${fmt(100 * e.relative_change, 1)}%`, e.relative_change),
    cell(fmt(e.fitted, dp), e.fitted),
    cell(fmt(e.counterfactual, dp), e.counterfactual),
    cell(e.extrapolated ? 'Beyond the data: an extrapolation' : 'Within the data', e.extrapolated ? 'extrapolated' : 'within the data'),
  ];
}

function diagnosticsTable(r: EvaluationReport): Table {
  const d = r.diagnostics;
  const rows: [string, string, string | number | null, string][] = [
    ['points_before', 'Months before the intervention (used)', d.points_before, String(d.points_before)],
    ['points_after', 'Months after the intervention (used)', d.points_after, String(d.points_after)],
    ['points_in_transition', 'Months in the transition window (left out)', d.points_in_transition, String(d.points_in_transition)],
    ['points_missing', 'Months with no usable value', d.points_missing, String(d.points_missing)],
    ['points_used', 'Months used in the fit', d.points_used, String(d.points_used)],
  ];
  if (d.comparator_points_before !== undefined) rows.push(['comparator_points_before', 'Comparator months before', d.comparator_points_before, String(d.comparator_points_before)]);
  if (d.comparator_points_after !== undefined) rows.push(['comparator_points_after', 'Comparator months after', d.comparator_points_after, String(d.comparator_points_after)]);
  rows.push(['durbin_watson', 'Durbin–Watson statistic (near 2: little autocorrelation)', d.durbin_watson, fmt(d.durbin_watson, 3)]);
  if (d.ljung_box) {
    rows.push(['ljung_box_statistic', `Ljung–Box statistic (lag ${d.ljung_box.lag}, ${d.ljung_box.df} df)`, d.ljung_box.statistic, fmt(d.ljung_box.statistic, 3)]);
    rows.push(['ljung_box_p', 'Ljung–Box P value (small: autocorrelation left)', d.ljung_box.p, fmtP(d.ljung_box.p)]);
  } else rows.push(['ljung_box_statistic', 'Ljung–Box test', null, 'could not be computed']);
  if (d.dispersion !== undefined) rows.push(['dispersion', 'Dispersion (Pearson χ² ÷ df; 1 for pure Poisson variation)', d.dispersion, fmt(d.dispersion, 3)]);
  if (d.deviance !== undefined) rows.push(['deviance', 'Deviance', d.deviance, fmt(d.deviance, 3)]);
  if (d.rho !== undefined) rows.push(['rho', 'Prais–Winsten AR(1) correlation', d.rho, fmt(d.rho, 3)]);
  rows.push(['df_residual', 'Residual degrees of freedom', d.df_residual, String(d.df_residual)]);
  rows.push(['newey_west_lag', 'Newey–West lag', r.model.newey_west_lag, r.model.newey_west_lag === null ? '–' : String(r.model.newey_west_lag)]);
  return {
    id: 'diagnostics',
    caption: `Model diagnostics (residuals: ${d.residuals})`,
    head: ['Diagnostic', 'Value'],
    numericColumns: [1],
    rows: rows.map(([key, label, v, text]) => [cell(label, key), cell(text, v)]),
    csv: { head: ['diagnostic', 'description', 'value'], rows: rows.map(([key, label, v]) => [key, label, v]) },
  };
}

function seriesTable(r: EvaluationReport, dp: number, comparatorName: string | null): Table {
  const rates = r.model.family !== 'ols' && r.data.rate_per !== null;
  const pts = chartPoints(r);
  const phaseWord: Record<string, string> = { before: 'Before', transition: 'Transition', after: 'After' };
  return {
    id: 'series',
    caption: `Data for the chart${rates ? ` (rates per ${r.data.rate_per})` : ''}`,
    head: ['Month', 'Phase', 'Observed', 'Fitted', 'Counterfactual', 'Counterfactual 95% CI', ...(comparatorName ? [comparatorName] : [])],
    numericColumns: [2, 3, 4],
    rows: r.series.map((s, k) => {
      const p = pts[k]!;
      return [
        cell(periodLabel(s.period), s.period),
        cell(phaseWord[s.phase] ?? s.phase, s.phase),
        cell(fmt(p.observed, dp), p.observed),
        cell(fmt(p.fitted, dp), p.fitted),
        cell(fmt(p.counterfactual, dp), p.counterfactual),
        cell(p.lower !== null && p.upper !== null ? ciText(p.lower, p.upper, dp) : '–', p.lower !== null ? `${p.lower} to ${p.upper}` : null),
        ...(comparatorName ? [cell(fmt(p.comparator, dp), p.comparator)] : []),
      ];
    }),
    csv: {
      head: ['period', 'phase', 'observed', 'used_in_fit', 'fitted', 'counterfactual', 'counterfactual_lower', 'counterfactual_upper', 'comparator', 'exposure', 'observed_rate', 'fitted_rate', 'counterfactual_rate'],
      rows: r.series.map((s) => [s.period, s.phase, s.observed, s.used_in_fit ? 'yes' : 'no', s.fitted, s.counterfactual, s.counterfactual_lower, s.counterfactual_upper, s.comparator ?? null, s.exposure ?? null, s.observed_rate ?? null, s.fitted_rate ?? null, s.counterfactual_rate ?? null]),
    },
  };
}

// ---- plain words ------------------------------------------------------------------------------

function unitWords(kind: string, model: ModelFamily): string {
  if (model !== 'ols') return '';
  return kind === 'proportion' ? ' percentage points' : kind === 'rate_per_1000' ? ' per 1,000' : kind === 'deaths_per_100000' ? ' per 100,000' : kind === 'count' ? ' patients' : '';
}

function effectSentence(e: EffectReport, kind: string, model: ModelFamily, better: 'higher' | 'lower' | null): Html {
  if (e.status !== 'ok') return h`<li>At ${e.horizon} months (${periodLabel(e.period)}) the effect cannot be estimated: ${e.reason}.</li>`;
  const sig = e.p !== null && e.p < 0.05;
  const where = e.extrapolated ? ' (beyond the data: an extrapolation of the fitted lines)' : '';
  if (model !== 'ols') {
    const rr = e.rate_ratio;
    if (!rr) return null;
    const pct = (rr.estimate - 1) * 100;
    return h`<li>At ${e.horizon} months (${periodLabel(e.period)})${where} the rate was <strong>${fmt(Math.abs(pct), 1)}% ${pct >= 0 ? 'higher' : 'lower'}</strong> than the counterfactual (rate ratio ${fmt(rr.estimate, 3)}, 95% CI ${ciText(rr.ci_lower, rr.ci_upper, 3)}, P ${fmtP(e.p)}): ${sig ? 'a difference unlikely to be chance alone' : 'a difference that could be chance'}.</li>`;
  }
  const up = e.estimate >= 0;
  const verdict = better === null ? '' : (up ? better === 'higher' : better === 'lower') ? ' (the better way)' : ' (the worse way)';
  return h`<li>At ${e.horizon} months (${periodLabel(e.period)})${where} the value was <strong>${fmt(Math.abs(e.estimate), 2)}${unitWords(kind, model)} ${up ? 'above' : 'below'}</strong> what the model says it would have been without the intervention${verdict} (95% CI ${ciText(e.ci_lower, e.ci_upper, 2)}, P ${fmtP(e.p)}): ${sig ? 'a difference unlikely to be chance alone' : 'a difference that could be chance'}.</li>`;
}

function generalCaveats(r: EvaluationReport, comparatorName: string | null, kind: string): string[] {
  const out = [
    'An interrupted time series assumes the trend before the intervention would have carried on unchanged. Anything else that changed at the same time (a new contract, a change in the rules or in coding) is counted as an effect of the intervention unless the comparator went through it too.',
    'The model draws straight lines. It does not know about floors or ceilings (a percentage cannot pass 100%), so effects far from the intervention, and above all beyond the data, should be read with care.',
  ];
  if (comparatorName) out.push(`The effect is how much more ${r.data.series} changed than ${comparatorName}. Check the difference in trend before the intervention: if it is clearly not zero, the comparator was not tracking the organisation beforehand.`);
  else out.push('There is no comparator, so changes that happened everywhere at the same time are not separated from the intervention.');
  if (kind === 'count' && comparatorName && r.model.family === 'ols') out.push('This indicator is a count of patients; a benchmark counts a much larger population, so the comparison of levels says little. The Table 1 report compares counts per 1,000 registered patients instead.');
  if (r.data.org && r.data.org.length > 0) out.push('A network or collaboration series mixes practices whose sizes change over time; the linear model gives every month the same weight.');
  return out;
}

function sentenceCase(s: string): string {
  return s.length ? `${s[0]!.toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}` : s;
}

// ---- the page ---------------------------------------------------------------------------------

function formHtml(data: DashboardData, r: Partial<EvaluationRequest>, comparatorParam: string | undefined): Raw {
  const indicators = data.indicatorList().sort((a, b) => a.definition.title.localeCompare(b.definition.title));
  const orgs = [...data.ofKind('collaboration'), ...data.ofKind('network'), ...data.ofKind('practice')];
  const comparators = [...data.benchmarkOrgs(), ...data.ofKind('collaboration'), ...data.ofKind('network')];
  const sel = (a: string | null | undefined, b: string): Raw | string => (a === b ? h` selected` : '');
  const comp = comparatorParam === NO_COMPARATOR ? NO_COMPARATOR : (r.comparator ?? '');
  return h`<form class="gp-evaluate-form" method="get" action="/evaluate">
<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Choose what to evaluate</legend>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="indicator">Indicator</label>
<select class="nhsuk-select" id="indicator" name="indicator">${indicators.map((i) => h`<option value="${i.definition.id}"${sel(r.indicator, i.definition.id)}>${i.definition.title}</option>`)}</select></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="org">Organisation</label>
<select class="nhsuk-select" id="org" name="org">${orgs.map((o) => h`<option value="${o.code}"${sel(r.org, o.code)}>${o.name} (${o.code})</option>`)}</select></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="intervention">Intervention start</label>
<div class="nhsuk-hint" id="intervention-hint">The first month with the intervention in force, as YYYY-MM, or a transition window YYYY-MM..YYYY-MM (left out of the fit). Leave empty for the programme's start window.</div>
<input class="nhsuk-input nhsuk-input--width-20" id="intervention" name="intervention" type="text" aria-describedby="intervention-hint" value="${r.intervention ?? ''}"></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="comparator">Comparator</label>
<select class="nhsuk-select" id="comparator" name="comparator">${comparators.map((o) => h`<option value="${o.code}"${sel(comp, o.code)}>${o.name} (${o.code})</option>`)}<option value="${NO_COMPARATOR}"${sel(comp, NO_COMPARATOR)}>None (single series)</option></select></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="model">Model</label>
<select class="nhsuk-select" id="model" name="model"><option value="ols"${sel(r.model ?? 'ols', 'ols')}>Linear (values; Newey–West standard errors)</option><option value="poisson"${sel(r.model, 'poisson')}>Poisson (counts over the denominator)</option><option value="quasipoisson"${sel(r.model, 'quasipoisson')}>Quasi-Poisson (counts, allowing overdispersion)</option></select></div>
</fieldset>
<button class="nhsuk-button" type="submit">Evaluate</button>
</form>`;
}

function crumbs(data: DashboardData, indicator?: string): Crumb[] {
  const c: Crumb[] = [{ label: data.collaboration()?.name ?? 'Overview', href: '/' }];
  if (indicator && data.indicators.has(indicator)) c.push({ label: data.indicators.get(indicator)!.definition.title, href: `/indicators/${encodeURIComponent(indicator)}` });
  return c;
}

export function evaluationHref(req: Partial<EvaluationRequest>): string {
  return `/evaluate${qs({ indicator: req.indicator, org: req.org, intervention: req.intervention, comparator: req.comparator === null ? NO_COMPARATOR : req.comparator, model: req.model && req.model !== 'ols' ? req.model : undefined })}`;
}

function tableLink(req: EvaluationRequest, table: string): string {
  const base = evaluationHref(req);
  return `${base}${base.includes('?') ? '&' : '?'}format=csv&table=${table}`;
}

export function evaluationBody(data: DashboardData, req: EvaluationRequest, r: EvaluationReport, comparatorParam: string | undefined): { body: Raw; tables: Table[]; title: string } {
  const ind = data.indicators.get(req.indicator)!;
  const kind = ind.definition.kind;
  const dp = kind === 'mean' ? 2 : 1;
  const orgName = data.orgs.get(req.org)?.name ?? req.org;
  const comparatorName = req.comparator ? (data.orgs.get(req.comparator)?.name ?? req.comparator) : null;
  const better = ind.definition.target?.direction ?? null;
  const title = `Evaluation: ${ind.definition.title}`;
  const rates = r.model.family !== 'ols' && r.data.rate_per !== null;
  const yLabel = rates ? (kind === 'proportion' && r.data.rate_per === 100 ? 'Per cent' : `Rate per ${r.data.rate_per}`) : kind === 'proportion' ? 'Per cent' : kind === 'mean' ? 'Mean' : kind === 'count' ? 'Patients' : kind === 'deaths_per_100000' ? 'Per 100,000' : 'Per 1,000';
  const chartTitle = `${ind.definition.title}, ${orgName}: observed and counterfactual`;
  const coef = coefficientTable(r);
  const effects = effectTable(r, dp);
  const diag = diagnosticsTable(r);
  const series = seriesTable(r, dp, comparatorName && !rates ? comparatorName : null);
  const caveats = [...r.caveats.map(sentenceCase), ...generalCaveats(r, comparatorName, kind)];
  const chart = r.status === 'ok' ? chartSvg(r, chartTitle, yLabel, comparatorName && !rates ? comparatorName : null) : null;
  const effectWords = r.status === 'ok' ? r.effects.map((e) => effectSentence(e, kind, r.model.family, better)) : [];
  const body = h`<h1>${title}</h1>
<p class="nhsuk-lede-text">${orgName} ${comparatorName ? h`against ${comparatorName}` : 'on its own (no comparator)'}; intervention ${interventionText(r)}.</p>
<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Change what is evaluated</span></summary><div class="nhsuk-details__text">${formHtml(data, req, comparatorParam)}</div></details>
${r.status !== 'ok' ? h`<div class="nhsuk-warning-callout"><h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>The model could not be fitted</span></h2><p>${r.reason ?? ''}</p></div>` : ''}
<h2 class="nhsuk-heading-m">What the evaluation found</h2>
${effectWords.length ? h`<ul class="nhsuk-list nhsuk-list--bullet" id="effect-summary">${effectWords}</ul>` : h`<p class="nhsuk-body">No effects to report.</p>`}
<p class="nhsuk-body-s gp-muted">Model: ${r.model.method}. Data ${periodLabel(r.data.first_period)} to ${periodLabel(r.data.last_period)}; outcome: ${r.data.outcome}.</p>
${chart ? h`<section class="gp-chart-block" aria-label="${chartTitle}"><h2 class="nhsuk-heading-m">Observed and counterfactual</h2>
<figure class="gp-figure"><figcaption class="nhsuk-body-s">${chartTitle}. The counterfactual is what the model says would have happened without the intervention.${rates ? ` Values are rates per ${r.data.rate_per} of the denominator${comparatorName ? `; the comparator (${comparatorName}) is in the model but not drawn, as its counts are of a different population` : ''}.` : ''}</figcaption>${chart}</figure>
<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Data table: observed, fitted and counterfactual by month</span></summary><div class="nhsuk-details__text">${tableHtml(series, tableLink(req, series.id))}</div></details>
</section>` : ''}
<h2 class="nhsuk-heading-m">Effects</h2>
${tableHtml(effects, tableLink(req, effects.id))}
${tableHtml(coef, tableLink(req, coef.id))}
<h2 class="nhsuk-heading-m">Model diagnostics</h2>
${tableHtml(diag, tableLink(req, diag.id))}
<h2 class="nhsuk-heading-m">Caveats</h2>
<ul class="nhsuk-list nhsuk-list--bullet" id="caveats">${caveats.map((c) => h`<li>${c}</li>`)}</ul>
<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">The model as an equation</span></summary><div class="nhsuk-details__text"><p class="nhsuk-body-s"><code>${r.model.equation}</code></p></div></details>
<p class="nhsuk-body-s">The same evaluation from the command line: <code>gpnet evaluate --db STORE --indicator ${req.indicator} --org ${req.org}${req.comparator ? ` --comparator ${req.comparator}` : ''} --intervention ${req.intervention}${req.model !== 'ols' ? ` --model ${req.model}` : ''}</code>. See also the <a href="/evaluate/study">study report (Table 1)</a>.</p>`;
  return { body, tables: [series, effects, coef, diag], title };
}

function errorBody(data: DashboardData, message: string, req: Partial<EvaluationRequest>, comparatorParam: string | undefined): Raw {
  return h`<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
<div class="nhsuk-error-summary__body"><p id="evaluate-error">${/^[a-z]+: /.test(message) ? message : sentenceCase(message)}</p></div></div>
<h1>Evaluate an intervention</h1>
${formHtml(data, req, comparatorParam)}`;
}

function lenientRequest(c: Context): Partial<EvaluationRequest> {
  const one = (k: string): string | undefined => {
    const v = c.req.query(k);
    return v === undefined || v === '' ? undefined : v;
  };
  const model = one('model');
  const out: Partial<EvaluationRequest> = {};
  for (const k of ['indicator', 'org', 'intervention', 'comparator'] as const) {
    const v = one(k);
    if (v !== undefined) out[k] = v;
  }
  if (model === 'ols' || model === 'poisson' || model === 'quasipoisson') out.model = model;
  return out;
}

/**
 * Disclosure control for the study page: it evaluates the collaboration against the benchmarks, so
 * a KPI is left out when either series has a withheld month (and the page says which); under
 * rounding the page is not offered (see requireDisclosable).
 */
function disclosableStudy(data: DashboardData, s: Study): { study: Study; withheld: string[] } {
  const rule = data.disclosure;
  if (rule.mode === 'none') return { study: s, withheld: [] };
  if (rule.mode === 'round') requireDisclosable(data, '', []); // refuses: no evaluation under rounding
  const collab = data.collaboration();
  const withheldSeries = (id: string): boolean =>
    (collab ? data.series(id, collab.code).some((r) => r.suppressed) : false) || data.benchmarkOrgs().some((b) => data.benchmarkSeries(b.code, id).some((p) => p.suppressed));
  const withheld = s.programmes.flatMap((p) => p.kpis.filter((k) => withheldSeries(k.indicator)).map((k) => k.indicator));
  if (withheld.length === 0) return { study: s, withheld };
  return { study: { ...s, programmes: s.programmes.map((p) => ({ ...p, kpis: p.kpis.filter((k) => !withheld.includes(k.indicator)) })) }, withheld };
}

async function studyReport(data: DashboardData): Promise<{ report: StudyReport; withheld: string[] }> {
  return data.memo('evaluate:study', async () => {
    const s = theStudy();
    if (!s) throw badRequest(`the study file programmes/${STUDY_ID}.yaml cannot be read`);
    const { study, withheld } = disclosableStudy(data, s);
    const indicators = loadIndicators(loadCodelists());
    // A store that lacks some results shows those outcomes as not available, with the measure command.
    return { report: await evaluateStudy(data.engine, study, indicators, catalogueOf(indicators), { missing: 'report' }), withheld };
  });
}

/** The study report's HTML (renderStudyHtml) inside the dashboard frame, its tables in the NHS style. */
export function studyBody(r: StudyReport): Raw {
  const doc = renderStudyHtml(r);
  const inner = doc.slice(doc.indexOf('<body>') + '<body>'.length, doc.lastIndexOf('</body>'));
  let n = 0;
  const html = inner
    .replace(/<h2>/g, '<h2 class="nhsuk-heading-m">')
    .replace(/<p>/g, '<p class="nhsuk-body">')
    .replace(/<ul>/g, '<ul class="nhsuk-list nhsuk-list--bullet">')
    .replace(/<table>\n<caption>([\s\S]*?)<\/caption>/g, (_m, cap: string) => {
      n++;
      const label = cap.replace(/<[^>]+>/g, '').replace(/"/g, '&quot;');
      return `<div class="gp-table-wrap" tabindex="0" role="region" aria-label="${label} (scrollable)"><table class="nhsuk-table gp-table" id="study-table-${n}">\n<caption class="nhsuk-table__caption">${cap}</caption>`;
    })
    .replace(/<\/table>/g, '</table></div>')
    .replace(/<th scope="col">/g, '<th scope="col" class="nhsuk-table__header">')
    .replace(/<th scope="row">/g, '<th scope="row" class="nhsuk-table__header">')
    .replace(/<td>/g, '<td class="nhsuk-table__cell">')
    .replace(/(<th scope="row" class="nhsuk-table__header">[^<]*\(?)<code>([A-Za-z0-9_.-]+)<\/code>/g, (_m, before: string, id: string) => `${before}<a href="/evaluate${qs({ indicator: id, org: r.organisation.code })}"><code>${id}</code></a>`);
  return raw(`${html}\n<p class="nhsuk-body-s">The same report from the command line: <code>gpnet evaluate --study ${escText(r.study)} --db STORE --format md</code> (or <code>--format json</code>, <code>--format pdf</code>).</p>`);
}

/** GET /evaluate and GET /evaluate/study. */
export function evaluationRoutes(data: DashboardData): Hono {
  const r = new Hono();
  r.get('/', async (c) => {
    const comparatorParam = c.req.query('comparator');
    let req: ReturnType<typeof evaluationRequest>;
    let report: EvaluationReport;
    try {
      req = evaluationRequest(data, c.req.queries());
      report = await memoEvaluation(data, req);
    } catch (err) {
      const message = err instanceof ApiError || err instanceof EvaluationInputError ? err.message : null;
      if (message === null) throw err;
      return c.html(layout({ title: 'There is a problem: evaluation', breadcrumbs: crumbs(data, c.req.query('indicator')), body: errorBody(data, message, lenientRequest(c), comparatorParam) }), 400);
    }
    const page = evaluationBody(data, req, report, comparatorParam);
    if (req.format === 'csv') {
      const t = req.table === undefined ? page.tables[0]! : page.tables.find((x) => x.id === req.table);
      if (!t) throw new ApiError(404, 'not_found', `no table ${req.table ?? ''} on this page; tables: ${page.tables.map((x) => x.id).join(', ')}`);
      const name = `evaluate-${req.indicator}-${req.org}-${t.id}.csv`.replace(/[^A-Za-z0-9._-]+/g, '-');
      return c.body(tableCsv(t), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });
    }
    return c.html(layout({ title: page.title, breadcrumbs: crumbs(data, req.indicator), body: page.body }));
  });
  r.get('/study', async (c) => {
    const extra = Object.keys(c.req.queries());
    if (extra.length) throw badRequest(`unknown query parameter ${extra.join(', ')} (the study page takes none)`);
    const { report, withheld } = await studyReport(data);
    const note = withheld.length
      ? h`<p class="nhsuk-body-s gp-disclosure" data-disclosure="${ruleText(data.disclosure)}">Left out because some of their months are suppressed as small numbers (disclosure rule ${ruleText(data.disclosure)}): ${withheld.join(', ')}. <a href="/about/disclosure">How small numbers are protected</a>.</p>`
      : '';
    return c.html(layout({ title: `${report.title}: impact evaluation`, breadcrumbs: crumbs(data), body: h`${note}${studyBody(report)}` }));
  });
  return r;
}
