// Parsing of the CLI's flags into StartOptions. Pure (no process access) so it is unit-tested;
// the flags themselves are declared in SIM_COMMAND (cli/args.ts parses and renders them).
import { DEFAULT_POOL_SIZE, DEFAULT_RUN_QUOTA } from './app';
import { RETRY_AFTER_FORMATS, type RetryAfterFormat } from './context';
import { faultByName, FAULT_NAMES } from './faults';
import { DEFAULT_LATENCY_SEED, parseLatencySpec } from './latency';
import { ALGORITHMS, type Algorithm } from './rate-limit';
import { isLoopbackHost, type StartOptions } from './server';
import { parseCommand, renderHelp, UsageError, type CommandSpec, type Parsed } from '../cli/args';
import { parseRateSpec } from '../lib/target/duration';

/** The simulator's command line, declared once: parsed by parseCommand, rendered by --help. */
export const SIM_COMMAND: CommandSpec = {
  name: 'sim',
  usage: 'npm run sim -- [options]\nnode build/simulator/cli.js [options]',
  about:
    'Starts the stateful simulator of the Rundun API v1 on loopback and prints its base URL\n' +
    '(never a key). SIGINT/SIGTERM close it and exit 0.',
  options: {
    port: { type: 'string', arg: '<n>', help: 'TCP port, 0 = any free port (default 0; the base URL is printed)' },
    host: { type: 'string', arg: '<addr>', help: 'loopback address: 127.0.0.0/8 or ::1 (default 127.0.0.1)' },
    fixtures: { type: 'string', arg: '<file>', help: 'write the fixtures JSON (base URL, keys, admin token) here, mode 0600' },
    'rate-limit': { type: 'string', arg: '<spec>|off', help: 'per-key edge limit: N/<window>, e.g. 20/1s, 5/500ms, 100/1m, 20/1h (default 20/1s)' },
    algorithm: { type: 'string', arg: '<name>', help: `${ALGORITHMS.join(' | ')} (default fixed-window)` },
    'retry-after-format': { type: 'string', arg: '<f>', help: `${RETRY_AFTER_FORMATS.join(' | ')} (default delay-seconds)` },
    'run-quota': { type: 'string', arg: '<n>', help: `runs org A may create (default ${DEFAULT_RUN_QUOTA})` },
    'pool-size': { type: 'string', arg: '<n>', help: `extra org-A keys in fixtures.pool (default ${DEFAULT_POOL_SIZE})` },
    latency: {
      type: 'string',
      arg: '<ms>[:<jitter>]',
      help:
        'clean network distance (not a fault): add <ms> of round trip to every\n' +
        'API response (any status, 429 and 401 included), uniform jitter within\n' +
        '±<jitter> ms (<= ms); half before the edge, half after the response.\n' +
        '/_sim is not delayed (default: none)',
    },
    seed: { type: 'string', arg: '<n>', help: `seed of the latency's PRNG: same seed, same delays (default ${DEFAULT_LATENCY_SEED})` },
    fault: { type: 'string', multiple: true, arg: '<name>', help: 'switch on a deliberate fault (repeatable; see --list-faults)' },
    'list-faults': { type: 'boolean', help: 'print the fault catalogue, one line per fault, and exit' },
  },
  examples: ['npm run sim -- --port 4010 --fixtures /tmp/rundun-sim.json --rate-limit 20/1s --algorithm fixed-window'],
  exit: '0 closed by SIGINT/SIGTERM (or after --help/--list-faults), 1 could not start, 2 bad usage',
};

export const USAGE = renderHelp(SIM_COMMAND).trimEnd();

export interface CliConfig {
  start: StartOptions;
  fixturesPath: string | null;
  help: boolean;
  /** Set (true) only when --list-faults was given. */
  listFaults?: true;
}

export { UsageError };

/** "20/1s", "5/500ms", "100/1m", "20/s" -> { limit, windowMs }; "off" -> null. The one rate
 * grammar of lib/target/duration.ts, so --rate-limit reads as RUNDUN_SIM_RATE_LIMIT does. */
export function parseRateLimit(spec: string): { limit: number; windowMs: number } | null {
  if (/^off$/i.test(spec)) return null;
  try {
    return parseRateSpec(spec);
  } catch (e) {
    throw new UsageError(`--rate-limit must look like 20/1s, 5/500ms, 100/1m or off: ${(e as Error).message}`);
  }
}

function parseCount(flag: string, v: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got "${v}")`);
  }
  return Number(v);
}

export function parseCli(argv: readonly string[]): CliConfig {
  const p = parseCommand(SIM_COMMAND, argv);
  return { ...simConfig(p), help: p.help };
}

/** The parsed command line as the simulator's start options; a bad value throws UsageError. */
export function simConfig(p: Parsed): Omit<CliConfig, 'help'> {
  const values = new Map<string, string>();
  for (const name of Object.keys(SIM_COMMAND.options)) {
    const v = SIM_COMMAND.options[name]?.type === 'string' && !SIM_COMMAND.options[name]?.multiple ? p.string(name) : undefined;
    if (v !== undefined) values.set(`--${name}`, v);
  }
  const faults: string[] = [];
  for (const value of p.list('fault')) {
    if (faultByName(value) === undefined) throw new UsageError(`unknown fault "${value}"; valid faults: ${FAULT_NAMES.join(', ')}`);
    if (!faults.includes(value)) faults.push(value);
  }
  const listFaults = p.flag('list-faults');

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
  return listFaults ? { start, fixturesPath, listFaults: true } : { start, fixturesPath };
}
