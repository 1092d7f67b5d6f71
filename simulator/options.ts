// Parsing of the CLI's flags into StartOptions. Pure (no process access) so it is unit-tested.
import { DEFAULT_POOL_SIZE, DEFAULT_RUN_QUOTA } from './app';
import { RETRY_AFTER_FORMATS, type RetryAfterFormat } from './context';
import { faultByName, FAULT_NAMES } from './faults';
import { DEFAULT_LATENCY_SEED, parseLatencySpec } from './latency';
import { ALGORITHMS, type Algorithm } from './rate-limit';
import { isLoopbackHost, type StartOptions } from './server';

export const USAGE = `usage: node build/simulator/cli.js [options]
  --port <n>                  TCP port, 0 = any free port (default 0)
  --host <addr>               loopback address: 127.0.0.0/8 or ::1 (default 127.0.0.1)
  --fixtures <file>           write the fixtures JSON (base URL, keys, admin token) here
  --rate-limit <spec>|off     per-key edge limit: N/<int>s, N/<int>ms, N/<int>m (default 20/1s)
  --algorithm <name>          fixed-window | sliding-window | token-bucket (default fixed-window)
  --retry-after-format <f>    delay-seconds | http-date (default delay-seconds)
  --run-quota <n>             runs org A may create (default ${DEFAULT_RUN_QUOTA})
  --pool-size <n>             extra org-A keys in fixtures.pool (default ${DEFAULT_POOL_SIZE})
  --latency <ms>[:<jitter>]   clean network distance (not a fault): add <ms> of round trip to every
                              API response (any status, 429 and 401 included), uniform jitter within
                              ±<jitter> ms (<= ms); half before the edge, half after the response.
                              /_sim is not delayed (default: none)
  --seed <n>                  seed of the latency's PRNG: same seed, same delays (default ${DEFAULT_LATENCY_SEED})
  --fault <name>              switch on a deliberate fault (repeatable; see --list-faults)
  --list-faults               print the fault catalogue, one line per fault, and exit
  --help                      show this help`;

export interface CliConfig {
  start: StartOptions;
  fixturesPath: string | null;
  help: boolean;
  /** Set (true) only when --list-faults was given. */
  listFaults?: true;
}

export class UsageError extends Error {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "20/1s", "5/500ms", "100/1m", "20/s" -> { limit, windowMs }; "off" -> null. */
export function parseRateLimit(spec: string): { limit: number; windowMs: number } | null {
  if (spec === 'off') return null;
  const m = /^(\d{1,9})\/(\d{0,9})(ms|s|m)$/.exec(spec);
  if (m === null) throw new UsageError(`--rate-limit must look like 20/1s, 5/500ms, 100/1m or off (got "${spec}")`);
  const limit = Number(m[1]);
  const windowMs = (m[2] === '' ? 1 : Number(m[2])) * (UNIT_MS[m[3] as string] as number);
  if (limit < 1) throw new UsageError('--rate-limit: the limit must be at least 1');
  if (windowMs < 1) throw new UsageError('--rate-limit: the window must be at least 1 ms');
  return { limit, windowMs };
}

function parseCount(flag: string, v: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got "${v}")`);
  }
  return Number(v);
}

const VALUE_FLAGS = new Set([
  '--port',
  '--host',
  '--fixtures',
  '--rate-limit',
  '--algorithm',
  '--retry-after-format',
  '--run-quota',
  '--pool-size',
  '--latency',
  '--seed',
  '--fault',
]);

export function parseCli(argv: readonly string[]): CliConfig {
  const values = new Map<string, string>();
  const faults: string[] = [];
  let help = false;
  let listFaults = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--list-faults') {
      listFaults = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option "${flag}"`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (flag === '--fault') {
      if (faultByName(value) === undefined) throw new UsageError(`unknown fault "${value}"; valid faults: ${FAULT_NAMES.join(', ')}`);
      if (!faults.includes(value)) faults.push(value);
      continue;
    }
    if (values.has(flag)) throw new UsageError(`${flag} given more than once`);
    values.set(flag, value);
  }

  const start: StartOptions = {};
  const port = values.get('--port');
  start.port = port === undefined ? 0 : parseCount('--port', port, 0, 65535);
  const host = values.get('--host');
  if (host !== undefined) {
    if (!isLoopbackHost(host)) throw new UsageError(`--host must be a loopback address (127.0.0.0/8 or ::1), got "${host}"`);
    start.host = host;
  }
  const algorithm = values.get('--algorithm') ?? 'fixed-window';
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new UsageError(`--algorithm must be one of ${ALGORITHMS.join(', ')} (got "${algorithm}")`);
  }
  const rl = parseRateLimit(values.get('--rate-limit') ?? '20/1s');
  start.rateLimit = rl === null ? null : { ...rl, algorithm: algorithm as Algorithm };
  const format = values.get('--retry-after-format') ?? 'delay-seconds';
  if (!(RETRY_AFTER_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--retry-after-format must be one of ${RETRY_AFTER_FORMATS.join(', ')} (got "${format}")`);
  }
  start.retryAfterFormat = format as RetryAfterFormat;
  const quota = values.get('--run-quota');
  if (quota !== undefined) start.runQuota = parseCount('--run-quota', quota, 0, 100_000_000);
  const pool = values.get('--pool-size');
  if (pool !== undefined) start.poolSize = parseCount('--pool-size', pool, 0, 10_000);
  const latency = values.get('--latency');
  const seed = values.get('--seed');
  if (seed !== undefined && !/^\d{1,9}$/.test(seed)) throw new UsageError(`--seed must be a non-negative integer (got "${seed}")`);
  if (latency !== undefined) {
    try {
      start.latency = { ...parseLatencySpec(latency), seed: seed === undefined ? DEFAULT_LATENCY_SEED : Number(seed) };
    } catch (err) {
      throw new UsageError(`--latency: ${(err as Error).message}`);
    }
  } else if (seed !== undefined) throw new UsageError('--seed seeds the latency only: give --latency too');
  if (faults.length > 0) start.faults = faults;
  const fixturesPath = values.get('--fixtures') ?? null;
  if (fixturesPath === '') throw new UsageError('--fixtures needs a file path');
  return listFaults ? { start, fixturesPath, help, listFaults: true } : { start, fixturesPath, help };
}
