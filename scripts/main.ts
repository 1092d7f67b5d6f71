// npm start — the main job against the simulator, on a fresh machine:
//   1. the conformance suite (vitest) against the simulator started in-process; reports in
//      reports/conformance.{md,json,junit.xml} and a one-screen summary;
//   2. where k6 is installed (PATH or K6_BIN): the smoke, rate-limit and retry-after scenarios
//      against a simulator on loopback, with short durations, and their verdicts; k6 writes its
//      own progress and summary straight to the terminal.
// Exits non-zero when any verdict failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOrExit, type CommandSpec } from '../cli/args';
import { loadEnvFile } from '../cli/env-file';
import { findK6, runK6, explainK6Exit, K6_INSTALL_URL } from '../cli/k6';
import { startSimulator } from '../simulator/server';

const root = process.cwd();
// Short runs against the simulator below (20 per 1 s): the over-limit phase keeps the 10
// windows the window judge needs to tell a wrong limit from a right one (lib/ratelimit/window.ts).
const SCENARIOS: Array<{ name: string; vars: Record<string, string> }> = [
  { name: 'smoke', vars: {} },
  { name: 'rate-limit', vars: { RUNDUN_UNDER_DURATION: '3s', RUNDUN_OVER_DURATION: '10s' } },
  { name: 'retry-after', vars: { RUNDUN_DURATION: '8s' } },
];

const MAIN_COMMAND: CommandSpec = {
  name: 'start',
  usage: 'npm start',
  about:
    'The main job against the simulator: (1) the conformance suite against a simulator started\n' +
    'in-process, one line per probe as it finishes, reports in reports/conformance.{md,json,junit.xml};\n' +
    "(2) where k6 is found, the smoke, rate-limit and retry-after scenarios with k6's own progress,\n" +
    'against a simulator on loopback, reports in reports/<scenario>.summary.json.',
  options: {},
  env: [['K6_BIN', 'the k6 binary for step 2 (default: k6 on PATH; none: step 2 is skipped)']],
  examples: ['npm start', 'K6_BIN=$HOME/bin/k6 npm start'],
  exit: '0 every verdict passed, 1 one failed, 2 bad usage or a crash',
};

async function main(): Promise<number> {
  parseOrExit(MAIN_COMMAND, process.argv.slice(2), () => undefined);
  loadEnvFile(); // RUNDUN_SIM_* and k6 settings; the target is always the simulator here
  console.log('== 1/2 conformance suite against the simulator (in-process) ==');
  // The conformance entry (scripts/conformance.ts, built beside this file) prints each probe.
  const vitest = spawnSync(process.execPath, [fileURLToPath(new URL('./conformance.js', import.meta.url))], {
    stdio: 'inherit',
    env: { ...process.env, RUNDUN_BASE_URL: '', RUNDUN_FIXTURES: '' },
  });
  let failed = vitest.status !== 0;

  console.log('\n== 2/2 k6 scenarios against the simulator ==');
  const k6 = findK6();
  if ('missing' in k6) {
    console.log(`k6 not found (${k6.missing}): skipping the load scenarios; install k6 from ${K6_INSTALL_URL}`);
    return failed ? 1 : 0;
  }
  const sim = await startSimulator({ rateLimit: { limit: 20, windowMs: 1000, algorithm: 'fixed-window' } });
  // The fixtures file holds the simulator's keys in full: keep it out of reports/, owner-only.
  const secrets = mkdtempSync(join(tmpdir(), 'rundun-main-'));
  try {
    mkdirSync(join(root, 'reports'), { recursive: true });
    const fixtures = join(secrets, 'fixtures.json');
    writeFileSync(fixtures, JSON.stringify(sim.fixtures, null, 2), { mode: 0o600 });
    for (const s of SCENARIOS) {
      const r = await runK6(k6, join(root, 'dist', `${s.name}.js`), { RUNDUN_FIXTURES: fixtures, ...s.vars }, { timeoutMs: 120_000, cwd: root, progress: true });
      console.log(`${r.exitCode === 0 ? 'PASS' : 'FAIL'} ${s.name}: ${explainK6Exit(r.exitCode)} in ${(r.durationMs / 1000).toFixed(1)} s (reports/${s.name}.summary.json)`);
      if (r.exitCode !== 0) failed = true; // k6's own output, errors included, went to the terminal
    }
  } finally {
    await sim.close();
    rmSync(secrets, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => import('../html-report/write').then((r) => process.exit(r.reportAfterMain(code, resolve(root, process.env.RUNDUN_REPORT_DIR || 'reports'), findK6()))),
  (e) => {
    console.error(`main job failed: ${(e as Error).message}`);
    process.exit(2);
  },
);
