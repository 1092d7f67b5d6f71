// Observations are what a black-box client can know about one request: when it was sent (client
// clock, ms) and the status it got. Everything here is pure and O(n log n) at worst.

export interface Observation {
  /** Send time, ms on the client's clock (e.g. Date.now() just before the request). */
  t: number;
  /** HTTP status; 0 (or anything < 100) means no response (k6 network error). */
  status: number;
  /**
   * When the response arrived (client clock), if known. The server saw the request somewhere
   * in [t, rt]: judges that know rt can reason about server-side arrival under any delay.
   */
  rt?: number;
}

export type Outcome = 'accepted' | 'rejected' | 'error';

/**
 * The limiter sits before auth and routing, so a 401/404/500 still passed it: only 429 is a
 * rejection. A missing response tells nothing about the limiter.
 */
export function outcomeOf(status: number): Outcome {
  if (!(status >= 100)) return 'error';
  return status === 429 ? 'rejected' : 'accepted';
}

export interface Timeline {
  /** Send times of requests that got a response (accepted or rejected), ascending. */
  sent: number[];
  accepted: number[];
  rejected: number[];
  /** Requests without a response (excluded from everything else). */
  errors: number;
  /** Observations with a non-finite time (a harness bug): excluded. */
  invalid: number;
}

export function timeline(obs: readonly Observation[]): Timeline {
  const tl: Timeline = { sent: [], accepted: [], rejected: [], errors: 0, invalid: 0 };
  const sorted = obs.filter((o) => Number.isFinite(o.t)).sort((a, b) => a.t - b.t);
  tl.invalid = obs.length - sorted.length;
  for (const o of sorted) {
    const outcome = outcomeOf(o.status);
    if (outcome === 'error') {
      tl.errors++;
      continue;
    }
    tl.sent.push(o.t);
    (outcome === 'accepted' ? tl.accepted : tl.rejected).push(o.t);
  }
  return tl;
}

/** Index of the first element >= x in an ascending array. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Number.POSITIVE_INFINITY) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > x in an ascending array. */
export function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Number.POSITIVE_INFINITY) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of times in [from, to). */
export function countInRange(sorted: readonly number[], from: number, to: number): number {
  return Math.max(0, lowerBound(sorted, to) - lowerBound(sorted, from));
}

/** The most times inside any half-open window [s, s + windowMs), and where it starts. */
export function maxInWindow(sorted: readonly number[], windowMs: number): { count: number; startMs: number } {
  let best = { count: 0, startMs: sorted[0] ?? 0 };
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    const end = sorted[hi] ?? 0;
    while ((sorted[lo] ?? 0) <= end - windowMs) lo++;
    const count = hi - lo + 1;
    if (count > best.count) best = { count, startMs: sorted[lo] ?? 0 };
  }
  return best;
}

/** Largest gap between consecutive times, including from `from` to the first and the last to `to`. */
export function longestGap(sorted: readonly number[], from: number, to: number): { gapMs: number; fromMs: number } {
  let best = { gapMs: 0, fromMs: from };
  let prev = from;
  for (const t of [...sorted, to]) {
    if (t - prev > best.gapMs) best = { gapMs: t - prev, fromMs: prev };
    prev = Math.max(prev, t);
  }
  return best;
}
