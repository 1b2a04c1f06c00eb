import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PdfUnavailable } from '../server/pdf.js';
import { dashboardCss, readUnder } from '../server/static-assets.js';
import { PdfFallbackWritten } from './errors.js';

/** Writes a file whole or not at all: a temporary file beside it, renamed into place. */
export function writeFileWhole(path: string, bytes: Uint8Array | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Where the HTML goes when a PDF cannot be made: report.pdf → report.html (beside it). */
export function htmlBeside(pdfPath: string): string {
  return /\.pdf$/i.test(pdfPath) ? pdfPath.replace(/\.pdf$/i, '.html') : `${pdfPath}.html`;
}

/** A dashboard page made to stand alone as a file: its stylesheet and script inlined. */
export function standaloneHtml(page: string): string {
  const script = readUnder('web', 'table-sort.js')?.body.toString('utf8') ?? '';
  return page
    .replace('<link rel="stylesheet" href="/static/dashboard.css">', () => `<style>\n${dashboardCss()}\n</style>`)
    .replace('<script src="/static/table-sort.js" defer></script>', () => (script ? `<script>\n${script.replace(/<\/script/gi, '<\\/script')}\n</script>` : ''));
}

/**
 * Writes the PDF to `out`; when Chromium is missing, writes the page as HTML beside it instead and
 * throws PdfFallbackWritten (exit 3) saying so. No partial PDF is ever left behind.
 */
export async function writePdfOrHtml(out: string, pdf: () => Promise<Uint8Array>, html: () => Promise<string>, what: string): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await pdf();
  } catch (err) {
    if (!(err instanceof PdfUnavailable)) throw err;
    const htmlPath = htmlBeside(out);
    writeFileWhole(htmlPath, standaloneHtml(await html()));
    throw new PdfFallbackWritten(
      `no PDF written: ${err.message}.\nWrote ${what} as HTML to ${htmlPath} instead: open it in a browser, which can print it or save it as PDF.`,
    );
  }
  writeFileWhole(out, bytes);
  return bytes.length;
}
