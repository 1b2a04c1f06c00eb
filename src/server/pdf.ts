/**
 * PDF rendering of a page through headless chromium (Debian's /usr/bin/chromium) driven by
 * playwright-core's page.pdf(). The browser is started per rendering and closed afterwards.
 */
export const CHROMIUM_PATH = process.env.GPNET_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function renderPdf(url: string): Promise<Uint8Array> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
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
