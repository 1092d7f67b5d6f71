// The self-test's command line (scripts/selftest.ts), pure so it is unit-tested. The options are
// declared once in SELFTEST_COMMAND: parsed by cli/args.ts and rendered by --help.
import { FAULT_CATALOGUE } from '../simulator/faults';
import { parseLatencySpec, type LatencyOptions } from '../simulator/latency';
import { parseCommand, UsageError, type CommandSpec, type Parsed } from '../cli/args';

export const SELFTEST_COMMAND: CommandSpec = {
  name: 'selftest',
  usage: 'npm run selftest -- [--repeat N] [--fault <name> ...] [--latency <ms>[:<jitter ms>]] [--clean-only]',
  about:
    'The detection matrix: the conformance probes against the clean simulator under every\n' +
    'rate-limit algorithm and Retry-After form (repeated: flakiness is a defect), then against\n' +
    'each fault of the catalogue (load-only faults go to the k6 scenarios where k6 is found).\n' +
    'Prints each run as it finishes, then the matrix; writes reports/selftest.{md,json}.',
  options: {
    repeat: { type: 'string', arg: '<n>', help: 'clean runs per configuration, 1 to 20 (default 1)' },
    fault: { type: 'string', multiple: true, arg: '<name>', help: 'only this fault (repeatable; default every fault;\nnames: npm run sim -- --list-faults)' },
    latency: { type: 'string', arg: '<ms>[:<jitter>]', help: "the clean runs' simulator at this network distance\n(each run its own seed; fault runs stay on loopback; default none)" },
    'clean-only': { type: 'boolean', help: 'run no fault, only the clean runs' },
  },
  env: [['K6_BIN', 'the k6 binary for the load-only faults (default: k6 on PATH; none: not run)']],
  examples: ['npm run selftest -- --fault ratelimit.off --fault auth.revoked-accepted', 'npm run selftest -- --latency 50:10 --repeat 10 --clean-only'],
  exit: '0 every fault caught and every clean run clean, 1 otherwise, 2 bad usage or a crash',
};

export interface SelftestArgs {
  repeat: number;
  only: string[];
  latency?: LatencyOptions;
  cleanOnly: boolean;
}

/** The parsed command line as the self-test's settings; a bad value throws UsageError. */
export function selftestArgs(p: Parsed): SelftestArgs {
  const only = p.list('fault');
  const cleanOnly = p.flag('clean-only');
  const repeatText = p.string('repeat');
  const repeat = repeatText === undefined ? 1 : /^\d+$/.test(repeatText) ? Number(repeatText) : NaN;
  let latency: LatencyOptions | undefined;
  const spec = p.string('latency');
  if (spec !== undefined) {
    try {
      latency = parseLatencySpec(spec);
    } catch (e) {
      throw new UsageError(`--latency: ${(e as Error).message}`);
    }
  }
  if (cleanOnly && only.length) throw new UsageError('--clean-only runs no fault: drop --fault or --clean-only');
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) throw new UsageError(`--repeat must be an integer from 1 to 20 (got "${repeatText}")`);
  const unknown = only.filter((n) => !FAULT_CATALOGUE.some((f) => f.name === n));
  if (unknown.length) throw new UsageError(`unknown fault(s): ${unknown.join(', ')} (see: npm run sim -- --list-faults)`);
  return { repeat, only, cleanOnly, ...(latency ? { latency } : {}) };
}

export function parseSelftestArgs(argv: string[]): SelftestArgs {
  return selftestArgs(parseCommand(SELFTEST_COMMAND, argv));
}
