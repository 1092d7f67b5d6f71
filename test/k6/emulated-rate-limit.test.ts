// The rate-limit scenario, run in the k6 emulator against the in-process simulator (limit
// 10 per 500 ms, so a run takes seconds): it passes on every algorithm, and its verdicts fail
// where the server breaks the rule they judge.
import { describe, expect, it, vi } from 'vitest';
import { RATE_LIMIT_RULES } from './support/rules';
import { expectHygiene, ruleKey, ruleVerdict, runScenario, verdicts } from './support/scenario-run';

// Runs are mostly waiting (paced sends, Retry-After waits): run them all at once.
vi.setConfig({ maxConcurrency: 20, testTimeout: 90_000 });

const SHORT = { RUNDUN_UNDER_DURATION: '1500ms', RUNDUN_OVER_DURATION: '5s' };

describe.concurrent('rate-limit scenario (emulated k6)', () => {
  it.each(['fixed-window', 'sliding-window', 'token-bucket'] as const)('passes on a correct %s limiter and reports the estimate', async (algorithm) => {
    const s = await runScenario('rate-limit', { variant: 'clean', algorithm }, SHORT);
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(0);
    const rules = RATE_LIMIT_RULES;
    expect(Object.keys(verdicts(s.r)).sort()).toEqual([...rules.map(ruleKey), 'http_req_failed', 'rundun_vus_finished'].sort());
    const estimate = s.r.summaryData?.metrics.ratelimit_estimate?.values.value ?? 0;
    expect(estimate).toBeGreaterThan(8);
    expect(estimate).toBeLessThan(12);
    expect(s.r.summaryFiles?.stdout).toMatch(/limit estimate \(accepted per 500 ms window in steady state\): (9|10|11)(\.\d+)?/);
    // 429 bodies were read only where judged (sampled, plus the first): most bodies discarded.
    const reqs = s.r.samples.filter((x) => x.metric === 'http_reqs').length;
    const bodies = s.r.samples.filter((x) => x.metric === 'checks' && x.tags.rule === 'ratelimit.error-body').length;
    expect(bodies).toBeGreaterThan(0);
    expect(bodies).toBeLessThan(reqs / 5);
  });

  it('with rate limiting off: 429-status and under-limit fail, exit 99 (discovery finds no limit)', async () => {
    const s = await runScenario('rate-limit', { variant: 'off' }, { RUNDUN_RATE_WINDOW: '500ms', RUNDUN_DISCOVERY_DURATION: '3s', RUNDUN_DISCOVERY_RATE: '40' });
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(99);
    const v = verdicts(s.r);
    expect(v[ruleKey('ratelimit.429-status')], log).toBe(false);
    expect(v[ruleKey('ratelimit.under-limit-no-429')], log).toBe(false);
    // Nothing was ever throttled, so no Retry-After was judged: the key's VU settles its account
    // with one failed check per rule it owed and never judged (k6 would pass the empty checks).
    expect(v[ruleKey('ratelimit.retry-after-present')]).toBe(false);
    expect(s.r.summaryData?.metrics[ruleKey('ratelimit.retry-after-present')]?.values).toMatchObject({ passes: 0, fails: 1 });
    expect(ruleVerdict(s.r, 'ratelimit.retry-after-present')).toBe(false);
    expect(log).toMatch(/ratelimit: ratelimit.retry-after-present: FAILED: not judged/);
    expect(v.rundun_vus_finished).toBe(true);
    expect(log).toMatch(/no 429 within \d+ requests at 40\/s: no limit found/);
  });

  it('with rate limiting off and the limit stated: enforced-per-key fails', async () => {
    const s = await runScenario('rate-limit', { variant: 'off' }, { ...SHORT, RUNDUN_RATE_LIMIT: '10/500ms' });
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[ruleKey('ratelimit.enforced-per-key')], log).toBe(false);
    expect(log).toMatch(/too many accepted: .* no request was rejected, no limit is enforced/);
  });

  it('with one limit shared by all keys: two keys under test each get too little, enforced-per-key fails', async () => {
    const s = await runScenario('rate-limit', { variant: 'shared' }, { ...SHORT, RUNDUN_KEYS_UNDER_TEST: '2' });
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[ruleKey('ratelimit.enforced-per-key')], log).toBe(false);
    expect(log).toMatch(/too few accepted: .*shared with other keys, or lower than stated/);
  });

  it('without a stated limit (staging-style variables): discovers it, reports it, and stays under half of it', async () => {
    const s = await runScenario(
      'rate-limit',
      { variant: 'clean', algorithm: 'sliding-window' },
      { RUNDUN_RATE_WINDOW: '500ms', RUNDUN_DISCOVERY_DURATION: '3s', RUNDUN_DISCOVERY_RATE: '60', RUNDUN_UNDER_DURATION: '1500ms' },
      { asVariables: true },
    );
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(0);
    const v = verdicts(s.r);
    expect(v[ruleKey('ratelimit.enforced-per-key')]).toBeUndefined();
    expect(v[ruleKey('ratelimit.under-limit-no-429')]).toBe(true);
    expect(v[ruleKey('ratelimit.429-status')]).toBe(true);
    expect(s.r.summaryFiles?.stdout).toMatch(/no stated limit: discovery at 60\/s/);
    expect(log).toMatch(/limit estimate: about (9|10|11)(\.\d+)? accepted per 500 ms/);
  });

  // Each simulator fault breaks one rule; the scenario's verdict for that rule must fail.
  it.for([
    { fault: 'ratelimit.off', rule: 'ratelimit.429-status' },
    { fault: 'ratelimit.double-limit', rule: 'ratelimit.enforced-per-key' },
    { fault: 'ratelimit.limit-too-low', rule: 'ratelimit.under-limit-no-429' },
    { fault: 'ratelimit.retry-after-missing', rule: 'ratelimit.retry-after-present' },
    { fault: 'ratelimit.retry-after-non-numeric', rule: 'ratelimit.retry-after-valid' },
    { fault: 'ratelimit.retry-after-fractional', rule: 'ratelimit.retry-after-valid' },
    { fault: 'ratelimit.retry-after-zero', rule: 'ratelimit.retry-after-positive' },
    { fault: 'ratelimit.retry-after-long', rule: 'ratelimit.retry-after-bounded' },
    { fault: 'ratelimit.no-error-body', rule: 'ratelimit.error-body' },
  ])('fails $rule with simulator fault $fault', async ({ fault, rule }) => {
    const s = await runScenario('rate-limit', { variant: 'clean', faults: [fault] }, { RUNDUN_UNDER_DURATION: '1s', RUNDUN_OVER_DURATION: '2500ms' });
    const log = expectHygiene(s, 'rate-limit');
    expect(s.r.exitCode, log).toBe(99);
    expect(ruleVerdict(s.r, rule), log).toBe(false);
  });
});
