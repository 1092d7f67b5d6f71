// Types for scripts/test-results.mjs (imported by its test).
export interface ProjectRun {
  name: string;
  code: number;
  json: Record<string, unknown> | null;
}
export interface MergedResults {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
  testResults: unknown[];
  problems: string[];
}
export declare function mergeResults(projects: ProjectRun[]): MergedResults;
