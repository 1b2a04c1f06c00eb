import { launchChromium } from '../../server/pdf.js';

/**
 * Prints self-contained HTML (the letters) to an A4 portrait PDF with headless chromium. The
 * page is set from a string, and every request it would make is refused, so nothing is fetched.
 */
export async function htmlToPdf(html: string): Promise<Uint8Array> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
