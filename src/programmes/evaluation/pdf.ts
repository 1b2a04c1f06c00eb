/**
 * HTML → PDF with headless Chromium through playwright-core (loaded only when a PDF is asked for).
 * The browser is Debian's /usr/bin/chromium unless GPNET_CHROMIUM names another executable.
 */
import { existsSync } from 'node:fs';
import { EvaluationInputError } from './errors.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  return process.env.GPNET_CHROMIUM ?? '/usr/bin/chromium';
}

export async function htmlToPdf(html: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new EvaluationInputError(`--format pdf needs Chromium at ${executablePath} (install Debian's chromium, or set GPNET_CHROMIUM to its path)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new EvaluationInputError('--format pdf needs the playwright-core package, which is not installed');
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // The page is self-contained (inline CSS, no scripts, no external resources).
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
