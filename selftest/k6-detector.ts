// Load-only faults are judged by the k6 scenarios, with the user's real k6, where one is
// installed: start the simulator with the fault, run the scenarios that judge the rule it
// breaks, and report which rule thresholds failed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findK6, runK6 } from '../scripts/lib/k6';
import { startSimulator } from '../simulator/server';
import type { FaultInfo, LoadDetector } from './matrix';

/** Which scenarios judge which rule families (the short selftest profiles). */
const SCENARIOS_FOR: Array<[prefix: string, scenarios: string[]]> = [
  ['ratelimit.retry-after', ['retry-after']],
  ['ratelimit.', ['rate-limit', 'key-isolation']],
  ['load.', ['capacity']],
];

export function k6LoadDetector(): LoadDetector | null {
  const k6 = findK6();
  if ('missing' in k6) return null;
  return {
    name: `k6 (${k6.version})`,
    async detect(fault: FaultInfo) {
      const scenarios = SCENARIOS_FOR.find(([p]) => fault.breaks.startsWith(p))?.[1] ?? ['rate-limit'];
      const sim = await startSimulator({ rateLimit: { limit: 20, windowMs: 1000, algorithm: 'fixed-window' }, faults: [fault.name] });
      const dir = mkdtempSync(join(tmpdir(), 'rundun-selftest-'));
      const caught = new Set<string>();
      try {
        const fixtures = join(dir, 'fixtures.json');
        writeFileSync(fixtures, JSON.stringify(sim.fixtures), { mode: 0o600 });
        for (const s of scenarios) {
          const summary = join(dir, `${s}.summary.json`);
          const r = await runK6(k6, join('dist', `${s}.js`), { RUNDUN_FIXTURES: fixtures, RUNDUN_PROFILE: 'selftest', RUNDUN_SUMMARY_JSON: summary }, { timeoutMs: 180_000 });
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

/** Rule ids of failed thresholds in a handleSummary JSON (`rule_ok{rule:<id>}` and tags). */
function failedRules(summaryPath: string): string[] {
  if (!existsSync(summaryPath)) return [];
  const data = JSON.parse(readFileSync(summaryPath, 'utf8')) as { metrics?: Record<string, { thresholds?: Record<string, { ok: boolean }> }> };
  const rules: string[] = [];
  for (const [metric, m] of Object.entries(data.metrics ?? {}))
    for (const t of Object.values(m.thresholds ?? {}))
      if (!t.ok) rules.push(/\{rule:([^}]+)\}/.exec(metric)?.[1] ?? metric);
  return rules;
}
