// The rate-limit scenarios at a distance: the simulator adds 50 ms ± 10 ms to every response
// (--latency 50:10, seeded), so one blocking VU could offer only ~20 requests/s. With the async
// open-model phases, rate-limit, retry-after (both Retry-After forms) and key-isolation pass on
// every algorithm at 20/1s, 100/1s and 1000/1s, and still fail, on the rule they judge, on the
// faults that break it. Windows are 1 s here, so each run takes 5-12 s: runs go a few at a time.
import { describe, expect, it, vi } from 'vitest';
import { expectHygiene, ruleKey, ruleVerdict, runScenario, verdicts } from './support/scenario-run';
import type { TargetSpec } from './support/targets';

vi.setConfig({ maxConcurrency: 3, testTimeout: 180_000 });

const LATENCY = { ms: 50, jitterMs: 10, seed: 42 };
const ALGORITHMS = ['fixed-window', 'sliding-window', 'token-bucket'] as const;
const LIMITS = [20, 100, 1000] as const;
// 1000/1s means 3,000 requests/s from one VU, all through the emulator's one main thread (which
// also runs the simulator): those runs go one at a time, so the emulator, not the harness, is
// never what falls short of the offered rate.
const byLimit = (heavy: boolean) => ALGORITHMS.flatMap((algorithm) => LIMITS.filter((l) => (l >= 1000) === heavy).map((limit) => ({ algorithm, limit })));

const target = (limit: number, more: Partial<TargetSpec> = {}): TargetSpec => ({ variant: 'clean', limit, windowMs: 1000, latency: LATENCY, ...more });
/** Shortened phases (windows stay 1 s): the judges' minimum of 5 over-limit windows, and a bit. */
const RATE_LIMIT_ENV = { RUNDUN_UNDER_DURATION: '2s', RUNDUN_OVER_DURATION: '5s' };
const RETRY_ENV = { RUNDUN_DURATION: '3s', RUNDUN_TIGHTNESS: 'off' };
const ISOLATION_ENV = { RUNDUN_DURATION: '4s', RUNDUN_SPREAD_DURATION: '4s' };

/** The correct-limiter cases for a set of limits. */
function correctLimiterCases(grid: ReadonlyArray<{ algorithm: (typeof ALGORITHMS)[number]; limit: number }>): void {
  it.each(grid)('rate-limit, $algorithm at $limit/1s', async ({ algorithm, limit }) => {
    const s = await runScenario('rate-limit', target(limit, { algorithm }), RATE_LIMIT_ENV, { timeoutMs: 120_000 });
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(0);
    // The offered over-limit rate really was 3× the limit, whatever the round trip.
    expect(log).toMatch(new RegExp(`over phase: \\d+ sent at ${3 * limit}/s, round trip p50 (4[5-9]|[5-9]\\d|\\d{3,}) ms`));
  });

  it.each(grid.flatMap((g) => (['delay-seconds', 'http-date'] as const).map((retryAfterFormat) => ({ ...g, retryAfterFormat }))))(
    'retry-after, $algorithm at $limit/1s, $retryAfterFormat',
    async ({ algorithm, limit, retryAfterFormat }) => {
      const s = await runScenario('retry-after', target(limit, { algorithm, retryAfterFormat }), RETRY_ENV, { timeoutMs: 120_000 });
      const log = expectHygiene(s, 'retry-after');
      expect(s.r.exitCode, log).toBe(0);
      expect(verdicts(s.r)[ruleKey('ratelimit.retry-after-honoured')], log).toBe(true);
    },
  );

  it.each(grid)('key-isolation, $algorithm at $limit/1s', async ({ algorithm, limit }) => {
    const s = await runScenario('key-isolation', target(limit, { algorithm }), ISOLATION_ENV, { timeoutMs: 120_000 });
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(0);
  });
}

describe.concurrent('at 50 ± 10 ms: correct limiters pass (20/1s, 100/1s)', () => correctLimiterCases(byLimit(false)));
describe.sequential('at 50 ± 10 ms: correct limiters pass (1000/1s, one run at a time)', () => correctLimiterCases(byLimit(true)));

describe.concurrent('at 50 ± 10 ms: broken limiters fail on the rule they break', () => {
  it.for([
    { scenario: 'rate-limit', fault: 'ratelimit.off', rule: 'ratelimit.429-status', env: RATE_LIMIT_ENV },
    { scenario: 'rate-limit', fault: 'ratelimit.double-limit', rule: 'ratelimit.enforced-per-key', env: RATE_LIMIT_ENV },
    // Two keys under test share the one bucket: each gets half its limit.
    { scenario: 'rate-limit', fault: 'ratelimit.shared-bucket', rule: 'ratelimit.enforced-per-key', env: { ...RATE_LIMIT_ENV, RUNDUN_KEYS_UNDER_TEST: '2' } },
    { scenario: 'retry-after', fault: 'ratelimit.off', rule: 'ratelimit.retry-after-honoured', env: RETRY_ENV },
    { scenario: 'retry-after', fault: 'ratelimit.retry-after-short', rule: 'ratelimit.retry-after-honoured', env: { RUNDUN_DURATION: '5s', RUNDUN_TIGHTNESS: 'off', RUNDUN_MAX_RETRY_AFTER: '10' } },
    { scenario: 'key-isolation', fault: 'ratelimit.off', rule: 'ratelimit.isolation', env: ISOLATION_ENV },
    { scenario: 'key-isolation', fault: 'ratelimit.shared-bucket', rule: 'ratelimit.isolation', env: ISOLATION_ENV },
    { scenario: 'key-isolation', fault: 'ratelimit.per-org', rule: 'ratelimit.isolation', env: ISOLATION_ENV },
  ] as Array<{ scenario: string; fault: string; rule: string; env: Record<string, string> }>)('$scenario fails $rule with $fault at 100/1s', async ({ scenario, fault, rule, env }) => {
    const s = await runScenario(scenario, target(100, { faults: [fault] }), env, { timeoutMs: 120_000 });
    const log = expectHygiene(s, scenario);
    expect(s.r.exitCode, log).toBe(99);
    expect(ruleVerdict(s.r, rule), log).toBe(false);
  });
});
