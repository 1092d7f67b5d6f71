// npm run selftest [-- --repeat 5] [--fault <name> ...] [--latency <ms>[:<jitter ms>]] [--clean-only]
// The detection matrix: the conformance probes against the clean simulator under every
// rate-limit algorithm and Retry-After form (repeated --repeat times: flakiness is a defect),
// then against each fault of the catalogue; load-only faults go to the k6 scenarios where k6
// is installed. Each run prints a line as it finishes ("[fault 3 of 12] ok ..."), then the
// matrix; writes reports/selftest.{md,json}, exits 1 when any fault goes undetected or any clean
// run reports a failure. --latency puts the clean runs' simulator at that network distance (each
// run its own seed; the fault runs stay on loopback); --clean-only skips the faults:
// `npm run selftest -- --latency 50:10 --repeat 10`. --help lists every option.
import { mkdirSync, writeFileSync } from 'node:fs';
import { FAULT_CATALOGUE } from '../simulator/faults';
import { SELFTEST_COMMAND, selftestArgs } from '../selftest/args';
import { CLEAN_CONFIGS } from '../selftest/detect';
import { parseOrExit } from '../cli/args';
import { numberProgress } from '../cli/progress';
import { renderMatrixMarkdown, runMatrix, type FaultInfo } from '../selftest/matrix';
import { k6LoadDetector } from '../selftest/k6-detector';

async function main(): Promise<number> {
  const { repeat, only, latency, cleanOnly } = parseOrExit(SELFTEST_COMMAND, process.argv.slice(2), selftestArgs);
  const faults: FaultInfo[] = cleanOnly ? [] : FAULT_CATALOGUE.filter((f) => only.length === 0 || only.includes(f.name)).map((f) => ({ ...f }));
  const load = k6LoadDetector();
  const started = Date.now();
  const numbered = numberProgress({ clean: repeat * CLEAN_CONFIGS.length, faults: faults.length });
  const m = await runMatrix({ faults, repeat, load: load ?? undefined, onProgress: (l) => console.log(numbered(l)), ...(latency ? { latency } : {}) });
  const md = renderMatrixMarkdown(m, { repeat, loadDetector: load?.name ?? 'none (k6 not found: load-only faults not run)', ...(latency ? { latency } : {}) });
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/selftest.md', md);
  writeFileSync('reports/selftest.json', `${JSON.stringify({ generatedAt: new Date().toISOString(), repeat, ...(latency ? { latency } : {}), durationMs: Date.now() - started, ...m }, null, 2)}\n`);
  console.log(`\n${md}`);
  console.log(`self-test ${m.ok ? 'PASSED' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${m.clean.length} clean runs (${m.cleanFailures} with failures), ${m.faults.length} faults (${m.undetected.length} undetected${m.notRun.length ? `, ${m.notRun.length} load-only not run here` : ''}). Reports: reports/selftest.md, reports/selftest.json`);
  return m.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`selftest: ${(e as Error).message}`);
    process.exit(2);
  },
);
