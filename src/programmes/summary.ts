import type { Engine } from '../store/engine.js';
import { monthEnd, studyOutcomes, type Study } from './study.js';

export interface KpiSummaryRow {
  programme: string;
  indicator_id: string;
  title: string;
  from_period: string;
  to_period: string;
  collaboration_from: number | null;
  collaboration_to: number | null;
  network_min_from: number | null;
  network_max_from: number | null;
  network_min_to: number | null;
  network_max_to: number | null;
  /** What the study reported (absolute values, or relative change for counts). */
  reported: string;
}

interface ValueRow extends Record<string, string | number | null> {
  org_kind: string;
  period_end: string;
  value: number | null;
}

/**
 * Per programme KPI: the collaboration's value and the range across networks at the start
 * published dates of the study file, read from stored results.
 */
export async function summariseStudy(engine: Engine, study: Study, titles: ReadonlyMap<string, string>): Promise<KpiSummaryRow[]> {
  const out: KpiSummaryRow[] = [];
  for (const { programme: p, outcome: k } of studyOutcomes(study)) {
    {
      // Outcomes the review quotes values for, at the published dates.
      if (!k.published) continue;
      const { from: pf, to: pt } = k.published;
      const from = monthEnd(pf.month);
      const to = monthEnd(pt.month);
      const rows = await engine.all<ValueRow>(
        `SELECT org_kind, CAST(period_end AS VARCHAR) AS period_end, value FROM indicator_result
          WHERE indicator_id = $1 AND period_end IN (CAST($2 AS DATE), CAST($3 AS DATE)) AND org_kind IN ('collaboration', 'network')`,
        [k.indicator, from, to],
      );
      const pick = (period: string, kind: string): number[] =>
        rows.filter((r) => r.period_end === period && r.org_kind === kind && r.value !== null).map((r) => r.value as number);
      const range = (xs: number[]): [number | null, number | null] => (xs.length ? [Math.min(...xs), Math.max(...xs)] : [null, null]);
      const [nminF, nmaxF] = range(pick(from, 'network'));
      const [nminT, nmaxT] = range(pick(to, 'network'));
      const reported =
        'value' in pf && 'value' in pt ? `${pf.value} → ${pt.value}` : 'relative' in pf && 'relative' in pt ? `+${pt.relative - pf.relative}%` : '';
      out.push({
        programme: p.title,
        indicator_id: k.indicator,
        title: titles.get(k.indicator) ?? k.indicator,
        from_period: pf.month,
        to_period: pt.month,
        collaboration_from: pick(from, 'collaboration')[0] ?? null,
        collaboration_to: pick(to, 'collaboration')[0] ?? null,
        network_min_from: nminF,
        network_max_from: nmaxF,
        network_min_to: nminT,
        network_max_to: nmaxT,
        reported,
      });
    }
  }
  return out;
}

function fmt(v: number | null): string {
  if (v === null) return '–';
  if (Number.isInteger(v)) return v.toLocaleString('en-GB');
  return Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(1);
}

/** A plain-text table for the terminal. */
export function formatSummary(rows: readonly KpiSummaryRow[]): string {
  const header = ['Programme', 'Indicator', 'Start', 'Networks (start)', 'Collab.', 'End', 'Networks (end)', 'Collab.', 'Study reported'];
  const body = rows.map((r) => [
    r.programme,
    r.indicator_id,
    r.from_period,
    `${fmt(r.network_min_from)}–${fmt(r.network_max_from)}`,
    fmt(r.collaboration_from),
    r.to_period,
    `${fmt(r.network_min_to)}–${fmt(r.network_max_to)}`,
    fmt(r.collaboration_to),
    r.reported,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
