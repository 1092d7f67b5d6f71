// Edge rate limiting: three algorithms behind one interface. Time comes from an injected
// integer-ms monotonic clock, so every decision is exact integer arithmetic and tests need no
// sleeps. Only accepted requests consume. take() answers the exact wait until this key's next
// request would be accepted, which the edge rounds UP to whole seconds for Retry-After: a
// client that waits that long and retries always succeeds (absent other traffic on the key).
// Idle state (identical to a fresh key's) is swept lazily from take(): no timers at all.

export type Algorithm = 'fixed-window' | 'sliding-window' | 'token-bucket';
export const ALGORITHMS: readonly Algorithm[] = ['fixed-window', 'sliding-window', 'token-bucket'];

export interface RateLimitConfig {
  /** Requests accepted per window (the bucket's capacity for token-bucket). */
  limit: number;
  /** Window length in ms (the time to refill `limit` tokens for token-bucket). */
  windowMs: number;
  algorithm: Algorithm;
}

export interface RateLimiter {
  readonly config: Readonly<RateLimitConfig>;
  /** 0 when accepted (and counted); else the integer ms (> 0) until this key would be accepted. */
  take(key: string): number;
  /** Keys currently holding state. */
  size(): number;
  /** Drops idle keys now (take() also does this, at most once per sweep interval). */
  sweep(): void;
}

export function validateRateLimitConfig(c: RateLimitConfig): string | null {
  if (!Number.isSafeInteger(c.limit) || c.limit < 1) return 'limit must be an integer >= 1';
  if (!Number.isSafeInteger(c.windowMs) || c.windowMs < 1) return 'window must be an integer number of ms >= 1';
  if (!ALGORITHMS.includes(c.algorithm)) return `algorithm must be one of ${ALGORITHMS.join(', ')}`;
  return null;
}

export function createRateLimiter(config: RateLimitConfig, now: () => number): RateLimiter {
  const problem = validateRateLimitConfig(config);
  if (problem !== null) throw new RangeError(`rate limit: ${problem}`);
  const c = Object.freeze({ ...config });
  switch (c.algorithm) {
    case 'fixed-window':
      return new FixedWindow(c, now);
    case 'sliding-window':
      return new SlidingLog(c, now);
    case 'token-bucket':
      return new TokenBucket(c, now);
  }
}

abstract class Base<S> implements RateLimiter {
  protected readonly state = new Map<string, S>();
  private readonly sweepEveryMs: number;
  private lastSweep: number;

  constructor(
    readonly config: Readonly<RateLimitConfig>,
    protected readonly now: () => number,
  ) {
    this.sweepEveryMs = Math.max(config.windowMs, 1000);
    this.lastSweep = now();
  }

  take(key: string): number {
    const t = this.now();
    if (t - this.lastSweep >= this.sweepEveryMs) this.sweepAt(t);
    return this.decide(key, t);
  }

  size(): number {
    return this.state.size;
  }

  sweep(): void {
    this.sweepAt(this.now());
  }

  private sweepAt(t: number): void {
    this.lastSweep = t;
    // Deleting the current entry while iterating a Map is safe.
    for (const [key, s] of this.state) if (this.idle(s, t)) this.state.delete(key);
  }

  protected abstract decide(key: string, t: number): number;
  protected abstract idle(s: S, t: number): boolean;
}

/** Count per aligned window [k*w, (k+1)*w): up to 2x limit can pass across a boundary. */
class FixedWindow extends Base<{ start: number; count: number }> {
  protected decide(key: string, t: number): number {
    const { limit, windowMs: w } = this.config;
    const start = t - (t % w);
    const s = this.state.get(key);
    if (s === undefined) {
      this.state.set(key, { start, count: 1 });
      return 0;
    }
    if (s.start !== start) {
      s.start = start;
      s.count = 1;
      return 0;
    }
    if (s.count < limit) {
      s.count++;
      return 0;
    }
    return start + w - t;
  }

  protected idle(s: { start: number }, t: number): boolean {
    return s.start + this.config.windowMs <= t;
  }
}

/**
 * Exact sliding log: accept at t iff fewer than `limit` accepted requests lie in (t - w, t], so
 * no window [x, x + w) ever holds more than `limit`. Keeps the last `limit` accepted timestamps
 * in a ring buffer that grows on demand (a key seen once costs a few bytes, not `limit` slots).
 */
class Ring {
  buf: Float64Array;
  head = 0; // index of the oldest entry
  count = 0;
  constructor(capacity: number) {
    this.buf = new Float64Array(capacity);
  }
  newest(): number {
    return this.buf[(this.head + this.count - 1) % this.buf.length] as number;
  }
}

class SlidingLog extends Base<Ring> {
  protected decide(key: string, t: number): number {
    const { limit, windowMs: w } = this.config;
    let r = this.state.get(key);
    if (r === undefined) {
      r = new Ring(Math.min(limit, 4));
      this.state.set(key, r);
    }
    if (r.count < limit) {
      if (r.count === r.buf.length) this.grow(r, Math.min(limit, r.buf.length * 2));
      r.buf[(r.head + r.count) % r.buf.length] = t;
      r.count++;
      return 0;
    }
    // Full: the oldest of the last `limit` accepted decides.
    const oldest = r.buf[r.head] as number;
    if (oldest + w <= t) {
      r.buf[r.head] = t;
      r.head = (r.head + 1) % r.buf.length;
      return 0;
    }
    return oldest + w - t;
  }

  private grow(r: Ring, capacity: number): void {
    const next = new Float64Array(capacity);
    for (let i = 0; i < r.count; i++) next[i] = r.buf[(r.head + i) % r.buf.length] as number;
    r.buf = next;
    r.head = 0;
  }

  protected idle(r: Ring, t: number): boolean {
    return r.count === 0 || r.newest() + this.config.windowMs <= t;
  }
}

/**
 * Token bucket of capacity `limit`, refilled at limit/w, as GCRA (one number per key: the
 * theoretical arrival time). Time is kept in ticks of 1/limit ms so refill is integer-exact:
 * one token = w ticks, a full bucket = w * limit ticks.
 */
class TokenBucket extends Base<number> {
  private readonly epoch = this.now(); // keeps tick values small (safe integers)

  protected decide(key: string, t: number): number {
    const { limit, windowMs: w } = this.config;
    const nowT = (t - this.epoch) * limit;
    const tat = Math.max(this.state.get(key) ?? nowT, nowT);
    const next = tat + w;
    if (next - nowT <= w * limit) {
      this.state.set(key, next);
      return 0;
    }
    return Math.ceil((next - w * limit - nowT) / limit);
  }

  protected idle(tat: number, t: number): boolean {
    return tat <= (t - this.epoch) * this.config.limit;
  }
}
