// The scenario plans: what each scenario will do and which thresholds it owes, from the
// configuration alone, and every refusal (clear, at init, before any traffic).
import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_RULES } from './support/rules';
import { readK6Config, type Env } from '../../scenarios/lib/config';
import { planRateLimit } from '../../scenarios/lib/plan-rate-limit';
import { planRetryAfter } from '../../scenarios/lib/plan-retry-after';
import { countAddresses, expandAddresses, planIsolation } from '../../scenarios/lib/plan-isolation';
import { mixWeights, opTable, planLoad, vuSizing } from '../../scenarios/lib/plan-load';
import { parseK6Duration } from './support/options-check';
import { arrivalTimes } from './support/emulator';
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
const cfgOf = (env: Env, text = fixtures()) => readK6Config({ RUNDUN_FIXTURES: '/f.json', ...env }, () => text);
const thresholdKeys = (o: { thresholds?: Record<string, unknown> }) => Object.keys(o.thresholds ?? {}).sort();

describe('rate-limit plan', () => {
  it('known limit: under at half, over at 3x for 10 windows, one VU per key, a threshold per rule', () => {
    const p = planRateLimit(cfgOf({}));
    expect(p).toMatchObject({ mode: 'known', limit: 10, windowMs: 500, settleMs: 500, underMs: 2500, overMs: 5000, underFactor: 0.5, overload: 3 });
    expect(p.keys.map((k) => k.role)).toEqual(['ratelimit']);
    expect(p.policy).toEqual({ minSeconds: 1, maxSeconds: 2, expectedForm: 'delay-seconds' });
    expect(p.options.scenarios?.['rate-limit']).toMatchObject({ executor: 'per-vu-iterations', exec: 'rateLimit', vus: 1, iterations: 1 });
    const rules = RATE_LIMIT_RULES;
    // Per rule: its checks all passed; every key's VU owes every rule (its account records a
    // rule it never judged as failed) and must settle (rundun_vus_finished), whatever the
    // number of instances: nothing is sized by a count.
    expect(thresholdKeys(p.options)).toEqual([...rules.map((r) => `checks{rule:${r}}`), 'http_req_failed', 'rundun_vus_finished']);
    for (const r of rules) expect(p.options.thresholds?.[`checks{rule:${r}}`]).toEqual(['rate==1']);
    expect(p.options.thresholds?.rundun_vus_finished).toEqual(['rate>=0.5']);
    expect([...p.rules].sort()).toEqual([...rules].sort());
  });

  it('the same thresholds for 1 or 3 keys: each VU settles its own account', () => {
    expect(planRateLimit(cfgOf({ RUNDUN_KEYS_UNDER_TEST: '3' })).options.thresholds).toEqual(planRateLimit(cfgOf({})).options.thresholds);
  });

  it('no limit known: discovery first; no enforced-per-key or bounded threshold (nothing stated to hold it to)', () => {
    const p = planRateLimit(readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a') }, () => ''));
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
    // Each honour VU owes every rule (a failed one when it had no episode), settled per VU.
    expect(p.options.thresholds?.rundun_vus_finished).toEqual(['rate>=0.5']);
    expect(p.rules).toContain('ratelimit.retry-after-present');
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
  it('throttled, two bystanders at half the limit, and one key spread over 4 VUs on the K6_LOCAL_IPS addresses', () => {
    const p = planIsolation(cfgOf({ K6_LOCAL_IPS: '127.0.0.2-127.0.0.5' }));
    expect(p.throttled.role).toBe('ratelimit');
    expect(p.bystanders.map((k) => k.role)).toEqual(['secondary', 'other_org']);
    expect(p.overRate).toBe(60);
    expect(p.bystanderRate).toBe(10);
    expect(p.spread).toMatchObject({ vus: 4, localIPs: '127.0.0.2-127.0.0.5', addresses: 4, steadyWindows: 9, ratePerVu: 15 });
    expect(p.spread?.addressList).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    expect(p.spread?.sourceNote).toBe('K6_LOCAL_IPS=127.0.0.2-127.0.0.5 (4 addresses, bound by k6 per VU id)');
    // One key may accept about 9 windows × 10 (±10 %) + one window; offered 3× that.
    expect(p.spread?.acceptedMax).toBe(110);
    expect(p.spread?.acceptedMin).toBeGreaterThan(60);
    expect(p.spread?.acceptedMin).toBeLessThan(90);
    expect(p.spread?.sentMin).toBe(135);
    // One key's bounds as shares of the planned steady sends (Rates pass when empty: the
    // instances of a split run that do not own the spread part).
    expect(p.spread?.plannedSteadySends).toBe(270);
    expect(p.options.thresholds?.['spread_accepted_share{rule:ratelimit.isolation}']).toEqual([`rate<=${Math.ceil((110 / 270) * 1e6) / 1e6}`, `rate>=${Math.floor(((p.spread?.acceptedMin ?? 0) / 270) * 1e6) / 1e6}`]);
    expect(p.options.thresholds?.['spread_sent_share{rule:ratelimit.isolation}']).toEqual(['rate>=0.5']);
    // The throttled key's VU and both bystanders' owe a verdict, settled per VU.
    expect(p.options.thresholds?.rundun_vus_finished).toEqual(['rate>=0.5']);
  });

  it('never puts localIPs in the script options: k6 ignores them there (json:"-")', () => {
    for (const env of [{}, { K6_LOCAL_IPS: '127.0.0.2-127.0.0.9' }]) expect(Object.keys(planIsolation(cfgOf(env)).options)).not.toContain('localIPs');
  });

  it('more addresses, more VUs: at least one VU per address', () => {
    const p = planIsolation(cfgOf({ K6_LOCAL_IPS: '127.0.0.2-127.0.0.7,127.0.1.1' }));
    expect(p.spread).toMatchObject({ vus: 7, addresses: 7 });
    expect(planIsolation(cfgOf({ K6_LOCAL_IPS: '127.0.0.2-127.0.0.3', RUNDUN_SPREAD_VUS: '6' })).spread).toMatchObject({ vus: 6, addresses: 2, ratePerVu: 10 });
  });

  it('without K6_LOCAL_IPS the spread runs from one source address and says so', () => {
    const loop = planIsolation(cfgOf({}));
    expect(loop.spread).toMatchObject({ vus: 4, localIPs: null, addressList: [], addresses: 1 });
    expect(loop.spread?.sourceNote).toMatch(/^one source address: K6_LOCAL_IPS is not set \(export K6_LOCAL_IPS=127.0.0.2-127.0.0.5 before k6 run/);
    const remote = readK6Config(
      { RUNDUN_BASE_URL: 'https://staging.example.com/v1', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEY: K('a'), RUNDUN_API_KEY_SECONDARY: K('b'), RUNDUN_API_KEY_OTHER_ORG: K('c'), RUNDUN_API_KEY_RATELIMIT: K('d'), RUNDUN_API_KEY_SPREAD: K('e'), RUNDUN_RATE_LIMIT: '100/1m' },
      () => '',
    );
    const p = planIsolation(remote);
    // Its own key, never primary: smoke relies on primary, and may run right after.
    expect(p.spread?.key.role).toBe('spread');
    expect(p.spread?.sourceNote).toBe('one source address: K6_LOCAL_IPS is not set');
  });

  it.each<{ name: string; cfg: () => ReturnType<typeof cfgOf>; why: RegExp }>([
    { name: 'no limit', cfg: () => cfgOf({}, fixtures(null)), why: /key-isolation needs the per-key limit.*RUNDUN_RATE_LIMIT.*the target says it has none/ },
    {
      name: 'missing bystander keys',
      cfg: () => readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY: K('a'), RUNDUN_RATE_LIMIT: '10/1s' }, () => ''),
      why: /needs three keys/,
    },
    {
      name: 'no fourth key for the spread',
      cfg: () => readK6Config({ RUNDUN_BASE_URL: 'http://127.0.0.1:1/v1', RUNDUN_API_KEY_RATELIMIT: K('a'), RUNDUN_API_KEY_SECONDARY: K('b'), RUNDUN_API_KEY_OTHER_ORG: K('c'), RUNDUN_API_KEY: K('a'), RUNDUN_RATE_LIMIT: '10/1s' }, () => ''),
      why: /spread part needs a key no other scenario uses: RUNDUN_API_KEY_SPREAD.*RUNDUN_SPREAD=off/,
    },
    { name: 'a bad K6_LOCAL_IPS', cfg: () => cfgOf({ K6_LOCAL_IPS: 'localhost' }), why: /K6_LOCAL_IPS: 'localhost' is not an IPv4 address or an a-b range/ },
    { name: 'a K6_LOCAL_IPS range across /24s', cfg: () => cfgOf({ K6_LOCAL_IPS: '127.0.0.250-127.0.1.2' }), why: /range '127.0.0.250-127.0.1.2' must stay within one \/24/ },
    { name: 'a CIDR K6_LOCAL_IPS (not planned for)', cfg: () => cfgOf({ K6_LOCAL_IPS: '127.0.0.0/30' }), why: /write CIDR blocks as ranges/ },
    { name: 'fewer spread VUs than addresses', cfg: () => cfgOf({ K6_LOCAL_IPS: '127.0.0.2-127.0.0.9', RUNDUN_SPREAD_VUS: '4' }), why: /RUNDUN_SPREAD_VUS=4 is below the 8 K6_LOCAL_IPS addresses: k6 binds one address per VU/ },
    { name: 'the old RUNDUN_LOCAL_IPS (k6 never bound it)', cfg: () => cfgOf({ RUNDUN_LOCAL_IPS: '127.0.0.2-127.0.0.5' }), why: /RUNDUN_LOCAL_IPS is not read any more: k6 ignores local addresses in script options. Export K6_LOCAL_IPS/ },
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

  it('expandAddresses keeps k6 order (VU n gets entry (n-1) mod count)', () => {
    expect(expandAddresses('127.0.0.9, 127.0.0.2-127.0.0.3')).toEqual(['127.0.0.9', '127.0.0.2', '127.0.0.3']);
  });

  it.each(['127.0.0.256', '127.0.0.5-127.0.0.2', '::1', '127.0.0.2-', '127.0.0.2,,127.0.0.3', '127.0.0.0-127.0.1.255', '127.0.0.0-127.0.0.255,127.0.1.0-127.0.1.1'])('expandAddresses refuses %j', (spec) => {
    expect(() => expandAddresses(spec)).toThrow(/K6_LOCAL_IPS/);
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

  it('capacity with RUNDUN_RAMP_DURATION=0: every stage still gets its (0 ms) ramp, so each hold is flat at its rate', () => {
    const p = planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s', RUNDUN_STAGES: '10,20,40', RUNDUN_STAGE_DURATION: '10s', RUNDUN_RAMP_DURATION: '0' }), 'capacity');
    const sc = p.options.scenarios?.capacity as { startRate: number; stages: Array<{ target: number; duration: string }> };
    expect(sc.stages).toEqual([
      { target: 10, duration: '0ms' },
      { target: 10, duration: '10000ms' },
      { target: 20, duration: '0ms' },
      { target: 20, duration: '10000ms' },
      { target: 40, duration: '0ms' },
      { target: 40, duration: '10000ms' },
    ]);
    // k6 reads a 0 ms stage as a jump (ramping_arrival_rate.go: a stage of 0 ns adds no
    // iterations, then `from = to`); every hold starts and ends at its own target.
    let from = sc.startRate;
    for (const [i, st] of sc.stages.entries()) {
      if (i % 2 === 1) expect([from, st.target], `hold ${st.target}`).toEqual([st.target, st.target]);
      else expect(parseK6Duration(st.duration)).toBe(0);
      from = st.target;
    }
    expect(p.plateaus.map((x) => [x.fromMs, x.toMs])).toEqual([[0, 10_000], [10_000, 20_000], [20_000, 30_000]]);
    // The arrivals (the emulator integrates the stages as k6's executor does): each plateau gets
    // its full rate, evenly spaced, from its first second. Without the 0 ms stages the first
    // plateau would ramp 0 -> 10/s and deliver half of that.
    const times = arrivalTimes({ executor: 'ramping-arrival-rate', ...sc });
    for (const [i, pl] of p.plateaus.entries()) {
      const inPlateau = times.filter((t) => t >= pl.fromMs && t < pl.toMs);
      expect(inPlateau.length, pl.label).toBe((pl.rps * (pl.toMs - pl.fromMs)) / 1000);
      const firstSecond = inPlateau.filter((t) => t < pl.fromMs + 1000).length;
      expect(firstSecond, `${pl.label}, stage ${i + 1}`).toBe(pl.rps);
    }
    const unramped = arrivalTimes({ executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', stages: sc.stages.filter((_, i) => i % 2 === 1) });
    expect(unramped.filter((t) => t < 10_000).length).toBe(50);
  });

  it.each<{ name: string; env: Env; text?: string; why: RegExp }>([
    { name: 'a pool too small for the peak rate', env: { RUNDUN_RATE_LIMIT: '20/1s', RUNDUN_STAGES: '10,100' }, why: /load.key-pool-sufficient: key pool too small: 100 rps .* needs 10 keys, have 7/ },
    { name: 'no limit to size the pool with', env: {}, text: JSON.stringify({ ...JSON.parse(fixtures()), rateLimit: undefined }), why: /size the key pool from the per-key limit: set RUNDUN_RATE_LIMIT/ },
    { name: 'fractional rates (k6 rates are integers)', env: { RUNDUN_STAGES: '2.5,5' }, why: /RUNDUN_STAGES must be whole requests per second/ },
    { name: 'a write share above 25 %', env: { RUNDUN_WRITE_SHARE: '0.5' }, why: /RUNDUN_WRITE_SHARE must be within 0..0.25/ },
  ])('capacity refuses $name', ({ env, text, why }) => {
    expect(() => planLoad(cfgOf(env, text), 'capacity')).toThrow(why);
  });

  // Sizing against staging-like latency: drops (dropped_iterations count==0) must not happen
  // while requests stay within the SLO. At most ceil(rps × latency) + 1 iterations overlap then.
  it.each([
    { rps: 10, sloMs: 300, needed: 6, pre: 6, max: 20 },
    { rps: 40, sloMs: 300, needed: 24, pre: 24, max: 48 },
    { rps: 100, sloMs: 300, needed: 60, pre: 60, max: 120 },
    { rps: 200, sloMs: 300, needed: 120, pre: 120, max: 240 },
    { rps: 5, sloMs: 100, needed: 5, pre: 5, max: 20 },
    { rps: 1000, sloMs: 50, needed: 100, pre: 100, max: 1000 },
  ])('vuSizing: $rps rps with a p95 SLO of $sloMs ms pre-allocates $pre, up to $max', ({ rps, sloMs, needed, pre, max }) => {
    const v = vuSizing(rps, sloMs);
    expect(v).toEqual({ needed, preAllocatedVUs: pre, maxVUs: max, warning: null });
    // Within the SLO (100-300 ms on staging): what overlaps at the peak fits the pre-allocated VUs.
    for (const latencyMs of [sloMs / 3, sloMs / 2, sloMs]) expect(Math.ceil((rps * latencyMs) / 1000) + 1, `${latencyMs} ms`).toBeLessThanOrEqual(v.preAllocatedVUs);
  });

  it('vuSizing: RUNDUN_MAX_VUS below what the SLO needs caps pre-allocation and warns', () => {
    const v = vuSizing(100, 300, 40);
    expect(v).toMatchObject({ needed: 60, preAllocatedVUs: 40, maxVUs: 40 });
    expect(v.warning).toMatch(/RUNDUN_MAX_VUS=40 is below the 60 VUs that 100 rps keeps busy at twice the p95 SLO \(300 ms\): iterations may be dropped/);
    const p = planLoad(cfgOf({ RUNDUN_RATE_LIMIT: 'off', RUNDUN_STAGES: '100', RUNDUN_MAX_VUS: '40' }, fixtures(null)), 'capacity');
    expect(p.options.scenarios?.capacity).toMatchObject({ preAllocatedVUs: 40, maxVUs: 40 });
    expect(p.vus.warning).not.toBeNull();
  });

  it('the load plans size their VUs from the peak rate and the SLO', () => {
    const env = { RUNDUN_RATE_LIMIT: 'off', RUNDUN_SLO_P95_MS: '250' };
    const cap = planLoad(cfgOf({ ...env, RUNDUN_STAGES: '10,100,60' }, fixtures(null)), 'capacity');
    expect(cap.options.scenarios?.capacity).toMatchObject({ preAllocatedVUs: 50, maxVUs: 100 });
    const soak = planLoad(cfgOf({ ...env, RUNDUN_SOAK_RATE: '30' }, fixtures(null)), 'soak');
    expect(soak.options.scenarios?.soak).toMatchObject({ preAllocatedVUs: 15, maxVUs: 30 });
    const spike = planLoad(cfgOf({ ...env, RUNDUN_BASE_RATE: '5', RUNDUN_SPIKE_RATE: '80' }, fixtures(null)), 'spike');
    expect(spike.options.scenarios?.spike).toMatchObject({ preAllocatedVUs: 40, maxVUs: 80 });
    // The threshold stays strict.
    expect(cap.options.thresholds?.dropped_iterations).toEqual(['count==0']);
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
    const remote = readK6Config({ RUNDUN_BASE_URL: 'https://s.example/v1', RUNDUN_ALLOW_REMOTE: 'yes', RUNDUN_API_KEYS: K('a'), RUNDUN_RATE_LIMIT: 'off' }, () => '');
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
  const metrics = new Map([['spread_sent', 'counter'], ['spread_accepted', 'counter'], ['spread_sent_share', 'rate'], ['spread_accepted_share', 'rate'], ['throttled_requests', 'counter'], ['rule_verdicts', 'counter'], ['rundun_vus_finished', 'rate']] as const);
  it.each([
    ['rate-limit', () => planRateLimit(cfgOf({})).options],
    ['rate-limit (discovery)', () => planRateLimit(cfgOf({}, fixtures(null))).options],
    ['retry-after', () => planRetryAfter(cfgOf({})).options],
    ['key-isolation', () => planIsolation(cfgOf({})).options],
    ['key-isolation (K6_LOCAL_IPS)', () => planIsolation(cfgOf({ K6_LOCAL_IPS: '127.0.0.2-127.0.0.5' })).options],
    ['capacity (no ramp)', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s', RUNDUN_RAMP_DURATION: '0' }), 'capacity').options],
    ['capacity', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s' }), 'capacity').options],
    ['soak', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s' }), 'soak').options],
    ['spike', () => planLoad(cfgOf({ RUNDUN_RATE_LIMIT: '20/1s' }), 'spike').options],
  ])('%s', (_name, options) => {
    expect(checkOptions(options(), { exports, metrics })).toEqual([]);
  });
});
