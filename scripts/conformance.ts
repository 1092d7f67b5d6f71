// npm run conformance [-- --fixtures f.json | --base-url URL] [--probes id,id] [--reporter verbose]
// The conformance suite (vitest, conformance/vitest.config.ts) with a command line of its own:
// the options set the RUNDUN_* variables the suite reads once (conformance/engine/config.ts),
// each probe prints one line as it finishes, and the exit status is vitest's (0 every probe
// passed or was skipped, 1 a probe failed), 2 on bad usage.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';
import { probes } from '../conformance/probes';
import { parseOrExit, UsageError, type CommandSpec, type Parsed } from '../cli/args';
import { ProbeProgressReporter } from '../cli/probe-progress';
import { loadEnvFile } from '../cli/env-file';

// No 'dot': the per-probe lines already say as much, and dots would break them up.
const REPORTERS = ['default', 'verbose', 'tap'] as const;

export const CONFORMANCE_COMMAND: CommandSpec = {
  name: 'conformance',
  usage: 'npm run conformance -- [--fixtures <file> | --base-url <url>] [--probes <id,...>] [--report-dir <dir>] [--reporter <name>]',
  about:
    'Runs the conformance probes against a target, one line per probe as it finishes, and writes\n' +
    'reports/conformance.{md,json,junit.xml}. Without --fixtures or --base-url it starts the\n' +
    'simulator in-process. Non-loopback targets are refused unless RUNDUN_ALLOW_REMOTE=1.',
  options: {
    fixtures: { type: 'string', arg: '<file>', help: 'target from a fixtures file (the simulator\'s format; sets RUNDUN_FIXTURES)' },
    'base-url': { type: 'string', arg: '<url>', help: 'target base URL, e.g. http://127.0.0.1:4010/v1, keys from RUNDUN_API_KEY*\n(sets RUNDUN_BASE_URL)' },
    probes: { type: 'string', arg: '<id,...>', help: 'only these probe ids, comma-separated (sets RUNDUN_PROBES; default all)' },
    'report-dir': { type: 'string', arg: '<dir>', help: 'where the reports go (sets RUNDUN_REPORT_DIR; default reports)' },
    reporter: { type: 'string', arg: '<name>', help: `vitest's own reporter: ${REPORTERS.join(' | ')} (default default)` },
  },
  env: [
    ['RUNDUN_FIXTURES', 'fixtures file of the target (what --fixtures sets)'],
    ['RUNDUN_BASE_URL', 'base URL of the target (what --base-url sets)'],
    ['RUNDUN_API_KEY', 'primary key with RUNDUN_BASE_URL; also _SECONDARY, _OTHER_ORG, _EXHAUSTED,\n_REVOKED, _RATELIMIT (probes needing a missing key are skipped)'],
    ['RUNDUN_RATE_LIMIT', 'expected limit per window (with RUNDUN_RATE_WINDOW)'],
    ['RUNDUN_PROBE_BUDGET_MS', 'time one probe may take (default 600000)'],
    ['RUNDUN_TIMEOUT_MS', 'per-request timeout (default 10000)'],
    ['RUNDUN_PACE_RPS', 'requests per second per key for ordinary probes (default: from the limit)'],
    ['RUNDUN_CONTRACT_OVERRIDES', 'JSON file of documented deviations from the contract'],
    ['RUNDUN_ALLOW_REMOTE', '1 to allow a target outside 127.0.0.0/8'],
    ['RUNDUN_SIM_*', 'the in-process simulator: _RATE_LIMIT, _ALGORITHM, _RETRY_AFTER_FORMAT, _FAULTS,\n_LATENCY, _LATENCY_SEED'],
  ],
  examples: [
    'npm run conformance',
    'npm run conformance -- --fixtures /tmp/rundun-sim.json --probes auth.missing-header,auth.other-scheme',
  ],
  exit: '0 no probe failed, 1 a probe failed (or the suite could not run), 2 bad usage',
};

interface ConformanceArgs {
  env: Record<string, string>;
  reporter: (typeof REPORTERS)[number];
}

function conformanceArgs(p: Parsed): ConformanceArgs {
  const env: Record<string, string> = {};
  const fixtures = p.string('fixtures');
  const baseUrl = p.string('base-url');
  if (fixtures !== undefined && baseUrl !== undefined) throw new UsageError('--fixtures and --base-url name two targets: give one');
  if (fixtures === '') throw new UsageError('--fixtures needs a file path');
  if (fixtures !== undefined) env.RUNDUN_FIXTURES = fixtures;
  if (baseUrl !== undefined) {
    if (!/^https?:\/\/[^/]+/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL such as http://127.0.0.1:4010/v1 (got "${baseUrl}")`);
    env.RUNDUN_BASE_URL = baseUrl;
  }
  const only = p.string('probes');
  if (only !== undefined) {
    const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !probes.some((x) => x.id === id));
    if (ids.length === 0) throw new UsageError('--probes needs at least one probe id');
    if (unknown.length) throw new UsageError(`--probes: unknown probe id(s) ${unknown.join(', ')}; known: ${probes.map((x) => x.id).join(', ')}`);
    env.RUNDUN_PROBES = ids.join(',');
  }
  const reportDir = p.string('report-dir');
  if (reportDir === '') throw new UsageError('--report-dir needs a directory');
  if (reportDir !== undefined) env.RUNDUN_REPORT_DIR = reportDir;
  const reporter = p.string('reporter') ?? 'default';
  if (!(REPORTERS as readonly string[]).includes(reporter)) throw new UsageError(`--reporter must be one of ${REPORTERS.join(', ')} (got "${reporter}")`);
  return { env, reporter: reporter as ConformanceArgs['reporter'] };
}

async function main(): Promise<number> {
  const args = parseOrExit(CONFORMANCE_COMMAND, process.argv.slice(2), conformanceArgs);
  const fromFile = loadEnvFile();
  if (fromFile.length) console.log(`.env: ${fromFile.length} setting(s) read (${fromFile.join(', ')})`);
  // A target named on the command line replaces one named in the environment.
  if (args.env.RUNDUN_FIXTURES !== undefined) delete process.env.RUNDUN_BASE_URL;
  if (args.env.RUNDUN_BASE_URL !== undefined) delete process.env.RUNDUN_FIXTURES;
  Object.assign(process.env, args.env);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const vitest = await startVitest('test', [], {
    root,
    config: join(root, 'conformance', 'vitest.config.ts'),
    run: true,
    watch: false,
    reporters: [args.reporter, new ProbeProgressReporter()],
  });
  const failed = vitest.state.getCountOfFailedTests() > 0 || vitest.state.getUnhandledErrors().length > 0;
  return failed || (process.exitCode !== undefined && process.exitCode !== 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`conformance: ${(e as Error).message}`);
    process.exit(1);
  },
);
