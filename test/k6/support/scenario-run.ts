// Runs one scenario bundle in the emulator against an in-process simulator, and the checks
// every run must pass whatever its verdict: no key anywhere in any output, every check tagged
// with a real contract rule id, handleSummary's three outputs present and consistent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { contract } from '../../../lib/contract';
import { scenarioBundles } from './bundles';
import { prepareBundle, run, type EmulatorBundle, type RunResult } from './emulator';
import { startTarget, type TargetSpec } from './targets';

const prepared = new Map<string, Promise<EmulatorBundle>>();
function bundle(name: string): Promise<EmulatorBundle> {
  let p = prepared.get(name);
  if (!p) {
    p = scenarioBundles().then((b) => prepareBundle(b.files[name] as string));
    prepared.set(name, p);
  }
  return p;
}

export interface ScenarioRun {
  r: RunResult;
  secrets: string[];
  reportDir: string;
}

export interface RunHow {
  /** Name the target with RUNDUN_BASE_URL / RUNDUN_API_KEY* (as for staging) instead of the fixtures file. */
  asVariables?: boolean;
  timeoutMs?: number;
}

export async function runScenario(name: string, spec: TargetSpec, env: Record<string, string> = {}, how: RunHow = {}): Promise<ScenarioRun> {
  const target = await startTarget(spec);
  const reportDir = mkdtempSync(join(tmpdir(), 'rundun-k6-reports-'));
  try {
    const f = target.fixtures;
    const targetEnv: Record<string, string> = how.asVariables
      ? {
          RUNDUN_BASE_URL: f.baseUrl,
          RUNDUN_API_KEY: f.keys.primary,
          RUNDUN_API_KEY_SECONDARY: f.keys.secondary,
          RUNDUN_API_KEY_OTHER_ORG: f.keys.other_org,
          RUNDUN_API_KEY_RATELIMIT: f.keys.ratelimit,
          RUNDUN_API_KEYS: f.pool.join(','),
        }
      : { RUNDUN_FIXTURES: target.fixturesFile };
    const r = await run(await bundle(name), { ...targetEnv, RUNDUN_REPORT_DIR: reportDir, ...env }, { timeoutMs: how.timeoutMs ?? 90_000 });
    return { r, secrets: target.secrets, reportDir };
  } finally {
    await target.close();
    // The emulator hands handleSummary's files back instead of writing them: nothing to keep.
    rmSync(reportDir, { recursive: true, force: true });
  }
}

/** key -> true when every expression on it held. */
export function verdicts(r: RunResult): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const t of r.thresholds) out[t.key] = (out[t.key] ?? true) && t.ok;
  return out;
}

export const ruleKey = (rule: string) => `checks{rule:${rule}}`;
/** The threshold that fails a rule no verdict was recorded for (k6 passes an empty Rate). */
export const verdictCountKey = (rule: string) => `rule_verdicts{rule:${rule}}`;

/** A rule's outcome as k6 decides it: its checks held AND enough verdicts were recorded; undefined when not judged. */
export function ruleVerdict(r: RunResult, rule: string): boolean | undefined {
  const v = verdicts(r);
  const checks = v[ruleKey(rule)];
  const count = v[verdictCountKey(rule)];
  if (checks === undefined && count === undefined) return undefined;
  return checks !== false && count !== false;
}

const RULE_IDS = new Set<string>(contract.rules.map((r) => r.id));

/** What must hold for every run, pass or fail. Returns a short log for failure messages. */
export function expectHygiene(s: ScenarioRun, scenario: string): string {
  const { r, secrets } = s;
  const log = [
    `exit ${r.exitCode}${r.initError ? ` init error: ${r.initError}` : ''}`,
    ...r.configErrors,
    ...r.iterationErrors,
    ...r.logs.map((l) => l.message),
    ...r.thresholds.filter((t) => !t.ok).map((t) => `crossed: ${t.key} ${t.expression} (${t.actual})`),
  ].join('\n');
  expect(r.iterationErrors, log).toEqual([]);
  expect(r.interrupted, log).toBe(0);
  // No key, in full or as a long fragment, anywhere: logs, tags, summary files.
  const everything = [JSON.stringify(r.logs), JSON.stringify(r.samples.map((x) => x.tags)), JSON.stringify(r.summaryFiles), JSON.stringify(r.summaryData)].join('\n');
  for (const k of secrets) {
    expect(everything.includes(k), 'a key leaked').toBe(false);
    expect(everything.includes(k.slice(-12)), 'a key fragment leaked').toBe(false);
  }
  // Every check carries the contract rule id it judges.
  for (const x of r.samples) {
    if (x.metric !== 'checks') continue;
    expect(RULE_IDS.has(x.tags.rule as string), `check '${x.tags.check}' has rule tag '${x.tags.rule}'`).toBe(true);
  }
  // handleSummary: summary JSON, JUnit with one test case per threshold, text on stdout.
  const files = r.summaryFiles ?? {};
  const json = files[`${s.reportDir}/${scenario}.summary.json`];
  const junit = files[`${s.reportDir}/${scenario}.junit.xml`];
  expect(json, log).toBeDefined();
  expect(junit).toBeDefined();
  expect(files.stdout).toMatch(new RegExp(`^rundun k6 ${scenario}: ${r.exitCode === 0 ? 'PASS' : 'FAIL'}`));
  const parsed = JSON.parse(json as string) as { pass: boolean; thresholds: unknown[] };
  expect(parsed.pass).toBe(r.exitCode === 0);
  expect(parsed.thresholds).toHaveLength(r.thresholds.length);
  expect((junit as string).match(/<testcase /g)).toHaveLength(r.thresholds.length);
  expect((junit as string).match(/<failure /g)?.length ?? 0).toBe(r.thresholds.filter((t) => !t.ok).length);
  return log;
}
