import { describe, expect, it } from 'vitest';
import { k6Duration, number, numberList, parseDuration, pickKeys, readK6Config, type Env } from '../../scenarios/lib/config';
import { pace, type Clock } from '../../scenarios/lib/pacing';
import { judgeRateLimitedBody } from '../../scenarios/lib/error-body';
import { sampleEvery, sampled } from '../../scenarios/lib/sampling';
import { retryAfterOutcomes } from '../../scenarios/lib/retry-after-cache';
import { judgeRetryAfter, parseRetryAfter } from '../../lib/retry-after';
import { planRateLimit } from '../../scenarios/lib/plan-rate-limit';

const K = (c: string) => `rdk_live_${c.repeat(32)}`;
const FIXTURES = JSON.stringify({
  baseUrl: 'http://127.0.0.1:4010/v1/',
  keys: { primary: K('a'), secondary: K('b'), other_org: K('c'), ratelimit: K('d'), revoked: K('e'), exhausted: K('f') },
  pool: [K('g'), K('h')],
  rateLimit: { limit: 20, windowSeconds: 1, algorithm: 'token-bucket', retryAfterFormat: 'http-date' },
});
const read = (files: Record<string, string>) => (p: string) => {
  const f = files[p];
  if (f === undefined) throw new Error('no such file');
  return f;
};

describe('readK6Config', () => {
  it('reads a simulator fixtures file: target, keys by role, pool, limit and Retry-After form', () => {
    const cfg = readK6Config({ RUNDUN_FIXTURES: '/f.json' }, read({ '/f.json': FIXTURES }));
    expect(cfg.target.baseUrl).toBe('http://127.0.0.1:4010/v1');
    expect(cfg.limit).toEqual({ limit: 20, windowMs: 1000 });
    expect(cfg.limitOff).toBe(false);
    expect(cfg.retryAfterFormat).toBe('http-date');
    expect(cfg.loopback).toBe(true);
    expect(cfg.keys.map((k) => k.role)).toEqual(['primary', 'secondary', 'other_org', 'exhausted', 'revoked', 'ratelimit', 'pool-0', 'pool-1']);
    expect(cfg.validateSample).toBe(0.1);
    expect(cfg.reportDir).toBe('reports');
  });

  it('lets RUNDUN_RATE_LIMIT override the fixtures, and RUNDUN_API_KEYS replace the pool', () => {
    const cfg = readK6Config({ RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: '5', RUNDUN_RATE_WINDOW: '500ms', RUNDUN_API_KEYS: ` ${K('x')}, ${K('y')} ,` }, read({ '/f.json': FIXTURES }));
    expect(cfg.limit).toEqual({ limit: 5, windowMs: 500 });
    expect(cfg.keys.filter((k) => k.role.startsWith('pool-')).map((k) => k.key)).toEqual([K('x'), K('y')]);
  });

  it('reads a staging target from RUNDUN_BASE_URL and RUNDUN_API_KEY* (primary falls back to the pool)', () => {
    const cfg = readK6Config({ RUNDUN_BASE_URL: 'https://staging.example.com/v1', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEYS: `${K('p')},${K('q')}`, RUNDUN_API_KEY_OTHER_ORG: K('o'), RUNDUN_RATE_LIMIT: '100/1m' }, read({}));
    expect(cfg.loopback).toBe(false);
    expect(cfg.limit).toEqual({ limit: 100, windowMs: 60_000 });
    expect(cfg.target.keys.primary).toBe(K('p'));
    expect(cfg.keys.map((k) => k.role)).toEqual(['primary', 'other_org', 'pool-0', 'pool-1']);
  });

  it.each([
    { name: 'fixtures with rate limiting off', env: { RUNDUN_FIXTURES: '/off.json' }, off: true, limit: null },
    { name: 'RUNDUN_RATE_LIMIT=off', env: { RUNDUN_BASE_URL: 'http://localhost:1/v1', RUNDUN_API_KEY: K('a'), RUNDUN_RATE_LIMIT: 'OFF' }, off: true, limit: null },
    { name: 'an explicit limit on an off simulator', env: { RUNDUN_FIXTURES: '/off.json', RUNDUN_RATE_LIMIT: '10/500ms' }, off: false, limit: { limit: 10, windowMs: 500 } },
    { name: 'nothing known', env: { RUNDUN_BASE_URL: 'http://[::1]:1/v1', RUNDUN_API_KEY: K('a') }, off: false, limit: null },
  ])('limit: $name', ({ env, off, limit }) => {
    const cfg = readK6Config(env, read({ '/off.json': JSON.stringify({ ...JSON.parse(FIXTURES), rateLimit: null }) }));
    expect(cfg.limitOff).toBe(off);
    expect(cfg.limit).toEqual(limit);
  });

  it.each<{ name: string; env: Env; why: RegExp }>([
    { name: 'no target', env: {}, why: /^rundun: no target: set RUNDUN_FIXTURES/ },
    { name: 'a remote target without consent', env: { RUNDUN_BASE_URL: 'https://api.rundun.app/v1', RUNDUN_API_KEY: K('a') }, why: /refusing to send traffic to 'api.rundun.app'.*RUNDUN_ALLOW_REMOTE=yes/ },
    { name: 'a remote target with a typo in consent', env: { RUNDUN_BASE_URL: 'https://api.rundun.app/v1', RUNDUN_API_KEY: K('a'), RUNDUN_ALLOW_REMOTE: 'sure' }, why: /refusing/ },
    { name: 'no key', env: { RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1' }, why: /no API key/ },
    { name: 'unreadable fixtures', env: { RUNDUN_FIXTURES: '/nope.json' }, why: /RUNDUN_FIXTURES: cannot read '\/nope.json'/ },
    { name: 'fixtures not JSON', env: { RUNDUN_FIXTURES: '/bad.json' }, why: /RUNDUN_FIXTURES: not valid JSON/ },
    { name: 'a bad limit', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_RATE_LIMIT: 'twenty' }, why: /RUNDUN_RATE_LIMIT \/ RUNDUN_RATE_WINDOW: rate/ },
    { name: 'a bad sample rate', env: { RUNDUN_FIXTURES: '/f.json', RUNDUN_VALIDATE_SAMPLE: '2' }, why: /RUNDUN_VALIDATE_SAMPLE must be a number >= 0 and <= 1, got '2'/ },
  ])('refuses $name', ({ env, why }) => {
    expect(() => readK6Config(env, read({ '/f.json': FIXTURES, '/bad.json': '{' }))).toThrow(why);
  });

  // RUNDUN_RATE_WINDOW is read once, by the shared reader, in the one duration grammar (it was
  // parsed again in plan-rate-limit.ts with another grammar).
  it.each([
    { window: '1.5s', ms: 1500, assumed: false },
    { window: '30', ms: 30_000, assumed: false },
    { window: '1m', ms: 60_000, assumed: false },
    { window: '', ms: 1000, assumed: true },
  ])('RUNDUN_RATE_WINDOW=$window alone: discovery assumes a $ms ms window', ({ window, ms, assumed }) => {
    const p = planRateLimit(readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a'), RUNDUN_RATE_WINDOW: window }, read({})));
    expect(p).toMatchObject({ mode: 'discover', windowMs: ms, windowAssumed: assumed });
  });

  it.each(['0.5ms', '0s', '1m30s', 'soon'])('RUNDUN_RATE_WINDOW=%s is refused at init, not in a planner', (window) => {
    expect(() => readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a'), RUNDUN_RATE_WINDOW: window }, read({}))).toThrow(/^rundun: RUNDUN_RATE_LIMIT \/ RUNDUN_RATE_WINDOW: /);
  });

  it('never puts a key into an error message', () => {
    for (const env of [
      { RUNDUN_BASE_URL: `https://x.example/${K('z')}`, RUNDUN_API_KEY: K('a') },
      { RUNDUN_BASE_URL: `ftp://127.0.0.1/${K('a')}`, RUNDUN_API_KEY: K('a') },
      { RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: 'not-key-shaped-secret', RUNDUN_RATE_LIMIT: 'not-key-shaped-secret' },
    ]) {
      expect(() => readK6Config(env, read({}))).toThrow(/^rundun: /);
      try {
        readK6Config(env, read({}));
      } catch (e) {
        expect((e as Error).message).not.toContain(env.RUNDUN_API_KEY);
      }
    }
  });
});

describe('pickKeys', () => {
  const cfg = readK6Config({ RUNDUN_FIXTURES: '/f.json' }, read({ '/f.json': FIXTURES }));
  it('prefers the named roles, then the pool, never the same key twice, never an excluded one', () => {
    expect(pickKeys(cfg, ['ratelimit', 'primary'], 3).map((k) => k.role)).toEqual(['ratelimit', 'primary', 'pool-0']);
    const first = pickKeys(cfg, ['ratelimit'], 1);
    expect(pickKeys(cfg, ['ratelimit', 'secondary'], 2, first).map((k) => k.role)).toEqual(['secondary', 'pool-0']);
    expect(pickKeys(cfg, ['nope'], 9).map((k) => k.role)).toEqual(['pool-0', 'pool-1']);
  });

  it('treats two roles with the same key as one key', () => {
    const same = readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a'), RUNDUN_API_KEY_RATELIMIT: K('a') }, read({}));
    expect(pickKeys(same, ['ratelimit', 'primary'], 2)).toHaveLength(1);
  });
});

describe('env readers', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['30', 30_000],
  ])('parseDuration(%j) = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10 s', '1m30s', '-1s', 'soon', ''])('parseDuration rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });

  it('number() names the variable and the allowed range', () => {
    expect(number({ X: '3' }, 'X', 1, { min: 1, integer: true })).toBe(3);
    expect(number({}, 'X', 7)).toBe(7);
    expect(() => number({ X: '1.5' }, 'X', 1, { integer: true })).toThrow(/^rundun: X must be an integer, got '1.5'$/);
    expect(() => number({ X: '0' }, 'X', 1, { min: 1, max: 5 })).toThrow(/X must be a number >= 1 and <= 5, got '0'/);
  });

  it('numberList() and k6Duration()', () => {
    expect(numberList({ S: '10, 20,40' }, 'S', [1])).toEqual([10, 20, 40]);
    expect(numberList({}, 'S', [1])).toEqual([1]);
    expect(() => numberList({ S: '10,,x' }, 'S', [1])).toThrow(/S must be comma-separated positive numbers/);
    expect(k6Duration(1500.2)).toBe('1501ms');
  });
});

class FakeClock implements Clock {
  t = 1_000_000;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleepMs(ms: number): void {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

describe('pace', () => {
  it('sends on an absolute schedule, rate × duration sends, no drift from send latency', () => {
    const c = new FakeClock();
    const at: number[] = [];
    const r = pace(c, { rate: 10, durationMs: 1000 }, (_i, t) => {
      at.push(t - 1_000_000);
      c.t += 7; // latency
    });
    expect(r.sent).toBe(10);
    expect(at).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(r.late).toBe(0);
  });

  it('re-anchors instead of bursting after a stall, and counts the late sends', () => {
    const c = new FakeClock();
    const at: number[] = [];
    pace(c, { rate: 10, durationMs: 1000 }, (i, t) => {
      at.push(t - 1_000_000);
      if (i === 2) c.t += 350; // a stall of 3.5 intervals
    });
    expect(at).toEqual([0, 100, 200, 550, 650, 750, 850, 950]);
    // No two sends closer than the interval: the stall is not made up with a burst.
    for (let i = 1; i < at.length; i++) expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(100);
  });

  it('stops when send returns false, at maxSends, or at the end of the phase', () => {
    const c = new FakeClock();
    expect(pace(c, { rate: 100, durationMs: 1000 }, (i) => i < 4).sent).toBe(5);
    expect(pace(c, { rate: 100, durationMs: 1000, maxSends: 3 }, () => undefined).sent).toBe(3);
    expect(pace(c, { rate: 100, durationMs: 0 }, () => undefined).sent).toBe(0);
    const slow = new FakeClock();
    expect(pace(slow, { rate: 100, durationMs: 100 }, () => void (slow.t += 60)).sent).toBe(2);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects rate %d', (rate) => {
    expect(() => pace(new FakeClock(), { rate, durationMs: 10 }, () => undefined)).toThrow(RangeError);
  });
});

describe('verdict helpers', () => {
  const judge = (v: string | undefined, max?: number) => judgeRetryAfter(parseRetryAfter(v, 'Sun, 06 Nov 1994 08:49:37 GMT'), { minSeconds: 1, ...(max ? { maxSeconds: max } : {}) });
  it.each([
    { v: '2', max: 3, out: 'present+ valid+ positive+ bounded+' },
    { v: '2', max: undefined, out: 'present+ valid+ positive+' },
    { v: undefined, max: 3, out: 'present-' },
    { v: '1.5', max: 3, out: 'present+ valid-' },
    { v: '0', max: 3, out: 'present+ valid+ positive-' },
    { v: '60', max: 3, out: 'present+ valid+ positive+ bounded-' },
    { v: 'Sun, 06 Nov 1994 08:49:39 GMT', max: 3, out: 'present+ valid+ positive+ bounded+' },
  ])('Retry-After $v (max $max) -> $out', ({ v, max, out }) => {
    const o = retryAfterOutcomes(judge(v, max), max !== undefined);
    expect(o.map((x) => `${x.rule.replace('ratelimit.retry-after-', '')}${x.ok ? '+' : '-'}`).join(' ')).toBe(out);
  });

  it.each([
    { body: '{"error":"rate_limited","message":"Slow down."}', ok: true, why: /rate_limited error/ },
    { body: '{"error":"rate_limited","message":""}', ok: false, why: /not an Error/ },
    { body: '{"error":"too_many","message":"x"}', ok: false, why: /'too_many', expected 'rate_limited'/ },
    { body: 'Too Many Requests', ok: false, why: /not JSON/ },
    { body: null, ok: false, why: /without a body/ },
  ])('429 body $body', ({ body, ok, why }) => {
    const v = judgeRateLimitedBody(body);
    expect(v.ok).toBe(ok);
    expect(v.reason).toMatch(why);
  });

  it.each([
    [0, Number.POSITIVE_INFINITY, [false, false, false]],
    [1, 1, [true, true, true]],
    [0.1, 10, [true, false, false]],
    [0.3, 3, [true, false, false]],
  ] as const)('sample rate %d -> every %d', (rate, every, first3) => {
    expect(sampleEvery(rate)).toBe(every);
    expect([0, 1, 2].map((i) => sampled(i, sampleEvery(rate)))).toEqual(first3);
  });
});

describe('keys from k6 secret source (RUNDUN_SECRETS=yes)', () => {
  const base = { RUNDUN_BASE_URL: 'http://127.0.0.1:4010/v1', RUNDUN_SECRETS: 'yes' };
  it('says where the keys came from, by secret name, never by value', () => {
    const cfg = readK6Config({ ...base, RUNDUN_API_KEY: K('a'), RUNDUN_API_KEYS: `${K('b')},${K('c')}` }, read({}), ['RUNDUN_API_KEY', 'RUNDUN_API_KEYS']);
    expect(cfg.source).toBe("RUNDUN_BASE_URL, keys from k6's secret source (primary, pool)");
    expect(cfg.keys.map((k) => k.role)).toEqual(['primary', 'pool-0', 'pool-1']);
  });
  it('refuses to run when the secret source gave nothing (a forgotten --secret-source)', () => {
    expect(() => readK6Config({ ...base, RUNDUN_API_KEY: K('a') }, read({}), [])).toThrow(/RUNDUN_SECRETS=yes but k6's secret source gave no key.*--secret-source=file=/);
  });
  it('a spread key of its own (RUNDUN_API_KEY_SPREAD)', () => {
    const cfg = readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:4010/v1', RUNDUN_API_KEY: K('a'), RUNDUN_API_KEY_SPREAD: K('z') }, read({}));
    expect(cfg.keys.find((k) => k.role === 'spread')?.key).toBe(K('z'));
  });
});
