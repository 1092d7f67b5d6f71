// Network distance, cleanly (not a fault): `--latency <ms>[:<jitter ms>]`. The simulator then
// behaves as if it sat `ms` of round trip away from its clients, with uniform jitter in
// ±`jitter`. Modelled as a network, not as a slow server: half of each round trip is spent
// before the request reaches the edge (the request travelling), the other half after the
// response is produced (the response travelling), and each half draws its own jitter. So the
// server-side arrival time of a request is send + ~ms/2, and the round trip lies in
// [ms - jitter, ms + jitter]. Every API response is delayed, whatever its status (200, 401, 404,
// 429, 500, ...). Not delayed: the admin surface /_sim (tests steer the simulator through it and
// would only slow down), and the 400 that node's connection layer sends for malformed HTTP
// (it never reaches the API handler, and a client that half-closes would lose a late answer).
//
// Only timers, never a blocking wait: thousands of requests can be in flight at once. Draws
// come from a seeded PRNG (mulberry32), so the same seed gives the same sequence of delays (the
// order in which concurrent requests take them follows their arrival order).
import type { ServerResponse } from 'node:http';

export interface LatencyOptions {
  /** Added round-trip time in ms (0 to 60000). */
  ms: number;
  /** Uniform jitter of the round trip, ± this many ms (0 to ms; default 0). */
  jitterMs?: number;
  /** PRNG seed, an integer (default DEFAULT_LATENCY_SEED). */
  seed?: number;
}

export const DEFAULT_LATENCY_SEED = 1;
export const MAX_LATENCY_MS = 60_000;

/** mulberry32: a small, fast 32-bit seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Why these latency options are unusable, or null when they are fine. */
export function latencyProblem(o: LatencyOptions): string | null {
  const jitter = o.jitterMs ?? 0;
  if (typeof o.ms !== 'number' || !Number.isFinite(o.ms) || o.ms < 0 || o.ms > MAX_LATENCY_MS) return `latency must be a number of ms from 0 to ${MAX_LATENCY_MS} (got ${String(o.ms)})`;
  if (typeof jitter !== 'number' || !Number.isFinite(jitter) || jitter < 0) return `jitter must be a non-negative number of ms (got ${String(jitter)})`;
  if (jitter > o.ms) return `jitter (${jitter} ms) must not exceed the latency (${o.ms} ms): a round trip cannot be shorter than 0`;
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) return `seed must be an integer (got ${String(o.seed)})`;
  return null;
}

/** "50" or "50:10" (ms, ms; decimals allowed) -> { ms, jitterMs }; throws RangeError with the reason. */
export function parseLatencySpec(spec: string): { ms: number; jitterMs: number } {
  const m = /^(\d{1,5}(?:\.\d{1,3})?)(?::(\d{1,5}(?:\.\d{1,3})?))?$/.exec(spec.trim());
  if (m === null) throw new RangeError(`latency must look like <ms> or <ms>:<jitter ms>, e.g. 50 or 50:10, non-negative (got "${spec}")`);
  const o = { ms: Number(m[1]), jitterMs: m[2] === undefined ? 0 : Number(m[2]) };
  const problem = latencyProblem(o);
  if (problem !== null) throw new RangeError(problem);
  return o;
}

export interface NetworkLatency {
  readonly ms: number;
  readonly jitterMs: number;
  readonly seed: number;
  /** One one-way half: ms/2 + uniform(-jitter/2, +jitter/2), never negative. */
  half(): number;
}

export function createNetworkLatency(o: LatencyOptions): NetworkLatency {
  const problem = latencyProblem(o);
  if (problem !== null) throw new RangeError(`latency: ${problem}`);
  const jitterMs = o.jitterMs ?? 0;
  const seed = o.seed ?? DEFAULT_LATENCY_SEED;
  const rand = mulberry32(seed);
  return {
    ms: o.ms,
    jitterMs,
    seed,
    half: () => Math.max(0, o.ms / 2 + (rand() * 2 - 1) * (jitterMs / 2)),
  };
}

/**
 * The response's half of the trip: writeHead/end are held, then replayed after one draw of
 * delay. Headers (Date included) are built when the response is produced, as on a real server;
 * only their delivery waits. A second end() is ignored, like the first one's late arrival.
 */
export function deferResponse(res: ServerResponse, net: NetworkLatency): void {
  const writeHead = res.writeHead;
  const end = res.end;
  let head: unknown[] | null = null;
  let ended = false;
  res.writeHead = function deferredWriteHead(this: ServerResponse, ...args: unknown[]) {
    if (!ended) head = args;
    return res;
  } as ServerResponse['writeHead'];
  res.end = function deferredEnd(this: ServerResponse, ...args: unknown[]) {
    if (ended) return res;
    ended = true;
    setTimeout(() => {
      res.writeHead = writeHead;
      res.end = end;
      if (res.destroyed) return; // the client went away meanwhile
      if (head !== null) (writeHead as (...a: unknown[]) => unknown).apply(res, head);
      (end as (...a: unknown[]) => unknown).apply(res, args);
    }, net.half());
    return res;
  } as ServerResponse['end'];
}

export function describeLatency(net: Pick<NetworkLatency, 'ms' | 'jitterMs' | 'seed'>): string {
  return `latency ${net.ms} ms${net.jitterMs > 0 ? ` ± ${net.jitterMs} ms` : ''} round trip (seed ${net.seed})`;
}
