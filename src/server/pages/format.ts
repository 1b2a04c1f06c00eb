import { type ReportingPeriod, reportingPeriodLabel } from '../../model/reporting-period.js';
import { h, type Raw } from './html.js';

/** Display formats: values in the indicator's units, RAG as words, change as arrow + words. */
export function fmtValue(kind: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (kind === 'proportion') return `${v.toFixed(1)}%`;
  if (kind === 'mean') return v.toFixed(2);
  if (kind === 'count') return Math.round(v).toLocaleString('en-GB');
  return v.toFixed(1);
}

export function fmtNumber(v: number | null | undefined, dp = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toFixed(dp);
}

export const RAG_WORD: Record<string, string> = { green: 'Met', amber: 'Near', red: 'Not met' };
const RAG_CLASS: Record<string, string> = { green: 'nhsuk-tag--green', amber: 'nhsuk-tag--yellow', red: 'nhsuk-tag--red' };

export function ragWord(rag: string | null | undefined): string {
  return rag ? (RAG_WORD[rag] ?? rag) : 'No target';
}

export function ragTag(rag: string | null | undefined, value?: number | null): Raw {
  if (value === null) return h`<strong class="nhsuk-tag nhsuk-tag--grey">No data</strong>`;
  if (!rag) return h`<strong class="nhsuk-tag nhsuk-tag--grey">No target</strong>`;
  return h`<strong class="nhsuk-tag ${RAG_CLASS[rag] ?? 'nhsuk-tag--grey'}">${ragWord(rag)}</strong>`;
}

/** ▲/▼/► with the words, e.g. "▲ up 2.1 (better)". */
export function changeText(change: string | null, improved: boolean | null, value: number | null, previous: number | null, kind: string, previousSuppressed = false, unit = 'month'): string {
  if (previousSuppressed && value !== null) return `previous ${unit} suppressed`;
  if (change === null || value === null || previous === null) return `no previous ${unit}`;
  if (change === 'same') return '► no change';
  const d = Math.abs(value - previous);
  const amount = kind === 'proportion' ? `${d.toFixed(1)} points` : fmtNumber(d, kind === 'mean' ? 2 : 1);
  const verdict = improved === null ? '' : improved ? ' (better)' : ' (worse)';
  return `${change === 'up' ? '▲ up' : '▼ down'} ${amount}${verdict}`;
}

export function changeHtml(change: string | null, improved: boolean | null, value: number | null, previous: number | null, kind: string, previousSuppressed = false, unit = 'month'): Raw {
  const cls = improved === null ? 'gp-change' : improved ? 'gp-change gp-change--better' : 'gp-change gp-change--worse';
  return h`<span class="${cls}">${changeText(change, improved, value, previous, kind, previousSuppressed, unit)}</span>`;
}

/** One formatter for every label: toLocaleDateString builds a new one per call (≈ half a network page's CPU time). */
const MONTH_FORMAT = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthLabels = new Map<string, string>();

/** The label of the period a month end closes: "March 2013", "2013-Q1 (to March 2013)", "2012/13 (to March 2013)". */
export function periodLabel(periodEnd: string, period: ReportingPeriod): string {
  return period === 'month' ? monthLabel(periodEnd) : `${reportingPeriodLabel(periodEnd, period)} (to ${monthLabel(periodEnd)})`;
}

export function monthLabel(periodEnd: string): string {
  const key = periodEnd.slice(0, 7);
  let label = monthLabels.get(key);
  if (label === undefined) {
    const [y, m] = key.split('-').map(Number) as [number, number];
    label = MONTH_FORMAT.format(new Date(Date.UTC(y, m - 1, 1)));
    monthLabels.set(key, label);
  }
  return label;
}
