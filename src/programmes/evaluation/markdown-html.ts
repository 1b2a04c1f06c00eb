/**
 * The Markdown the evaluation reports use — headings, paragraphs, bullet lists, pipe tables,
 * **bold** and `code` — as a standalone HTML page, for printing to PDF. Not a general Markdown
 * parser: anything else is kept as paragraph text, escaped.
 */
const CSS = `
body { font-family: Arial, Helvetica, sans-serif; font-size: 9.5pt; color: #212b32; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 16pt; border-bottom: 1px solid #aeb7bd; } h3 { font-size: 10.5pt; }
table { border-collapse: collapse; margin: 6pt 0 10pt; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #aeb7bd; padding: 2pt 4pt; text-align: left; vertical-align: top; }
thead th { background: #e8edee; }
code { font-size: 8.5pt; }
`;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(s: string): string {
  return esc(s)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\\([|*_])/g, '$1');
}

/** Splits a pipe-table row into cells, honouring \| escapes. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

function isSeparator(line: string): boolean {
  return /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(line.trim());
}

export function markdownToHtml(md: string, title: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
      i++;
    } else if (line.trim().startsWith('|') && i + 1 < lines.length && isSeparator(lines[i + 1]!)) {
      const header = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trim().startsWith('|')) rows.push(cells(lines[i++]!));
      out.push(
        `<table><thead><tr>${header.map((h) => `<th scope="col">${inline(h)}</th>`).join('')}</tr></thead><tbody>${rows
          .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
      );
    } else if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i]!)) items.push(lines[i++]!.replace(/^\s*[-*]\s+/, ''));
      out.push(`<ul>${items.map((it) => `<li>${inline(it)}</li>`).join('')}</ul>`);
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6})\s/.test(lines[i]!) && !lines[i]!.trim().startsWith('|') && !/^\s*[-*]\s+/.test(lines[i]!)) para.push(lines[i++]!);
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return `<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body>\n${out.join('\n')}\n</body></html>\n`;
}
