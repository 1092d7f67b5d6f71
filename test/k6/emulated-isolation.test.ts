// The key-isolation scenario in the k6 emulator: bystander keys stay unthrottled while key A is
// throttled, and one key spread over 127.0.0.2-127.0.0.5 (one address per VU, as k6 hands out
// localIPs) is still limited as one key. Fails without per-key limiting, with one limit for all
// keys, and (simulator faults) with per-org or per-address limiting.
import { describe, expect, it, vi } from 'vitest';
import { expectHygiene, ruleKey, runScenario, verdicts, type ScenarioRun } from './support/scenario-run';
import type { TargetSpec } from './support/targets';

// Runs are mostly waiting (paced sends, Retry-After waits): run them all at once.
vi.setConfig({ maxConcurrency: 20, testTimeout: 90_000 });

const ISOLATION = ruleKey('ratelimit.isolation');
const SPREAD_ACCEPTED = 'spread_accepted{rule:ratelimit.isolation}';


describe.concurrent('key-isolation scenario (emulated k6)', () => {
  it.each(['fixed-window', 'sliding-window', 'token-bucket'] as const)('passes on a correct %s limiter, spread over 4 local addresses', async (algorithm) => {
    const s = await runScenario('key-isolation', { variant: 'clean', algorithm }, {});
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(0);
    expect(verdicts(s.r)).toEqual({ [ISOLATION]: true, [SPREAD_ACCEPTED]: true, 'spread_sent{rule:ratelimit.isolation}': true, http_req_failed: true });
    // The three halves of the verdict all reported: A throttled, both bystanders clean.
    expect(log).toMatch(/ratelimit \(throttled key\): ok: \d+ 429s/);
    expect(log).toMatch(/secondary \(bystander\): ok/);
    expect(log).toMatch(/other_org \(bystander\): ok/);
    expect(s.r.summaryFiles?.stdout).toMatch(/spread: primary over 4 VUs on local addresses 127.0.0.2-127.0.0.5: \d+ of \d+ accepted in 9 steady windows; one key may accept \d+\.\.110/);
  });

  it('fails when nothing is limited (the limit stated, the server has none)', async () => {
    const s = await runScenario('key-isolation', { variant: 'off' }, { RUNDUN_RATE_LIMIT: '10/500ms' });
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(99);
    const v = verdicts(s.r);
    expect(v[ISOLATION], log).toBe(false);
    expect(v[SPREAD_ACCEPTED], log).toBe(false);
    expect(log).toMatch(/never throttled, nothing to be isolated from/);
  });

  it('fails when one limit is shared by every key: the bystanders are throttled with A', async () => {
    const s = await runScenario('key-isolation', { variant: 'shared' }, {});
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[ISOLATION], log).toBe(false);
    expect(log).toMatch(/secondary \(bystander\): FAILED: secondary got \d+ 429\(s\) while sending at most 5 per 500 ms/);
  });

  it.for([
    { fault: 'ratelimit.per-org', broken: ISOLATION, why: /secondary \(bystander\): FAILED/ },
    { fault: 'ratelimit.per-source-address', broken: SPREAD_ACCEPTED, why: /./ },
    { fault: 'ratelimit.shared-bucket', broken: ISOLATION, why: /other_org \(bystander\): FAILED/ },
  ])('fails with simulator fault $fault', async ({ fault, broken, why }) => {
    const s = await runScenario('key-isolation', { variant: 'clean', faults: [fault] }, {});
    const log = expectHygiene(s, 'key-isolation');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[broken], log).toBe(false);
    expect(log).toMatch(why);
  });
});
