// smoke, capacity, soak and spike in the k6 emulator (arrival-rate executors approximated by
// the emulator's scheduler): smoke passes on the simulator and fails on a broken envelope;
// capacity names its knee and fails an SLO it cannot meet; soak and spike run their mix.
import { describe, expect, it, vi } from 'vitest';
import { expectHygiene, ruleKey, runScenario, verdicts } from './support/scenario-run';

// Runs are mostly waiting (paced sends, Retry-After waits): run them all at once.
vi.setConfig({ maxConcurrency: 20, testTimeout: 90_000 });

const LOAD = { RUNDUN_RATE_LIMIT: '10/500ms', RUNDUN_VALIDATE_SAMPLE: '0.2' };

describe.concurrent('smoke and load scenarios (emulated k6)', () => {
  it('smoke: one pass over every operation, every response valid', async () => {
    const s = await runScenario('smoke', { variant: 'clean' });
    const log = expectHygiene(s, 'smoke');
    expect(s.r.exitCode, log).toBe(0);
    expect(Object.values(verdicts(s.r)).every(Boolean)).toBe(true);
    expect(Object.keys(verdicts(s.r))).toContain(ruleKey('runs.create-read-consistent'));
    expect(s.r.samples.filter((x) => x.metric === 'http_reqs')).toHaveLength(8);
  });

  it('smoke fails envelope.single-resource when a template comes wrapped (simulator fault)', async () => {
    const s = await runScenario('smoke', { variant: 'clean', faults: ['envelope.wrapped-resource'] });
    const log = expectHygiene(s, 'smoke');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r)[ruleKey('envelope.single-resource')], log).toBe(false);
    expect(log).toMatch(/envelope.single-resource: FAILED: GET \/v1\/templates\/\{id\}: not a valid Template/);
  });

  it('capacity: ramps through the stages on the key pool, holds the SLO, names the knee', async () => {
    const s = await runScenario('capacity', { variant: 'clean' }, { ...LOAD, RUNDUN_STAGES: '10,20', RUNDUN_STAGE_DURATION: '2s', RUNDUN_RAMP_DURATION: '500ms' });
    const log = expectHygiene(s, 'capacity');
    expect(s.r.exitCode, log).toBe(0);
    expect(s.r.summaryFiles?.stdout).toMatch(/knee: all 2 stages held the SLO; the knee is above 20 rps/);
    const json = JSON.parse(Object.entries(s.r.summaryFiles ?? {}).find(([k]) => k.endsWith('capacity.summary.json'))?.[1] ?? '{}');
    // One of the 8 pool keys is kept for key-isolation's spread part (plan-load poolFor).
    expect(json.details).toMatchObject({ knee: 2, kneeRps: 20, pool: 7 });
    // Round-robin over the pool: every key used, none above half its limit (5 per 500 ms).
    const perKey = new Map<string, number>();
    for (const x of s.r.samples) if (x.metric === 'http_reqs') perKey.set(x.tags.key as string, (perKey.get(x.tags.key as string) ?? 0) + 1);
    expect([...perKey.keys()].filter((k) => k.startsWith('pool-')).sort()).toEqual(['pool-0', 'pool-1', 'pool-2', 'pool-3', 'pool-4', 'pool-5', 'pool-6']); // pool-7: key-isolation's spread key, never load
    expect(s.r.samples.filter((x) => x.metric === 'http_reqs' && x.tags.status === '429')).toHaveLength(0);
    expect(verdicts(s.r)[ruleKey('load.key-pool-sufficient')]).toBe(true);
  });

  it('capacity: an SLO no stage can meet fails the run, and no stage is the knee', async () => {
    const s = await runScenario('capacity', { variant: 'clean' }, { ...LOAD, RUNDUN_STAGES: '10', RUNDUN_STAGE_DURATION: '2s', RUNDUN_RAMP_DURATION: '0s', RUNDUN_SLO_P95_MS: '0.001' });
    const log = expectHygiene(s, 'capacity');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r).http_req_duration).toBe(false);
    expect(s.r.summaryFiles?.stdout).toMatch(/knee: no stage held the SLO \(p95 ≤ 0.001 ms/);
  });

  it('capacity: with 50 ms added to every request (simulator fault load.latency) the latency SLO fails', async () => {
    const s = await runScenario('capacity', { variant: 'clean', faults: ['load.latency'] }, { ...LOAD, RUNDUN_STAGES: '10', RUNDUN_STAGE_DURATION: '2s', RUNDUN_RAMP_DURATION: '0s', RUNDUN_SLO_P95_MS: '40' });
    const log = expectHygiene(s, 'capacity');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r).http_req_duration, log).toBe(false);
  });

  it('capacity: with every 50th request answering 500 (simulator fault load.sporadic-500) the error-rate SLO fails', async () => {
    const s = await runScenario('capacity', { variant: 'clean', faults: ['load.sporadic-500'] }, { ...LOAD, RUNDUN_STAGES: '25', RUNDUN_STAGE_DURATION: '4s', RUNDUN_RAMP_DURATION: '0s' });
    const log = expectHygiene(s, 'capacity');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r).http_req_failed, log).toBe(false);
  });

  it('capacity: with more than 4 keys of one org busy, every 10th request answers 500 (simulator fault load.org-cache-thrash): the error-rate SLO fails', async () => {
    const s = await runScenario('capacity', { variant: 'clean', faults: ['load.org-cache-thrash'] }, { ...LOAD, RUNDUN_STAGES: '25', RUNDUN_STAGE_DURATION: '4s', RUNDUN_RAMP_DURATION: '0s' });
    const log = expectHygiene(s, 'capacity');
    expect(s.r.exitCode, log).toBe(99);
    expect(verdicts(s.r).http_req_failed, log).toBe(false);
  });

  it('soak: constant arrival rate, latency per quarter', async () => {
    const s = await runScenario('soak', { variant: 'clean' }, { ...LOAD, RUNDUN_DURATION: '4s', RUNDUN_SOAK_RATE: '10' });
    const log = expectHygiene(s, 'soak');
    expect(s.r.exitCode, log).toBe(0);
    expect(s.r.summaryFiles?.stdout).toMatch(/quarter 4 at 10 rps: held/);
    const iterations = s.r.summaryData?.metrics.iterations?.values.count ?? 0;
    expect(iterations).toBeGreaterThanOrEqual(36);
    expect(iterations).toBeLessThanOrEqual(41);
  });

  it('spike: before, during and after the spike', async () => {
    const s = await runScenario('spike', { variant: 'clean' }, { ...LOAD, RUNDUN_BASE_RATE: '5', RUNDUN_SPIKE_RATE: '30', RUNDUN_STAGE_DURATION: '1500ms', RUNDUN_RAMP_DURATION: '500ms' });
    const log = expectHygiene(s, 'spike');
    expect(s.r.exitCode, log).toBe(0);
    expect(s.r.summaryFiles?.stdout).toMatch(/before at 5 rps: held[\s\S]*spike at 30 rps: held[\s\S]*after at 5 rps: held/);
  });
});
