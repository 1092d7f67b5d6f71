// Reference models of server-side rate limiters and a seeded traffic generator, so the judges in
// lib/ratelimit can be tested against every algorithm a real server might use (and broken ones).
// Deliberately independent of simulator/.
import type { Observation } from '../../../lib/ratelimit';

export type Rng = () => number;

/** mulberry32: small, fast, good enough for test variety, and reproducible from a seed. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

/** A server-side limiter: decides per request, in server arrival order, on the server's clock. */
export interface Limiter {
  admit(key: string, t: number): boolean;
  /** Exact ms from t until the key may be admitted again (0 if now): what Retry-After should say. */
  waitMs?(key: string, t: number): number;
}

function perKey<S>(init: () => S, decide: (s: S, t: number) => boolean, wait?: (s: S, t: number) => number): Limiter {
  const states = new Map<string, S>();
  const state = (key: string) => {
    let s = states.get(key);
    if (s === undefined) {
      s = init();
      states.set(key, s);
    }
    return s;
  };
  return {
    admit: (key, t) => decide(state(key), t),
    ...(wait ? { waitMs: (key: string, t: number) => wait(state(key), t) } : {}),
  };
}

/** Fixed windows [offset + kW, offset + (k+1)W). Rejections do not count. */
export function fixedWindow(limit: number, windowMs: number, offsetMs = 0): Limiter {
  return perKey(
    () => ({ win: Number.NaN, count: 0 }),
    (s, t) => {
      const win = Math.floor((t - offsetMs) / windowMs);
      if (win !== s.win) {
        s.win = win;
        s.count = 0;
      }
      if (s.count >= limit) return false;
      s.count++;
      return true;
    },
    (s, t) => (Math.floor((t - offsetMs) / windowMs) === s.win && s.count >= limit ? (s.win + 1) * windowMs + offsetMs - t : 0),
  );
}

/** Exact sliding log: at most `limit` accepted in any (t - W, t]. */
export function slidingLog(limit: number, windowMs: number, opts: { countRejected?: boolean } = {}): Limiter {
  return perKey(
    () => ({ log: [] as number[], head: 0 }),
    (s, t) => {
      while (s.head < s.log.length && (s.log[s.head] ?? 0) <= t - windowMs) s.head++;
      const ok = s.log.length - s.head < limit;
      if (ok || opts.countRejected) s.log.push(t);
      return ok;
    },
    (s, t) => {
      const live = s.log.filter((x) => x > t - windowMs);
      return live.length < limit ? 0 : (live[live.length - limit] ?? t) + windowMs - t;
    },
  );
}

/** Token bucket: capacity `limit`, refill limit per window, starts full. */
export function tokenBucket(limit: number, windowMs: number): Limiter {
  return perKey(
    () => ({ tokens: limit, at: Number.NaN }),
    (s, t) => {
      if (!Number.isNaN(s.at)) s.tokens = Math.min(limit, s.tokens + ((t - s.at) * limit) / windowMs);
      s.at = t;
      if (s.tokens < 1) return false;
      s.tokens -= 1;
      return true;
    },
    (s, t) => {
      const now = Number.isNaN(s.at) ? limit : Math.min(limit, s.tokens + ((t - s.at) * limit) / windowMs);
      return now >= 1 ? 0 : ((1 - now) * windowMs) / limit;
    },
  );
}

/** Sliding window counter (weighted previous window), as used by several CDNs. */
export function slidingWindowCounter(limit: number, windowMs: number, offsetMs = 0): Limiter {
  return perKey(
    () => ({ win: Number.NaN, prev: 0, curr: 0 }),
    (s, t) => {
      const win = Math.floor((t - offsetMs) / windowMs);
      if (win !== s.win) {
        s.prev = win === s.win + 1 ? s.curr : 0;
        s.curr = 0;
        s.win = win;
      }
      const elapsed = (t - offsetMs - win * windowMs) / windowMs;
      if (s.prev * (1 - elapsed) + s.curr >= limit) return false;
      s.curr++;
      return true;
    },
  );
}

export const noLimit = (): Limiter => ({ admit: () => true });
export const always429 = (): Limiter => ({ admit: () => false });

/** One limiter for all keys: each of n equally busy keys gets about limit/n. */
export function sharedAcrossKeys(inner: Limiter): Limiter {
  return { admit: (_key, t) => inner.admit('*', t) };
}

/** Fixed window that, after the first rejection, blocks the key for `blockMs`. */
export function penaltyBox(limit: number, windowMs: number, blockMs: number): Limiter {
  const inner = fixedWindow(limit, windowMs);
  const blockedUntil = new Map<string, number>();
  return {
    admit(key, t) {
      if (t < (blockedUntil.get(key) ?? Number.NEGATIVE_INFINITY)) return false;
      const ok = inner.admit(key, t);
      if (!ok) blockedUntil.set(key, t + blockMs);
      return ok;
    },
  };
}

export interface Send {
  key: string;
  /** Client send time. */
  t: number;
}

/** Constant arrival rate (like k6 constant-arrival-rate) with send-time jitter. */
export function constantArrival(
  rng: Rng,
  o: { key: string; startMs: number; durationMs: number; perSecond: number; jitterMs?: number },
): Send[] {
  const gap = 1000 / o.perSecond;
  const out: Send[] = [];
  for (let i = 0; i * gap < o.durationMs; i++) {
    out.push({ key: o.key, t: o.startMs + i * gap + (o.jitterMs ? uniform(rng, 0, o.jitterMs) : 0) });
  }
  return out;
}

export interface Network {
  /** Server clock minus client clock. */
  clockOffsetMs?: number;
  latencyMs?: number;
  /** Extra latency, uniform in [0, jitterMs]: varies the client-to-server mapping per request. */
  latencyJitterMs?: number;
}

/** Runs sends through a limiter in server arrival order; returns observations per key. */
export function serve(limiter: Limiter, sends: readonly Send[], rng: Rng, net: Network = {}): Map<string, Observation[]> {
  const arrivals = sends
    .map((s) => ({ s, at: s.t + (net.clockOffsetMs ?? 0) + (net.latencyMs ?? 1) + uniform(rng, 0, net.latencyJitterMs ?? 0) }))
    .sort((a, b) => a.at - b.at);
  const out = new Map<string, Observation[]>();
  for (const { s, at } of arrivals) {
    const status = limiter.admit(s.key, at) ? 200 : 429;
    let list = out.get(s.key);
    if (!list) out.set(s.key, (list = []));
    list.push({ t: s.t, status });
  }
  for (const list of out.values()) list.sort((a, b) => a.t - b.t);
  return out;
}
