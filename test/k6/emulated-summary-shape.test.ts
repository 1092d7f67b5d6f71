// handleSummary under both summary shapes k6 1.3 .. 2.x hand it, in emulated runs: with
// K6_NEW_MACHINE_READABLE_SUMMARY=true the emulator hands the new shape (as k6 1.5+ does), and
// the scenario must write the same report files, with the same pass/fail per threshold, as from
// the legacy shape, and the same as k6's own (the emulator's) verdicts.
import { describe, expect, it, vi } from 'vitest';
import { EMULATED_K6_VERSION } from './support/aggregate';
import type { TargetSpec } from './support/targets';
import { expectHygiene, runScenario, type ScenarioRun } from './support/scenario-run';

vi.setConfig({ maxConcurrency: 20, testTimeout: 120_000 });

interface Report {
  pass: boolean;
  summary: { shape: string; k6Version: string | null; thresholdsEvaluatedBy: string };
  thresholds: Array<{ key: string; expression: string; ok: boolean; evaluatedBy?: string; notReported?: string }>;
  notes: string[];
}

function report(s: ScenarioRun, scenario: string): Report {
  return JSON.parse(s.r.summaryFiles?.[`${s.reportDir}/${scenario}.summary.json`] ?? 'null') as Report;
}

const outcomes = (rep: Report) => rep.thresholds.map((t) => `${t.key} ${t.expression} ${t.ok}`);
const k6Outcomes = (s: ScenarioRun) => s.r.thresholds.map((t) => `${t.key} ${t.expression} ${t.ok}`).sort();
/** JUnit without its timestamp and run time, for comparing two runs. */
const junitShape = (s: ScenarioRun, scenario: string) =>
  (s.r.summaryFiles?.[`${s.reportDir}/${scenario}.junit.xml`] ?? '').replace(/ timestamp="[^"]*"/g, '').replace(/ time="[^"]*"/g, '').replace(/(rate|count|p\(\d+\)|avg|max|value)=[\d.e+-]+/g, '$1=N');

const CASES: Array<{ name: string; scenario: string; spec: TargetSpec; env?: Record<string, string>; exit: 0 | 99 }> = [
  { name: 'smoke on a clean simulator', scenario: 'smoke', spec: { variant: 'clean' }, exit: 0 },
  { name: 'smoke on a wrapped-resource fault', scenario: 'smoke', spec: { variant: 'clean', faults: ['envelope.wrapped-resource'] }, exit: 99 },
  {
    name: 'rate-limit with rate limiting off',
    scenario: 'rate-limit',
    spec: { variant: 'off' },
    env: { RUNDUN_RATE_WINDOW: '500ms', RUNDUN_DISCOVERY_DURATION: '3s', RUNDUN_DISCOVERY_RATE: '40' },
    exit: 99,
  },
];

describe.concurrent('handleSummary with the new machine-readable summary (emulated k6)', () => {
  it.each(CASES)('$name: same reports and verdicts from both shapes', async ({ scenario, spec, env, exit }) => {
    const [legacy, modern] = await Promise.all([
      runScenario(scenario, spec, { ...env }),
      runScenario(scenario, spec, { ...env, K6_NEW_MACHINE_READABLE_SUMMARY: 'true' }),
    ]);
    for (const s of [legacy, modern]) {
      const log = expectHygiene(s, scenario);
      expect(s.r.exitCode, log).toBe(exit);
      expect(s.r.summaryFiles?.stdout, log).toMatch(new RegExp(`^rundun k6 ${scenario}: ${exit === 0 ? 'PASS' : 'FAIL'}`));
    }
    const a = report(legacy, scenario);
    const b = report(modern, scenario);
    expect(a.summary).toMatchObject({ shape: 'legacy', thresholdsEvaluatedBy: 'k6' });
    expect(b.summary).toMatchObject({ shape: 'machine-readable', k6Version: EMULATED_K6_VERSION, thresholdsEvaluatedBy: 'harness' });
    // The harness's re-evaluation of the new shape agrees with k6's own verdict, threshold by threshold.
    expect(outcomes(b).sort()).toEqual(k6Outcomes(modern));
    expect(outcomes(a).sort()).toEqual(k6Outcomes(legacy));
    expect(b.thresholds.every((t) => t.evaluatedBy === 'harness' && t.notReported === undefined)).toBe(true);
    expect(b.pass).toBe(a.pass);
    // Same files, same test cases and failures (values aside: two runs).
    expect(Object.keys(modern.r.summaryFiles ?? {}).map((k) => k.replace(modern.reportDir, 'DIR')).sort()).toEqual(
      Object.keys(legacy.r.summaryFiles ?? {}).map((k) => k.replace(legacy.reportDir, 'DIR')).sort(),
    );
    // The new shape's test cases carry one more property, evaluatedBy=harness; otherwise the same.
    const withoutEvaluatedBy = (x: string) => x.replace(/<property name="evaluatedBy" value="harness"\/>/g, '').replace(/\n {6}<properties><\/properties>\n {4}/g, '');
    expect(junitShape(modern, scenario)).toContain('<property name="evaluatedBy" value="harness"/>');
    expect(withoutEvaluatedBy(junitShape(modern, scenario))).toEqual(junitShape(legacy, scenario));
    expect(modern.r.summaryFiles?.stdout).toContain('handed the new machine-readable summary');
    // The scenario's own notes were computed from the normalised data (same first lines).
    expect(b.notes.map((n) => n.replace(/[\d.]+/g, 'N'))).toEqual(a.notes.map((n) => n.replace(/[\d.]+/g, 'N')));
  });
});
