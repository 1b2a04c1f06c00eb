/** The sign-in page and the bars added to every page (open-demo banner, signed-in user). */
const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function signInPage(opts: { next: string; error?: string; username?: string }): string {
  const error = opts.error
    ? `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1"><h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2><div class="nhsuk-error-summary__body"><p>${esc(opts.error)}</p></div></div>`
    : '';
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in – gpnet</title><link rel="stylesheet" href="/static/dashboard.css"></head>
<body><main class="nhsuk-main-wrapper" id="maincontent"><div class="nhsuk-width-container"><h1>Sign in</h1>${error}
<form method="post" action="/signin" novalidate>
<input type="hidden" name="next" value="${esc(opts.next)}">
<div class="nhsuk-form-group"><label class="nhsuk-label" for="username">Username</label><input class="nhsuk-input" id="username" name="username" type="text" autocomplete="username" spellcheck="false" value="${esc(opts.username ?? '')}" required></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="password">Password</label><input class="nhsuk-input" id="password" name="password" type="password" autocomplete="current-password" required></div>
<button class="nhsuk-button" type="submit">Sign in</button>
</form></div></main></body></html>`;
}

export const OPEN_BANNER =
  '<aside class="gpnet-open-banner" aria-label="Open demo" style="background:#ffeb3b;color:#212b32;padding:8px 16px;border-bottom:2px solid #212b32"><strong>Open demo</strong>: no sign-in is required; this server shows synthetic data only and answers on this computer only.</aside>';

export function userBar(username: string, role: string, csrfToken: string): string {
  return `<aside class="gpnet-user-bar" aria-label="Signed in" style="background:#f0f4f5;color:#212b32;padding:4px 16px;text-align:right"><form method="post" action="/signout" style="display:inline">Signed in as <strong>${esc(username)}</strong> (${esc(role)}) <input type="hidden" name="csrf" value="${esc(csrfToken)}"><button type="submit" style="margin-left:8px">Sign out</button></form></aside>`;
}

/** Inserts `bar` straight after the opening body tag (and after a skip link, which stays the first tab stop). */
/** Where the bar goes: after the opening body tag and its skip link; -1 when the page has no body tag. */
export function barPosition(html: string): number {
  const m = /<body[^>]*>(\s*<a [^>]*skip-link[^>]*>[\s\S]*?<\/a>)?/i.exec(html);
  return m ? m.index + m[0].length : -1;
}

export function withBar(html: string, bar: string): string {
  const at = barPosition(html);
  return at < 0 ? html : html.slice(0, at) + bar + html.slice(at);
}

const utf8 = new TextEncoder();
/** Bytes of the page's start searched for the body tag (pages put it well within this). */
const HEAD_BYTES = 16 * 1024;

/**
 * withBar on an encoded page, without decoding the whole of it: a network page is ~2 MB, and
 * decoding and re-encoding it for every request cost more than rendering it from the page cache.
 */
export function withBarBytes(page: Uint8Array, bar: string): Uint8Array {
  const head = new TextDecoder().decode(page.subarray(0, HEAD_BYTES));
  const at = barPosition(head);
  // Not found in the start (or the match might run past it): the slow way, on the whole page.
  if (at < 0 || (page.byteLength > HEAD_BYTES && at > head.length - 1024)) return utf8.encode(withBar(new TextDecoder().decode(page), bar));
  const cut = utf8.encode(head.slice(0, at)).byteLength;
  const inserted = utf8.encode(bar);
  const out = new Uint8Array(page.byteLength + inserted.byteLength);
  out.set(page.subarray(0, cut), 0);
  out.set(inserted, cut);
  out.set(page.subarray(cut), cut + inserted.byteLength);
  return out;
}
