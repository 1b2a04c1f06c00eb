import type { Calculation, NetworkOutcome } from './calculation-types.js';
import type { EnvelopeYear } from './envelope.js';
import { formatBp } from './format-values.js';
import { formatDelta, formatPounds } from './money.js';
import type { Projection } from './projection.js';
import type { SchemeSummary } from './summary.js';
import type { Changes, Delta, StoredCalculation, VersionListing } from './versions.js';

/** Markdown renderings of calculations, differences, projections and envelopes. */

const gbp = (pence: number): string => formatPounds(BigInt(pence));
const change = (d: Delta): string => (d.change === 0 ? gbp(d.to) : `${gbp(d.from)} → ${gbp(d.to)} (${formatDelta(BigInt(d.change))})`);
const cell = (s: string): string => s.replace(/\|/g, '\\|');

function table(head: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const lines = [`| ${head.map(cell).join(' | ')} |`, `| ${head.map((_, i) => (right.has(i) ? '---:' : '---')).join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function potLine(calc: Calculation): string {
  const p = calc.pot;
  const n = calc.networks.length;
  switch (p.basis) {
    case 'per_network':
      return `Pot ${gbp(p.total_pence)}: ${gbp(p.per_network_pence ?? 0)} for each of ${n} networks.`;
    case 'equal':
      return `Pot ${gbp(p.total_pence)}, split equally between ${n} networks.`;
    case 'list_size':
      return `Pot ${gbp(p.total_pence)}, split between ${n} networks by list size on ${p.date} (${p.source === 'registration' ? 'patients registered and alive' : "practices' reference list sizes"}).`;
    case 'register':
      return `Pot ${gbp(p.total_pence)}, split between ${n} networks by register size: ${p.indicator} ${p.measure} on ${p.date}.`;
  }
}

/** The year's pot against the scheme's lifetime pot, e.g. "Lifetime pot £112,000.00 (this year's part: £56,000); £56,000.00 of it is left for later years." */
export function lifetimeLine(p: Calculation['pot']): string {
  const covers = p.per === 'scheme' ? `the scheme's pot for its whole life; this year's part: ${p.year_part ?? gbp(p.total_pence)}` : 'a yearly pot, the same each year';
  return `Lifetime pot ${gbp(p.lifetime_pot_pence)} (${covers}); ${gbp(p.left_after_year_pence)} of it is left for later years.`;
}

const money = (n: NetworkOutcome): string[] => [
  gbp(n.pot_pence),
  gbp(n.advance_pence),
  `${gbp(n.performance_pence)} of ${gbp(n.performance_pot_pence)}`,
  n.clawback_pence ? `−${gbp(n.clawback_pence)}` : gbp(0),
  gbp(n.total_pence),
];

export function changesMarkdown(changes: Changes): string {
  const out = [`## Changes from version ${changes.from_version} to version ${changes.to_version}`, ''];
  if (changes.scheme_changed) out.push('The scheme file changed between the two versions.', '');
  out.push(`Total paid: ${change(changes.total)}.`, '');
  if (changes.networks.length === 0) {
    out.push('No network payment or component changed.');
    return out.join('\n');
  }
  out.push(
    table(
      ['network', 'pot', 'advance', 'performance', 'clawback', 'total'],
      changes.networks.map((n) => [`${n.code}${n.presence === 'both' ? '' : ` (${n.presence})`}`, change(n.pot), change(n.advance), change(n.performance), change(n.clawback), change(n.total)]),
    ),
  );
  const comps = changes.networks.flatMap((n) => n.components.map((c) => ({ n, c })));
  if (comps.length) {
    out.push('');
    out.push(
      table(
        ['network', 'component', 'value', 'status', 'earned', 'clawback'],
        comps.map(({ n, c }) => [
          n.code,
          `${c.id} (${c.indicator})`,
          `${fmtValue(c.value.from)} → ${fmtValue(c.value.to)}`,
          c.status.from === c.status.to ? c.status.to : `${c.status.from} → ${c.status.to}`,
          change(c.earned),
          change(c.clawback),
        ]),
      ),
    );
  }
  return out.join('\n');
}

function fmtValue(v: number | null): string {
  if (v === null) return 'none';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function calculationMarkdown(calc: Calculation, stored: StoredCalculation | null): string {
  const out: string[] = [`# ${calc.scheme.title}: ${calc.financial_year}`, ''];
  out.push(`Scheme \`${calc.scheme.id}\` from ${calc.scheme.file} (sha256 ${calc.scheme.hash.slice(0, 16)}…), financial year ${calc.period.start} to ${calc.period.end}.`);
  if (stored) {
    const v = stored.version;
    out.push(
      v.status === 'new'
        ? `Stored as version ${v.version} (${v.calculated_at})${v.previous ? `; version ${v.previous} was the one before` : ''}.`
        : `Unchanged: identical to version ${v.version} (calculated ${v.calculated_at}); no new version was stored.`,
    );
  } else out.push('Not stored (dry run).');
  out.push('', `${potLine(calc)} ${lifetimeLine(calc.pot)}`, '');
  const t = calc.totals;
  out.push(
    table(
      ['network', 'pot', 'advance', 'performance earned', 'clawback', 'total'],
      [...calc.networks.map((n) => [`${n.code} ${n.name}`, ...money(n)]), ['**total**', gbp(t.pot_pence), gbp(t.advance_pence), `${gbp(t.performance_pence)} of ${gbp(t.performance_pot_pence)}`, t.clawback_pence ? `−${gbp(t.clawback_pence)}` : gbp(0), gbp(t.total_pence)]],
      new Set([1, 2, 3, 4, 5]),
    ),
  );
  out.push('', `Performance not earned: ${gbp(t.unearned_pence)}. Advance + performance pot = ${gbp(t.advance_pence + t.performance_pot_pence)} = the pot.`);
  if (calc.warnings.length) {
    out.push('', '## Warnings', '');
    for (const w of calc.warnings) out.push(`- ${w}`);
  }
  if (stored?.changes) out.push('', changesMarkdown(stored.changes));
  out.push('', '## Components', '');
  for (const n of calc.networks) {
    out.push(`### ${n.code} ${n.name}`, '');
    out.push(
      `Advance ${gbp(n.advance_pence)} paid ${n.advance_paid_on}; performance ${gbp(n.performance_pence)} of ${gbp(n.performance_pot_pence)}${n.performance_paid_on ? ` paid ${n.performance_paid_on}` : ''}.`,
      '',
    );
    out.push(
      table(
        ['component', 'weight', 'rule', 'measured at', 'achievement', 'status', 'share earned', 'earned', 'clawback'],
        n.components.map((c) => [
          `${c.id} (${c.indicator})`,
          formatBp(c.weight_bp),
          c.rule,
          c.measured_at,
          c.achievement ?? 'no result',
          c.status,
          c.earned_share,
          `${gbp(c.earned_pence)} of ${gbp(c.component_pot_pence)}`,
          c.below_floor ? `−${gbp(c.clawback_pence)} of ${gbp(c.advance_part_pence)}` : gbp(0),
        ]),
        new Set([7, 8]),
      ),
      '',
    );
  }
  out.push('## Trace: results used', '');
  out.push(
    table(
      ['indicator', 'network', 'period end', 'numerator', 'denominator', 'value', 'definition hash', 'computed at'],
      calc.trace.results.map((r) => [
        r.indicator_id,
        r.org_code,
        r.period_end,
        String(r.numerator),
        String(r.denominator),
        fmtValue(r.value),
        `${r.definition_hash.slice(0, 12)}${r.current_definition ? '' : ' (not current)'}`,
        r.computed_at ?? '',
      ]),
    ),
  );
  if (calc.trace.list_sizes.length) {
    out.push('', '## Trace: list sizes', '');
    out.push(table(['network', 'practice', 'patients'], calc.trace.list_sizes.map((l) => [l.network, l.practice, String(l.patients)]), new Set([2])));
  }
  return `${out.join('\n')}\n`;
}

export function projectionMarkdown(p: Projection): string {
  const out = [`# ${p.scheme.title}: projection for ${p.financial_year}`, ''];
  out.push(`Trend of the last ${p.months} monthly values${p.as_of ? ` up to ${p.as_of}` : ''}, extrapolated to each measurement date. A guide, not a payment.`, '');
  out.push(p.totals.sentence, '');
  for (const n of p.networks) out.push(`- ${n.sentence}`);
  out.push('');
  out.push(
    table(
      ['network', 'component', 'basis', 'last value', 'slope / month', 'projected', 'status', 'earned', 'clawback'],
      p.networks.flatMap((n) =>
        n.components.map((c) => [
          n.code,
          `${c.id} (${c.indicator}) at ${c.measured_at}`,
          c.basis,
          c.points.length ? `${fmtValue(c.points[c.points.length - 1]?.value ?? null)} (${c.points[c.points.length - 1]?.period_end})` : 'none',
          c.slope_per_month === null ? '' : c.slope_per_month.toFixed(3),
          c.projected_value === null ? 'none' : c.projected_value.toFixed(2),
          c.status,
          gbp(c.earned_pence),
          c.clawback_pence ? `−${gbp(c.clawback_pence)}` : gbp(0),
        ]),
      ),
    ),
  );
  return `${out.join('\n')}\n`;
}

export function envelopeMarkdown(title: string, years: readonly EnvelopeYear[], otherUses: readonly string[]): string {
  const out = [`# ${title}`, ''];
  for (const y of years) {
    out.push(`## ${y.financial_year}: ${gbp(y.envelope_pence)}`, '');
    out.push(
      table(
        ['scheme', 'pot this year', 'lifetime pot'],
        [
          ...y.schemes.map((s) => [`${s.id}: ${s.title}`, gbp(s.pot_pence), `${gbp(s.lifetime_pot_pence)} (${s.per === 'year' ? 'a yearly pot' : 'the scheme\'s whole life'})`]),
          ['**network incentive pots**', gbp(y.committed_pence), ''],
          ['**rest of the envelope**', gbp(y.remaining_pence), ''],
        ],
        new Set([1, 2]),
      ),
      '',
    );
  }
  if (otherUses.length) {
    out.push('The rest of the envelope pays for (not calculated by gpnet):', '');
    for (const u of otherUses) out.push(`- ${u}`);
  }
  return `${out.join('\n')}\n`;
}

export function versionsMarkdown(schemeId: string, year: number, versions: readonly VersionListing[]): string {
  if (versions.length === 0) return `No stored calculations of ${schemeId} for ${year}.\n`;
  return `${table(
    ['version', 'calculated at', 'scheme hash', 'pot', 'paid'],
    versions.map((v) => [String(v.version), v.calculated_at, v.scheme_hash.slice(0, 16), gbp(v.pot_pence), gbp(v.paid_pence)]),
    new Set([3, 4]),
  )}\n`;
}

/** `gpnet incentives summary --format md`: the scheme over its whole life. */
export function summaryMarkdown(s: SchemeSummary): string {
  const out = [`# ${s.title}: over the scheme's life`, ''];
  const stated = s.pot_per === 'scheme' ? `${gbp(s.published_pot_pence)} for the scheme's whole life` : `${gbp(s.published_pot_pence)} a year`;
  out.push(
    `Lifetime pot ${gbp(s.lifetime_pot_pence)} (the scheme file states ${stated}). Paid ${gbp(s.paid_pence)}; not earned ${gbp(s.unearned_pence)}; clawed back ${gbp(s.clawed_back_pence)}` +
      (s.complete ? '.' : `; not calculated ${gbp(s.not_calculated_pence)} (see the years below).`),
    '',
  );
  out.push(
    table(
      ['year', 'pot', 'advance', 'performance earned', 'not earned', 'clawed back', 'paid', 'left of the lifetime pot after it'],
      s.years.map((y) =>
        y.status === 'ok'
          ? [y.financial_year, gbp(y.pot_pence), gbp(y.advance_pence), `${gbp(y.performance_pence)} of ${gbp(y.performance_pot_pence)}`, gbp(y.unearned_pence), gbp(y.clawed_back_pence), gbp(y.paid_pence), gbp(y.left_after_pence)]
          : [y.financial_year, gbp(y.pot_pence), `not calculated: ${y.reason ?? ''}`, '', '', '', '', gbp(y.left_after_pence)],
      ),
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
    '',
    table(
      ['network', 'pot', 'paid', 'not earned', 'clawed back'],
      s.networks.map((n) => [`${n.network} ${n.name}`, gbp(n.pot_pence), gbp(n.paid_pence), gbp(n.unearned_pence), gbp(n.clawed_back_pence)]),
      new Set([1, 2, 3, 4]),
    ),
  );
  const warnings = s.years.flatMap((y) => y.warnings.map((w) => `${y.financial_year}: ${w}`));
  if (warnings.length) out.push('', '## Warnings', '', ...warnings.map((w) => `- ${w}`));
  return `${out.join('\n')}\n`;
}
