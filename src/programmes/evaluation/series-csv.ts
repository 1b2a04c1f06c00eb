/**
 * Reads a user's series file for `gpnet evaluate --series FILE.csv`.
 *
 * Layout: a header line, then one line per period. Columns (names are case-insensitive):
 *   period                 YYYY-MM (a month), YYYY-MM-DD (a date, standing for its month) or YYYY (a year)
 *   value                  the outcome as a number, or
 *   count                  a count of events (≥ 0), or
 *   numerator, denominator a count and its denominator (both ≥ 0)
 * Other columns are allowed and ignored, except the one named by --offset (a positive population
 * at risk). An empty cell is a missing period. Every problem is reported with the file, the line
 * and the field.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../util/csv.js';
import { csvProblem, EvaluationInputError } from './errors.js';
import { formatPeriod, isPeriod, parsePeriod, type Periodicity } from './period.js';
import type { InputSeries, SeriesObservation } from './series.js';

export interface SeriesCsvOptions {
  /** Name of a column holding the population at risk (for Poisson models). */
  offsetColumn?: string | null;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

interface Cell {
  value: number | null;
}

export function readSeriesCsv(path: string, options: SeriesCsvOptions = {}): InputSeries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EvaluationInputError(code === 'ENOENT' ? `cannot find the series file ${path}` : `cannot read the series file ${path}: ${(e as Error).message}`);
  }
  return parseSeriesCsv(text, path, options);
}

/** Parses the text of a series file; `file` names it in messages. */
export function parseSeriesCsv(text: string, file: string, options: SeriesCsvOptions = {}): InputSeries {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new EvaluationInputError(`${file} is empty: it needs a header line (period and value, count, or numerator and denominator) and one line per period`);
  const headerLine = headerIndex + 1;
  const header = (parseCsv(lines[headerIndex]!)[0] ?? []).map((h) => h.trim().toLowerCase());
  if (header.length === 1 && /[;\t]/.test(header[0]!)) {
    throw csvProblem(file, headerLine, null, `the header '${lines[headerIndex]!.trim()}' is one column; separate the columns with commas`);
  }
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') throw csvProblem(file, headerLine, null, `column ${i + 1} of the header has no name`);
    if (seen.has(h)) throw csvProblem(file, headerLine, h, `the column '${h}' appears twice`);
    seen.set(h, i);
  });
  const col = (name: string): number | null => seen.get(name) ?? null;
  const periodCol = col('period');
  if (periodCol === null) throw csvProblem(file, headerLine, null, `there is no 'period' column (the columns are: ${header.join(', ')})`);
  const valueCol = col('value');
  const countCol = col('count');
  const numCol = col('numerator');
  const denCol = col('denominator');
  if ((numCol === null) !== (denCol === null)) {
    throw csvProblem(file, headerLine, numCol === null ? 'denominator' : 'numerator', `a '${numCol === null ? 'denominator' : 'numerator'}' column needs a '${numCol === null ? 'numerator' : 'denominator'}' column beside it`);
  }
  if (valueCol === null && countCol === null && numCol === null) {
    throw csvProblem(file, headerLine, null, `there is no outcome column: give 'value', 'count', or 'numerator' and 'denominator' (the columns are: ${header.join(', ')})`);
  }
  const offsetName = options.offsetColumn ? options.offsetColumn.trim().toLowerCase() : null;
  const offsetCol = offsetName === null ? null : col(offsetName);
  if (offsetName !== null && offsetCol === null) {
    throw csvProblem(file, headerLine, null, `there is no '${offsetName}' column for --offset (the columns are: ${header.join(', ')})`);
  }

  let periodicity: Periodicity | null = null;
  let firstPeriodicityLine = 0;
  const byOrdinal = new Map<number, number>();
  const observations: SeriesObservation[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = parseCsv(raw)[0] ?? [];
    if (fields.length !== header.length) {
      throw csvProblem(file, line, null, `has ${fields.length} field${fields.length === 1 ? '' : 's'}; the header has ${header.length}`);
    }
    const period = parsePeriod(fields[periodCol]!);
    if (!isPeriod(period)) throw csvProblem(file, line, 'period', period.error);
    if (periodicity === null) {
      periodicity = period.periodicity;
      firstPeriodicityLine = line;
    } else if (period.periodicity !== periodicity) {
      throw csvProblem(file, line, 'period', `'${fields[periodCol]!.trim()}' is a ${period.periodicity} but line ${firstPeriodicityLine} gives a ${periodicity}; use one kind of period throughout`);
    }
    const previous = byOrdinal.get(period.ordinal);
    if (previous !== undefined) throw csvProblem(file, line, 'period', `${formatPeriod(period)} appears twice (also on line ${previous})`);
    byOrdinal.set(period.ordinal, line);

    const number = (index: number | null, name: string, rule: 'any' | 'non-negative' | 'positive'): Cell => {
      if (index === null) return { value: null };
      const s = fields[index]!.trim();
      if (s === '' || s.toUpperCase() === 'NA') return { value: null };
      if (!NUMBER.test(s)) throw csvProblem(file, line, name, `'${s}' is not a number`);
      const v = Number(s);
      if (!Number.isFinite(v)) throw csvProblem(file, line, name, `'${s}' is not a finite number`);
      if (rule === 'non-negative' && v < 0) throw csvProblem(file, line, name, `${s} is negative; a ${name} must be 0 or more`);
      if (rule === 'positive' && !(v > 0)) throw csvProblem(file, line, name, `${s} must be greater than 0 (it is a population at risk)`);
      return { value: v };
    };
    const value = number(valueCol, 'value', 'any').value;
    const count = number(countCol, 'count', 'non-negative').value;
    const numerator = number(numCol, 'numerator', 'non-negative').value;
    const denominator = number(denCol, 'denominator', 'non-negative').value;
    const offset = number(offsetCol, offsetName ?? 'offset', 'positive').value;
    if (numCol !== null) {
      if ((numerator === null) !== (denominator === null)) {
        const empty = numerator === null ? 'numerator' : 'denominator';
        throw csvProblem(file, line, empty, `is empty but the ${empty === 'numerator' ? 'denominator' : 'numerator'} is not; leave both empty for a missing period`);
      }
      if (denominator === 0 && numerator !== null && numerator > 0) {
        throw csvProblem(file, line, 'denominator', `is 0 but the numerator is ${numerator}`);
      }
    }
    observations.push({ period, line, value, count, numerator, denominator, offset });
  }
  if (periodicity === null || observations.length === 0) throw new EvaluationInputError(`${file} has a header but no periods`);
  observations.sort((a, b) => a.period.ordinal - b.period.ordinal);
  return {
    label: file,
    periodicity,
    columns: { value: valueCol !== null, count: countCol !== null, numeratorDenominator: numCol !== null, offset: offsetName },
    observations,
  };
}
