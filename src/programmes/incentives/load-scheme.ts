import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IndicatorKind } from '../../indicators/definition.js';
import type { LoadedIndicator } from '../../indicators/load.js';
import { canonicalJson } from '../../indicators/load.js';
import type { z } from 'zod';
import { describeIssue } from '../../util/zod-issue.js';
import { financialYearLabel, isFixedDate, isMonthEnd, resolveDate } from './financial-year.js';
import { formatBp } from './format-values.js';
import { compare, type Ratio } from './ratio.js';
import { allocate, formatPounds, type Pence } from './money.js';
import { SchemeInput, type Component, type Scheme } from './scheme.js';
import { parseYamlWithLines, type LineOf } from '../../util/yaml-lines.js';

/** What a scheme needs to know about an indicator. */
export interface IndicatorInfo {
  id: string;
  kind: IndicatorKind;
  /** The target direction; null when the indicator has no target (counts). */
  direction: 'higher' | 'lower' | null;
  /** The current definition hash (results computed with another are flagged). */
  hash: string;
}
export type IndicatorCatalogue = ReadonlyMap<string, IndicatorInfo>;

export function catalogueOf(loaded: readonly LoadedIndicator[]): IndicatorCatalogue {
  return new Map(
    loaded.map((l) => [
      l.definition.id,
      { id: l.definition.id, kind: l.definition.kind, direction: l.definition.target?.direction ?? null, hash: l.hash },
    ]),
  );
}

/** A scheme file that cannot be used, naming the file, the field and (when known) the line. */
export class SchemeError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
    readonly line: number | null = null,
  ) {
    super(`${file}${line ? ` line ${line}` : ''}: ${field || '(top level)'}: ${reason}`);
  }
}

type Path = (string | number)[];

/** Reads and checks a scheme file. */
export function loadScheme(path: string, indicators: IndicatorCatalogue): Scheme {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SchemeError(path, '', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseScheme(text, path, indicators);
}

/** Checks a scheme's text; `file` names it in messages. */
export function parseScheme(text: string, file: string, indicators: IndicatorCatalogue): Scheme {
  const { doc, lineOf, error } = parseYamlWithLines(text);
  if (error) throw new SchemeError(file, '', `not valid YAML: ${error.message}`, error.line);
  const raw: unknown = doc.toJS();
  const parsed = SchemeInput.safeParse(raw);
  if (!parsed.success) {
    const issue = explainIssue(parsed.error);
    throw new SchemeError(file, issue.path.map(String).join('.'), issue.message, lineOf(issue.path));
  }
  const fail = (path: Path, reason: string): never => {
    throw new SchemeError(file, path.join('.'), reason, lineOf(path));
  };
  const input = parsed.data;
  const years = typeof input.years === 'number' ? { from: input.years, to: input.years } : input.years;
  if (years.from > years.to) fail(['years', 'to'], `the scheme ends (${years.to}) before it starts (${years.from})`);
  const yearList = Array.from({ length: years.to - years.from + 1 }, (_, i) => years.from + i);

  if (input.advance.share + input.performance.share !== 10000)
    fail(
      ['performance', 'share'],
      `the advance (${formatBp(input.advance.share)}) and performance (${formatBp(input.performance.share)}) shares add up to ${formatBp(input.advance.share + input.performance.share)}, not 100%`,
    );

  const weightSum = input.performance.components.reduce((s, c) => s + c.weight, 0);
  if (weightSum !== 10000)
    fail(['performance', 'components'], `the component weights add up to ${formatBp(weightSum)}, not 100% (${input.performance.components.map((c) => `${c.id} ${formatBp(c.weight)}`).join(', ')})`);

  // Dates: a fixed date only in a one-year scheme; dates that read indicator results must be month ends.
  const checkDate = (spec: string, path: Path, monthEnd: boolean): void => {
    if (isFixedDate(spec) && years.from !== years.to)
      fail(path, `a fixed date (${spec}) is ambiguous in a scheme that runs for several years; write it relative to the year, e.g. year_end or 09-30`);
    for (const y of yearList) {
      let date: string;
      try {
        date = resolveDate(spec, y);
      } catch (err) {
        return fail(path, (err as Error).message);
      }
      if (monthEnd && !isMonthEnd(date))
        fail(path, `${spec} is ${date} in ${financialYearLabel(y)}, which is not a month end; indicator results are kept for month ends`);
    }
  };
  checkDate(input.advance.paid, ['advance', 'paid'], false);
  if (input.performance.paid) checkDate(input.performance.paid, ['performance', 'paid'], false);

  const knownIndicator = (id: string, path: Path): IndicatorInfo => {
    const info = indicators.get(id);
    if (!info) {
      const near = [...indicators.keys()].filter((k) => k.startsWith(id.split('-')[0] ?? id)).slice(0, 5);
      return fail(path, `unknown indicator "${id}" (not in indicators/)${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
    }
    return info;
  };

  const split = input.pot.split;
  if (split && split.by === 'register') {
    knownIndicator(split.indicator, ['pot', 'split', 'indicator']);
    checkDate(split.date, ['pot', 'split', 'date'], true);
  } else if (split && split.by === 'list_size') checkDate(split.date, ['pot', 'split', 'date'], false);

  const seen = new Set<string>();
  const components: Component[] = input.performance.components.map((c, i) => {
    const at = (...rest: Path): Path => ['performance', 'components', i, ...rest];
    if (seen.has(c.id)) fail(at('id'), `component id ${c.id} is used twice`);
    seen.add(c.id);
    const info = knownIndicator(c.indicator, at('indicator'));
    checkDate(c.measured_at, at('measured_at'), true);
    const direction = c.direction ?? info.direction ?? 'higher';
    if (c.rule.type === 'sliding_scale' && compare(c.rule.lower.exact, c.rule.upper.exact) >= 0)
      fail(
        at('rule', 'upper'),
        `the upper threshold (${c.rule.upper.value}) must be above the lower threshold (${c.rule.lower.value})${direction === 'lower' ? '; for a lower-is-better indicator the full payment is at or below lower and nothing at or above upper' : ''}`,
      );
    if (c.floor) checkFloor(c.floor.value.exact, c.floor.value.value, c.rule, direction, (reason) => fail(at('floor', 'value'), reason));
    return { ...c, direction, floor: c.floor ?? null };
  });

  const byYear = lifetimeParts(input.pot, yearList, years, (path, reason) => fail(path, reason));

  if (input.networks) {
    const dup = input.networks.find((n, i) => input.networks?.indexOf(n) !== i);
    if (dup) fail(['networks'], `network ${dup} is listed twice`);
  }

  return {
    id: input.id,
    title: input.title,
    source: input.source ?? null,
    file,
    hash: createHash('sha256').update(canonicalJson(raw)).digest('hex'),
    years,
    yearsLine: lineOf(['years']),
    networks: input.networks ?? null,
    pot: {
      ...(input.pot.per_network !== undefined
        ? { kind: 'per_network' as const, perNetwork: input.pot.per_network }
        : { kind: 'total' as const, total: input.pot.total as bigint, split: input.pot.split as NonNullable<typeof split> }),
      per: input.pot.per,
      byYear: byYear?.pence ?? null,
      byYearWritten: byYear?.written ?? null,
    },
    advance: { shareBp: input.advance.share, paid: input.advance.paid },
    performance: { shareBp: input.performance.share, paid: input.performance.paid ?? null, components },
  };
}

/**
 * The most useful message for a failed parse: a missing field is called missing, and an
 * unrecognised key beside it (usually the same field misspelt) is named too.
 */
export function explainIssue(error: z.ZodError): { path: PropertyKey[]; message: string } {
  const issue = describeIssue(error);
  let message = issue.message;
  if (/received undefined$/.test(message)) message = 'missing (required)';
  const parent = JSON.stringify(issue.path.slice(0, -1));
  const stray = error.issues.find((i) => i.code === 'unrecognized_keys' && JSON.stringify(i.path) === parent);
  if (stray && 'keys' in stray && !message.includes('unrecognised'))
    message += `; unrecognised key${stray.keys.length > 1 ? 's' : ''} ${stray.keys.map((k) => `"${k}"`).join(', ')} here`;
  return { path: issue.path, message };
}

/** The floor must lie on the "worse" side of the point where the performance payment starts. */
function checkFloor(floor: Ratio, shown: number, rule: Component['rule'], direction: 'higher' | 'lower', fail: (reason: string) => never): void {
  if (rule.type === 'all_or_nothing') {
    const c = compare(floor, rule.target.exact);
    if (direction === 'higher' && c > 0) fail(`the floor (${shown}) must not be above the target (${rule.target.value})`);
    if (direction === 'lower' && c < 0) fail(`for a lower-is-better indicator the floor (${shown}) must not be below the target (${rule.target.value})`);
    return;
  }
  if (direction === 'higher' && compare(floor, rule.lower.exact) > 0)
    fail(`the floor (${shown}) must not be above the lower threshold (${rule.lower.value}): a network would lose part of its advance while earning a performance payment`);
  if (direction === 'lower' && compare(floor, rule.upper.exact) < 0)
    fail(`for a lower-is-better indicator the floor (${shown}) must not be below the upper threshold (${rule.upper.value})`);
}

/** Refuses a year the scheme does not run in. */
export function checkYear(scheme: Scheme, year: number): void {
  if (!Number.isInteger(year) || year < scheme.years.from || year > scheme.years.to) {
    const span =
      scheme.years.from === scheme.years.to
        ? `only ${financialYearLabel(scheme.years.from)}`
        : `${financialYearLabel(scheme.years.from)} to ${financialYearLabel(scheme.years.to)}`;
    throw new SchemeError(scheme.file, 'years', `the scheme does not run in ${Number.isInteger(year) ? financialYearLabel(year) : String(year)}; it runs ${span}`, scheme.yearsLine);
  }
}

/**
 * A lifetime pot's parts by year: every year of the scheme listed once (and no other), all as
 * amounts that add up exactly to the pot, or all as shares that add up to 100% (the pot is then
 * split between the years by largest remainder, so the parts still add up exactly).
 */
function lifetimeParts(
  pot: SchemeInput['pot'],
  yearList: readonly number[],
  years: { from: number; to: number },
  fail: (path: Path, reason: string) => never,
): { pence: Map<number, Pence>; written: Map<number, string> } | null {
  if (pot.per !== 'scheme' || !pot.by_year) return null;
  const stated = (pot.per_network ?? pot.total) as Pence;
  const what = pot.per_network !== undefined ? 'per_network' : 'total';
  const entries = Object.entries(pot.by_year);
  const span = `${financialYearLabel(years.from)}${years.from === years.to ? '' : ` to ${financialYearLabel(years.to)}`}`;
  for (const [key] of entries) {
    const y = /^\d{4}$/.test(key) ? Number(key) : NaN;
    if (!yearList.includes(y))
      fail(['pot', 'by_year', /^\d+$/.test(key) ? Number(key) : key], `${key} is not a year of the scheme (financial years are written by their first year, e.g. 2009 for 2009/10; the scheme runs ${span})`);
  }
  const missing = yearList.filter((y) => !(String(y) in pot.by_year!));
  if (missing.length) fail(['pot', 'by_year'], `every year of the scheme needs its part of the lifetime pot; missing ${missing.map(financialYearLabel).join(', ')}`);
  const parts = yearList.map((y) => ({ y, part: pot.by_year![String(y)]! }));
  const kinds = new Set(parts.map((p) => p.part.kind));
  if (kinds.size > 1) fail(['pot', 'by_year'], 'give every year an amount ("£56,000") or every year a share ("50%"), not a mix');
  const written = new Map<number, string>();
  if (kinds.has('amount')) {
    const pence = new Map(parts.map(({ y, part }) => [y, part.kind === 'amount' ? part.pence : 0n]));
    const sum = [...pence.values()].reduce((s, p) => s + p, 0n);
    if (sum !== stated)
      fail(['pot', 'by_year'], `the years' amounts add up to ${formatPounds(sum)}, not the lifetime pot's ${what} of ${formatPounds(stated)} (${parts.map(({ y }) => `${y} ${formatPounds(pence.get(y)!)}`).join(', ')})`);
    for (const { y } of parts) written.set(y, formatPounds(pence.get(y)!));
    return { pence, written };
  }
  const bps = parts.map(({ part }) => (part.kind === 'share' ? part.bp : 0));
  const total = bps.reduce((s, b) => s + b, 0);
  if (total !== 10000) fail(['pot', 'by_year'], `the years' shares add up to ${formatBp(total)}, not 100% (${parts.map(({ y }, i) => `${y} ${formatBp(bps[i]!)}`).join(', ')})`);
  const amounts = allocate(stated, bps.map(BigInt));
  const pence = new Map(parts.map(({ y }, i) => [y, amounts[i]!]));
  for (const [i, { y }] of parts.entries()) written.set(y, formatBp(bps[i]!));
  return { pence, written };
}

/** The stated pot (per network or total) for one financial year: the same every year, or that year's part of a lifetime pot. */
export function statedPotForYear(scheme: Scheme, year: number): Pence {
  const stated = scheme.pot.kind === 'per_network' ? scheme.pot.perNetwork : scheme.pot.total;
  if (scheme.pot.per === 'year') return stated;
  const part = scheme.pot.byYear?.get(year);
  if (part === undefined) throw new SchemeError(scheme.file, 'pot.by_year', `no part of the lifetime pot for ${financialYearLabel(year)}`, scheme.yearsLine);
  return part;
}
