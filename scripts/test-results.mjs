// Merges the JSON reports of npm test's two vitest projects (scripts/test-parallel.mjs) into one.

/**
 * One result from the projects' JSON reports. Failures no single test carries count too, so
 * the totals line can never say "0 failed" for a red run: a file that failed to load or whose
 * hook threw (its tests read as skipped), a project that crashed before reporting, one that
 * exited non-zero for any other reason (an unhandled error), and a run in which no test ran.
 */
export function mergeResults(projects) {
  const m = { numTotalTests: 0, numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numFailedTestSuites: 0, success: true, testResults: [], problems: [] };
  for (const p of projects) {
    if (!p.json) {
      m.problems.push(`project ${p.name} crashed before reporting (exit ${p.code})`);
      continue;
    }
    for (const k of ['numTotalTests', 'numPassedTests', 'numFailedTests', 'numPendingTests', 'numTodoTests', 'numFailedTestSuites']) m[k] += p.json[k] ?? 0;
    m.testResults.push(...(p.json.testResults ?? []));
    const files = (p.json.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'));
    for (const f of files) m.problems.push(`${String(f.name).replace(/^.*?\/(test\/)/, '$1')}: ${String(f.message || 'failed outside any test').split('\n')[0]}`);
    const counted = (p.json.numFailedTests ?? 0) + files.length;
    if (p.code !== 0 && counted === 0) m.problems.push(`project ${p.name} exited ${p.code} with no failed test (an unhandled error?)`);
  }
  if (m.numTotalTests === 0) m.problems.push('no test ran (a filter that matches nothing?)');
  m.numFailedTests += m.problems.length;
  m.success = m.numFailedTests === 0 && projects.every((p) => p.code === 0);
  return m;
}
