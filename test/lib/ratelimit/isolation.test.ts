import { describe, expect, it } from 'vitest';
import { judgeIsolation, type IsolationInput, type Observation } from '../../../lib/ratelimit';
import { constantArrival, fixedWindow, mulberry32, serve, sharedAcrossKeys, slidingLog, tokenBucket, type Limiter } from '../support/limiter-models';

const L = 10;
const W = 1000;
const START = 5_000_000;

/** Key A floods at 3× for 5 windows; bystanders send at `share` of the limit meanwhile. */
function traffic(limiter: Limiter, seed: number, bystanders: Record<string, number>): { throttled: Observation[]; bystanders: Record<string, Observation[]> } {
  const rng = mulberry32(seed);
  const sends = constantArrival(rng, { key: 'A', startMs: START, durationMs: 5 * W, perSecond: 3 * L, jitterMs: 5 });
  for (const [role, share] of Object.entries(bystanders)) {
    sends.push(...constantArrival(rng, { key: role, startMs: START + 100, durationMs: 6 * W, perSecond: share * L, jitterMs: 5 }));
  }
  const obs = serve(limiter, sends, rng, { latencyMs: 2, latencyJitterMs: 20 });
  return { throttled: obs.get('A') ?? [], bystanders: Object.fromEntries(Object.keys(bystanders).map((r) => [r, obs.get(r) ?? []])) };
}

/** Limits per org: keys A and secondary share org-a's bucket. */
function perOrg(inner: Limiter): Limiter {
  return { admit: (key, t) => inner.admit(key === 'other_org' ? 'org-b' : 'org-a', t) };
}

describe('judgeIsolation on reference limiters', () => {
  const per = [
    ['fixed window', () => fixedWindow(L, W, 321)],
    ['sliding log', () => slidingLog(L, W)],
    ['token bucket', () => tokenBucket(L, W)],
  ] as const;

  it.each(per)('per-key %s: isolated', (_n, make) => {
    for (let seed = 1; seed <= 20; seed++) {
      const v = judgeIsolation(traffic(make(), seed, { secondary: 0.2, other_org: 0.2 }), { limit: L, windowMs: W });
      expect(v.ok, v.reason).toBe(true);
      expect(v.rule).toBe('ratelimit.isolation');
      expect(v.reason).toMatch(/^no bystander throttled while the throttled key got \d+ 429s \(secondary \d+ ok, other_org \d+ ok\)$/);
    }
  });

  it.each(per)('one %s shared by all keys: both bystanders leak', (_n, make) => {
    const v = judgeIsolation(traffic(sharedAcrossKeys(make()), 3, { secondary: 0.2, other_org: 0.2 }), { limit: L, windowMs: W });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/secondary got \d+ 429\(s\) while sending at most 5 per 1000 ms.*other_org got \d+ 429/);
  });

  it.each(per)('%s per org: the same-org key leaks, the other org does not', (_n, make) => {
    const v = judgeIsolation(traffic(perOrg(make()), 4, { secondary: 0.2, other_org: 0.2 }), { limit: L, windowMs: W });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/^secondary got/);
    expect(v.reason).not.toMatch(/other_org/);
    expect(v.details?.bystanders.find((b) => b.role === 'other_org')?.leaks).toBe(0);
  });

  it('a busy bystander that earns its own 429s is not an isolation failure', () => {
    const v = judgeIsolation(traffic(slidingLog(L, W), 5, { greedy: 2, quiet: 0.2 }), { limit: L, windowMs: W });
    expect(v.ok, v.reason).toBe(true);
    expect(v.details?.bystanders.find((b) => b.role === 'greedy')?.busy429s).toBeGreaterThan(0);
  });
});

describe('judgeIsolation: inconclusive and bad input', () => {
  const at = (ts: number[], status = 200): Observation[] => ts.map((t) => ({ t, status }));
  const throttledA = [...at([0, 10, 20]), ...at([30, 40], 429)];
  it.each<{ name: string; input: IsolationInput; why: RegExp }>([
    { name: 'throttled key never throttled', input: { throttled: at([0, 10]), bystanders: { b: at([5]) } }, why: /inconclusive: the throttled key never got 429 \(2 requests\)/ },
    { name: 'no bystanders', input: { throttled: throttledA, bystanders: {} }, why: /no bystander keys/ },
    { name: 'bystander silent during throttling', input: { throttled: throttledA, bystanders: { b: at([5000]) } }, why: /inconclusive for b: it sent nothing while/ },
    { name: 'bystander with no observations', input: { throttled: throttledA, bystanders: { b: [] } }, why: /inconclusive for b/ },
    { name: 'quiet bystander 429', input: { throttled: throttledA, bystanders: { b: at([35], 429) } }, why: /^b got 1 429\(s\) while sending at most 5 per 1000 ms \(first at 5 ms from the throttled key's first 429\)$/ },
  ])('$name', ({ input, why }) => {
    const v = judgeIsolation(input, { limit: L, windowMs: W });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(why);
  });

  it('never prints a key used as a role name', () => {
    const key = 'rdk_live_a3f9bc4d8e1f2a3b4c5d6e7f8a9b0c1d';
    const v = judgeIsolation({ throttled: throttledA, bystanders: { [key]: at([35], 429) } }, { limit: L, windowMs: W });
    expect(v.reason).not.toContain(key);
    expect(v.reason).toContain('rdk_live_…0c1d');
    expect(JSON.stringify(v.details)).not.toContain(key);
  });

  it('rejects non-positive limits', () => {
    expect(judgeIsolation({ throttled: throttledA, bystanders: {} }, { limit: 0, windowMs: W }).reason).toMatch(/invalid options/);
  });

  it('quietFraction decides which 429s count', () => {
    // Bystander sent 4 in the window up to its 429: a leak at quietFraction 0.5 (5), not at 0.3 (3).
    const b = [...at([31, 32, 33]), ...at([34], 429)];
    expect(judgeIsolation({ throttled: throttledA, bystanders: { b } }, { limit: L, windowMs: W }).ok).toBe(false);
    expect(judgeIsolation({ throttled: throttledA, bystanders: { b } }, { limit: L, windowMs: W, quietFraction: 0.3 }).ok).toBe(true);
  });
});

describe('judgeIsolation with response times: stalls never become false alarms', () => {
  /**
   * Bystander at half its limit, but the path to the server holds requests and releases them in
   * bursts every `holdMs` (a stalled network or load generator): a correct per-key limiter then
   * rightly rejects part of each burst. `rt` is when the response arrived.
   */
  function stalled(limiter: Limiter, holdMs: number, shareOfA = 0): { throttled: Observation[]; bystanders: Record<string, Observation[]> } {
    const rng = mulberry32(7);
    const a = constantArrival(rng, { key: 'A', startMs: START, durationMs: 6 * W, perSecond: 3 * L });
    const b = constantArrival(rng, { key: 'secondary', startMs: START + 100, durationMs: 6 * W, perSecond: 0.5 * L });
    const arrivals = [
      ...a.map((s) => ({ s, at: s.t + 1 })),
      ...b.map((s) => ({ s, at: START + Math.ceil((s.t - START) / holdMs) * holdMs + 1 })),
    ].sort((x, y) => x.at - y.at);
    const out: Record<string, Observation[]> = { A: [], secondary: [] };
    for (const { s, at } of arrivals) {
      const key = shareOfA > 0 && s.key === 'secondary' ? 'A' : s.key; // shared bucket when asked
      out[s.key]!.push({ t: s.t, status: limiter.admit(key, at) ? 200 : 429, rt: at + 1 });
    }
    return { throttled: out.A!, bystanders: { secondary: out.secondary!.sort((x, y) => x.t - y.t) } };
  }
  it.each([
    ['fixed window', () => fixedWindow(L, W, 0)],
    ['sliding log', () => slidingLog(L, W)],
    ['token bucket', () => tokenBucket(L, W)],
  ] as const)('%s: bursts released by a 3 s stall are rightly throttled, not a leak', (_name, make) => {
    const input = stalled(make(), 3000);
    expect(input.bystanders.secondary!.some((o) => o.status === 429)).toBe(true); // the stall really caused 429s
    const v = judgeIsolation(input, { limit: L, windowMs: W });
    expect(v.ok, v.reason).toBe(true);
    // The same traffic judged on send times alone looks like a leak: that is the false alarm avoided.
    const sendOnly = { ...input, bystanders: { secondary: input.bystanders.secondary!.map(({ t, status }) => ({ t, status })) } };
    expect(judgeIsolation(sendOnly, { limit: L, windowMs: W }).ok).toBe(false);
  });
  it('a bucket shared with the throttled key is still a leak with response times', () => {
    const v = judgeIsolation(stalled(slidingLog(L, W), 1, 1), { limit: L, windowMs: W });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/secondary got \d+ 429\(s\) that its own limit of 10 per 1000 ms cannot explain: at most \d+ of its requests/);
  });
});
