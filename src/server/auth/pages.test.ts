import { describe, expect, it } from 'vitest';
import { withBar, withBarBytes } from './pages.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const BAR = '<div class="bar">Signed in as ädä – <form><input name="csrf" value="t"></form></div>';

describe('withBarBytes (the bar inserted into an encoded page)', () => {
  const cases: Record<string, string> = {
    'non-ASCII before the body tag': '<!doctype html><html><head><title>Practice – Ünïcode ✓</title></head><body class="x"><main>é</main></body></html>',
    'a skip link after the body tag': '<html><head><title>–</title></head><body>\n  <a class="nhsuk-skip-link" href="#m">Skip – to main</a><main id="m">…</main></body></html>',
    'no body tag': '<p>just a fragment – é</p>',
    'a page of 2 MB': `<html><head><title>Network – 1</title></head><body><a class="nhsuk-skip-link" href="#m">Skip</a>${'<td>9.9 – é</td>'.repeat(120_000)}</body></html>`,
    'a body tag beyond the first 16 KB': `<html><head><style>${'x'.repeat(20_000)}</style><title>–</title></head><body><p>é</p></body></html>`,
  };
  for (const [name, html] of Object.entries(cases)) {
    it(`gives the same page as the string version: ${name}`, () => {
      expect(dec.decode(withBarBytes(enc.encode(html), BAR))).toBe(withBar(html, BAR));
    });
  }
  it('puts the bar after the skip link', () => {
    const out = dec.decode(withBarBytes(enc.encode(cases['a skip link after the body tag']!), BAR));
    expect(out.indexOf(BAR)).toBeGreaterThan(out.indexOf('Skip – to main</a>'));
    expect(out.indexOf(BAR)).toBeLessThan(out.indexOf('<main'));
  });
});
