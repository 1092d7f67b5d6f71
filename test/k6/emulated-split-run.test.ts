// A run split over 1, 2 and 4 k6 instances (k6-operator's --execution-segment i/N:(i+1)/N
// --execution-segment-sequence 0,1/N,…,1), all against ONE simulator at once, then merged with
// the merge command's logic: every instance gives a correct verdict on its own share (an
// instance that owns no key passes and says so), and the merged verdict equals one instance's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { equalSplit } from '../../lib/execution-segment';
import { mergeScenario, parseInstanceSummary } from '../../lib/merge-summaries';
import { scenarioBundles } from './support/bundles';
import { prepareBundle, run, type EmulatorBundle, type RunResult } from './support/emulator';
import { startTarget, type TargetSpec } from './support/targets';

vi.setConfig({ maxConcurrency: 2, testTimeout: 180_000 });

const bundles = new Map<string, Promise<EmulatorBundle>>();
const bundle = (name: string) => {
  if (!bundles.has(name)) bundles.set(name, scenarioBundles().then((b) => prepareBundle(b.files[name] as string)));
  return bundles.get(name) as Promise<EmulatorBundle>;
};

interface Split {
  runs: RunResult[];
  merged: ReturnType<typeof mergeScenario>;
  secrets: string[];
}

/** Runs `instances` segments of one scenario at once against one simulator, and merges them. */
async function splitRun(scenario: string, instances: number, spec: TargetSpec, env: Record<string, string>): Promise<Split> {
  const target = await startTarget(spec);
  const dir = mkdtempSync(join(tmpdir(), 'rundun-split-'));
  try {
    const b = await bundle(scenario);
    const runs = await Promise.all(
      equalSplit(instances).map(({ segment, sequence }) =>
        run(b, { RUNDUN_FIXTURES: target.fixturesFile, RUNDUN_REPORT_DIR: dir, ...env }, instances === 1 ? { timeoutMs: 120_000 } : { timeoutMs: 120_000, segment, sequence }),
      ),
    );
    const inputs = runs.map((r, i) => {
      const text = Object.entries(r.summaryFiles ?? {}).find(([k]) => k.endsWith(`${scenario}.summary.json`))?.[1];
      if (text === undefined) throw new Error(`instance ${i + 1}: no summary: ${r.initError ?? r.iterationErrors.join('; ')}`);
      return { file: `instance-${i + 1}/${scenario}.summary.json`, summary: parseInstanceSummary(text, `instance ${i + 1}`) };
    });
    return { runs, merged: mergeScenario(inputs), secrets: target.secrets };
  } finally {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const describeRuns = (s: Split) =>
  s.runs.map((r, i) => `instance ${i + 1}: exit ${r.exitCode}\n${r.logs.map((l) => l.message).join('\n')}\n${r.thresholds.filter((t) => !t.ok).map((t) => `crossed ${t.key} ${t.expression}`).join('\n')}`).join('\n') + `\nmerged: ${s.merged.text}`;

/** Threshold key -> ok, over every expression of the key. */
const mergedVerdicts = (m: Split['merged']) => {
  const out: Record<string, boolean> = {};
  for (const t of (m.report as { thresholds: Array<{ key: string; ok: boolean }> }).thresholds) out[t.key] = (out[t.key] ?? true) && t.ok;
  return out;
};

const RL_ENV = { RUNDUN_KEYS_UNDER_TEST: '4', RUNDUN_UNDER_DURATION: '1500ms', RUNDUN_OVER_DURATION: '3s' };

describe.concurrent('a split rate-limit run (4 keys) over 1, 2 and 4 instances', () => {
  it.each([1, 2, 4])('clean: every instance passes, and so does the merge, with one instance\'s verdicts (%i instances)', async (n) => {
    const s = await splitRun('rate-limit', n, { variant: 'clean' }, RL_ENV);
    const log = describeRuns(s);
    for (const r of s.runs) expect(r.exitCode, log).toBe(0);
    expect(s.merged.pass, log).toBe(true);
    // Every key judged exactly once over the instances: the four keys' VUs each settled.
    const finished = (s.merged.report as { metrics: Record<string, { values: { passes?: number; fails?: number } }> }).metrics.rundun_vus_finished?.values;
    expect(finished, log).toMatchObject({ passes: 4, fails: 4 });
    const enforced = (s.merged.report as { metrics: Record<string, { values: { passes?: number; fails?: number } }> }).metrics['checks{rule:ratelimit.enforced-per-key}']?.values;
    expect(enforced, log).toMatchObject({ passes: 4, fails: 0 });
    expect(Object.values(mergedVerdicts(s.merged)).every(Boolean), log).toBe(true);
    for (const k of s.secrets) expect(s.merged.summaryJson.includes(k)).toBe(false);
  });

  it.each([1, 2, 4])('shared bucket: the merged verdict fails enforced-per-key (%i instances)', async (n) => {
    const s = await splitRun('rate-limit', n, { variant: 'clean', faults: ['ratelimit.shared-bucket'] }, RL_ENV);
    const log = describeRuns(s);
    expect(s.merged.pass, log).toBe(false);
    expect(mergedVerdicts(s.merged)['checks{rule:ratelimit.enforced-per-key}'], log).toBe(false);
  });
});

describe('instances that own no key', () => {
  it('a one-key run over 2 instances: the keyless one passes and says so; the merge passes', async () => {
    const s = await splitRun('rate-limit', 2, { variant: 'clean' }, { RUNDUN_UNDER_DURATION: '1500ms', RUNDUN_OVER_DURATION: '3s' });
    const log = describeRuns(s);
    expect(s.runs.map((r) => r.exitCode), log).toEqual([0, 0]);
    const idle = s.runs.filter((r) => /this instance ran no VU owing a verdict/.test(r.summaryFiles?.stdout ?? ''));
    expect(idle.length, log).toBe(1);
    expect(s.merged.pass, log).toBe(true);
  });
});

describe('a split key-isolation run', () => {
  it('over 2 instances: the spread part runs on exactly one, both pass, the merge passes', async () => {
    const s = await splitRun('key-isolation', 2, { variant: 'clean' }, { K6_LOCAL_IPS: '127.0.0.2-127.0.0.5' });
    const log = describeRuns(s);
    expect(s.runs.map((r) => r.exitCode), log).toEqual([0, 0]);
    const spreading = s.runs.filter((r) => r.samples.some((x) => x.metric === 'spread_sent'));
    expect(spreading.length, log).toBe(1);
    expect(s.merged.pass, log).toBe(true);
  });

  it('over 2 instances with one bucket for all keys: the merge fails isolation', async () => {
    const s = await splitRun('key-isolation', 2, { variant: 'clean', faults: ['ratelimit.shared-bucket'] }, {});
    expect(mergedVerdicts(s.merged)['checks{rule:ratelimit.isolation}'], describeRuns(s)).toBe(false);
  });
});

describe('a split capacity run', () => {
  it('over 2 instances: each carries half of every stage and is judged against that half; the knee holds on both', async () => {
    const s = await splitRun('capacity', 2, { variant: 'clean' }, { RUNDUN_STAGES: '20,40', RUNDUN_STAGE_DURATION: '3s', RUNDUN_RAMP_DURATION: '500ms', RUNDUN_RATE_LIMIT: '10/500ms' });
    const log = describeRuns(s);
    expect(s.runs.map((r) => r.exitCode), log).toEqual([0, 0]);
    for (const r of s.runs) {
      expect(r.summaryFiles?.stdout, log).toMatch(/this instance carried 50 % of every stated rate \(execution segment\)/);
      expect(r.summaryFiles?.stdout, log).toMatch(/knee: all 2 stages held the SLO/);
    }
    expect(s.merged.pass, log).toBe(true);
    // The knee is recomputed on the summed stages: the stated rates again, not one instance's half.
    const details = (s.merged.report as { details: { kneeRps?: number; stages?: Array<{ targetRps: number; requests: number }> } }).details;
    expect(details.stages?.map((x) => x.targetRps), log).toEqual([20, 40]);
    expect(details.kneeRps, log).toBe(40);
    expect(s.merged.text).toMatch(/knee: all 2 stages held the SLO/);
  });
});
