import { describe, expect, it } from 'vitest';
import { estimateLimit, judgeWindowedAcceptance, type Observation } from '../../../lib/ratelimit';
import {
  always429,
  constantArrival,
  fixedWindow,
  mulberry32,
  noLimit,
  penaltyBox,
  pick,
  serve,
  sharedAcrossKeys,
  slidingLog,
  slidingWindowCounter,
  tokenBucket,
  uniform,
  type Limiter,
  type Rng,
  type Send,
} from '../support/limiter-models';

const ALGORITHMS = ['fixed-window', 'sliding-log', 'token-bucket', 'sliding-window-counter'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

function limiterFor(algo: Algorithm, limit: number, windowMs: number, rng: Rng): Limiter {
  const offset = uniform(rng, 0, windowMs); // server windows are not aligned with the client's
  switch (algo) {
    case 'fixed-window':
      return fixedWindow(limit, windowMs, offset);
    case 'sliding-log':
      return slidingLog(limit, windowMs);
    case 'token-bucket':
      return tokenBucket(limit, windowMs);
    case 'sliding-window-counter':
      return slidingWindowCounter(limit, windowMs, offset);
  }
}

interface Variant {
  seed: number;
  limit: number;
  windowMs: number;
  /** Offered load as a multiple of the stated limit. */
  overload: number;
  windows: number;
  prior: 'none' | 'saturated' | 'under';
  latencyJitterMs: number;
}

function variant(seed: number, ranges: { limits: number[]; overload: [number, number]; windows: [number, number] }): Variant {
  const rng = mulberry32(seed);
  const windowMs = pick(rng, [100, 250, 1000, 5000, 60_000]);
  return {
    seed,
    limit: pick(rng, ranges.limits),
    windowMs,
    overload: uniform(rng, ...ranges.overload),
    windows: uniform(rng, ...ranges.windows),
    prior: pick(rng, ['none', 'saturated', 'under'] as const),
    // Up to 5 % of the window: the timing difference the default 10 % tolerance is meant to absorb.
    latencyJitterMs: uniform(rng, 0, 0.05 * windowMs),
  };
}

const KEY = 'k';
const START = 1_700_000_000_000;

/** Traffic of one variant through `limiter`; returns the judged key's over-limit phase only. */
function run(v: Variant, limiter: Limiter, extraKeys: string[] = []): Observation[] {
  const rng = mulberry32(v.seed ^ 0x9e3779b9);
  const perSecond = (v.overload * v.limit * 1000) / v.windowMs;
  const durationMs = v.windows * v.windowMs;
  const jitterMs = Math.min(0.01 * v.windowMs, 500 / perSecond);
  const sends: Send[] = [];
  for (const key of [KEY, ...extraKeys]) {
    if (v.prior !== 'none') {
      const factor = v.prior === 'saturated' ? v.overload : 0.5;
      sends.push(...constantArrival(rng, { key, startMs: START - v.windowMs, durationMs: v.windowMs, perSecond: (perSecond * factor) / v.overload, jitterMs }));
    }
    sends.push(...constantArrival(rng, { key, startMs: START + uniform(rng, 0, 1000 / perSecond), durationMs, perSecond, jitterMs }));
  }
  const obs = serve(limiter, sends, rng, { clockOffsetMs: uniform(rng, -5000, 5000), latencyMs: 2, latencyJitterMs: v.latencyJitterMs });
  return (obs.get(KEY) ?? []).filter((o) => o.t >= START);
}

const describeVariant = (v: Variant, algo: string) =>
  `seed ${v.seed} ${algo} limit ${v.limit}/${v.windowMs} ms, ${v.overload.toFixed(2)}× for ${v.windows.toFixed(1)} windows, prior ${v.prior}, jitter ${v.latencyJitterMs.toFixed(0)} ms`;

describe('judgeWindowedAcceptance: no false failures on correct limiters', () => {
  const SEEDS = 200;
  it.each(ALGORITHMS)('%s passes for %i seeded variants', (algo) => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const v = variant(seed, { limits: [1, 2, 3, 5, 10, 20, 50, 100], overload: [1.6, 5], windows: [5.5, 15] });
      const verdict = judgeWindowedAcceptance(run(v, limiterFor(algo, v.limit, v.windowMs, mulberry32(seed))), {
        limit: v.limit,
        windowMs: v.windowMs,
      });
      if (!verdict.ok) failures.push(`${describeVariant(v, algo)}: ${verdict.reason}`);
      else expect(verdict.rule).toBe('ratelimit.enforced-per-key');
    }
    expect(failures).toEqual([]);
  });
});

describe('judgeWindowedAcceptance: broken limiters fail with a clear reason', () => {
  // Long enough phases and limits >= 5 so each fault is detectable (see the window.ts header).
  const ranges = { limits: [5, 10, 20, 50, 100], overload: [3, 5] as [number, number], windows: [10, 15] as [number, number] };
  const SEEDS = 30;
  type Fault = { name: string; make: (v: Variant, algo: Algorithm, rng: Rng) => Limiter; others?: number; reason: RegExp };
  const faults: Fault[] = [
    { name: 'no limit at all', make: () => noLimit(), reason: /too many accepted.*no request was rejected/ },
    { name: 'limit 2× the stated one', make: (v, a, r) => limiterFor(a, 2 * v.limit, v.windowMs, r), reason: /too many accepted.*the limit is not enforced as stated/ },
    { name: 'limit 3× the stated one', make: (v, a, r) => limiterFor(a, 3 * v.limit, v.windowMs, r), reason: /too many accepted/ },
    { name: 'one limit shared by 2 keys', make: (v, a, r) => sharedAcrossKeys(limiterFor(a, v.limit, v.windowMs, r)), others: 1, reason: /too few accepted.*shared/ },
    { name: 'one limit shared by 4 keys', make: (v, a, r) => sharedAcrossKeys(limiterFor(a, v.limit, v.windowMs, r)), others: 3, reason: /too few accepted/ },
    { name: 'always 429', make: () => always429(), reason: /throttled to zero/ },
    { name: 'penalty box of 5 windows', make: (v) => penaltyBox(v.limit, v.windowMs, 5 * v.windowMs), reason: /stalled/ },
    { name: 'sliding log counting rejected requests', make: (v) => slidingLog(v.limit, v.windowMs, { countRejected: true }), reason: /stalled|throttled to zero/ },
  ];
  for (const fault of faults) {
    it.each(ALGORITHMS)(`${fault.name} fails (%s base)`, (algo) => {
      const passed: string[] = [];
      for (let seed = 1000; seed < 1000 + SEEDS; seed++) {
        const v = variant(seed, ranges);
        const others = Array.from({ length: fault.others ?? 0 }, (_, i) => `other${i}`);
        const verdict = judgeWindowedAcceptance(run(v, fault.make(v, algo, mulberry32(seed)), others), { limit: v.limit, windowMs: v.windowMs });
        if (verdict.ok || !fault.reason.test(verdict.reason)) passed.push(`${describeVariant(v, algo)}: ${verdict.ok ? 'PASSED' : verdict.reason}`);
      }
      expect(passed).toEqual([]);
    });
  }

  it('detects a 1.5× limit given a long enough phase (20 windows)', () => {
    for (let seed = 2000; seed < 2020; seed++) {
      const v = { ...variant(seed, { limits: [10, 20, 50], overload: [3, 4], windows: [20, 20] }) };
      const algo = pick(mulberry32(seed), ALGORITHMS);
      const verdict = judgeWindowedAcceptance(run(v, limiterFor(algo, 1.5 * v.limit, v.windowMs, mulberry32(seed))), { limit: v.limit, windowMs: v.windowMs });
      expect(verdict.ok, describeVariant(v, algo)).toBe(false);
      expect(verdict.reason).toMatch(/too many accepted/);
    }
  });

  it('flags the burst of a fixed window at 2× the limit that the rate check alone may miss on short phases', () => {
    // Requests all bunched at window boundaries: 2L in the last ms of one window and the first of
    // the next is what a fixed window allows; 3L is not.
    const L = 10;
    const W = 1000;
    const obs: Observation[] = [];
    for (let w = 0; w < 10; w++) {
      for (let i = 0; i < 4 * L; i++) obs.push({ t: w * W + i, status: i < L ? 200 : 429 });
    }
    obs.push(...Array.from({ length: 2 * L }, (_, i) => ({ t: 5 * W + 100 + i, status: 200 })));
    const v = judgeWindowedAcceptance(obs, { limit: L, windowMs: W });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/burst too large: 30 accepted/);
    expect(v.details?.checks.burst?.ok).toBe(false);
  });
});

describe('judgeWindowedAcceptance: inconclusive data and bad input', () => {
  const flood = (n: number, gapMs: number, status: (i: number) => number): Observation[] =>
    Array.from({ length: n }, (_, i) => ({ t: i * gapMs, status: status(i) }));
  const cases: Array<{ name: string; obs: Observation[]; exp: Parameters<typeof judgeWindowedAcceptance>[1]; reason: RegExp }> = [
    { name: 'no observations', obs: [], exp: { limit: 10, windowMs: 1000 }, reason: /inconclusive: no request got a response/ },
    { name: 'only network errors', obs: flood(10, 10, () => 0), exp: { limit: 10, windowMs: 1000 }, reason: /10 network errors/ },
    { name: 'a NaN time', obs: [{ t: Number.NaN, status: 200 }, ...flood(100, 10, () => 200)], exp: { limit: 10, windowMs: 1000 }, reason: /harness bug/ },
    { name: 'phase too short', obs: flood(300, 10, (i) => (i % 100 < 10 ? 200 : 429)), exp: { limit: 10, windowMs: 1000 }, reason: /spans 3 windows, need at least 5/ },
    { name: 'phase 2.5 % short of 5 windows', obs: flood(300, 16.3, (i) => (i % 60 < 10 ? 200 : 429)), exp: { limit: 10, windowMs: 1000 }, reason: /spans 4\.9 windows, need at least 5/ },
    { name: 'offered load below 1.5× the limit', obs: flood(120, 100, () => 200), exp: { limit: 10, windowMs: 1000 }, reason: /inconclusive: offered 10(\.\d)? per window, need at least 1\.5 × limit/ },
    { name: 'zero limit', obs: flood(10, 10, () => 200), exp: { limit: 0, windowMs: 1000 }, reason: /invalid expectation/ },
    { name: 'negative window', obs: flood(10, 10, () => 200), exp: { limit: 5, windowMs: -1 }, reason: /invalid expectation/ },
    { name: 'tolerance 1', obs: flood(10, 10, () => 200), exp: { limit: 5, windowMs: 1000, tolerance: 1 }, reason: /tolerance/ },
  ];
  it.each(cases)('$name', ({ obs, exp, reason }) => {
    const v = judgeWindowedAcceptance(obs, exp);
    expect(v.ok).toBe(false);
    expect(v.rule).toBe('ratelimit.enforced-per-key');
    expect(v.reason).toMatch(reason);
  });

  it('ignores network errors and unsorted input, and reports windows and allowance', () => {
    // Exactly 10 accepted at the start of each of 8 windows at 3× load, shuffled, with errors mixed in.
    const obs: Observation[] = [];
    for (let w = 0; w < 8; w++) for (let j = 0; j < 30; j++) obs.push({ t: w * 1000 + j * 33, status: j < 10 ? 200 : 429 });
    obs.push({ t: 500, status: 0 }, { t: 1500, status: 0 });
    obs.reverse();
    const v = judgeWindowedAcceptance(obs, { limit: 10, windowMs: 1000 });
    expect(v.ok, v.reason).toBe(true);
    expect(v.details).toMatchObject({ sent: 240, accepted: 80, rejected: 160, errors: 2, worstWindowAccepted: 10 });
    expect(v.details?.windows).toHaveLength(8);
    expect(v.details?.windows[0]).toEqual({ startMs: 0, sent: 30, accepted: 10, rejected: 20 });
    expect(v.details?.allowance.burstMax).toBe(22);
    expect(v.reason).toMatch(/^limit 10 per 1000 ms: 70 accepted in 7 windows after the first = 10(\.\d)? per window/);
  });

  it('tolerance and slack widen the bounds', () => {
    const obs = Array.from({ length: 300 }, (_, i) => ({ t: i * (1000 / 30), status: i % 30 < 13 ? 200 : 429 }));
    expect(judgeWindowedAcceptance(obs, { limit: 10, windowMs: 1000 }).ok).toBe(false);
    expect(judgeWindowedAcceptance(obs, { limit: 10, windowMs: 1000, tolerance: 0.3 }).ok).toBe(true);
    expect(judgeWindowedAcceptance(obs, { limit: 10, windowMs: 1000, slack: 30 }).ok).toBe(true);
  });
});

describe('estimateLimit', () => {
  it.each(ALGORITHMS)('estimates the limit of a %s server within 10 % + 1', (algo) => {
    for (let seed = 3000; seed < 3040; seed++) {
      const v = variant(seed, { limits: [5, 10, 20, 50, 100], overload: [2, 5], windows: [8, 15] });
      const est = estimateLimit(run(v, limiterFor(algo, v.limit, v.windowMs, mulberry32(seed))), v.windowMs);
      expect(est.ok, `${describeVariant(v, algo)}: ${est.reason}`).toBe(true);
      expect(Math.abs((est.estimate ?? 0) - v.limit), `${describeVariant(v, algo)}: ${est.reason}`).toBeLessThanOrEqual(0.1 * v.limit + 1);
      expect(est.perWindow?.count).toBeGreaterThan(5);
    }
  });

  const steady = (accept: (i: number) => boolean) => Array.from({ length: 300 }, (_, i) => ({ t: i * 33, status: accept(i) ? 200 : 429 }));
  it.each([
    { name: 'no 429: lower bound only', obs: steady(() => true), ok: false, reason: /no 429 at 30\.\d per window/ },
    { name: 'all 429', obs: steady(() => false), ok: false, reason: /all 300 requests got 429/ },
    { name: 'too short', obs: steady(() => true).slice(0, 50), ok: false, reason: /need at least 3/ },
    { name: 'no data', obs: [], ok: false, reason: /no request got a response/ },
    { name: 'a phase of exactly 3 windows (91 sends 33 ms apart)', obs: steady((i) => i % 30 < 10).slice(0, 91), ok: true, reason: /about 1\d(\.\d)? accepted per 1000 ms/ },
    { name: 'steady 10 of 30', obs: steady((i) => i % 30 < 10), ok: true, reason: /about 10(\.\d)? accepted per 1000 ms/ },
  ])('$name', ({ obs, ok, reason }) => {
    const est = estimateLimit(obs, 1000);
    expect(est.ok).toBe(ok);
    expect(est.reason).toMatch(reason);
  });
});

describe('judgeWindowedAcceptance: forward jitter beyond the tolerance (jitterMs)', () => {
  // Latency jitter of up to 30 % of the window: well past what the 10 % tolerance absorbs.
  const jittery = (seed: number): Variant => ({ ...variant(seed, { limits: [5, 20, 100], overload: [3, 3], windows: [10, 12] }), latencyJitterMs: 0 });
  function runJittery(v: Variant, limiter: Limiter): Observation[] {
    const rng = mulberry32(v.seed);
    const perSecond = (v.overload * v.limit * 1000) / v.windowMs;
    const sends = constantArrival(rng, { key: KEY, startMs: START, durationMs: v.windows * v.windowMs, perSecond });
    return serve(limiter, sends, rng, { latencyMs: 50, latencyJitterMs: 0.3 * v.windowMs }).get(KEY) ?? [];
  }
  it.each(ALGORITHMS)('%s: a correct limiter passes when the measured spread is passed in', (algo) => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const v = jittery(seed);
      const verdict = judgeWindowedAcceptance(runJittery(v, limiterFor(algo, v.limit, v.windowMs, mulberry32(seed))), { limit: v.limit, windowMs: v.windowMs, jitterMs: 0.3 * v.windowMs });
      if (!verdict.ok) failures.push(`${describeVariant(v, algo)}: ${verdict.reason}`);
    }
    expect(failures).toEqual([]);
  });
  it('a limit twice the stated one still fails with the jitter allowance', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const v = jittery(seed);
      const verdict = judgeWindowedAcceptance(runJittery(v, fixedWindow(2 * v.limit, v.windowMs)), { limit: v.limit, windowMs: v.windowMs, jitterMs: 0.3 * v.windowMs });
      expect(verdict.ok, describeVariant(v, 'fixed-window 2×')).toBe(false);
      expect(verdict.details?.jitterMs).toBe(0.3 * v.windowMs);
    }
  });
  it('refuses a negative jitterMs', () => {
    expect(judgeWindowedAcceptance([{ t: 0, status: 200 }], { limit: 1, windowMs: 1000, jitterMs: -1 }).reason).toMatch(/jitterMs/);
  });
});

describe('judgeWindowedAcceptance: a phase planned at exactly the minimum span', () => {
  // 300 sends at 60/s over 5 windows, limit 20: the phase started `lateMs` late and caught up,
  // so its last send is on time and its span is short by lateMs.
  const last = (299 * 1000) / 60;
  const phase = (lateMs: number): Observation[] =>
    Array.from({ length: 300 }, (_, i) => ({ t: lateMs + (i * (last - lateMs)) / 299, status: i % 60 < 20 ? 200 : 429 }));
  it.each([
    { lateMs: 0, conclusive: true },
    { lateMs: 17, conclusive: true }, // the CI flake: 4.99 windows
    { lateMs: 80, conclusive: true },
    { lateMs: 200, conclusive: false },
  ])('phase started $lateMs ms late: conclusive $conclusive', ({ lateMs, conclusive }) => {
    const v = judgeWindowedAcceptance(phase(lateMs), { limit: 20, windowMs: 1000 });
    if (conclusive) expect(v.reason).not.toMatch(/inconclusive/);
    else expect(v.reason).toMatch(/inconclusive: the phase spans 4\.\d+ windows, need at least 5/);
    if (conclusive) expect(v.ok, v.reason).toBe(true);
  });
});
