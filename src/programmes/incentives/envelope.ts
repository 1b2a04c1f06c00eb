import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { describeIssue } from '../../util/zod-issue.js';
import { financialYearLabel } from './financial-year.js';
import { lifetimePotTotal, yearPotTotal } from './lifetime.js';
import { SchemeError, loadScheme, type IndicatorCatalogue } from './load-scheme.js';
import { formatPounds, parseMoney, penceToNumber, type Pence } from './money.js';
import type { Scheme } from './scheme.js';
import { parseYamlWithLines } from '../../util/yaml-lines.js';

/**
 * An envelope: the money a commissioner sets aside each year for a group of care packages, of
 * which the network incentive schemes are a part. gpnet does not pay an envelope; it checks
 * that, in every year, the pots of the schemes running that year fit inside it, and reports what
 * is left for the rest of the packages' costs (docs/INCENTIVES.md, "Envelopes").
 */
const Money = z.union([z.number(), z.string()]).transform((v, ctx): Pence => {
  const p = parseMoney(v);
  if (p === null) {
    ctx.addIssue({ code: 'custom', message: `an amount in pounds such as "£10,000,000" (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return p;
});

export const EnvelopeInput = z
  .object({
    envelope: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    title: z.string().min(1),
    source: z.string().min(1).optional(),
    years: z.object({ from: z.number().int(), to: z.number().int() }).strict(),
    /** The envelope for each financial year. */
    per_year: Money,
    /** Scheme files (relative to this file) paid out of the envelope. */
    schemes: z.array(z.string().min(1)).min(1),
    /** What else the envelope pays for, which gpnet does not calculate (for the report). */
    other_uses: z.array(z.string().min(1)).default([]),
  })
  .strict();

export interface Envelope {
  id: string;
  title: string;
  file: string;
  years: { from: number; to: number };
  perYear: Pence;
  schemes: Scheme[];
  otherUses: string[];
}

export interface EnvelopeYear {
  year: number;
  financial_year: string;
  envelope_pence: number;
  /** Each running scheme's pot in this year, what its file's amount covers, and its lifetime pot. */
  schemes: { id: string; title: string; pot_pence: number; per: 'year' | 'scheme'; lifetime_pot_pence: number }[];
  committed_pence: number;
  remaining_pence: number;
}

/** Whether a YAML file is an envelope (it has a top-level `envelope:` key) rather than a scheme. */
export function isEnvelopeFile(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const { doc } = parseYamlWithLines(text);
  return doc.has('envelope');
}

export function loadEnvelope(path: string, indicators: IndicatorCatalogue, networkCount: number | null = null): Envelope {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SchemeError(path, '', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { doc, lineOf, error } = parseYamlWithLines(text);
  if (error) throw new SchemeError(path, '', `not valid YAML: ${error.message}`, error.line);
  const parsed = EnvelopeInput.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = describeIssue(parsed.error);
    throw new SchemeError(path, issue.path.map(String).join('.'), issue.message, lineOf(issue.path));
  }
  const e = parsed.data;
  if (e.years.from > e.years.to) throw new SchemeError(path, 'years.to', `the envelope ends (${e.years.to}) before it starts (${e.years.from})`, lineOf(['years', 'to']));
  const schemes = e.schemes.map((f) => loadScheme(resolve(dirname(path), f), indicators));
  const envelope: Envelope = { id: e.envelope, title: e.title, file: path, years: e.years, perYear: e.per_year, schemes, otherUses: e.other_uses };
  for (let y = e.years.from; y <= e.years.to; y++) {
    const r = envelopeYear(envelope, y, networkCount);
    if (r.remaining_pence < 0)
      throw new SchemeError(
        path,
        'per_year',
        `in ${r.financial_year} the schemes' pots (${r.schemes.map((s) => `${s.id} ${formatPounds(BigInt(s.pot_pence))}`).join(', ')}) come to more than the envelope`,
        lineOf(['per_year']),
      );
  }
  return envelope;
}

/** How one year's envelope is used by the schemes running that year. */
export function envelopeYear(envelope: Envelope, year: number, networkCount: number | null = null): EnvelopeYear {
  const running = envelope.schemes.filter((s) => year >= s.years.from && year <= s.years.to);
  const pots = running.map((s) => ({ id: s.id, title: s.title, pot: yearPotTotal(s, year, networkCount), lifetime: lifetimePotTotal(s, networkCount), per: s.pot.per }));
  const committed = pots.reduce((sum, p) => sum + p.pot, 0n);
  return {
    year,
    financial_year: financialYearLabel(year),
    envelope_pence: penceToNumber(envelope.perYear),
    schemes: pots.map((p) => ({ id: p.id, title: p.title, pot_pence: penceToNumber(p.pot), per: p.per, lifetime_pot_pence: penceToNumber(p.lifetime) })),
    committed_pence: penceToNumber(committed),
    remaining_pence: penceToNumber(envelope.perYear - committed),
  };
}
