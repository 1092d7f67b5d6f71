// The retry-after scenario in the k6 emulator: honoured on every algorithm and both Retry-After
// forms, tightness measured and reported; with no limiting it cannot pass, and with a
// Retry-After shorter than the real wait the honoured verdict fails.
import { describe, expect, it, vi } from 'vitest';
import { expectHygiene, ruleKey, runScenario, verdicts } from './support/scenario-run';

// Runs are mostly waiting (paced sends, Retry-After waits): run them all at once.
vi.setConfig({ maxConcurrency: 20, testTimeout: 90_000 });

const cases = (['fixed-window', 'sliding-window', 'token-bucket'] as const).flatMap((algorithm) =>
  (['delay-seconds', 'http-date'] as const).map((retryAfterFormat) => ({ algorithm, retryAfterFormat })),
);

describe.concurrent('retry-after scenario (emulated k6)', () => {
  it.each(cases)('honoured on a correct $algorithm limiter with $retryAfterFormat', async ({ algorithm, retryAfterFormat }) => {
    const s = await runScenario('retry-after', { variant: 'clean', algorithm, retryAfterFormat }, { RUNDUN_DURATION: '4s' });
    const log = expectHygiene(s, 'retry-after');
    expect(s.r.exitCode, log).toBe(0);
    const v = verdicts(s.r);
    expect(v[ruleKey('ratelimit.retry-after-honoured')]).toBe(true);
    expect(v[ruleKey('ratelimit.retry-after-valid')]).toBe(true);
    expect(v[ruleKey('ratelimit.retry-after-bounded')]).toBe(true);
    const m = s.r.summaryData?.metrics ?? {};
    // At least one episode per honour key (more when the machine is not busy with other runs).
    expect(m.retry_after_episodes?.values.count ?? 0, log).toBeGreaterThanOrEqual(2);
    // Tightness: measured and reported, never a threshold (the contract marks it informational).
    expect(m.retry_after_slack_ms?.values.count ?? 0, log).toBeGreaterThanOrEqual(1);
    expect(Object.keys(v)).not.toContain(ruleKey('ratelimit.retry-after-tight'));
    expect(s.r.summaryFiles?.stdout).toMatch(/tightness \(informational\): Retry-After exceeds the earliest successful retry by p50 -?\d+ ms/);
    expect(s.r.summaryFiles?.stdout).toMatch(/honoured: \d+ of \d+ retries after waiting Retry-After succeeded \(100 %, need ≥ 99 %\)/);
  });

  it('with rate limiting off there is no episode to honour: exit 99 (never checked is not passed)', async () => {
    const s = await runScenario('retry-after', { variant: 'off' }, { RUNDUN_DURATION: '2s', RUNDUN_RATE_LIMIT: '10/500ms' });
    const log = expectHygiene(s, 'retry-after');
    expect(s.r.exitCode, log).toBe(99);
    const v = verdicts(s.r);
    // No 429 ever: no Retry-After was judged. Each honour key's VU settles its account with a
    // failed check per rule it owed and never judged (k6 would pass the empty checks).
    for (const rule of ['ratelimit.retry-after-present', 'ratelimit.retry-after-valid', 'ratelimit.retry-after-positive', 'ratelimit.retry-after-bounded', 'ratelimit.error-body', 'ratelimit.retry-after-honoured']) {
      expect(v[ruleKey(rule)], `${rule}\n${log}`).toBe(false);
      expect(s.r.summaryData?.metrics[ruleKey(rule)]?.values, rule).toMatchObject({ passes: 0, fails: 2 });
    }
    expect(v.rundun_vus_finished).toBe(true);
    expect(log).toMatch(/ratelimit: ratelimit.retry-after-honoured: FAILED: inconclusive: 0 of 0 episodes/);
    expect(log).toMatch(/ratelimit: ratelimit.retry-after-honoured: FAILED: not judged/);
    expect(s.r.summaryFiles?.stdout).toMatch(/honoured: no episode: no honour key got a 429 it could wait out/);
  });

  it('with a Retry-After shorter than the real wait (simulator fault ratelimit.retry-after-short): honoured fails', async () => {
    const s = await runScenario('retry-after', { variant: 'clean', windowMs: 500, faults: ['ratelimit.retry-after-short'] }, { RUNDUN_DURATION: '5s', RUNDUN_TIGHTNESS: 'off', RUNDUN_MAX_RETRY_AFTER: '10' });
    const log = expectHygiene(s, 'retry-after');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[ruleKey('ratelimit.retry-after-honoured')], log).toBe(false);
  });

  it('with a Retry-After 1 s longer than needed (simulator fault ratelimit.retry-after-loose): tightness reported over its slack, nothing fails', async () => {
    const s = await runScenario('retry-after', { variant: 'clean', faults: ['ratelimit.retry-after-loose'] }, { RUNDUN_DURATION: '4s' });
    const log = expectHygiene(s, 'retry-after');
    expect(s.r.exitCode, log).toBe(0);
    expect(verdicts(s.r)[ruleKey('ratelimit.retry-after-bounded')]).toBe(true);
    expect(log).toMatch(/ratelimit\.retry-after-tight \(informational\): .*clients are told to wait longer than needed/);
  });
});
