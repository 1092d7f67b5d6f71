// vitest globalSetup for the conformance suite: resolve the target (or start the simulator
// in-process on port 0), hand it to the suite, and after the run turn the recorded probe
// results into reports/conformance.{json,junit.xml,md} and a one-screen summary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { readConformanceConfig, paceFor } from './engine/config';
import { readEvents } from './engine/recorder';
import { buildReport } from './report/build';
import { renderSummary } from './report/render';
import { writeReports } from './report/write';
import { parseFixtures, type Target } from '../lib/target';
import { redactSecrets } from '../lib/redact';
import { startSimulator, type RunningSimulator } from '../simulator/server';
import type { SuiteContext } from './suite-context';

export default async function setup(project: TestProject) {
  const cfg = readConformanceConfig();
  let sim: RunningSimulator | undefined;
  let target: Target;
  if (cfg.target) target = cfg.target;
  else {
    sim = await startSimulator(cfg.simulator);
    target = parseFixtures(JSON.stringify(sim.fixtures), 'in-process simulator');
  }
  const runDir = mkdtempSync(join(tmpdir(), 'rundun-conformance-'));
  const context: SuiteContext = {
    target,
    runDir,
    overrides: cfg.overrides,
    timeoutMs: cfg.timeoutMs,
    paceRps: paceFor(cfg, target),
    probeBudgetMs: cfg.probeBudgetMs,
    onlyProbes: cfg.onlyProbes,
    readOnly: cfg.readOnly,
    // A simulator (in-process, or standalone: it has the admin surface) forgets its runs when it
    // stops: records would read as 404s after a restart. The probe emulates two runs on its clock.
    stateFile: sim || target.admin ? null : cfg.stateFile,
  };
  project.provide('conformance', context);
  const started = Date.now();

  return async () => {
    try {
      const report = buildReport({ events: readEvents(runDir), target, source: cfg.source, simulator: !!sim, overrides: cfg.overrides, durationMs: Date.now() - started });
      const keys = [...Object.values(target.keys), ...target.pool].filter((k): k is string => !!k);
      const paths = writeReports(report, cfg.reportDir, keys);
      console.log(`\n${redactSecrets(renderSummary(report, paths), keys)}\n`);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
      await sim?.close();
    }
  };
}
