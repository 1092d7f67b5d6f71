import { describe, expect, it } from 'vitest';
import { judgeUnderLimit, type Observation } from '../../../lib/ratelimit';
import { constantArrival, fixedWindow, mulberry32, serve, slidingLog, slidingWindowCounter, tokenBucket, type Limiter } from '../support/limiter-models';

const at = (ts: number[], status = 200): Observation[] => ts.map((t) => ({ t, status }));

describe('judgeUnderLimit', () => {
  it.each([
    { name: 'all 200', obs: at([0, 100, 200]), pass: true, why: /no 429 in 3 requests/ },
    { name: 'errors and 4xx are fine', obs: [...at([0, 100]), ...at([50], 0), ...at([150], 401), ...at([160], 404)], pass: true, why: /no 429 in 4 requests/ },
    { name: 'one 429', obs: [...at([1000, 1100]), ...at([1234], 429)], pass: false, why: /^1 of 3 requests got 429 under the limit, first at \+234 ms$/ },
    { name: 'many 429s list the first five', obs: [...at([0]), ...at([10, 20, 30, 40, 50, 60, 70], 429)], pass: false, why: /7 of 8 .*first at \+10 ms, \+20 ms, \+30 ms, \+40 ms, \+50 ms, …$/ },
    { name: 'no data', obs: [], pass: false, why: /inconclusive: no request got a response/ },
    { name: 'only network errors', obs: at([1, 2], 0), pass: false, why: /2 network errors/ },
    { name: 'NaN time', obs: [{ t: Number.NaN, status: 200 }], pass: false, why: /harness bug/ },
  ])('$name', ({ obs, pass, why }) => {
    const v = judgeUnderLimit(obs);
    expect(v.ok).toBe(pass);
    expect(v.rule).toBe('ratelimit.under-limit-no-429');
    expect(v.reason).toMatch(why);
  });

  it('is inconclusive when the phase itself went over the limit', () => {
    const obs = at(Array.from({ length: 12 }, (_, i) => i * 50));
    const v = judgeUnderLimit(obs, { limit: 10, windowMs: 1000 });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/inconclusive: the phase itself sent 12 requests within 1000 ms from \+0 ms, over the limit of 10/);
    expect(judgeUnderLimit(obs, { limit: 12, windowMs: 1000 }).ok).toBe(true);
  });

  const L = 20;
  const W = 1000;
  it.each([
    ['fixed window', () => fixedWindow(L, W, 77)],
    ['sliding log', () => slidingLog(L, W)],
    ['token bucket', () => tokenBucket(L, W)],
    ['sliding window counter', () => slidingWindowCounter(L, W, 77)],
  ] as Array<[string, () => Limiter]>)('half the limit through a correct %s: no 429; through one at 40 %% of the stated limit: 429s', (_n, make) => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = mulberry32(seed);
      const sends = constantArrival(rng, { key: 'k', startMs: 0, durationMs: 10 * W, perSecond: (0.5 * L * 1000) / W, jitterMs: 5 });
      const good = judgeUnderLimit(serve(make(), sends, rng, { latencyJitterMs: 20 }).get('k') ?? [], { limit: L, windowMs: W });
      expect(good.ok, good.reason).toBe(true);
    }
    const rng = mulberry32(99);
    const sends = constantArrival(rng, { key: 'k', startMs: 0, durationMs: 10 * W, perSecond: (0.5 * L * 1000) / W });
    const strict = _n === 'fixed window' ? fixedWindow(0.4 * L, W, 77) : _n === 'sliding log' ? slidingLog(0.4 * L, W) : _n === 'token bucket' ? tokenBucket(0.4 * L, W) : slidingWindowCounter(0.4 * L, W, 77);
    const bad = judgeUnderLimit(serve(strict, sends, rng).get('k') ?? [], { limit: L, windowMs: W });
    expect(bad.ok).toBe(false);
    expect(bad.reason).toMatch(/requests got 429 under the limit/);
  });
});
