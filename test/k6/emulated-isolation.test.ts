// The key-isolation scenario in the k6 emulator: bystander keys stay unthrottled while key A is
// throttled, and one key spread over K6_LOCAL_IPS=127.0.0.2-127.0.0.5 (one address per VU id, as
// k6 binds them; taken from k6's environment, never from script options) is still limited as
// one key. Fails without per-key limiting, with one limit for all keys, and (simulator faults)
// with per-org or per-address limiting. Without K6_LOCAL_IPS the spread runs from one address
// and the summary says so.
import { describe, expect, it, vi } from 'vitest';
import { expectHygiene, ruleKey, runScenario, verdicts, type ScenarioRun } from './support/scenario-run';
import type { TargetSpec } from './support/targets';

// Runs are mostly waiting (paced sends, Retry-After waits): run them all at once.
vi.setConfig({ maxConcurrency: 20, testTimeout: 90_000 });

const ISOLATION = ruleKey('ratelimit.isolation');
const SPREAD_ACCEPTED = 'spread_accepted_share{rule:ratelimit.isolation}';
/** As `K6_LOCAL_IPS=127.0.0.2-127.0.0.5 k6 run …`: k6 binds them and passes them to __ENV. */
const LOCAL_IPS = { K6_LOCAL_IPS: '127.0.0.2-127.0.0.5' };


describe.concurrent('key-isolation scenario (emulated k6)', () => {
  it.each(['fixed-window', 'sliding-window', 'token-bucket'] as const)('passes on a correct %s limiter, spread over 4 local addresses', async (algorithm) => {
    const s = await runScenario('key-isolation', { variant: 'clean', algorithm }, LOCAL_IPS);
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(0);
    expect(verdicts(s.r)).toEqual({ [ISOLATION]: true, rundun_vus_finished: true, [SPREAD_ACCEPTED]: true, 'spread_sent_share{rule:ratelimit.isolation}': true, http_req_failed: true });
    expect(s.r.options).not.toHaveProperty('localIPs');
    // The three halves of the verdict all reported: A throttled, both bystanders clean.
    expect(log).toMatch(/ratelimit \(throttled key\): ok: \d+ 429s/);
    expect(log).toMatch(/secondary \(bystander\): ok/);
    expect(log).toMatch(/other_org \(bystander\): ok/);
    expect(s.r.summaryFiles?.stdout).toMatch(
      /spread: pool-7 over 4 VUs from 4 of 4 local addresses \(K6_LOCAL_IPS=127.0.0.2-127.0.0.5 \(4 addresses, bound by k6 per VU id\)\): \d+ of \d+ accepted in 9 steady windows; one key may accept \d+\.\.110/,
    );
  });

  it('without K6_LOCAL_IPS: the spread runs from one source address, and the summary says so', async () => {
    const s = await runScenario('key-isolation', { variant: 'clean' }, {});
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(0);
    expect(s.r.summaryFiles?.stdout).toMatch(/spread: pool-7 over 4 VUs from one source address: K6_LOCAL_IPS is not set \(export K6_LOCAL_IPS=127.0.0.2-127.0.0.5 before k6 run/);
    expect(s.r.summaryFiles?.stdout).not.toMatch(/local addresses/);
  });

  it('per-address limiting (simulator fault) shows in the spread part only when K6_LOCAL_IPS spreads it', async () => {
    // From one address the per-address limiter sees one client, so the spread key is limited as
    // one (the bystanders fail instead); with K6_LOCAL_IPS it gets 4× through (test below).
    const one = await runScenario('key-isolation', { variant: 'clean', faults: ['ratelimit.per-source-address'] }, { RUNDUN_DURATION: '2s' });
    expect(verdicts(one.r)[SPREAD_ACCEPTED], expectHygiene(one, 'key-isolation')).toBe(true);
  });

  it('fails when nothing is limited (the limit stated, the server has none)', async () => {
    const s = await runScenario('key-isolation', { variant: 'off' }, { ...LOCAL_IPS, RUNDUN_RATE_LIMIT: '10/500ms' });
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(99);
    const v = verdicts(s.r);
    expect(v[ISOLATION], log).toBe(false);
    expect(v[SPREAD_ACCEPTED], log).toBe(false);
    expect(log).toMatch(/never throttled, nothing to be isolated from/);
  });

  it('fails when one limit is shared by every key: the bystanders are throttled with A', async () => {
    const s = await runScenario('key-isolation', { variant: 'shared' }, LOCAL_IPS);
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[ISOLATION], log).toBe(false);
    expect(log).toMatch(/secondary \(bystander\): FAILED: secondary got \d+ 429\(s\) that its own limit of 10 per 500 ms cannot explain/);
  });

  it.for([
    { fault: 'ratelimit.per-org', broken: ISOLATION, why: /secondary \(bystander\): FAILED/ },
    { fault: 'ratelimit.per-source-address', broken: SPREAD_ACCEPTED, why: /./ },
    { fault: 'ratelimit.shared-bucket', broken: ISOLATION, why: /other_org \(bystander\): FAILED/ },
  ])('fails with simulator fault $fault', async ({ fault, broken, why }) => {
    const s = await runScenario('key-isolation', { variant: 'clean', faults: [fault] }, LOCAL_IPS);
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[broken], log).toBe(false);
    expect(log).toMatch(why);
  });
});
