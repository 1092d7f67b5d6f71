// The scenario plans: what each scenario will do and which thresholds it owes, from the
// configuration alone, and every refusal (clear, at init, before any traffic).
import { describe, expect, it } from 'vitest';
import { readConfig, type Env } from '../../scenarios/lib/config';
import { planRateLimit } from '../../scenarios/lib/plan-rate-limit';
import { planRetryAfter } from '../../scenarios/lib/plan-retry-after';
import { countAddresses, planIsolation } from '../../scenarios/lib/plan-isolation';
import { mixWeights, opTable, planLoad } from '../../scenarios/lib/plan-load';
import { checkOptions } from './support/options-check';

const K = (c: string) => `rdk_live_${c.repeat(32)}`;
function fixtures(rateLimit: unknown = { limit: 10, windowSeconds: 0.5, algorithm: 'fixed-window', retryAfterFormat: 'delay-seconds' }, pool = 8) {
  return JSON.stringify({
    baseUrl: 'http://127.0.0.1:4010/v1',
    keys: { primary: K('a'), secondary: K('b'), other_org: K('c'), ratelimit: K('d'), revoked: K('e'), exhausted: K('f') },
    pool: Array.from({ length: pool }, (_, i) => K(String.fromCharCode(103 + i))),
    rateLimit,
  });
}
const cfgOf = (env: Env, text = fixtures()) => readConfig({ RUNDUN_FIXTURES: '/f.json', ...env }, () => text);
const thresholdKeys = (o: { thresholds?: Record<string, unknown> }) => Object.keys(o.thresholds ?? {}).sort();

describe('rate-limit plan', () => {
  it('known limit: under at half, over at 3x for 10 windows, one VU per key, a threshold per rule', () => {
    const p = planRateLimit(cfgOf({}));
    expect(p).toMatchObject({ mode: 'known', limit: 10, windowMs: 500, settleMs: 500, underMs: 2500, overMs: 5000, underFactor: 0.5, overload: 3 });
    expect(p.keys.map((k) => k.role)).toEqual(['ratelimit']);
    expect(p.policy).toEqual({ minSeconds: 1, maxSeconds: 2, expectedForm: 'delay-seconds' });
    expect(p.options.scenarios?.['rate-limit']).toMatchObject({ executor: 'per-vu-iterations', exec: 'rateLimit', vus: 1, iterations: 1 });
    expect(thresholdKeys(p.options)).toEqual([
      'checks{rule:ratelimit.429-status}',
      'checks{rule:ratelimit.enforced-per-key}',
      'checks{rule:ratelimit.error-body}',
      'checks{rule:ratelimit.retry-after-bounded}',
      'checks{rule:ratelimit.retry-after-positive}',
      'checks{rule:ratelimit.retry-after-present}',
      'checks{rule:ratelimit.retry-after-valid}',
      'checks{rule:ratelimit.under-limit-no-429}',
      'http_req_failed',
    ]);
  });

  it('no limit known: discovery first; no enforced-per-key or bounded threshold (nothing stated to hold it to)', () => {
    const p = planRateLimit(readConfig({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a') }, () => ''));
    expect(p.mode).toBe('discover');
    expect(p.windowAssumed).toBe(true);
    expect(p.discovery).toEqual({ rate: 100, durationMs: 10_000 });
    expect(thresholdKeys(p.options)).not.toContain('checks{rule:ratelimit.enforced-per-key}');
    expect(thresholdKeys(p.options)).not.toContain('checks{rule:ratelimit.retry-after-bounded}');
    expect(p.policy.maxSeconds).toBeUndefined();
  });

  it('several keys: one VU each', () => {
    const p = planRateLimit(cfgOf({ RUNDUN_KEYS_UNDER_TEST: '3' }));
    expect(p.keys.map((k) => k.role)).toEqual(['ratelimit', 'primary', 'pool-0']);
    expect(p.options.scenarios?.['rate-limit']).toMatchObject({ vus: 3 });
  });

  it.each<{ env: Env; why: RegExp }>([
    { env: { RUNDUN_OVER_DURATION: '2s' }, why: /RUNDUN_OVER_DURATION must span at least 5 windows \(2500 ms\)/ },
    { env: { RUNDUN_OVERLOAD: '2' }, why: /RUNDUN_OVERLOAD must be a number >= 3/ },
    { env: { RUNDUN_UNDER_FACTOR: '0.8' }, why: /RUNDUN_UNDER_FACTOR must be in \(0, 0.5\]/ },
    { env: { RUNDUN_KEYS_UNDER_TEST: '99' }, why: /RUNDUN_KEYS_UNDER_TEST must be an integer >= 1 and <= 64/ },
    { env: { RUNDUN_KEYS_UNDER_TEST: '20' }, why: /RUNDUN_KEYS_UNDER_TEST=20 but only 10 distinct key\(s\)/ },
    { env: { RUNDUN_SETTLE: 'later' }, why: /RUNDUN_SETTLE: 'later' is not a duration/ },
  ])('refuses $env', ({ env, why }) => {
    expect(() => planRateLimit(cfgOf(env))).toThrow(why);
  });
});

describe('retry-after plan', () => {
  it('honour keys and a separate tightness key; honoured at >= 99 %', () => {
    const p = planRetryAfter(cfgOf({ RUNDUN_DURATION: '8s' }));
    expect(p.honourKeys.map((k) => k.role)).toEqual(['ratelimit', 'primary']);
    expect(p.tightKey?.role).toBe('secondary');
    expect(p.overRate).toBe(60);
    expect(p.options.thresholds?.['checks{rule:ratelimit.retry-after-honoured}']).toEqual(['rate>=0.99']);
    expect(thresholdKeys(p.options)).not.toContain('checks{rule:ratelimit.retry-after-tight}');
    expect(Object.keys(p.options.scenarios ?? {})).toEqual(['honour', 'tightness']);
  });

  it('RUNDUN_TIGHTNESS=off drops the tightness scenario', () => {
    const p = planRetryAfter(cfgOf({ RUNDUN_TIGHTNESS: 'off' }));
    expect(p.tightKey).toBeNull();
    expect(Object.keys(p.options.scenarios ?? {})).toEqual(['honour']);
  });
});

describe('key-isolation plan', () => {
  it('throttled, two bystanders at half the limit, and one key spread over 4 VUs on 127.0.0.2-5', () => {
    const p = planIsolation(cfgOf({}));
    expect(p.throttled.role).toBe('ratelimit');
    expect(p.bystanders.map((k) => k.role)).toEqual(['secondary', 'other_org']);
    expect(p.overRate).toBe(60);
    expect(p.bystanderRate).toBe(10);
    expect(p.spread).toMatchObject({ vus: 4, localIPs: '127.0.0.2-127.0.0.5', addresses: 4, steadyWindows: 9, ratePerVu: 15 });
    // One key may accept about 9 windows × 10 (±10 %) + one window; offered 3× that.
    expect(p.spread?.acceptedMax).toBe(110);
    expect(p.spread?.acceptedMin).toBeGreaterThan(60);
    expect(p.spread?.acceptedMin).toBeLessThan(90);
    expect(p.spread?.sentMin).toBe(135);
    expect(p.options.localIPs).toBe('127.0.0.2-127.0.0.5');
    expect(p.options.thresholds?.['spread_accepted{rule:ratelimit.isolation}']).toEqual(['count<=110', `count>=${p.spread?.acceptedMin}`]);
  });

  it('RUNDUN_LOCAL_IPS=off keeps one source address; a remote target gets no localIPs by default', () => {
    expect(planIsolation(cfgOf({ RUNDUN_LOCAL_IPS: 'off' })).options.localIPs).toBeUndefined();
    const remote = readConfig(
      { RUNDUN_BASE_URL: 'https://staging.example.com/v1', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEY: K('a'), RUNDUN_API_KEY_SECONDARY: K('b'), RUNDUN_API_KEY_OTHER_ORG: K('c'), RUNDUN_API_KEY_RATELIMIT: K('d'), RUNDUN_RATE_LIMIT: '100/1m' },
      () => '',
    );
    const p = planIsolation(remote);
    expect(p.options.localIPs).toBeUndefined();
    expect(p.spread?.key.role).toBe('primary');
  });

  it.each<{ name: string; cfg: () => ReturnType<typeof cfgOf>; why: RegExp }>([
    { name: 'no limit', cfg: () => cfgOf({}, fixtures(null)), why: /key-isolation needs the per-key limit.*RUNDUN_RATE_LIMIT.*the target says it has none/ },
    {
      name: 'missing bystander keys',
      cfg: () => readConfig({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a'), RUNDUN_RATE_LIMIT: '10/1s' }, () => ''),
      why: /needs three keys/,
    },
    {
      name: 'no fourth key for the spread',
      cfg: () => readConfig({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY_RATELIMIT: K('a'), RUNDUN_API_KEY_SECONDARY: K('b'), RUNDUN_API_KEY_OTHER_ORG: K('c'), RUNDUN_API_KEY: K('a'), RUNDUN_RATE_LIMIT: '10/1s' }, () => ''),
      why: /spread part needs a fourth key.*RUNDUN_SPREAD=off/,
    },
    { name: 'a bad local address list', cfg: () => cfgOf({ RUNDUN_LOCAL_IPS: 'localhost' }), why: /RUNDUN_LOCAL_IPS: 'localhost' is not an IPv4 address/ },
  ])('refuses $name', ({ cfg, why }) => {
    expect(() => planIsolation(cfg())).toThrow(why);
  });

  it.each([
    ['127.0.0.2-127.0.0.5', 4],
    ['127.0.0.2', 1],
    ['127.0.0.2-127.0.0.3, 127.0.0.9', 3],
  ])('countAddresses(%j) = %d', (s, n) => {
    expect(countAddresses(s)).toBe(n);
  });
});

describe('load plans (capacity, soak, spike)', () => {
  it('capacity: ramp + hold per stage, plateaus for the knee, SLO thresholds, pool checked', () => {
    const p = planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s', RUNDUN_STAGES: '10,20,40', RUNDUN_STAGE_DURATION: '10s', RUNDUN_RAMP_DURATION: '2s' }), 'capacity');
    expect(p.peakRps).toBe(40);
    expect(p.plateaus).toEqual([
      { label: 'stage 1', rps: 10, fromMs: 2000, toMs: 12_000 },
      { label: 'stage 2', rps: 20, fromMs: 14_000, toMs: 24_000 },
      { label: 'stage 3', rps: 40, fromMs: 26_000, toMs: 36_000 },
    ]);
    expect(p.poolVerdict?.ok).toBe(true);
    expect(p.options.scenarios?.capacity).toMatchObject({ executor: 'ramping-arrival-rate', exec: 'load', startRate: 0 });
    expect(p.options.thresholds).toMatchObject({ http_req_duration: ['p(95)<300'], http_req_failed: ['rate<0.01'], dropped_iterations: ['count==0'] });
  });

  it.each<{ name: string; env: Env; text?: string; why: RegExp }>([
    { name: 'a pool too small for the peak rate', env: { RUNDUN_RATE_LIMIT: '20/1s', RUNDUN_STAGES: '10,100' }, why: /load.key-pool-sufficient: key pool too small: 100 rps .* needs 10 keys, have 8/ },
    { name: 'no limit to size the pool with', env: {}, text: JSON.stringify({ ...JSON.parse(fixtures()), rateLimit: undefined }), why: /size the key pool from the per-key limit: set RUNDUN_RATE_LIMIT/ },
    { name: 'fractional rates (k6 rates are integers)', env: { RUNDUN_STAGES: '2.5,5' }, why: /RUNDUN_STAGES must be whole requests per second/ },
    { name: 'a write share above 25 %', env: { RUNDUN_WRITE_SHARE: '0.5' }, why: /RUNDUN_WRITE_SHARE must be within 0..0.25/ },
  ])('capacity refuses $name', ({ env, text, why }) => {
    expect(() => planLoad(cfgOf(env, text), 'capacity')).toThrow(why);
  });

  it('rate limiting off: any pool will do', () => {
    const p = planLoad(cfgOf({ RUNDUN_STAGES: '500' }, fixtures(null)), 'capacity');
    expect(p.poolVerdict).toBeNull();
    expect(p.poolNote).toMatch(/no per-key rate limit/);
  });

  it('soak: constant arrival rate, quarters; spike: before / spike / after', () => {
    const soak = planLoad(cfgOf({ RUNDUN_DURATION: '8m', RUNDUN_SOAK_RATE: '20' }), 'soak');
    expect(soak.options.scenarios?.soak).toMatchObject({ executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '480000ms' });
    expect(soak.plateaus.map((q) => [q.fromMs, q.toMs])).toEqual([[0, 120_000], [120_000, 240_000], [240_000, 360_000], [360_000, 480_000]]);
    const spike = planLoad(cfgOf({ RUNDUN_BASE_RATE: '5', RUNDUN_SPIKE_RATE: '40' }), 'spike');
    expect(spike.plateaus.map((p) => `${p.label}@${p.rps}`)).toEqual(['before@5', 'spike@40', 'after@5']);
    expect(spike.peakRps).toBe(40);
  });

  it('writes (billable runs) only against loopback by default', () => {
    expect(planLoad(cfgOf({}), 'capacity').writeShare).toBe(0.05);
    const remote = readConfig({ RUNDUN_BASE_URL: 'https://s.example/v1', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEYS: K('a'), RUNDUN_RATE_LIMIT: 'off' }, () => '');
    expect(planLoad(remote, 'capacity').writeShare).toBe(0);
  });

  it('opTable interleaves the mix evenly with the stated shares', () => {
    const t = opTable(0.05);
    const w = mixWeights(0.05);
    for (const op of Object.keys(w) as Array<keyof typeof w>) expect(t.filter((o) => o === op).length).toBe(Math.round(w[op] * 100));
    // Any 20 consecutive iterations carry every read operation.
    for (let i = 0; i + 20 <= t.length; i++) expect(new Set(t.slice(i, i + 20)).size).toBeGreaterThanOrEqual(4);
    expect(opTable(0).includes('createRun')).toBe(false);
  });
});

describe('plan options are valid k6 options', () => {
  const exports = ['rateLimit', 'honour', 'tightness', 'throttledKey', 'bystanderKey', 'spreadKey', 'load'];
  const metrics = new Map([['spread_sent', 'counter'], ['spread_accepted', 'counter'], ['throttled_requests', 'counter']] as const);
  it.each([
    ['rate-limit', () => planRateLimit(cfgOf({})).options],
    ['rate-limit (discovery)', () => planRateLimit(cfgOf({}, fixtures(null))).options],
    ['retry-after', () => planRetryAfter(cfgOf({})).options],
    ['key-isolation', () => planIsolation(cfgOf({})).options],
    ['capacity', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s' }), 'capacity').options],
    ['soak', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s' }), 'soak').options],
    ['spike', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s' }), 'spike').options],
  ])('%s', (_name, options) => {
    expect(checkOptions(options(), { exports, metrics })).toEqual([]);
  });
});
