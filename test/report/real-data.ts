// Real inputs for the HTML report: the conformance suite run in-process against the simulator
// (every probe, as npm start runs them, reports written by the suite's own writer), and the k6
// scenarios run in the emulator against simulators, their handleSummary files written where
// k6 would write them. Durations are short: the whole set takes seconds.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startSimulator } from '../../simulator/server';
import { parseFixtures } from '../../lib/target';
import { createProbeEnv } from '../../conformance/engine/probe-env';
import { runProbe } from '../../conformance/engine/probe';
import { probes } from '../../conformance/probes';
import { buildReport } from '../../conformance/report/build';
import { writeReports } from '../../conformance/report/write';
import type { RunEvent } from '../../conformance/engine/recorder';
import { runScenario, type ScenarioRun } from '../k6/support/scenario-run';

/** Runs every conformance probe against a fresh simulator and writes conformance.{json,md,junit.xml} to dir. Returns the keys. */
export async function writeConformance(dir: string): Promise<string[]> {
  const sim = await startSimulator({ rateLimit: { limit: 100, windowMs: 1000, algorithm: 'fixed-window' } });
  const target = parseFixtures(JSON.stringify(sim.fixtures), 'in-process simulator');
  const keys = [...Object.values(target.keys), ...target.pool].filter((k): k is string => !!k);
  const env = createProbeEnv({ target, overrides: {}, timeoutMs: 5000, paceRps: 50 });
  const started = Date.now();
  const events: RunEvent[] = [];
  try {
    for (const p of probes) events.push({ kind: 'probe', result: await runProbe(p, env) });
  } finally {
    env.close();
    await sim.close();
  }
  writeReports(buildReport({ events, target, source: 'in-process simulator', simulator: true, overrides: {}, durationMs: Date.now() - started }), dir, keys);
  return keys;
}

/** The k6 runs the report's charts need, short. */
export const K6_RUNS: Array<{ scenario: string; env: Record<string, string> }> = [
  { scenario: 'rate-limit', env: { RUNDUN_UNDER_DURATION: '1s', RUNDUN_OVER_DURATION: '5s' } },
  { scenario: 'retry-after', env: { RUNDUN_DURATION: '4s' } },
  { scenario: 'key-isolation', env: { RUNDUN_DURATION: '3s' } },
  { scenario: 'capacity', env: { RUNDUN_RATE_LIMIT: '10/500ms', RUNDUN_STAGES: '10,20', RUNDUN_STAGE_DURATION: '2s', RUNDUN_RAMP_DURATION: '0s' } },
];

/** Runs one scenario in the emulator and writes its summary files into dir, as k6 would. */
export async function writeK6Summary(dir: string, scenario: string, env: Record<string, string>): Promise<ScenarioRun> {
  const s = await runScenario(scenario, { variant: 'clean' }, env);
  for (const [path, content] of Object.entries(s.r.summaryFiles ?? {})) if (path !== 'stdout') writeFileSync(join(dir, basename(path)), content);
  return s;
}
