// The self-test's unit of work: start the simulator in one configuration (clean, or with one
// fault), run every conformance probe against it in-process, and say which rules failed.
// Measures the harness the way mutation testing measures unit tests.
import { startSimulator, type StartOptions } from '../simulator/server';
import type { LatencyOptions } from '../simulator/latency';
import { parseFixtures } from '../lib/target';
import { createProbeEnv } from '../conformance/engine/probe-env';
import { runProbe, type ProbeResult } from '../conformance/engine/probe';
import { probes as allProbes } from '../conformance/probes';

export interface SimConfig {
  label: string; // e.g. 'clean fixed-window delay-seconds' or 'fault ratelimit.off'
  algorithm: 'fixed-window' | 'sliding-window' | 'token-bucket';
  retryAfterFormat: 'delay-seconds' | 'http-date';
  faults: string[];
}

export interface Detection {
  label: string;
  faults: string[];
  /** Rule ids with at least one failing outcome, with the first message for each. */
  failedRules: Record<string, string>;
  /**
   * Informational rules (severity info) whose finding the run reported, with a summary: they
   * fail nothing, so a fault breaking one is detected when its finding appears (see matrix.ts).
   */
  findings?: Record<string, string>;
  probes: Array<{ probe: string; status: ProbeResult['status']; reason?: string }>;
  requests: number;
  durationMs: number;
}

/** Rate limit of the self-test simulators: high enough for quick probes, low enough to burst. */
export const SELFTEST_LIMIT = { limit: 200, windowMs: 1000 };

export interface DetectOptions {
  probeIds?: string[];
  timeoutMs?: number;
  /** Put the simulator at a network distance (simulator/latency.ts), e.g. { ms: 50, jitterMs: 10 }. */
  latency?: LatencyOptions;
}

export async function detect(cfg: SimConfig, opts: DetectOptions = {}): Promise<Detection> {
  const started = Date.now();
  const start: StartOptions = {
    rateLimit: { ...SELFTEST_LIMIT, algorithm: cfg.algorithm },
    retryAfterFormat: cfg.retryAfterFormat,
    faults: cfg.faults,
    ...(opts.latency ? { latency: opts.latency } : {}),
  };
  const sim = await startSimulator(start);
  const env = createProbeEnv({
    target: parseFixtures(JSON.stringify(sim.fixtures), cfg.label),
    overrides: {},
    timeoutMs: opts.timeoutMs ?? 3000,
    paceRps: SELFTEST_LIMIT.limit / 2,
  });
  const results: ProbeResult[] = [];
  try {
    const selected = opts.probeIds ? allProbes.filter((p) => opts.probeIds!.includes(p.id)) : allProbes;
    for (const p of selected) results.push(await runProbe(p, env));
  } finally {
    env.close();
    await sim.close();
  }
  const failedRules: Record<string, string> = {};
  for (const r of results) for (const o of r.outcomes) if (!o.ok && !(o.rule in failedRules)) failedRules[o.rule] = o.message;
  return {
    label: cfg.label,
    faults: cfg.faults,
    failedRules,
    findings: infoFindings(results),
    probes: results.map((r) => ({ probe: r.probe, status: r.status, ...(r.reason ? { reason: r.reason } : {}) })),
    requests: results.reduce((n, r) => n + r.requests, 0),
    durationMs: Date.now() - started,
  };
}

/** The conformance suite's informational finding: drift.unknown-properties, the drift list of the report. */
export function infoFindings(results: readonly ProbeResult[]): Record<string, string> {
  const drift = results.flatMap((r) => r.drift);
  if (drift.length === 0) return {};
  const d = drift[0]!;
  return { 'drift.unknown-properties': `${drift.length} unknown properties listed as drift, e.g. ${d.schema} ${d.path} (${d.request})` };
}

/** The clean configurations every self-test run must pass: each algorithm, both Retry-After forms. */
export const CLEAN_CONFIGS: SimConfig[] = [
  { label: 'clean fixed-window, delay-seconds', algorithm: 'fixed-window', retryAfterFormat: 'delay-seconds', faults: [] },
  { label: 'clean sliding-window, delay-seconds', algorithm: 'sliding-window', retryAfterFormat: 'delay-seconds', faults: [] },
  { label: 'clean token-bucket, delay-seconds', algorithm: 'token-bucket', retryAfterFormat: 'delay-seconds', faults: [] },
  { label: 'clean fixed-window, http-date', algorithm: 'fixed-window', retryAfterFormat: 'http-date', faults: [] },
  { label: 'clean token-bucket, http-date', algorithm: 'token-bucket', retryAfterFormat: 'http-date', faults: [] },
];

export const faultConfig = (name: string): SimConfig => ({ label: `fault ${name}`, algorithm: 'fixed-window', retryAfterFormat: 'delay-seconds', faults: [name] });
