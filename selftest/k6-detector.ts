// Load-only faults are judged by the k6 scenarios, with the user's real k6, where one is
// installed: start the simulator with the fault, run the scenarios that judge the rule it
// breaks, and report which rule thresholds failed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findK6, runK6 } from '../cli/k6';
import { startSimulator } from '../simulator/server';
import type { FaultInfo, LoadDetector } from './matrix';

/** Which scenarios judge which rules, with short self-test profiles (limit 20/1s). */
// key-isolation spreads one key over loopback addresses: k6 takes them only from --local-ips or
// the K6_LOCAL_IPS environment variable (not from script options), and the script reads the
// same variable to plan one VU per address.
const LOCAL_IPS = '127.0.0.2-127.0.0.5';
type K6RunSpec = [scenario: string, vars: Record<string, string>, extraArgs?: string[]];
const SCENARIOS_FOR: Array<[prefix: string, runs: K6RunSpec[]]> = [
  ['ratelimit.retry-after', [['retry-after', { RUNDUN_DURATION: '10s' }]]],
  ['ratelimit.', [
    ['rate-limit', { RUNDUN_UNDER_DURATION: '5s', RUNDUN_OVER_DURATION: '10s' }],
    ['key-isolation', { RUNDUN_DURATION: '10s', RUNDUN_SPREAD_DURATION: '10s', K6_LOCAL_IPS: LOCAL_IPS }, ['--local-ips', LOCAL_IPS]],
  ]],
  ['load.', [['capacity', { RUNDUN_STAGES: '10,20', RUNDUN_STAGE_DURATION: '10s', RUNDUN_RAMP_DURATION: '2s', RUNDUN_SLO_P95_MS: '40' }]]],
];

/** Built-in metrics whose thresholds are the load SLOs (they carry no rule tag). */
const SLO_RULES: Record<string, string> = { http_req_duration: 'load.latency-slo', http_req_failed: 'load.error-rate-slo' };

export function k6LoadDetector(): LoadDetector | null {
  const k6 = findK6();
  if ('missing' in k6) return null;
  return {
    name: `k6 (${k6.version})`,
    async detect(fault: FaultInfo) {
      const runs = SCENARIOS_FOR.find(([p]) => fault.breaks.startsWith(p))?.[1] ?? SCENARIOS_FOR[1]![1];
      const sim = await startSimulator({ rateLimit: { limit: 20, windowMs: 1000, algorithm: 'fixed-window' }, faults: [fault.name] });
      const dir = mkdtempSync(join(tmpdir(), 'rundun-selftest-'));
      const caught = new Set<string>();
      try {
        const fixtures = join(dir, 'fixtures.json');
        writeFileSync(fixtures, JSON.stringify(sim.fixtures), { mode: 0o600 });
        for (const [s, vars, extraArgs] of runs) {
          const summary = join(dir, `${s}.summary.json`);
          const r = await runK6(k6, join('dist', `${s}.js`), { RUNDUN_FIXTURES: fixtures, RUNDUN_REPORT_DIR: dir, ...vars }, { timeoutMs: 180_000, extraArgs });
          for (const rule of infoFindings(summary)) caught.add(rule);
          if (r.exitCode === 0) continue;
          for (const rule of failedRules(summary)) caught.add(rule);
          if (caught.size === 0) caught.add(`k6 ${s} exit ${r.exitCode}`);
        }
      } finally {
        await sim.close();
        rmSync(dir, { recursive: true, force: true });
      }
      return { caughtBy: [...caught].sort() };
    },
  };
}

/** ratelimit.retry-after-tight's allowed slack (lib/ratelimit/honour.ts judgeTightness's default: 1 s rounding + 250 ms probes). */
export const TIGHT_SLACK_MS = 1250;

/**
 * Informational rules have no threshold: the finding is in the summary's details. The
 * retry-after scenario's tightness counts as found when its p95 slack exceeds TIGHT_SLACK_MS.
 */
export function infoFindings(summaryPath: string): string[] {
  if (!existsSync(summaryPath)) return [];
  const data = JSON.parse(readFileSync(summaryPath, 'utf8')) as { details?: { tightnessMs?: { p95?: number } | null } };
  const p95 = data.details?.tightnessMs?.p95;
  return typeof p95 === 'number' && p95 > TIGHT_SLACK_MS ? ['ratelimit.retry-after-tight'] : [];
}

/** Rule ids of the failed thresholds in a scenario's reports/<scenario>.summary.json. */
function failedRules(summaryPath: string): string[] {
  if (!existsSync(summaryPath)) return [];
  const data = JSON.parse(readFileSync(summaryPath, 'utf8')) as { thresholds?: Array<{ metric: string; rule?: string; ok: boolean }> };
  return (data.thresholds ?? []).filter((t) => !t.ok).map((t) => t.rule ?? SLO_RULES[t.metric] ?? t.metric);
}
