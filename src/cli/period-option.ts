import type { Command } from 'commander';
import { type ReportingPeriod, ReportingPeriodError, type YearBasis, parseReportingPeriod } from '../model/reporting-period.js';
import { UserError } from './errors.js';

/** The reporting-period options `measure`, `export results` and `evaluate` share. */
export interface PeriodOptions {
  period?: string;
  yearBasis?: string;
}

export interface ChosenPeriod {
  period: ReportingPeriod;
  yearBasis: YearBasis;
  /** True when --period was given (export then adds the `period` label column). */
  given: boolean;
}

export function addPeriodOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--period <period>', `month (default), quarter or year: ${what}`)
    .option('--year-basis <basis>', 'with --period year: qof (1 April–31 March, the default) or calendar');
}

/** Reads --period and --year-basis; a bad value is a UserError naming the choices. */
export function chosenPeriod(opts: PeriodOptions): ChosenPeriod {
  let period: ReportingPeriod = 'month';
  if (opts.period !== undefined) {
    try {
      period = parseReportingPeriod(opts.period);
    } catch (err) {
      if (err instanceof ReportingPeriodError) throw new UserError(`--period: ${err.message}`);
      throw err;
    }
  }
  const basis = opts.yearBasis?.trim().toLowerCase();
  if (basis !== undefined && basis !== 'qof' && basis !== 'calendar') throw new UserError(`--year-basis: '${opts.yearBasis}' is not a year basis: use qof (April–March) or calendar`);
  if (basis !== undefined && period !== 'year') throw new UserError('--year-basis is for --period year');
  return { period, yearBasis: basis ?? 'qof', given: opts.period !== undefined };
}

/** "32 quarter ends", "96 months", "8 QOF year ends" */
export function periodCount(n: number, period: ReportingPeriod, basis: YearBasis): string {
  const s = n === 1 ? '' : 's';
  const count = n.toLocaleString('en-GB');
  if (period === 'month') return `${count} month${s}`;
  if (period === 'quarter') return `${count} quarter end${s}`;
  return `${count} ${basis === 'qof' ? 'QOF' : 'calendar'} year end${s}`;
}
