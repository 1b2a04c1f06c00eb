/**
 * `gpnet evaluate --format md`: the evaluation report as readable Markdown — what was fitted, the
 * effect table, the effects at the horizons, diagnostics, caveats and the counterfactual series.
 */
import type { CoefficientReport, EffectReport, EvaluationReport, SeriesPointReport } from './report.js';

/** A number to about 4 significant figures, without exponents for everyday magnitudes. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e9) {
    const s = Number(x.toPrecision(digits)).toString();
    return s.includes('e') ? x.toExponential(digits - 1) : s;
  }
  return x.toExponential(digits - 1);
}

export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function ci(lower: number, upper: number): string {
  return `${fmt(lower)} to ${fmt(upper)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)];
}

function coefficientRows(cs: readonly CoefficientReport[], ratios: boolean): string[][] {
  return cs.map((c) => [
    `\`${c.name}\``,
    c.description,
    fmt(c.estimate),
    ci(c.ci_lower, c.ci_upper),
    fmtP(c.p),
    ...(ratios ? [c.rate_ratio ? `${fmt(c.rate_ratio.estimate)} (${ci(c.rate_ratio.ci_lower, c.rate_ratio.ci_upper)})` : '—'] : []),
  ]);
}

function effectRows(effects: readonly EffectReport[], ratios: boolean): string[][] {
  return effects.map((e) => {
    if (e.status !== 'ok') return [String(e.horizon), e.period, `not estimable: ${e.reason}`, '', '', '', '', ...(ratios ? [''] : [])];
    const rel = e.relative_change === null ? '—' : `${fmt(100 * e.relative_change, 3)}%`;
    return [
      `${e.horizon}${e.extrapolated ? ' (extrapolated)' : ''}`,
      e.period,
      ...(ratios && e.rate_ratio ? [`${fmt(e.rate_ratio.estimate)} (${ci(e.rate_ratio.ci_lower, e.rate_ratio.ci_upper)})`] : []),
      `${fmt(e.estimate)} (${ci(e.ci_lower, e.ci_upper)})`,
      fmtP(e.p),
      fmt(e.fitted),
      fmt(e.counterfactual),
      rel,
    ];
  });
}

function seriesRows(series: readonly SeriesPointReport[], comparative: boolean, rates: boolean): string[][] {
  return series.map((s) => [
    s.period,
    s.phase + (s.used_in_fit ? '' : ' (not fitted)'),
    fmt(s.observed),
    ...(comparative ? [fmt(s.comparator ?? null)] : []),
    fmt(s.fitted),
    s.counterfactual === null ? '—' : `${fmt(s.counterfactual)} (${ci(s.counterfactual_lower!, s.counterfactual_upper!)})`,
    ...(rates ? [fmt(s.observed_rate ?? null), fmt(s.fitted_rate ?? null), fmt(s.counterfactual_rate ?? null)] : []),
  ]);
}

export function renderMarkdown(r: EvaluationReport): string {
  const out: string[] = [];
  const ratios = r.model.family !== 'ols';
  const unit = r.model.time_unit;
  const pct = Math.round(r.model.confidence * 100);
  out.push(`# Impact evaluation: ${r.data.series}`, '');
  if (r.data.comparator) out.push(`Compared with: ${r.data.comparator}`, '');
  const window =
    r.model.intervention.transition_end !== null
      ? `transition window ${r.model.intervention.start} to ${r.model.intervention.transition_end} (left out of the fit); first ${unit} after it ${r.model.intervention.first_post_period}`
      : `first ${unit} with the intervention ${r.model.intervention.first_post_period}`;
  out.push(
    `- Data: ${r.data.first_period} to ${r.data.last_period} (${r.diagnostics.periods_in_range} ${unit}s); outcome: ${r.data.outcome}${r.data.offset ? `; offset: ${r.data.offset}` : ''}`,
    `- Intervention: ${window}`,
    `- Model: ${r.model.method}`,
    `- Equation: ${r.model.equation}`,
    '',
  );
  if (r.status !== 'ok') {
    out.push(`**Not estimable:** ${r.reason ?? 'the model could not be fitted'}`, '');
  } else {
    out.push(`## Effect of the intervention`, '');
    if (ratios) out.push(`Estimates are on the log-rate scale; the rate ratio is exp(estimate). ${pct}% confidence intervals.`, '');
    else out.push(`Estimates are in the units of the outcome (trends per ${unit}). ${pct}% confidence intervals.`, '');
    out.push(...table(['Term', 'Meaning', 'Estimate', `${pct}% CI`, 'P', ...(ratios ? [`Rate ratio (${pct}% CI)`] : [])], coefficientRows([...r.coefficients, ...r.derived], ratios)), '');
    if (r.effects.length > 0) {
      out.push(`## Effect at chosen horizons`, '');
      out.push(
        r.model.comparative
          ? `The difference between the treated series and its counterfactual (its own line plus the comparator's change), h ${unit}s after the intervention starts.`
          : `The difference between the fitted series and the counterfactual (the pre-intervention line carried on), h ${unit}s after the intervention starts.`,
        '',
      );
      out.push(
        ...table(
          ['Horizon', 'Period', ...(ratios ? [`Rate ratio (${pct}% CI)`] : []), ratios ? `Log rate ratio (${pct}% CI)` : `Effect (${pct}% CI)`, 'P', 'Fitted', 'Counterfactual', 'Relative change'],
          effectRows(r.effects, ratios),
        ),
        '',
      );
    }
  }
  const d = r.diagnostics;
  out.push(`## Diagnostics`, '');
  out.push(
    `- Points used: ${d.points_used} (${d.points_before} before, ${d.points_after} after${d.points_in_transition ? `, ${d.points_in_transition} in the transition window left out` : ''}${d.points_missing ? `, ${d.points_missing} missing` : ''})`,
  );
  if (d.comparator_points_before !== undefined) out.push(`- Comparator points: ${d.comparator_points_before} before, ${d.comparator_points_after} after`);
  if (r.status === 'ok') {
    out.push(`- Durbin–Watson: ${fmt(d.durbin_watson, 3)} (about 2 when there is no first-order autocorrelation; ${d.residuals})`);
    out.push(d.ljung_box ? `- Ljung–Box: Q = ${fmt(d.ljung_box.statistic, 3)} on ${d.ljung_box.df} df (lag ${d.ljung_box.lag}), P = ${fmtP(d.ljung_box.p)}` : '- Ljung–Box: not computable');
    if (d.dispersion !== undefined) out.push(`- Dispersion (Pearson χ² / df): ${fmt(d.dispersion, 3)}${r.model.family === 'poisson' ? ' (a Poisson model assumes 1)' : ''}`);
    if (d.rho !== undefined) out.push(`- AR(1) correlation of the errors (Prais–Winsten ρ): ${fmt(d.rho, 3)}`);
    if (r.model.newey_west_lag !== null) out.push(`- Newey–West lag: ${r.model.newey_west_lag}`);
    out.push(`- Residual degrees of freedom: ${d.df_residual}`);
  }
  out.push('');
  out.push(`## Caveats`, '');
  out.push(...(r.caveats.length ? r.caveats.map((c) => `- ${c}`) : ['- none found in the data; the general limits of interrupted time series still apply (docs/EVALUATION.md)']), '');
  if (r.series.length > 0) {
    const rates = r.series.some((s) => s.fitted_rate !== undefined);
    out.push(`## Series`, '');
    if (rates) out.push(`Counts, and rates per ${fmt(r.data.rate_per)} of the offset.`, '');
    out.push(
      ...table(
        [
          'Period',
          'Phase',
          'Observed',
          ...(r.model.comparative ? ['Comparator'] : []),
          'Fitted',
          `Counterfactual (${pct}% CI)`,
          ...(rates ? ['Observed rate', 'Fitted rate', 'Counterfactual rate'] : []),
        ],
        seriesRows(r.series, r.model.comparative, rates),
      ),
      '',
    );
  }
  return out.join('\n');
}
