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

function kpiTable(p: ProgrammeSummary, comparators: StudyReport['comparators']): Table {
  const header = ['KPI', 'Start: study / gpnet', 'End: study / gpnet', 'Target met (end)'];
  for (const c of comparators) {
    const name = c.name.replace(/\s*\(.*\)\s*$/, '');
    header.push(`Step vs ${name} (P)`, `Slope/month vs ${name} (P)`);
  }
  header.push('Study found', 'gpnet finds', 'Agrees');
  const rows = p.kpis.map((k) => {
    const row = [
      kpiLabel(k),
      `${k.reported?.from ?? '–'} / ${value(k.start.value, k.kind)} (${k.start.period})`,
      `${k.reported?.to ?? '–'} / ${value(k.end.value, k.kind)} (${k.end.period})`,
      k.target ? `${k.target.met === null ? '–' : k.target.met ? 'yes' : 'no'} (${k.target.direction === 'higher' ? '≥' : '≤'} ${k.target.value})` : 'no target',
    ];
    for (const c of comparators) {
      const cmp = k.comparisons.find((x) => x.comparator === c.code);
      if (!cmp || cmp.status !== 'ok') row.push(cmp?.status === 'not-available' ? 'not compared' : 'not estimable', '–');
      else row.push(estimateCell(cmp.level_change, k.kind === 'mean' ? 3 : 2), estimateCell(cmp.slope_change, k.kind === 'mean' ? 4 : 3));
    }
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
  for (const c of comparators) {
    const name = c.name.replace(/\s*\(.*\)\s*$/, '');
    header.push(`Additional patients vs ${name}`, `Patient-months vs ${name}`, `Cost per additional patient vs ${name}`);
  }
  const rows = kpis.map((k) => {
    const row = [kpiLabel(k)];
    for (const c of comparators) {
      const a = k.comparisons.find((x) => x.comparator === c.code)?.additional_patients;
      if (!a) row.push('–', '–', '–');
      else row.push(num(a.at_horizon, 0), num(a.patient_months, 0), a.cost_per_additional_patient_pence === null ? '–' : formatPounds(a.cost_per_additional_patient_pence));
    }
    return row;
  });
  return { header, rows };
}

function sections(r: StudyReport): Section[] {
  return r.programmes.map((p) => {
    const paragraphs = [
      `Programme start: ${p.start_window.from} to ${p.start_window.to} (phased by network; left out of the fit as a transition period). Horizon for additional patients: ${p.horizon}.`,
    ];
    const notes = p.kpis.filter((k) => !k.in_table && k.note).map((k) => `\\* ${k.indicator}: ${k.note}.`);
    paragraphs.push(...notes);
    for (const k of p.kpis) {
      for (const c of k.comparisons) if (c.status !== 'ok' && c.reason) paragraphs.push(`${k.indicator} vs ${shortName(c)}: ${c.reason}.`);
    }
    paragraphs.push(...p.costs.notes.map((n) => `Costs: ${n}.`));
    const tables: Section['tables'] = [{ caption: `${p.title}: KPIs`, table: kpiTable(p, r.comparators) }];
    const ct = costTable(p);
    if (ct) tables.push({ caption: `${p.title}: costs`, table: ct });
    const cp = ct ? costPerPatientTable(p, r.comparators) : null;
    if (cp) tables.push({ caption: `${p.title}: additional patients reaching the standard at ${p.horizon} and cost per additional patient`, table: cp });
    return { heading: p.title, paragraphs, tables };
  });
}

function intro(r: StudyReport): string[] {
  return [
    `Organisation: ${r.organisation.name} (${r.organisation.code}); store ${r.db}. Comparators: ${r.comparators.map((c) => `${c.name} (${c.code})`).join(', ')}.`,
    `Method: ${r.method}. Significance at P < ${r.alpha}. Step is the difference in level change in the KPI's units (percentage points for proportions); slope is the difference in the change of the monthly trend.`,
    'Start and end: the value the review reports / the value gpnet measures for the collaboration, at the month shown. KPIs marked * are not in the review’s table (no values quoted).',
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
