// Judges whether one key's over-limit traffic was limited to `limit` per `windowMs`, without
// knowing the server's algorithm. Client send times are all we have, so the statistics are ones
// that every correct algorithm satisfies:
//
// - rate: in steady state (after the first window) every correct limiter accepts on average
//   `limit` per window. Fixed windows and sliding logs repeat with period `windowMs`, so any
//   interval is off by less than one window's worth (`limit`); a token bucket, past its initial
//   burst, refills at exactly limit/window. A sliding log under discrete arrivals loses up to one
//   inter-arrival gap per slot, hence the `windowMs + gap` in the lower bound.
// - burst: any window of length `windowMs` holds at most 2 × limit accepted: a fixed window lets a
//   full window through on each side of a boundary, a token bucket its bucket plus one window of
//   refill. Only the rate check can tell a 1.5× or 2× limit apart from a correct one.
// - progress: a correct limiter frees a slot within one window, so no stretch longer than
//   `windowMs` (plus the longest pause in sending) passes without an accepted request.
//
// `tolerance` (relative) and `slack` (absolute requests) widen every bound: they cover latency
// jitter between client send time and server arrival up to tolerance × window, and rounding.
// Detectability: a server whose real limit is f × the stated one fails the rate check once the
// steady part spans more than about (1 + (1 + slack)/limit) / (|f - 1| - tolerance) windows
// (e.g. 2× in ≥ 3 windows, 0.5× in ≥ 4 windows for limit ≥ 5): run phases of 10+ windows.
import { fmt, verdict, type Verdict } from '../verdict';
import { summarize, type Summary } from '../stats';
import { countInRange, longestGap, lowerBound, maxInWindow, timeline, type Observation, type Timeline } from './observations';

export interface WindowExpectation {
  /** Stated limit: accepted requests per window per key. */
  limit: number;
  windowMs: number;
  /** Relative slack on every bound; default 0.1 (10 %). */
  tolerance?: number;
  /** Absolute slack in requests on every count bound; default 1. */
  slack?: number;
  /** The phase must span at least this many windows to be judged; default 5. */
  minWindows?: number;
  /** Offered load must be at least this multiple of the limit to tell a limiter from none; default 1.5. */
  minOverload?: number;
  /**
   * Spread of the client-to-edge delay, ms (e.g. p99 - p1 of the measured round trips; 0 on
   * loopback). Windows are assigned by client SEND time: the edge decides at send + forward
   * latency, and only the variation of that latency moves a request across a window boundary
   * (response times also carry handler time, which differs between 200s and 429s, so they would
   * bias the assignment). Every count bound widens by limit × jitterMs / windowMs, the longest
   * allowed stall by jitterMs. Default 0.
   */
  jitterMs?: number;
}

/** Share of the minimum span a phase may fall short by through timer lateness alone. */
export const COVERAGE_SLACK = 0.02;

export const WINDOW_DEFAULTS = { tolerance: 0.1, slack: 1, minWindows: 5, minOverload: 1.5, jitterMs: 0 } as const;

export interface WindowStat {
  /** Start relative to the first request of the phase. */
  startMs: number;
  sent: number;
  accepted: number;
  rejected: number;
}

export interface CheckResult {
  ok: boolean;
  reason: string;
}

export interface WindowAllowance {
  /** Most accepted allowed in any window: 2 × limit + tolerance × limit + slack. */
  burstMax: number;
  /** Accepted allowed in the steady part (first window excluded). */
  steadyAcceptedMin: number;
  steadyAcceptedMax: number;
  /** Longest stretch allowed without an accepted request. */
  maxAcceptGapMs: number;
}

export interface WindowDetails {
  limit: number;
  windowMs: number;
  tolerance: number;
  /** Absolute slack in requests, the jitter allowance included. */
  slack: number;
  jitterMs: number;
  phaseMs: number;
  sent: number;
  accepted: number;
  rejected: number;
  errors: number;
  worstWindowAccepted: number;
  /** Start of the worst window, relative to the first request. */
  worstWindowStartMs: number;
  steady: {
    fromMs: number;
    toMs: number;
    windows: number;
    sent: number;
    accepted: number;
    acceptedPerWindow: number;
    offeredPerWindow: number;
  };
  longestAcceptGapMs: number;
  allowance: WindowAllowance;
  checks: { rate?: CheckResult; burst?: CheckResult; progress?: CheckResult };
  /** Tumbling windows from the first request (at most MAX_WINDOWS_LISTED). */
  windows: WindowStat[];
}

const MAX_WINDOWS_LISTED = 1000;

function invalidExpectation(e: WindowExpectation): string | null {
  const positive = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n > 0);
  const nonNegative = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n >= 0);
  if (!positive(e.limit) || !positive(e.windowMs)) return `limit and windowMs must be positive numbers (got ${e.limit}, ${e.windowMs})`;
  if (!nonNegative(e.tolerance) || (e.tolerance ?? 0) >= 1) return `tolerance must be in [0, 1) (got ${e.tolerance})`;
  if (!nonNegative(e.slack) || !positive(e.minWindows) || !positive(e.minOverload)) return 'slack, minWindows and minOverload must be non-negative / positive numbers';
  if (!nonNegative(e.jitterMs)) return `jitterMs must be a non-negative number (got ${e.jitterMs})`;
  return null;
}

export function tumblingWindows(tl: Timeline, t0: number, windowMs: number, lastT: number): WindowStat[] {
  const n = Math.min(MAX_WINDOWS_LISTED, Math.floor((lastT - t0) / windowMs) + 1);
  const out: WindowStat[] = [];
  for (let k = 0; k < n; k++) {
    const from = t0 + k * windowMs;
    const to = from + windowMs;
    out.push({
      startMs: k * windowMs,
      sent: countInRange(tl.sent, from, to),
      accepted: countInRange(tl.accepted, from, to),
      rejected: countInRange(tl.rejected, from, to),
    });
  }
  return out;
}

/** Judges one key's over-limit phase against `limit` per `windowMs`. Rule 'ratelimit.enforced-per-key'. */
export function judgeWindowedAcceptance(obs: readonly Observation[], expectation: WindowExpectation): Verdict<WindowDetails> {
  const rule = 'ratelimit.enforced-per-key';
  const bad = invalidExpectation(expectation);
  if (bad) return verdict(false, rule, `invalid expectation: ${bad}`);
  const L = expectation.limit;
  const W = expectation.windowMs;
  const tol = expectation.tolerance ?? WINDOW_DEFAULTS.tolerance;
  const baseSlack = expectation.slack ?? WINDOW_DEFAULTS.slack;
  const minWindows = expectation.minWindows ?? WINDOW_DEFAULTS.minWindows;
  const minOverload = expectation.minOverload ?? WINDOW_DEFAULTS.minOverload;
  const jitterMs = expectation.jitterMs ?? WINDOW_DEFAULTS.jitterMs;
  // Requests that forward jitter can move across a window boundary, at the limit's pace.
  const slack = baseSlack + (L * jitterMs) / W;

  const tl = timeline(obs);
  if (tl.invalid > 0) return verdict(false, rule, `${tl.invalid} observation(s) have no valid send time: harness bug`);
  const t0 = tl.sent[0];
  const t1 = tl.sent[tl.sent.length - 1];
  if (t0 === undefined || t1 === undefined) {
    return verdict(false, rule, `inconclusive: no request got a response (${tl.errors} network errors)`);
  }
  const rel = (t: number) => `+${fmt(t - t0, 0)} ms`;

  // Steady part: from one window after the start (past a token bucket's initial burst and the
  // partial first fixed window) to the last request.
  const from = t0 + W;
  const S = Math.max(0, t1 - from);
  const steadySent = tl.sent.length - lowerBound(tl.sent, from);
  const steadyAccepted = tl.accepted.length - lowerBound(tl.accepted, from);
  const steadyWindows = S / W;
  const meanGap = S / Math.max(1, steadySent - 1);
  const sendGap = longestGap(tl.sent, t0, t1).gapMs;
  const allowance: WindowAllowance = {
    burstMax: 2 * L + tol * L + slack,
    steadyAcceptedMin: Math.max(0, L * (S / (W + meanGap)) * (1 - tol) - L - slack),
    steadyAcceptedMax: L * steadyWindows * (1 + tol) + L + slack,
    maxAcceptGapMs: W * (1 + tol) + sendGap + jitterMs,
  };
  const worst = maxInWindow(tl.accepted, W);
  const acceptGap = longestGap(tl.accepted, t0, t1);
  const perWindow = (n: number) => (steadyWindows > 0 ? n / steadyWindows : Number.NaN);
  const details: WindowDetails = {
    limit: L,
    windowMs: W,
    tolerance: tol,
    slack,
    jitterMs,
    phaseMs: t1 - t0,
    sent: tl.sent.length,
    accepted: tl.accepted.length,
    rejected: tl.rejected.length,
    errors: tl.errors,
    worstWindowAccepted: worst.count,
    worstWindowStartMs: worst.startMs - t0,
    steady: {
      fromMs: W,
      toMs: t1 - t0,
      windows: steadyWindows,
      sent: steadySent,
      accepted: steadyAccepted,
      acceptedPerWindow: perWindow(steadyAccepted),
      offeredPerWindow: perWindow(steadySent),
    },
    longestAcceptGapMs: acceptGap.gapMs,
    allowance,
    checks: {},
    windows: tumblingWindows(tl, t0, W, t1),
  };
  const limitText = `limit ${L} per ${W} ms`;

  if (tl.accepted.length === 0) {
    return verdict(false, rule, `every one of ${tl.rejected.length} requests over ${fmt((t1 - t0) / W)} windows got 429: the key is throttled to zero (${limitText})`, details);
  }
  // n sends one interval apart cover n intervals: a phase of exactly 5 windows spans 5 windows,
  // though its last send starts one interval before the end.
  const covered = tl.sent.length > 1 ? ((t1 - t0) * tl.sent.length) / (tl.sent.length - 1) : 0;
  // A phase planned at exactly minWindows loses a few ms to a late first timer (seen in CI: 4.99
  // windows); COVERAGE_SLACK forgives that, far below what would change the statistics.
  if (covered < minWindows * W * (1 - COVERAGE_SLACK)) {
    return verdict(false, rule, `inconclusive: the phase spans ${fmt(covered / W)} windows, need at least ${minWindows}`, details);
  }
  const offered = details.steady.offeredPerWindow;
  if (!(offered >= minOverload * L)) {
    return verdict(false, rule, `inconclusive: offered ${fmt(offered)} per window, need at least ${minOverload} × limit (${fmt(minOverload * L)}) to tell a limiter from none`, details);
  }

  const acceptedPerWindow = details.steady.acceptedPerWindow;
  const observed = `${steadyAccepted} accepted in ${fmt(steadyWindows)} windows after the first = ${fmt(acceptedPerWindow)} per window, ${fmt(acceptedPerWindow / L, 2)}× the limit (allowed ${fmt(allowance.steadyAcceptedMin)}..${fmt(allowance.steadyAcceptedMax)})`;
  let rate: CheckResult;
  if (steadyAccepted > allowance.steadyAcceptedMax) {
    const why = tl.rejected.length === 0 ? 'no request was rejected, no limit is enforced' : 'the limit is not enforced as stated';
    rate = { ok: false, reason: `too many accepted: ${observed}: ${why}` };
  } else if (steadyAccepted < allowance.steadyAcceptedMin) {
    rate = { ok: false, reason: `too few accepted: ${observed}: the key gets less than its limit (shared with other keys, or lower than stated?)` };
  } else {
    rate = { ok: true, reason: observed };
  }
  const burst: CheckResult =
    worst.count > allowance.burstMax
      ? { ok: false, reason: `burst too large: ${worst.count} accepted within ${W} ms from ${rel(worst.startMs)} (allowed ≤ ${fmt(allowance.burstMax)}, 2 × limit + tolerance)` }
      : { ok: true, reason: `at most ${worst.count} accepted in any ${W} ms (allowed ≤ ${fmt(allowance.burstMax)})` };
  const progress: CheckResult =
    acceptGap.gapMs > allowance.maxAcceptGapMs
      ? {
          ok: false,
          reason: `stalled: nothing accepted for ${fmt(acceptGap.gapMs, 0)} ms from ${rel(acceptGap.fromMs)} (allowed ≤ ${fmt(allowance.maxAcceptGapMs, 0)} ms): throttled for longer than a window`,
        }
      : { ok: true, reason: `longest stretch without an accepted request ${fmt(acceptGap.gapMs, 0)} ms (allowed ≤ ${fmt(allowance.maxAcceptGapMs, 0)} ms)` };
  details.checks = { rate, burst, progress };
  const failed = [rate, burst, progress].filter((c) => !c.ok);
  if (failed.length > 0) return verdict(false, rule, `${limitText}: ${failed.map((c) => c.reason).join('; ')}`, details);
  return verdict(true, rule, `${limitText}: ${rate.reason}; ${burst.reason}`, details);
}

export interface LimitEstimate {
  ok: boolean;
  reason: string;
  /** Accepted per window in steady state (after the first window); null when unknown. */
  estimate: number | null;
  /** Accepted per full tumbling window after the first: the spread of the estimate. */
  perWindow: Summary | null;
  firstWindowAccepted: number;
  worstWindowAccepted: number;
  windows: number;
  sent: number;
  accepted: number;
  rejected: number;
}

/** Discovery when no limit is stated: how many requests per window the key gets under overload. */
export function estimateLimit(obs: readonly Observation[], windowMs: number): LimitEstimate {
  const tl = timeline(obs);
  const t0 = tl.sent[0];
  const t1 = tl.sent[tl.sent.length - 1];
  const base = {
    estimate: null,
    perWindow: null,
    firstWindowAccepted: 0,
    worstWindowAccepted: 0,
    windows: 0,
    sent: tl.sent.length,
    accepted: tl.accepted.length,
    rejected: tl.rejected.length,
  };
  if (!(Number.isFinite(windowMs) && windowMs > 0)) return { ok: false, reason: `windowMs must be positive (got ${windowMs})`, ...base };
  if (t0 === undefined || t1 === undefined) return { ok: false, reason: 'no request got a response', ...base };
  // Same span rule as the judge: n sends cover n intervals, less timer lateness.
  const n = tl.sent.length;
  const windows = n > 1 ? ((t1 - t0) * n) / (n - 1) / windowMs : 0;
  const first = countInRange(tl.accepted, t0, t0 + windowMs);
  const worst = maxInWindow(tl.accepted, windowMs).count;
  const partial = { ...base, firstWindowAccepted: first, worstWindowAccepted: worst, windows };
  if (windows < 3 * (1 - COVERAGE_SLACK)) return { ok: false, reason: `the phase spans ${fmt(windows)} windows, need at least 3`, ...partial };
  if (tl.accepted.length === 0) return { ok: false, reason: `all ${tl.rejected.length} requests got 429: nothing to estimate`, ...partial };

  const from = t0 + windowMs;
  const steadyAccepted = tl.accepted.length - lowerBound(tl.accepted, from);
  const estimate = steadyAccepted / ((t1 - from) / windowMs);
  const full = Math.floor((t1 - from) / windowMs);
  const counts: number[] = [];
  for (let k = 0; k < full; k++) counts.push(countInRange(tl.accepted, from + k * windowMs, from + (k + 1) * windowMs));
  const perWindow = summarize(counts);
  const spread = perWindow ? ` (per window p50 ${fmt(perWindow.p50)}, ${perWindow.min}..${perWindow.max})` : '';
  const result = { ...partial, estimate, perWindow };
  if (tl.rejected.length === 0) {
    return { ...result, ok: false, reason: `no 429 at ${fmt(estimate)} per window: the limit is higher than the offered load, or absent` };
  }
  return { ...result, ok: true, reason: `about ${fmt(estimate)} accepted per ${windowMs} ms${spread}; first window ${first}, worst window ${worst}` };
}
