// Turns the run's events (probe results, waited-out 429s) into one ConformanceReport: a
// verdict per contract rule with evidence, the operation × status matrix, drift, and totals.
import { contract, resolveContract, type ContractOverrides, type Rule } from '../../lib/contract';
import { redactKey } from '../../lib/redact';
import type { Target } from '../../lib/target';
import type { Evidence } from '../engine/exchange';
import type { ProbeResult, ProbeStatus } from '../engine/probe';
import type { RunEvent } from '../engine/recorder';
import { TABLE_STATUSES } from '../engine/operations';

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'info';
export interface RuleReport {
  id: string;
  family: string;
  tag: string;
  check: string;
  status: RuleStatus;
  note?: string;
  checkedBy: string[];
  heldOn: number;
  failures: Array<{ probe: string; message: string; evidence: Evidence[] }>;
  sample?: Evidence;
}
export type Cell = { verdict: ProbeStatus | 'n/a' | 'not-exercised'; seen: number };
export interface ConformanceReport {
  generatedAt: string;
  target: { baseUrl: string; source: string; keys: Record<string, string>; rateLimit: string; simulator: boolean };
  overrideNotes: string[];
  durationMs: number;
  requests: number;
  totals: Record<RuleStatus, number>;
  probes: Array<{ id: string; title: string; status: ProbeStatus; reason?: string; requests: number; durationMs: number }>;
  rules: RuleReport[];
  matrix: { operations: string[]; statuses: number[]; cells: Record<string, Record<string, Cell>> };
  drift: Array<{ schema: string; path: string; request: string; count: number }>;
  waitedOut429: { count: number; totalWaitMs: number; samples: Evidence[] };
}

/**
 * Rules the conformance suite does not judge (no probe, not passive), and where they are judged
 * instead, from the contract's judges: a harness property passes by construction; a rule only k6
 * judges is skipped here with a pointer to its scenarios; an informational one is info.
 */
function judgedElsewhere(r: Rule): { status: RuleStatus; note: string } | undefined {
  const j = r.judges ?? {};
  if (j.probes?.length || j.passive) return undefined;
  const info = r.severity === 'info';
  if (j.harness) return { status: info ? 'info' : 'pass', note: `Property of the harness: ${j.harness}` };
  const scenarios = (j.k6 ?? []).map((s) => `${s} (scenarios/${s}.ts)`).join(', ');
  return { status: info ? 'info' : 'skip', note: `${info ? 'Measured' : 'Judged'} by the k6 scenario${(j.k6?.length ?? 0) > 1 ? 's' : ''} ${scenarios || '(none listed)'}.` };
}

export interface BuildInput {
  events: RunEvent[];
  target: Target;
  source: string;
  simulator: boolean;
  overrides: ContractOverrides;
  durationMs: number;
}

export function buildReport(input: BuildInput): ConformanceReport {
  const resolved = resolveContract(input.overrides);
  const results = input.events.filter((e): e is Extract<RunEvent, { kind: 'probe' }> => e.kind === 'probe').map((e) => e.result);
  // A probe that started but never reported (killed by a test timeout, a crashed worker) fails
  // all its rules: a gap in the evidence must never read as a pass.
  for (const e of input.events)
    if (e.kind === 'started' && !results.some((r) => r.probe === e.probe)) {
      const message = `probe ${e.probe} started but never finished (test timeout or crash): its rules are unproven`;
      results.push({ probe: e.probe, title: e.title, family: e.family, rules: e.rules, status: 'fail', reason: message, outcomes: e.rules.map((rule) => ({ rule, ok: false, message, evidence: [] })), passiveHeld: {}, covers: [], cells: [], tally: [], drift: [], requests: 0, durationMs: 0 });
    }
  const waited = input.events.filter((e): e is Extract<RunEvent, { kind: 'waited-out-429' }> => e.kind === 'waited-out-429');

  const rules: RuleReport[] = contract.rules.map((r) => {
    const failures = results.flatMap((p) => p.outcomes.filter((o) => o.rule === r.id && !o.ok).map((o) => ({ probe: p.probe, message: o.message, evidence: o.evidence })));
    const held = results.reduce((n, p) => n + p.outcomes.filter((o) => o.rule === r.id && o.ok).length + (p.passiveHeld[r.id] ?? 0), 0);
    const sample = results.flatMap((p) => p.outcomes.filter((o) => o.rule === r.id && o.ok && o.evidence.length > 0)).at(0)?.evidence[0];
    const owners = results.filter((p) => p.rules.includes(r.id));
    const checkedBy = [...new Set([...owners.map((p) => p.probe), ...(results.some((p) => p.passiveHeld[r.id] || p.outcomes.some((o) => o.rule === r.id && !p.rules.includes(r.id))) ? ['passive'] : [])])];
    const base = { id: r.id, family: r.family, tag: r.tag, check: r.check, checkedBy, heldOn: held, failures, ...(sample ? { sample } : {}) };
    if (resolved.skipped[r.id]) return { ...base, status: 'skip', note: `Override: ${resolved.skipped[r.id]}` };
    if (failures.length > 0) return { ...base, status: 'fail' };
    const elsewhere = judgedElsewhere(r);
    if (elsewhere) return { ...base, ...elsewhere };
    if (held > 0) return { ...base, status: 'pass' };
    const skipped = owners.filter((p) => p.status === 'skip');
    return { ...base, status: 'skip', note: skipped.length ? skipped.map((p) => `${p.probe}: ${p.reason}`).join('; ') : 'Not exercised in this run: no response it applies to was seen.' };
  });

  const cells: ConformanceReport['matrix']['cells'] = {};
  for (const op of contract.operations) {
    cells[op.id] = {};
    for (const status of TABLE_STATUSES) {
      const seen = results.reduce((n, p) => n + p.tally.filter(([o, s]) => o === op.id && s === status).length, 0);
      if (!op.statuses.includes(status)) {
        cells[op.id]![status] = { verdict: 'n/a', seen };
        continue;
      }
      // A cell's verdict comes from the checks judged on responses of that operation and status
      // where there are any; otherwise from the status of the probes that cover it (a probe that
      // failed before reaching the cell, or was skipped).
      const judged = results.flatMap((p) => (p.cells ?? []).filter(([o, s]) => o === op.id && s === status).map(([, , ok]) => ok));
      const covering = results.filter((p) => p.covers.some(([o, s]) => o === op.id && s === status)).map((p) => p.status);
      const verdict = judged.length > 0 ? (judged.includes(false) ? 'fail' : 'pass') : covering.includes('fail') ? 'fail' : covering.includes('pass') ? 'pass' : covering.includes('skip') ? 'skip' : 'not-exercised';
      cells[op.id]![status] = { verdict, seen };
    }
  }

  const driftMap = new Map<string, ConformanceReport['drift'][number]>();
  for (const p of results)
    for (const d of p.drift) {
      const k = `${d.schema} ${d.path.replace(/\/\d+(?=\/|$)/g, '/*')}`;
      const cur = driftMap.get(k);
      if (cur) cur.count++;
      else driftMap.set(k, { schema: d.schema, path: d.path.replace(/\/\d+(?=\/|$)/g, '/*'), request: d.request, count: 1 });
    }

  const totals: Record<RuleStatus, number> = { pass: 0, fail: 0, skip: 0, info: 0 };
  for (const r of rules) totals[r.status]++;

  const t = input.target;
  return {
    generatedAt: new Date().toISOString(),
    target: {
      baseUrl: t.baseUrl,
      source: input.source,
      keys: Object.fromEntries(Object.entries(t.keys).map(([role, k]) => [role, redactKey(k!)])),
      rateLimit: t.rateLimit ? `${t.rateLimit.limit} per ${t.rateLimit.windowMs / 1000} s${t.rateLimit.algorithm ? ` (${t.rateLimit.algorithm})` : ''}` : 'not given',
      simulator: input.simulator,
    },
    overrideNotes: resolved.overrideNotes,
    durationMs: input.durationMs,
    requests: results.reduce((n, p) => n + p.requests, 0),
    totals,
    probes: results.map((p) => ({ id: p.probe, title: p.title, status: p.status, ...(p.reason ? { reason: p.reason } : {}), requests: p.requests, durationMs: p.durationMs })),
    rules,
    matrix: { operations: contract.operations.map((o) => o.id), statuses: TABLE_STATUSES, cells },
    drift: [...driftMap.values()],
    waitedOut429: { count: waited.length, totalWaitMs: waited.reduce((n, w) => n + w.waitMs, 0), samples: waited.slice(0, 3).map((w) => w.evidence) },
  };
}

export type { ProbeResult };
