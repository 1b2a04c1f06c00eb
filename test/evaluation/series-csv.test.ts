/** Bad series files give messages naming the file, the line and the field. */
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateReport } from '../../src/cli/commands/evaluate.js';
import { UserError } from '../../src/cli/errors.js';
import { parseSeriesCsv } from '../../src/programmes/evaluation/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

const months = (n: number, from = 2020): string[] =>
  Array.from({ length: n }, (_, i) => `${from + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
const good = ['period,value', ...months(12).map((m, i) => `${m},${10 + i}`)];
/** A copy of the good file with line `line` (1-based) replaced. */
const withLine = (line: number, text: string): string => good.map((l, i) => (i === line - 1 ? text : l)).join('\n');

async function message(text: string, extra: Record<string, string> = {}): Promise<string> {
  const file = dir.write(`bad-${Math.random().toString(36).slice(2)}.csv`, text);
  try {
    await evaluateReport({ series: file, intervention: '2020-07', ...extra });
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message.replace(file, 'FILE');
  }
  throw new Error('expected an error');
}

describe('series file validation', () => {
  it.each([
    ['a period that is not a month', withLine(4, '2020-13,12'), "FILE line 4, field period: '2020-13' has month 13; months run 01 to 12"],
    ['a period in words', withLine(3, 'March 2020,12'), "FILE line 3, field period: 'March 2020' is not a period: use YYYY-MM (a month), YYYY-MM-DD (a date in the month) or YYYY (a year)"],
    ['an impossible date', withLine(3, '2020-02-30,12'), "FILE line 3, field period: '2020-02-30' is not a calendar date"],
    ['a year among months', withLine(5, '2020,12'), "FILE line 5, field period: '2020' is a year but line 2 gives a month; use one kind of period throughout"],
    ['a repeated month', withLine(6, '2020-01-31,12'), 'FILE line 6, field period: 2020-01 appears twice (also on line 2)'],
    ['a value that is not a number', withLine(7, '2020-06,twelve'), "FILE line 7, field value: 'twelve' is not a number"],
    ['a short line', withLine(8, '2020-07'), 'FILE line 8: has 1 field; the header has 2'],
    ['no period column', ['month,value', '2020-01,1'].join('\n'), "FILE line 1: there is no 'period' column (the columns are: month, value)"],
    ['no outcome column', ['period,rate', '2020-01,1'].join('\n'), "FILE line 1: there is no outcome column: give 'value', 'count', or 'numerator' and 'denominator' (the columns are: period, rate)"],
    ['a numerator without denominator', ['period,numerator', '2020-01,1'].join('\n'), "FILE line 1, field numerator: a 'numerator' column needs a 'denominator' column beside it"],
    ['semicolons', ['period;value', '2020-01;1'].join('\n'), "FILE line 1: the header 'period;value' is one column; separate the columns with commas"],
    ['a repeated column', ['period,value,Value', '2020-01,1,2'].join('\n'), "FILE line 1, field value: the column 'value' appears twice"],
    ['an empty file', '\n\n', 'FILE is empty: it needs a header line (period and value, count, or numerator and denominator) and one line per period'],
    ['a header only', 'period,value\n', 'FILE has a header but no periods'],
  ])('%s', async (_, text, expected) => {
    expect(await message(text)).toBe(expected);
  });

  it('names negative counts and a zero denominator under a positive numerator', async () => {
    const counts = ['period,count', ...months(12).map((m, i) => `${m},${i === 4 ? -3 : 7}`)].join('\n');
    expect(await message(counts, { model: 'poisson' })).toBe('FILE line 6, field count: -3 is negative; a count must be 0 or more');
    const rows = ['period,numerator,denominator', ...months(12).map((m, i) => `${m},${i === 2 ? '4,0' : '4,10'}`)].join('\n');
    expect(await message(rows)).toBe('FILE line 4, field denominator: is 0 but the numerator is 4');
    const half = ['period,numerator,denominator', ...months(12).map((m, i) => `${m},${i === 9 ? '4,' : '4,10'}`)].join('\n');
    expect(await message(half)).toBe('FILE line 11, field denominator: is empty but the numerator is not; leave both empty for a missing period');
  });

  it('checks the --offset column', async () => {
    const rows = ['period,count,pop', ...months(12).map((m, i) => `${m},5,${i === 3 ? 0 : 1000}`)].join('\n');
    expect(await message(rows, { model: 'poisson', offset: 'population' })).toBe("FILE line 1: there is no 'population' column for --offset (the columns are: period, count, pop)");
    expect(await message(rows, { model: 'poisson', offset: 'pop' })).toBe('FILE line 5, field pop: 0 must be greater than 0 (it is a population at risk)');
  });

  it('reports a missing file plainly', async () => {
    await expect(evaluateReport({ series: `${dir.path}/nope.csv`, intervention: '2020-07' })).rejects.toThrow(`cannot find the series file ${dir.path}/nope.csv`);
  });

  it('reads dates, years, quoted fields, a BOM, CRLF, blank lines, extra columns and empty cells', () => {
    const text = '\uFEFFPeriod,"Value",note\r\n2020-03-31,1.5,"a, b"\r\n\r\n2020-01-31,2,\r\n2020-02-29,,missing\r\n';
    const s = parseSeriesCsv(text, 'x.csv');
    expect(s.periodicity).toBe('month');
    expect(s.observations.map((o) => [o.period.ordinal % 12, o.value, o.line])).toEqual([
      [0, 2, 4],
      [1, null, 5],
      [2, 1.5, 2],
    ]);
    const years = parseSeriesCsv('period,count\n1999,3\n2001,4\n', 'y.csv');
    expect(years.periodicity).toBe('year');
    expect(years.observations.map((o) => o.period.ordinal)).toEqual([1999, 2001]);
  });
});
