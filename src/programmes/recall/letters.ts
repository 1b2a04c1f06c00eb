import type { RecallProgramme } from './programme.js';
import type { WorklistRow } from './worklist.js';

/**
 * Printable invitation letters for a batch: one A4 page per patient, self-contained HTML (inline
 * styles, no scripts, nothing fetched), printed to PDF by headless chromium (letters-pdf.ts) or
 * by the browser's own print. Names and phone numbers are the fictional ones of the worklist.
 */
export interface LettersInput {
  practiceName: string;
  programme: RecallProgramme;
  batchId: number;
  /** The date printed on the letters (YYYY-MM-DD). */
  date: string;
  rows: readonly WorklistRow[];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

function letter(input: LettersInput, r: WorklistRow): string {
  const p = input.programme;
  const by = r.due_by !== null && r.status === 'due_soon' ? ` by ${longDate(r.due_by)}` : ' as soon as you can';
  return `<section class="letter" aria-label="Letter to ${esc(r.name)}">
<p class="from">${esc(input.practiceName)}</p>
<p class="to">${esc(r.name)}<br>NHS number: ${esc(r.nhs_number ?? 'not recorded')}<br>Date of birth: ${esc(longDate(r.birth_date))}</p>
<p class="date">${esc(longDate(input.date))}</p>
<h1>Invitation: ${esc(p.service)}</h1>
<p>Dear ${esc(r.name)},</p>
<p>Our records show that you are due for ${esc(p.service)}. Please contact the practice to book an appointment${esc(by)}.</p>
<p>If you have had this done somewhere else, or you do not wish to have it, please let us know so that we can update your record and stop sending reminders.</p>
<p>Yours sincerely,</p>
<p>The team at ${esc(input.practiceName)}</p>
<p class="ref">Reference: batch ${input.batchId}, ${esc(p.id)}, patient ${r.patient_id}</p>
</section>`;
}

export function lettersHtml(input: LettersInput): string {
  const title = `Invitation letters, batch ${input.batchId} (${input.programme.title})`;
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${esc(title)} – ${esc(input.practiceName)}</title>
<style>
@page { size: A4 portrait; margin: 20mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 12pt; color: #212b32; line-height: 1.45; margin: 0; }
.letter { page-break-after: always; break-after: page; max-width: 170mm; margin: 0 auto; padding: 8mm 0; }
.letter:last-child { page-break-after: auto; break-after: auto; }
.from { text-align: right; font-weight: bold; }
.date { text-align: right; }
h1 { font-size: 15pt; margin: 10mm 0 4mm; }
.ref { margin-top: 12mm; font-size: 9pt; color: #4c6272; }
@media print { .gpnet-user-bar { display: none; } }
</style>
</head>
<body>
<main>
${input.rows.length ? input.rows.map((r) => letter(input, r)).join('\n') : '<p>This batch has no patients.</p>'}
</main>
</body>
</html>
`;
}
