// The conformance suite: one vitest test per probe, grouped by rule family, run in order in one
// file (one worker) so probes never compete for a key's rate limit. Each test names the rule
// ids it enforces; failures carry the evidence; skips say which fixture was missing.
import { afterAll, describe, inject, it } from 'vitest';
import { probes } from './probes';
import { createProbeEnv } from './engine/probe-env';
import { RunLedger } from './engine/state-file';
import { runProbe } from './engine/probe';
import { recordEvent } from './engine/recorder';
import { toEvidence } from './engine/exchange';
import { redactSecrets } from '../lib/redact';
import './suite-context';

const ctx = inject('conformance');
const keys = [...Object.values(ctx.target.keys), ...ctx.target.pool].filter((k): k is string => !!k);
let current = '';
const env = Object.assign(createProbeEnv({
  target: ctx.target,
  overrides: ctx.overrides,
  timeoutMs: ctx.timeoutMs,
  paceRps: ctx.paceRps,
  probeBudgetMs: ctx.probeBudgetMs,
  on429WaitedOut: (ex, waitMs) => recordEvent(ctx.runDir, { kind: 'waited-out-429', probe: current, waitMs, evidence: toEvidence(ex) }),
}), { readOnly: ctx.readOnly });
afterAll(() => env.close());

const selected = ctx.onlyProbes ? probes.filter((p) => ctx.onlyProbes!.includes(p.id)) : probes;
// The state file is opened only when its probe runs: a focused run (RUNDUN_PROBES) never touches
// it (opening one that is corrupt sets it aside).
if (ctx.stateFile && selected.some((p) => p.id === 'runs.expired-from-earlier-run')) Object.assign(env, { ledger: new RunLedger(ctx.stateFile) });
const families = [...new Set(selected.map((p) => p.family))];

for (const family of families) {
  describe(family, () => {
    for (const probe of selected.filter((p) => p.family === family)) {
      // The probe stops itself at its budget; vitest's timeout is only the last resort, and even
      // then the 'started' event makes the report fail the probe's rules instead of losing them.
      it(`${probe.id}: ${probe.title} [${probe.rules.join(', ')}]`, { timeout: ctx.probeBudgetMs + 120_000 }, async (t) => {
        current = probe.id;
        recordEvent(ctx.runDir, { kind: 'started', probe: probe.id, title: probe.title, family: probe.family, rules: probe.rules });
        const result = await runProbe(probe, env);
        recordEvent(ctx.runDir, { kind: 'probe', result });
        if (result.status === 'skip') t.skip(result.reason);
        if (result.status === 'fail') {
          const lines = result.outcomes.filter((o) => !o.ok).map((o) => `  [${o.rule}] ${o.message}`);
          throw new Error(redactSecrets(`${probe.id} broke ${lines.length} check(s):\n${lines.join('\n')}`, keys));
        }
      });
    }
  });
}
