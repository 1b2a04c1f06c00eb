/**
 * The Table 1 report (`gpnet evaluate --study`) as Markdown or as a standalone HTML page (which
 * the PDF is printed from). Both are built from the same tables, so they say the same thing.
 */
import type { ComparisonSummary, EstimateSummary, KpiSummary, ProgrammeSummary, StudyReport } from './study-evaluate.js';

export interface Table {
  header: string[];
  rows: string[][];
}

interface Section {
  heading: string;
  paragraphs: string[];
  tables: { caption: string; table: Table }[];
}

function num(x: number, digits = 2): string {
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

export function formatP(p: number | null): string {
  if (p === null) return 'P n/a';
  if (p < 0.001) return 'P < 0.001';
  return `P = ${p.toFixed(3)}`;
}

export function formatPounds(pence: number): string {
  const pounds = Math.round(pence / 100);
  return `£${pounds.toLocaleString('en-GB')}`;
}

function signed(x: number, digits = 2): string {
  const s = num(x, digits);
  return x > 0 && s !== num(0, digits) ? `+${s}` : s;
}

function estimateCell(e: EstimateSummary | undefined, digits = 2): string {
  if (!e) return '–';
  return `${signed(e.estimate, digits)} (${formatP(e.p)})`;
}

function value(v: number | null, kind: string | null): string {
  if (v === null) return '–';
  return kind === 'mean' ? num(v, 2) : kind === 'count' ? String(Math.round(v)) : num(v, 1);
}

function shortName(c: { comparator: string; comparator_name: string }): string {
  return c.comparator_name.replace(/\s*\(.*\)\s*$/, '');
}

function findingWord(c: ComparisonSummary): string {
  if (c.status !== 'ok') return 'not compared';
  return c.finding === 'significant increase' ? 'rise' : c.finding === 'significant decrease' ? 'fall' : 'no change';
}

function kpiLabel(k: KpiSummary): string {
  const per = k.kind === 'count' ? ', compared per 1,000 registered patients' : '';
  return `${k.title ?? k.indicator} (\`${k.indicator}\`${per})${k.in_table ? '' : ' *'}`;
}

/** "quarterly, 2006-Q1–2010-Q3" / "yearly (QOF years to 31 March), 2007–2012". */
export function windowText(k: Pick<KpiSummary, 'period' | 'year_basis' | 'window'>): string {
  const period = k.period === 'month' ? 'monthly' : k.period === 'quarter' ? 'quarterly' : k.year_basis === 'qof' ? 'yearly (QOF years to 31 March)' : 'yearly (calendar years)';
  return `${period}, ${k.window.from}–${k.window.to}`;
}

function methodText(k: KpiSummary): string {
  if (k.method === null) return 'not available';
  const n = `${k.periods.before.length} before, ${k.periods.transition.length} in the phase-in, ${k.periods.after.length} after`;
  return `${k.method === 'comparative ITS' ? 'ITS' : 'before/after'} (${n})`;
}

function publishedCell(k: KpiSummary, which: 0 | 1): string {
  const p = k.published[which];
  if (!p) return '–';
  const demo = p.demo === null ? '–' : value(p.demo, p.measure === 'relative' ? null : k.kind);
  const within = p.within === null ? '' : p.within ? '' : ' (outside tolerance)';
  return `${p.measure === 'relative' ? `${p.published} (index)` : p.published} / ${demo} (${p.label ?? p.month})${within}`;
}

function effectCell(c: ComparisonSummary | undefined, kind: string | null): string {
  if (!c) return '–';
  if (c.status !== 'ok' || !c.effect) return c.status === 'not-available' ? 'not available' : 'not estimable';
  return estimateCell(c.effect, kind === 'mean' ? 3 : 2);
}

function kpiTable(p: ProgrammeSummary, comparators: StudyReport['comparators']): Table {
  const header = ['KPI', 'Window', 'Method', 'Published start / gpnet', 'Published end / gpnet', 'Target met (end)'];
  const used = comparators.filter((c) => p.comparators.includes(c.code));
  for (const c of used) header.push(`Effect vs ${c.name.replace(/\s*\(.*\)\s*$/, '')} (P)`);
  header.push('Study found', 'gpnet finds', 'Agrees');
  const rows = p.kpis.map((k) => {
    const row = [
      kpiLabel(k),
      windowText(k),
      methodText(k),
      publishedCell(k, 0),
      publishedCell(k, 1),
      k.target ? `${k.target.met === null ? '–' : k.target.met ? 'yes' : 'no'} (${k.target.direction === 'higher' ? '≥' : '≤'} ${k.target.value})` : 'no target',
    ];
    for (const c of used) row.push(effectCell(k.comparisons.find((x) => x.comparator === c.code), k.kind));
    const findings = k.comparisons.map((c) => `${findingWord(c)} vs ${shortName(c)}`);
    row.push(k.expected === 'none' ? 'no change' : k.expected === 'increase' ? 'rise' : 'fall', findings.join('; '), k.agrees_with_study ? 'yes' : 'no');
    return row;
  });
  return { header, rows };
}

function costTable(p: ProgrammeSummary): Table | null {
  const c = p.costs;
  if (c.schemes.length + c.items.length === 0) return null;
  const rows = c.schemes.map((s) =>
    s.status === 'ok'
      ? [`${s.title}`, s.financial_year, formatPounds(s.advance_pence), formatPounds(s.performance_pence), formatPounds(s.clawback_pence), formatPounds(s.total_pence)]
      : [`${s.title}`, s.financial_year, 'not calculated', '', '', '–'],
  );
  for (const i of c.items) rows.push([`${i.item} (${i.kind})`, i.basis, '', '', '', formatPounds(i.pence)]);
  rows.push(['**Total**', '', '', '', '', `**${formatPounds(c.total_pence)}**${c.complete ? '' : ' (incomplete)'}`]);
  return { header: ['Cost', 'Year', 'Advance', 'Performance', 'Clawback', 'Total'], rows };
}

function costPerPatientTable(p: ProgrammeSummary, comparators: StudyReport['comparators']): Table | null {
  const kpis = p.kpis.filter((k) => k.kind === 'proportion' || k.kind === 'count');
  if (kpis.length === 0) return null;
  const header = ['KPI'];
  for (const c of comparators.filter((x) => p.comparators.includes(x.code))) {
    const name = c.name.replace(/\s*\(.*\)\s*$/, '');
    header.push(`Additional patients vs ${name}`, `Patient-months vs ${name}`, `Cost per additional patient vs ${name}`);
  }
  const rows = kpis.map((k) => {
    const row = [kpiLabel(k)];
    for (const c of comparators.filter((x) => p.comparators.includes(x.code))) {
      const a = k.comparisons.find((x) => x.comparator === c.code)?.additional_patients;
      if (!a) row.push('–', '–', '–');
      else row.push(num(a.at_horizon, 0), a.patient_months === null ? '–' : num(a.patient_months, 0), a.cost_per_additional_patient_pence === null ? '–' : formatPounds(a.cost_per_additional_patient_pence));
    }
    return row;
  });
  return { header, rows };
}

function sections(r: StudyReport): Section[] {
  return r.programmes.map((p) => {
    const paragraphs = [
      `Phase-in: ${p.phase_in.from} to ${p.phase_in.to} (phased by network; periods whose value date falls inside it are left out as a transition). Comparators: ${p.comparators.join(', ')}${p.comparators_note ? ` (${p.comparators_note})` : ''}.`,
      ...p.kpis.map((k) => `${k.indicator}: ${windowText(k)}${k.phase_in.from !== p.phase_in.from || k.phase_in.to !== p.phase_in.to ? `, phase-in ${k.phase_in.from} to ${k.phase_in.to}` : ''}; ${methodText(k)}${k.status !== 'ok' && k.reason ? `; not available: ${k.reason}` : ''}.`),
    ];
    const notes = p.kpis.filter((k) => k.note).map((k) => `\\* ${k.indicator}: ${k.note}.`);
    paragraphs.push(...notes);
    for (const k of p.kpis) {
      if (k.status === 'ok') for (const c of k.comparisons) if (c.status !== 'ok' && c.reason) paragraphs.push(`${k.indicator} vs ${shortName(c)}: ${c.reason}.`);
    }
    paragraphs.push(...p.costs.notes.map((n) => `Costs: ${n}.`));
    const tables: Section['tables'] = [{ caption: `${p.title}: KPIs`, table: kpiTable(p, r.comparators) }];
    const ct = costTable(p);
    if (ct) tables.push({ caption: `${p.title}: costs`, table: ct });
    const cp = ct ? costPerPatientTable(p, r.comparators) : null;
    if (cp) tables.push({ caption: `${p.title}: additional patients reaching the standard at the end of each window and cost per additional patient`, table: cp });
    return { heading: p.title, paragraphs, tables };
  });
}

function intro(r: StudyReport): string[] {
  return [
    `Organisation: ${r.organisation.name} (${r.organisation.code}); store ${r.db}. Comparators: ${r.comparators.map((c) => `${c.name} (${c.code})${c.available ? '' : ` — not available: ${c.reason ?? 'not in the store'}`}`).join(', ')}.`,
    `Method: ${r.method}. Significance at P < ${r.alpha}. The effect is the collaboration’s change minus the comparator’s, in the KPI’s units (percentage points for proportions).`,
    'Published start and end: the value the review published / the value gpnet measures for the collaboration, at the published date shown. KPIs marked * have no published values in the review.',
  ];
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdTable(t: Table): string {
  return [
    `| ${t.header.map(mdCell).join(' | ')} |`,
    `| ${t.header.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

export function renderStudyMarkdown(r: StudyReport): string {
  const out = [`# ${r.title}: impact evaluation`, '', ...intro(r).flatMap((p) => [p, ''])];
  for (const s of sections(r)) {
    out.push(`## ${s.heading}`, '');
    for (const p of s.paragraphs) out.push(p, '');
    for (const t of s.tables) out.push(`**${t.caption}**`, '', mdTable(t.table), '');
  }
  out.push('## Caveats', '', ...r.caveats.map((c) => `- ${c}`), '');
  return out.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The small Markdown used in cells and paragraphs: **bold**, `code`, \* → HTML. */
function inline(s: string): string {
  return esc(s)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\\\*/g, '*');
}

function htmlTable(caption: string, t: Table): string {
  return [
    '<table>',
    `<caption>${inline(caption)}</caption>`,
    `<thead><tr>${t.header.map((h) => `<th scope="col">${inline(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

const CSS = `
body { font-family: Arial, Helvetica, sans-serif; font-size: 9pt; color: #212b32; margin: 0; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 18pt; border-bottom: 1px solid #aeb7bd; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding-bottom: 3pt; }
th, td { border: 1px solid #aeb7bd; padding: 2pt 4pt; vertical-align: top; text-align: left; }
thead th { background: #e8edee; }
code { font-size: 8pt; }
`;

export function renderStudyHtml(r: StudyReport): string {
  const body = [`<h1>${inline(`${r.title}: impact evaluation`)}</h1>`, ...intro(r).map((p) => `<p>${inline(p)}</p>`)];
  for (const s of sections(r)) {
    body.push(`<h2>${inline(s.heading)}</h2>`, ...s.paragraphs.map((p) => `<p>${inline(p)}</p>`), ...s.tables.map((t) => htmlTable(t.caption, t.table)));
  }
  body.push('<h2>Caveats</h2>', `<ul>${r.caveats.map((c) => `<li>${inline(c)}</li>`).join('')}</ul>`);
  return `<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
