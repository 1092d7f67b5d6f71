// npm test's totals can never read "0 failed" for a red run: every way vitest reports a failure
// outside a single failed test is counted.
import { describe, expect, it } from 'vitest';
import { mergeResults, type ProjectRun } from '../../scripts/test-results.mjs';

const file = (status: 'passed' | 'failed', tests: Array<'passed' | 'failed' | 'pending'>, message = '') => ({ name: '/x/test/a.test.ts', status, message, assertionResults: tests.map((s) => ({ status: s })) });
const report = (files: ReturnType<typeof file>[]) => {
  const all = files.flatMap((f) => f.assertionResults);
  return { numTotalTests: all.length, numPassedTests: all.filter((a) => a.status === 'passed').length, numFailedTests: all.filter((a) => a.status === 'failed').length, numPendingTests: all.filter((a) => a.status === 'pending').length, numTodoTests: 0, numFailedTestSuites: files.filter((f) => f.status === 'failed').length, testResults: files };
};
const clean = (name: string): ProjectRun => ({ name, code: 0, json: report([file('passed', ['passed', 'passed'])]) });

describe('mergeResults', () => {
  it.each<{ name: string; runs: ProjectRun[]; failed: number; success: boolean; problem?: RegExp }>([
    { name: 'both projects green', runs: [clean('unit'), clean('emulated')], failed: 0, success: true },
    { name: 'a failed test', runs: [clean('unit'), { name: 'emulated', code: 1, json: report([file('failed', ['passed', 'failed'])]) }], failed: 1, success: false },
    { name: 'a file that failed to load (no test ran in it)', runs: [clean('unit'), { name: 'emulated', code: 1, json: report([file('failed', [], 'Failed to load url ./missing')]) }], failed: 1, success: false, problem: /test\/a\.test\.ts: Failed to load url/ },
    { name: 'a beforeAll that threw: its tests read as skipped', runs: [clean('unit'), { name: 'emulated', code: 1, json: report([file('failed', ['pending', 'pending'], 'Hook timed out')]) }], failed: 1, success: false, problem: /Hook timed out/ },
    { name: 'a project that crashed before reporting', runs: [clean('unit'), { name: 'emulated', code: 137, json: null }], failed: 1, success: false, problem: /project emulated crashed before reporting \(exit 137\)/ },
    { name: 'a non-zero exit with nothing failed (an unhandled error)', runs: [clean('unit'), { name: 'emulated', code: 1, json: report([file('passed', ['passed'])]) }], failed: 1, success: false, problem: /exited 1 with no failed test/ },
    { name: 'no test ran at all', runs: [{ name: 'unit', code: 0, json: report([]) }, { name: 'emulated', code: 0, json: report([]) }], failed: 1, success: false, problem: /no test ran/ },
  ])('$name', ({ runs, failed, success, problem }) => {
    const m = mergeResults(runs);
    expect(m.numFailedTests).toBe(failed);
    expect(m.success).toBe(success);
    if (problem) expect(m.problems.join('\n')).toMatch(problem);
    else expect(m.problems).toEqual([]);
  });
});
