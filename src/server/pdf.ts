import { accessSync, constants } from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * PDF rendering of a page through headless chromium (Debian's /usr/bin/chromium, or the
 * executable named by GPNET_CHROMIUM) driven by playwright-core's page.pdf(). The browser is
 * started per rendering and closed afterwards. When the browser is missing or will not start,
 * PdfUnavailable says so; callers offer the HTML page instead (HTTP 503, `gpnet report` exit 3).
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The browser used for PDFs, read when a PDF is asked for (so a test can point it elsewhere). */
export function chromiumPath(): string {
  return process.env.GPNET_CHROMIUM ?? '/usr/bin/chromium';
}

/** The browser's path as the process started (tests launch chromium with it); chromiumPath() reads it per call. */
export const CHROMIUM_PATH = chromiumPath();

/** No PDF can be made here: the browser is missing or would not start. The message says which and what to do. */
export class PdfUnavailable extends Error {}

/** Starts headless chromium, or throws PdfUnavailable with a message a user can act on. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new PdfUnavailable(`Chromium was not found at ${executablePath} (install Debian's chromium package, or set GPNET_CHROMIUM to the browser's path)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new PdfUnavailable('the playwright-core package, which drives Chromium, is not installed');
  }
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (err) {
    const first = ((err as Error).message ?? String(err)).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
    throw new PdfUnavailable(`Chromium at ${executablePath} did not start: ${first.trim()}`);
  }
}

export async function renderPdf(url: string): Promise<Uint8Array> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const res = await page.goto(url, { waitUntil: 'load' });
    if (!res || !res.ok()) throw new Error(`could not load ${url} (HTTP ${res?.status() ?? 'no response'})`);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
