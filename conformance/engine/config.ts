// The conformance suite's configuration, read from the environment once, here, and passed
// down. The target comes from the one reader both engines share (lib/target/read.ts): the
// fixtures file (RUNDUN_FIXTURES), RUNDUN_BASE_URL with RUNDUN_API_KEY* variables, or nothing
// (start the simulator in-process). This adapter adds the suite's own settings and Node's fs.
import { readFileSync } from 'node:fs';
import type { ContractOverrides } from '../../lib/contract';
import type { StartOptions } from '../../simulator/server';
import { parseRateSpec } from '../../lib/target/duration';
import { parseLatencySpec } from '../../simulator/latency';
import type { Target } from '../../lib/target';
import { readTarget, type ReadFile } from '../../lib/target/read';
import { ConfigError } from '../../lib/target/errors';

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
  /** RUNDUN_READ_ONLY=yes: make no writes (also on the target, `target.readOnly`). */
  readOnly: boolean;
  /** RUNDUN_STATE_FILE: the record of short-lived runs the suite created, to verify 410 later. */
  stateFile: string;
  /** RUNDUN_RATE_LIMIT=off, or fixtures with rate limiting off: the target has no per-key limit. */
  limitOff: boolean;
  /** The target is a production host (allowed by RUNDUN_READ_ONLY or RUNDUN_ALLOW_PRODUCTION). */
  production: boolean;
  allowRemote: boolean;
}

type Env = Record<string, string | undefined>;

/** Node's reader for lib/target/read.ts: the error says why by its code (ENOENT, EACCES, …). */
export const readFileNode: ReadFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
};

export function readConformanceConfig(env: Env = process.env, readFile: ReadFile = readFileNode): ConformanceConfig {
  const t = readTarget(env, readFile, { engine: 'conformance' });
  const overridesPath = env.RUNDUN_CONTRACT_OVERRIDES?.trim() || undefined;
  return {
    target: t.target,
    source: t.source,
    overrides: overridesPath ? readJson<ContractOverrides>(overridesPath, 'RUNDUN_CONTRACT_OVERRIDES', readFile) : {},
    overridesSource: overridesPath,
    timeoutMs: positiveInt(env.RUNDUN_TIMEOUT_MS, 10_000, 'RUNDUN_TIMEOUT_MS'),
    paceRps: positiveInt(env.RUNDUN_PACE_RPS, 0, 'RUNDUN_PACE_RPS'),
    probeBudgetMs: positiveInt(env.RUNDUN_PROBE_BUDGET_MS, 600_000, 'RUNDUN_PROBE_BUDGET_MS'),
    reportDir: t.reportDir,
    onlyProbes: env.RUNDUN_PROBES?.trim() ? env.RUNDUN_PROBES.split(',').map((s) => s.trim()).filter(Boolean) : null,
    simulator: simulatorOptions(env),
    readOnly: t.readOnly,
    stateFile: t.stateFile,
    limitOff: t.limitOff,
    production: t.production,
    allowRemote: t.allowRemote,
  };
}

function readJson<T>(path: string, what: string, readFile: ReadFile): T {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new ConfigError(`${what}: cannot read '${path}' (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new ConfigError(`${what}: '${path}' is not valid JSON (${(e as Error).message})`);
  }
}

function positiveInt(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got '${v}'`);
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
  const spec = env.RUNDUN_SIM_RATE_LIMIT?.trim() || '100/1s';
  const algorithm = (env.RUNDUN_SIM_ALGORITHM?.trim() || 'fixed-window') as (typeof ALGORITHMS)[number];
  if (!ALGORITHMS.includes(algorithm)) throw new ConfigError(`RUNDUN_SIM_ALGORITHM must be one of ${ALGORITHMS.join(', ')}, got '${algorithm}'`);
  const format = env.RUNDUN_SIM_RETRY_AFTER_FORMAT?.trim() || 'delay-seconds';
  if (format !== 'delay-seconds' && format !== 'http-date') throw new ConfigError(`RUNDUN_SIM_RETRY_AFTER_FORMAT must be delay-seconds or http-date, got '${format}'`);
  const out: StartOptions = {
    rateLimit: /^off$/i.test(spec) ? null : { ...simRate(spec), algorithm },
    retryAfterFormat: format,
    faults: env.RUNDUN_SIM_FAULTS?.trim() ? env.RUNDUN_SIM_FAULTS.split(',').map((s) => s.trim()).filter(Boolean) : [],
  };
  if (env.RUNDUN_SIM_LATENCY?.trim()) {
    try {
      out.latency = parseLatencySpec(env.RUNDUN_SIM_LATENCY);
    } catch (e) {
      throw new ConfigError(`RUNDUN_SIM_LATENCY: ${(e as Error).message}`);
    }
    const seed = env.RUNDUN_SIM_LATENCY_SEED;
    if (seed !== undefined && seed.trim() !== '') out.latency.seed = positiveInt(seed, 0, 'RUNDUN_SIM_LATENCY_SEED');
  }
  return out;
}

function simRate(spec: string) {
  try {
    return parseRateSpec(spec);
  } catch (e) {
    throw new ConfigError(`RUNDUN_SIM_RATE_LIMIT: ${(e as Error).message}`);
  }
}
