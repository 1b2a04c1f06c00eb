import { z } from 'zod';
import { type ReportingPeriod, isReportingPeriodEnd, reportingPeriodEndAt, reportingPeriodIndex } from '../../model/reporting-period.js';
import { ApiError } from './errors.js';
import type { DashboardData, IndicatorRecord, OrgRecord } from './dashboard-data.js';

/** Input checks shared by the API and the pages: zod for shape, the store for existence. */
export const MonthParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
export const CodeParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -');

export function parseParam<T>(schema: z.ZodType<T>, value: unknown, name: string, code: 'bad_request' | 'bad_month' = 'bad_request'): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, code, `${name}: ${r.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)})`);
  return r.data;
}

/** 'YYYY-MM' → the stored month end for it; 400 when malformed or outside the months with results. */
export function monthEndFor(data: DashboardData, month: string | undefined, name = 'month'): string {
  const latest = data.months[data.months.length - 1];
  if (!latest) throw new ApiError(404, 'not_found', 'the store holds no indicator results (run gpnet measure)');
  if (month === undefined || month === '') return latest;
  const m = parseParam(MonthParam, month, name, 'bad_month');
  const found = data.months.find((p) => p.startsWith(`${m}-`));
  if (!found) {
    throw new ApiError(400, 'month_out_of_range', `${name}: no results for ${m}; months with results run from ${data.months[0]!.slice(0, 7)} to ${latest.slice(0, 7)}`);
  }
  return found;
}

export function requireOrg(data: DashboardData, code: string, kinds?: readonly OrgRecord['kind'][]): OrgRecord {
  const c = parseParam(CodeParam, code, 'org');
  const org = data.orgs.get(c);
  if (!org || (kinds && !kinds.includes(org.kind))) {
    throw new ApiError(404, 'unknown_organisation', `no ${kinds ? kinds.join(' or ') : 'organisation'} with code ${c}`);
  }
  return org;
}

export function requireIndicator(data: DashboardData, id: string): IndicatorRecord {
  const c = parseParam(CodeParam, id, 'indicator');
  const ind = data.indicators.get(c);
  if (!ind) throw new ApiError(404, 'unknown_indicator', `no indicator with id ${c}`);
  return ind;
}

/** The month end before `periodEnd` among the stored months, if any. */
export function previousMonth(data: DashboardData, periodEnd: string, back = 1): string | undefined {
  const i = data.months.indexOf(periodEnd);
  return i - back >= 0 ? data.months[i - back] : undefined;
}

/**
 * `?period=quarter|year` on the pages (default month): values at quarter ends or at QOF year ends
 * (31 March), as src/model/reporting-period.ts defines them.
 */
export const PeriodParam = z.enum(['month', 'quarter', 'year'], { error: 'month, quarter or year' });

export function periodParam(value: string | undefined): ReportingPeriod {
  if (value === undefined || value === '') return 'month';
  return parseParam(PeriodParam, value, 'period');
}

/** The stored month ends that close a period (every month for 'month'). */
export function periodMonths(data: DashboardData, period: ReportingPeriod): string[] {
  return period === 'month' ? data.months : data.months.filter((m) => isReportingPeriodEnd(m, period));
}

/**
 * The stored month end for `month` (as monthEndFor), moved back to the last period end on or
 * before it; 400 when no stored month before it closes a period.
 */
export function periodEndFor(data: DashboardData, month: string | undefined, period: ReportingPeriod, name = 'month'): string {
  const end = monthEndFor(data, month, name);
  if (period === 'month') return end;
  const ends = periodMonths(data, period).filter((m) => m <= end);
  const found = ends[ends.length - 1];
  if (!found) throw new ApiError(400, 'month_out_of_range', `${name}: no ${period === 'quarter' ? 'quarter end' : 'QOF year end (March)'} with results on or before ${end.slice(0, 7)}`);
  return found;
}

/** The period end `back` periods before `periodEnd` among the stored months, if any. */
export function previousPeriodEnd(data: DashboardData, periodEnd: string, period: ReportingPeriod, back = 1): string | undefined {
  if (period === 'month') return previousMonth(data, periodEnd, back);
  const wanted = reportingPeriodEndAt(reportingPeriodIndex(periodEnd, period) - back, period);
  return data.months.includes(wanted) ? wanted : undefined;
}
