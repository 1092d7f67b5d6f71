// The conformance suite's configuration, read from the environment once, here, and passed
// down. Three ways to name a target: RUNDUN_FIXTURES (the simulator's fixtures format),
// RUNDUN_BASE_URL with RUNDUN_API_KEY* variables, or nothing (start the simulator in-process).
import { readFileSync } from 'node:fs';
import type { ContractOverrides } from '../../lib/contract';
import type { StartOptions } from '../../simulator/server';
import { parseRateSpec } from '../../lib/rate-spec';
import { parseLatencySpec } from '../../simulator/latency';
import { checkTargetAllowed, normaliseBaseUrl, parseExpectedLimit, parseFixtures, type Target } from '../../lib/target';

export interface ConformanceConfig {
  /** null: start the simulator in-process (globalSetup). */
  target: Target | null;
  source: string; // for the report: where the target came from
  overrides: ContractOverrides;
  overridesSource?: string;
  timeoutMs: number;
  /** Requests per second per key for ordinary probes; 0 = derive from the expected limit. */
  paceRps: number;
  /** Time one probe may take before it is stopped and failed (RUNDUN_PROBE_BUDGET_MS). */
  probeBudgetMs: number;
  reportDir: string;
  /** Only these probe ids (comma-separated RUNDUN_PROBES), for focused runs. */
  onlyProbes: string[] | null;
  /** How to start the in-process simulator when no target is given. */
  simulator: StartOptions;
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): ConformanceConfig {
  const overridesPath = env.RUNDUN_CONTRACT_OVERRIDES;
  const common = {
    overrides: overridesPath ? readJson<ContractOverrides>(overridesPath, 'RUNDUN_CONTRACT_OVERRIDES') : {},
    overridesSource: overridesPath,
    timeoutMs: positiveInt(env.RUNDUN_TIMEOUT_MS, 10_000, 'RUNDUN_TIMEOUT_MS'),
    paceRps: positiveInt(env.RUNDUN_PACE_RPS, 0, 'RUNDUN_PACE_RPS'),
    probeBudgetMs: positiveInt(env.RUNDUN_PROBE_BUDGET_MS, 600_000, 'RUNDUN_PROBE_BUDGET_MS'),
    reportDir: env.RUNDUN_REPORT_DIR ?? 'reports',
    onlyProbes: env.RUNDUN_PROBES ? env.RUNDUN_PROBES.split(',').map((s) => s.trim()).filter(Boolean) : null,
    simulator: simulatorOptions(env),
  };
  const allowRemote = /^(1|yes|true)$/i.test(env.RUNDUN_ALLOW_REMOTE ?? '');
  const expected = parseExpectedLimit(env.RUNDUN_RATE_LIMIT, env.RUNDUN_RATE_WINDOW);

  if (env.RUNDUN_FIXTURES) {
    const target = parseFixtures(readText(env.RUNDUN_FIXTURES, 'RUNDUN_FIXTURES'), env.RUNDUN_FIXTURES);
    if (expected) target.rateLimit = { ...target.rateLimit, ...expected };
    if (env.RUNDUN_EXPIRED_RUN_ID) target.expiredRunId = env.RUNDUN_EXPIRED_RUN_ID;
    checkTargetAllowed(target.baseUrl, allowRemote);
    return { ...common, target, source: `fixtures file ${env.RUNDUN_FIXTURES}` };
  }
  if (env.RUNDUN_BASE_URL) {
    const target: Target = {
      baseUrl: normaliseBaseUrl(env.RUNDUN_BASE_URL),
      keys: {
        primary: env.RUNDUN_API_KEY,
        secondary: env.RUNDUN_API_KEY_SECONDARY,
        other_org: env.RUNDUN_API_KEY_OTHER_ORG,
        exhausted: env.RUNDUN_API_KEY_EXHAUSTED,
        revoked: env.RUNDUN_API_KEY_REVOKED,
        ratelimit: env.RUNDUN_API_KEY_RATELIMIT,
      },
      pool: [],
      rateLimit: expected,
      expiredRunId: env.RUNDUN_EXPIRED_RUN_ID,
    };
    for (const role of Object.keys(target.keys) as (keyof Target['keys'])[]) if (!target.keys[role]) delete target.keys[role];
    checkTargetAllowed(target.baseUrl, allowRemote);
    return { ...common, target, source: 'RUNDUN_BASE_URL and RUNDUN_API_KEY* variables' };
  }
  return { ...common, target: null, source: 'the simulator, started in-process' };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what}: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readText(path, what)) as T;
  } catch (e) {
    throw new Error(`${what}: '${path}' is not valid JSON (${(e as Error).message})`);
  }
}

function positiveInt(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** Ordinary probes stay at half the expected limit per key (or 10/s when it is unknown). */
export function paceFor(cfg: ConformanceConfig, target: Target): number {
  if (cfg.paceRps > 0) return cfg.paceRps;
  if (!target.rateLimit) return 10;
  // No floor: a 20/1m limit is paced at 10/min, however long the suite then takes.
  return target.rateLimit.limit / (target.rateLimit.windowMs / 1000) / 2;
}

const ALGORITHMS = ['fixed-window', 'sliding-window', 'token-bucket'] as const;

/**
 * RUNDUN_SIM_* select the in-process simulator's rate limit, algorithm, Retry-After form, faults,
 * and its network distance (RUNDUN_SIM_LATENCY=50:10: 50 ms round trip ± 10 ms, seeded, on every
 * API response; RUNDUN_SIM_LATENCY_SEED=N for another delay sequence).
 */
function simulatorOptions(env: Env): StartOptions {
  const spec = env.RUNDUN_SIM_RATE_LIMIT ?? '100/1s';
  const algorithm = (env.RUNDUN_SIM_ALGORITHM ?? 'fixed-window') as (typeof ALGORITHMS)[number];
  if (!ALGORITHMS.includes(algorithm)) throw new Error(`RUNDUN_SIM_ALGORITHM must be one of ${ALGORITHMS.join(', ')}, got '${algorithm}'`);
  const format = env.RUNDUN_SIM_RETRY_AFTER_FORMAT ?? 'delay-seconds';
  if (format !== 'delay-seconds' && format !== 'http-date') throw new Error(`RUNDUN_SIM_RETRY_AFTER_FORMAT must be delay-seconds or http-date, got '${format}'`);
  const out: StartOptions = {
    rateLimit: spec === 'off' ? null : { ...parseRateSpec(spec), algorithm },
    retryAfterFormat: format,
    faults: env.RUNDUN_SIM_FAULTS ? env.RUNDUN_SIM_FAULTS.split(',').map((s) => s.trim()).filter(Boolean) : [],
  };
  if (env.RUNDUN_SIM_LATENCY) {
    try {
      out.latency = parseLatencySpec(env.RUNDUN_SIM_LATENCY);
    } catch (e) {
      throw new Error(`RUNDUN_SIM_LATENCY: ${(e as Error).message}`);
    }
    const seed = env.RUNDUN_SIM_LATENCY_SEED;
    if (seed !== undefined && seed !== '') out.latency.seed = positiveInt(seed, 0, 'RUNDUN_SIM_LATENCY_SEED');
  }
  return out;
}
