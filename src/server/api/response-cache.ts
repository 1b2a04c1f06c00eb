/**
 * A bounded least-recently-used cache of serialised API answers. The store is read-only while it
 * is served, so an answer for the same endpoint and parameters never changes; keeping the JSON
 * text saves recomputing and re-serialising it. GPNET_API_CACHE=0 turns it off (for measuring).
 */
export class ResponseCache {
  private readonly map = new Map<string, string>();
  constructor(readonly capacity: number = Number(process.env.GPNET_API_CACHE ?? 5000)) {}

  get(key: string, compute: () => unknown): string {
    if (this.capacity <= 0) return JSON.stringify(compute());
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const text = JSON.stringify(compute());
    this.map.set(key, text);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return text;
  }

  clear(): void {
    this.map.clear();
  }
}
