import { describe, expect, it } from 'vitest';
import { judgeHonoured, judgeTightness, type Episode } from '../../../lib/ratelimit';
import { fixedWindow, mulberry32, slidingLog, tokenBucket, uniform, type Limiter, type Rng } from '../support/limiter-models';

/**
 * Episodes against a reference limiter: flood a key until 429, take the server's Retry-After
 * (the exact wait, rounded by `round`), wait it plus a small margin, probe once.
 */
function episodes(limiter: Limiter, round: (waitMs: number) => number, n: number, rng: Rng): Episode[] {
  const out: Episode[] = [];
  let t = 1_000_000;
  for (let e = 0; e < n; e++) {
    while (limiter.admit('k', t)) t += uniform(rng, 1, 10);
    const exact = limiter.waitMs?.('k', t) ?? 0;
    const retryAfterSeconds = round(exact);
    const waitedMs = retryAfterSeconds * 1000 + uniform(rng, 1, 50);
    const probeStatus = limiter.admit('k', t + waitedMs) ? 200 : 429;
    out.push({ retryAfterSeconds, waitedMs, probeStatus, earliestSuccessAfterMs: exact });
    t += waitedMs + uniform(rng, 0, 3000);
  }
  return out;
}

const LIMITERS: Array<[string, () => Limiter]> = [
  ['fixed window 10/1 s', () => fixedWindow(10, 1000, 123)],
  ['fixed window 5/10 s', () => fixedWindow(5, 10_000, 4567)],
  ['sliding log 10/1 s', () => slidingLog(10, 1000)],
  ['sliding log 3/5 s', () => slidingLog(3, 5000)],
  ['token bucket 10/1 s', () => tokenBucket(10, 1000)],
  ['token bucket 2/30 s', () => tokenBucket(2, 30_000)],
];

describe('judgeHonoured and judgeTightness on reference limiters', () => {
  it.each(LIMITERS)('%s with Retry-After rounded up: honoured and tight', (_name, make) => {
    for (let seed = 1; seed <= 20; seed++) {
      const eps = episodes(make(), (ms) => Math.max(1, Math.ceil(ms / 1000)), 30, mulberry32(seed));
      const honoured = judgeHonoured(eps);
      expect(honoured.ok, honoured.reason).toBe(true);
      expect(honoured.rule).toBe('ratelimit.retry-after-honoured');
      expect(honoured.details?.rate).toBe(1);
      const tight = judgeTightness(eps);
      expect(tight.ok, tight.reason).toBe(true);
      expect(tight.details?.tooShort).toBe(0);
    }
  });

  it.each(LIMITERS)('%s with Retry-After rounded down: not honoured', (_name, make) => {
    const eps = episodes(make(), (ms) => Math.floor(ms / 1000), 50, mulberry32(7));
    const v = judgeHonoured(eps);
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/Retry-After is too short \(#\d+: Retry-After \d+ s, waited \d+ ms, got 429/);
    expect(judgeTightness(eps).details?.tooShort).toBeGreaterThan(0);
  });

  it.each(LIMITERS)('%s with Retry-After always 2 windows: honoured but not tight', (name, make) => {
    const windowSeconds = Number(/\/(\d+) s/.exec(name)?.[1]);
    const eps = episodes(make(), () => 2 * windowSeconds, 30, mulberry32(9));
    expect(judgeHonoured(eps).ok).toBe(true);
    const tight = judgeTightness(eps);
    expect(tight.ok).toBe(false);
    expect(tight.rule).toBe('ratelimit.retry-after-tight');
    expect(tight.reason).toMatch(/p95 \d+ ms .* allowed ≤ 1250 ms.*longer than needed/);
  });
});

describe('judgeHonoured: eligibility and thresholds', () => {
  const ok = (ra = 1, waited = 1050): Episode => ({ retryAfterSeconds: ra, waitedMs: waited, probeStatus: 200 });
  const throttled = (ra = 1, waited = 1050): Episode => ({ retryAfterSeconds: ra, waitedMs: waited, probeStatus: 429 });
  it.each([
    { name: 'no episodes', eps: [], opts: {}, pass: false, why: /inconclusive: 0 of 0 episodes/ },
    { name: 'all waited too little', eps: [throttled(2, 1500), throttled(1, 999)], opts: {}, pass: false, why: /inconclusive: 0 of 2/ },
    { name: 'network error probes are ignored', eps: [{ retryAfterSeconds: 1, waitedMs: 1100, probeStatus: 0 }, ok()], opts: {}, pass: true, why: /1 of 1 retries/ },
    { name: 'non-finite Retry-After ignored', eps: [{ retryAfterSeconds: Number.NaN, waitedMs: 1100, probeStatus: 429 }, ok()], opts: {}, pass: true, why: /1 of 1/ },
    { name: 'short wait 429 does not count against the server', eps: [throttled(3, 2000), ok(1), ok(2, 2000)], opts: {}, pass: true, why: /2 of 2/ },
    { name: 'one failure in 100 at minRate 0.99', eps: [...Array.from({ length: 99 }, () => ok()), throttled()], opts: {}, pass: true, why: /99 of 100 .*99 %/ },
    { name: 'two failures in 100 at minRate 0.99', eps: [...Array.from({ length: 98 }, () => ok()), throttled(), throttled()], opts: {}, pass: false, why: /98 of 100 .*too short/ },
    { name: 'minRate 1 is strict', eps: [...Array.from({ length: 99 }, () => ok()), throttled()], opts: { minRate: 1 }, pass: false, why: /need ≥ 100 %/ },
    { name: 'minEpisodes', eps: [ok(), ok()], opts: { minEpisodes: 3 }, pass: false, why: /need 3/ },
    { name: '4xx/5xx probe passed the limiter', eps: [{ retryAfterSeconds: 1, waitedMs: 1000, probeStatus: 401 }], opts: {}, pass: true, why: /1 of 1/ },
  ])('$name', ({ eps, opts, pass, why }) => {
    const v = judgeHonoured(eps, opts);
    expect(v.ok).toBe(pass);
    expect(v.reason).toMatch(why);
  });

  it('reports overwait and at most 5 failures', () => {
    const v = judgeHonoured(Array.from({ length: 10 }, (_, i) => throttled(1, 1000 + i * 10)));
    expect(v.details?.failures).toHaveLength(5);
    expect(v.details?.overwaitMs).toMatchObject({ min: 0, max: 90, count: 10 });
  });
});

describe('judgeTightness: edge cases', () => {
  it.each([
    { name: 'nothing measured', eps: [{ retryAfterSeconds: 1, waitedMs: 1000, probeStatus: 200 }], policy: {}, pass: false, why: /inconclusive/ },
    { name: 'slack just under 1 s', eps: [{ retryAfterSeconds: 1, waitedMs: 1000, probeStatus: 200, earliestSuccessAfterMs: 1 }], policy: {}, pass: true, why: /p95 999 ms/ },
    { name: 'custom bound', eps: [{ retryAfterSeconds: 1, waitedMs: 1000, probeStatus: 200, earliestSuccessAfterMs: 1 }], policy: { maxSlackMs: 500 }, pass: false, why: /allowed ≤ 500 ms/ },
    { name: 'finer probes tighten the default', eps: [{ retryAfterSeconds: 2, waitedMs: 2000, probeStatus: 200, earliestSuccessAfterMs: 900 }], policy: { probeResolutionMs: 50 }, pass: false, why: /p95 1100 ms .*allowed ≤ 1050 ms/ },
    { name: 'max instead of p95', eps: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1900].map((s) => ({ retryAfterSeconds: 2, waitedMs: 2000, probeStatus: 200, earliestSuccessAfterMs: 2000 - s })), policy: { percentile: 100 as const }, pass: false, why: /max 1900 ms/ },
  ])('$name', ({ eps, policy, pass, why }) => {
    const v = judgeTightness(eps, policy);
    expect(v.ok).toBe(pass);
    expect(v.reason).toMatch(why);
  });
});
