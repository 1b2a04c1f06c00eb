import type { Context } from 'hono';
import { PdfUnavailable } from '../pdf.js';
import { h } from './html.js';
import { layout, type Crumb } from './layout.js';

/**
 * Renders a PDF, or — when this server cannot start Chromium — answers 503 with a page that says
 * why and links to the same content as a web page (which the browser can print to PDF).
 */
export async function pdfOrFallback(
  c: Context,
  render: () => Promise<Uint8Array>,
  file: string,
  fallback: { href: string; label: string; breadcrumbs: Crumb[] },
): Promise<Response> {
  let bytes: Uint8Array;
  try {
    bytes = await render();
  } catch (err) {
    if (!(err instanceof PdfUnavailable)) throw err;
    c.header('Retry-After', '3600');
    return c.html(
      layout({
        title: 'The PDF cannot be made on this server',
        breadcrumbs: fallback.breadcrumbs,
        body: h`<h1>The PDF cannot be made on this server</h1>
<p class="nhsuk-body">This server prints PDFs with the Chromium browser, and could not use it: ${err.message}.</p>
<p class="nhsuk-body">The same content is available as a web page: <a href="${fallback.href}">${fallback.label}</a>. Your browser can print that page or save it as a PDF.</p>
<p class="nhsuk-body">To make PDFs here, ask whoever runs this server to install Chromium.</p>`,
      }),
      503,
    );
  }
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${file}"` });
}
