import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache.js';

const page = (text: string): Response => new Response(text, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });

describe('PageCache', () => {
  it('renders once per key and answers later requests with the same bytes and headers', async () => {
    const cache = new PageCache(1024);
    let renders = 0;
    const render = (): Response => page(`<p>page ${++renders}</p>`);
    const first = await cache.serve('a', render);
    const second = await cache.serve('a', render);
    expect(renders).toBe(1);
    expect(await first.text()).toBe('<p>page 1</p>');
    expect(await second.text()).toBe('<p>page 1</p>');
    expect(second.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await (await cache.serve('b', render)).text()).toBe('<p>page 2</p>');
  });

  it('never keeps an error answer or a thrown error', async () => {
    const cache = new PageCache(1024);
    let renders = 0;
    const notFound = (): Response => (renders++, new Response('no', { status: 404 }));
    expect((await cache.serve('x', notFound)).status).toBe(404);
    expect((await cache.serve('x', notFound)).status).toBe(404);
    expect(renders).toBe(2);
    await expect(cache.serve('y', () => { throw new Error('bad month'); })).rejects.toThrow('bad month');
    expect(cache.size).toBe(0);
  });

  it('stays within its byte budget, dropping the least recently used pages first', async () => {
    const cache = new PageCache(100);
    for (const k of ['a', 'b', 'c']) await cache.serve(k, () => page('x'.repeat(25)));
    await cache.serve('a', () => page('changed')); // a hit: 'a' becomes the most recently used
    await cache.serve('d', () => page('x'.repeat(25))); // 100 bytes: everything still fits
    await cache.serve('e', () => page('x'.repeat(25))); // over budget: 'b', the oldest unused, goes
    expect(cache.usedBytes).toBeLessThanOrEqual(100);
    let rendered = false;
    await cache.serve('b', () => ((rendered = true), page('x'.repeat(25))));
    expect(rendered).toBe(true);
    rendered = false;
    await cache.serve('a', () => ((rendered = true), page('')));
    expect(rendered).toBe(false);
    await cache.serve('big', () => page('y'.repeat(60))); // over a quarter of the budget: served, not kept
    expect(cache.get('big')).toBeUndefined();
  });

  it('a budget of 0 turns it off', async () => {
    const cache = new PageCache(0);
    let renders = 0;
    await cache.serve('a', () => page(String(++renders)));
    await cache.serve('a', () => page(String(++renders)));
    expect(renders).toBe(2);
  });
});
