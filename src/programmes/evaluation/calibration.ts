/**
 * The demo's calibration table (`gpnet demo --calibration`): for every value the study file says
 * the review published, the collaboration's value in the store at the published date beside it,
 * the difference and whether it is within the study file's tolerance.
 */
import type { Engine } from '../../store/engine.js';
import { monthEnd, studyOutcomes, type Study } from '../study.js';
import type { PublishedComparison } from './study-evaluate.js';

/** A published value beside the demo's, as the study report gives it (PublishedComparison), with where it belongs and the month end it is read at. */
export type CalibrationRow = Omit<PublishedComparison, 'month'> & {
  programme: string;
  indicator: string;
  /** The month end the value is read at. */
  date: string;
};

export interface CalibrationTable {
  gpnet: 'demo-calibration';
  study: string;
  db: string;
  organisation: string;
  rows: CalibrationRow[];
  /** Rows within tolerance, of those with a demo value. */
  within: number;
  compared: number;
}

async function valueAt(engine: Engine, indicator: string, org: string, month: string): Promise<number | null> {
  const rows = await engine.all<{ value: number | null }>(
    'SELECT value FROM indicator_result WHERE indicator_id = $1 AND org_code = $2 AND period_end = CAST($3 AS DATE)',
    [indicator, org, monthEnd(month)],
  );
  return rows[0]?.value ?? null;
}

export async function calibrationTable(engine: Engine, study: Study, org: string): Promise<CalibrationTable> {
  const rows: CalibrationRow[] = [];
  for (const { programme, outcome } of studyOutcomes(study)) {
    const p = outcome.published;
    if (!p) continue;
    const base = await valueAt(engine, outcome.indicator, org, p.from.month);
    for (const point of [p.from, p.to]) {
      const raw = await valueAt(engine, outcome.indicator, org, point.month);
      const measure = 'value' in point ? 'value' : 'relative';
      const published = 'value' in point ? point.value : point.relative;
      const demo = raw === null ? null : measure === 'value' ? raw : base === null || base === 0 ? null : (100 * raw) / base;
      const difference = demo === null ? null : demo - published;
      rows.push({
        programme: programme.id,
        indicator: outcome.indicator,
        period: point.period,
        label: point.label ?? null,
        date: monthEnd(point.month),
        measure,
        published,
        demo,
        difference,
        tolerance: outcome.tolerance,
        within: difference === null ? null : Math.abs(difference) <= outcome.tolerance + 1e-9,
      });
    }
  }
  const compared = rows.filter((r) => r.within !== null);
  return { gpnet: 'demo-calibration', study: study.study, db: engine.location, organisation: org, rows, within: compared.filter((r) => r.within).length, compared: compared.length };
}

function decimals(x: number): number {
  const s = String(x);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** The table as Markdown (the section of docs/GENERATOR.md is this output). */
export function renderCalibrationMarkdown(t: CalibrationTable): string {
  const lines = [
    '| Programme | Indicator | Published date | Published | Demo | Difference | Tolerance | Within |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of t.rows) {
    const digits = Math.max(1, decimals(r.published), decimals(r.tolerance));
    const date = `${r.date}${r.label ? ` (${r.label})` : r.period !== r.date.slice(0, 7) ? ` (${r.period})` : ''}`;
    const unit = r.measure === 'relative' ? ' (index)' : '';
    lines.push(
      `| ${r.programme} | ${r.indicator} | ${date} | ${r.published}${unit} | ${r.demo === null ? '–' : fixed(r.demo, digits)} | ${
        r.difference === null ? '–' : `${r.difference > 0 && Number(fixed(r.difference, digits)) !== 0 ? '+' : ''}${fixed(r.difference, digits)}`
      } | ±${r.tolerance} | ${r.within === null ? '–' : r.within ? 'yes' : 'no'} |`,
    );
  }
  lines.push('', `${t.within} of ${t.compared} published values within tolerance (study ${t.study}, organisation ${t.organisation}).`);
  return `${lines.join('\n')}\n`;
}
