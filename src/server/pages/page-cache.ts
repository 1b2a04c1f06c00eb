/**
 * A least-recently-used cache of rendered dashboard pages (and their CSV tables), bounded by bytes.
 * The results a server shows are read once at start and never change while it runs, so a page for
 * the same path, query and role is the same every time; rendering one (charts above all) costs
 * 10–50 ms of the server's only thread, which under load queues every other request
 * (bench/server-load.mjs). Per-user parts — the signed-in bar with its CSRF token, the open-demo
 * banner — are added after the page, outside this cache. Recall and evaluation pages are not cached.
 * GPNET_PAGE_CACHE_MB=0 turns it off (for measuring).
 */
export interface CachedPage {
  body: Uint8Array;
  headers: [string, string][];
}

export class PageCache {
  private readonly map = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(readonly capacityBytes: number = Number(process.env.GPNET_PAGE_CACHE_MB ?? 64) * 1024 * 1024) {}

  get size(): number {
    return this.map.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(key: string): CachedPage | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit;
  }

  set(key: string, page: CachedPage): void {
    if (page.body.byteLength > this.capacityBytes / 4) return; // one page never crowds out the rest
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.bytes -= old.body.byteLength;
    }
    this.map.set(key, page);
    this.bytes += page.body.byteLength;
    while (this.bytes > this.capacityBytes) {
      const [oldestKey, oldest] = this.map.entries().next().value as [string, CachedPage];
      this.map.delete(oldestKey);
      this.bytes -= oldest.body.byteLength;
    }
  }

  /**
   * The cached answer for `key`, or `render()`'s, kept when it is a 200. Errors (thrown or not 200)
   * are never kept.
   */
  async serve(key: string, render: () => Response | Promise<Response>): Promise<Response> {
    const hit = this.capacityBytes > 0 ? this.get(key) : undefined;
    if (hit) return new Response(hit.body.slice(), { status: 200, headers: hit.headers });
    const res = await render();
    if (this.capacityBytes <= 0 || res.status !== 200) return res;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = [...res.headers.entries()].filter(([k]) => k.toLowerCase() !== 'content-length');
    this.set(key, { body, headers });
    return new Response(body.slice(), { status: 200, headers });
  }
}
