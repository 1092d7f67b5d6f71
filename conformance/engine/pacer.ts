// Client-side pacing per key, so the suite's ordinary traffic stays well under the rate limit
// (half of it when the limit is known) and unrelated tests never trip it.
export class Pacer {
  private readonly next = new Map<string, number>();
  private readonly gapMs: number;
  constructor(requestsPerSecond: number, private readonly now: () => number = Date.now) {
    this.gapMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
  }

  /** Resolves when the key may send its next request. */
  acquire(key: string): Promise<void> {
    if (this.gapMs === 0) return Promise.resolve();
    const t = this.now();
    const slot = Math.max(t, this.next.get(key) ?? 0);
    this.next.set(key, slot + this.gapMs);
    const wait = slot - t;
    return wait <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, wait));
  }
}
