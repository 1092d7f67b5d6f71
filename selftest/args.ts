// The self-test's command line (scripts/selftest.ts), pure so it is unit-tested.
import { FAULT_CATALOGUE } from '../simulator/faults';
import { parseLatencySpec, type LatencyOptions } from '../simulator/latency';

export const SELFTEST_USAGE = 'usage: selftest [--repeat N] [--fault <name> ...] [--latency <ms>[:<jitter ms>]] [--clean-only]';

export function parseSelftestArgs(argv: string[]): { repeat: number; only: string[]; latency?: LatencyOptions; cleanOnly: boolean } {
  let repeat = 1;
  const only: string[] = [];
  let latency: LatencyOptions | undefined;
  let cleanOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--repeat') repeat = Number(argv[++i]);
    else if (a === '--fault') only.push(String(argv[++i]));
    else if (a === '--clean-only') cleanOnly = true;
    else if (a === '--latency') {
      const spec = argv[++i];
      if (spec === undefined) throw new Error(`--latency needs a value like 50:10 (${SELFTEST_USAGE})`);
      try {
        latency = parseLatencySpec(spec);
      } catch (e) {
        throw new Error(`--latency: ${(e as Error).message}`);
      }
    } else throw new Error(`unknown option ${a} (${SELFTEST_USAGE})`);
  }
  if (cleanOnly && only.length) throw new Error('--clean-only runs no fault: drop --fault or --clean-only');
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) throw new Error('--repeat must be an integer from 1 to 20');
  const unknown = only.filter((n) => !FAULT_CATALOGUE.some((f) => f.name === n));
  if (unknown.length) throw new Error(`unknown fault(s): ${unknown.join(', ')} (see: npm run sim -- --list-faults)`);
  return { repeat, only, cleanOnly, ...(latency ? { latency } : {}) };
}

