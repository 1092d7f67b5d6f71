// The registry check: schemas/contract.json says, for every rule, who judges it and which
// simulator faults break it. registryProblems() compares that with what the code really does
// (the probe registry, the passive checks, each k6 bundle's thresholds, the fault catalogue)
// and lists every disagreement in one sentence. Pure: the test feeds it facts gathered from the
// code, and mutated copies of the contract to show each kind of disagreement is caught.
import type { Contract, K6ScenarioName } from '../../lib/contract';

export interface CodeFacts {
  /** Every conformance probe and the rules it declares. */
  probes: ReadonlyArray<{ id: string; rules: readonly string[] }>;
  /** Rules of the per-response checks run on every exchange. */
  passive: readonly string[];
  /** Per k6 scenario: the rules its thresholds judge (checks{rule:…} and the SLO metrics). */
  k6: Readonly<Partial<Record<K6ScenarioName, readonly string[]>>>;
  /** The simulator's fault catalogue. */
  faults: ReadonlyArray<{ name: string; breaks: string }>;
}

/** Thresholds on k6's own metrics that stand for a contract rule in the load scenarios. */
export const SLO_METRIC_RULES: Readonly<Record<string, string>> = {
  http_req_duration: 'load.latency-slo',
  http_req_failed: 'load.error-rate-slo',
};

export function registryProblems(contract: Contract, code: CodeFacts): string[] {
  const problems: string[] = [];
  const rules = new Map(contract.rules.map((r) => [r.id as string, r]));
  const say = (s: string) => problems.push(s);

  for (const r of contract.rules) {
    const j = r.judges ?? {};
    if (!j.probes?.length && !j.passive && !j.k6?.length && !j.harness) say(`${r.id}: no judge (judges lists no probe, passive check, k6 scenario or harness property)`);
    if (!r.breakers?.length && !r.notBreakable) say(`${r.id}: no breaker (no simulator fault breaks it, and no notBreakable reason)`);
    if (!r.label) say(`${r.id}: no label`);
  }

  // Probes: each probe's declared rules and the contract's judges.probes, both ways.
  const probeIds = new Set(code.probes.map((p) => p.id));
  for (const p of code.probes)
    for (const id of p.rules) {
      const r = rules.get(id);
      if (!r) say(`probe ${p.id} judges '${id}', which is not a contract rule`);
      else if (!r.judges?.probes?.includes(p.id)) say(`probe ${p.id} judges ${id}, but the contract does not list it among ${id}'s judges`);
    }
  for (const r of contract.rules)
    for (const pid of r.judges?.probes ?? []) {
      if (!probeIds.has(pid)) say(`${r.id}: the contract names probe ${pid}, which does not exist`);
      else if (!code.probes.find((p) => p.id === pid)!.rules.includes(r.id)) say(`${r.id}: the contract names probe ${pid} as a judge, but that probe does not declare the rule`);
    }

  // Passive checks.
  const passive = new Set(code.passive);
  for (const id of passive) {
    if (!rules.has(id)) say(`a passive check judges '${id}', which is not a contract rule`);
    else if (!rules.get(id)!.judges?.passive) say(`a passive check judges ${id}, but the contract does not mark it passive`);
  }
  for (const r of contract.rules) if (r.judges?.passive && !passive.has(r.id)) say(`${r.id}: the contract marks it passive, but no passive check judges it`);

  // k6 scenarios. Informational rules are measured, not thresholded: only their listing is kept.
  for (const [scenario, judged] of Object.entries(code.k6) as Array<[K6ScenarioName, readonly string[]]>) {
    for (const id of judged) {
      const r = rules.get(id);
      if (!r) say(`k6 ${scenario} judges '${id}', which is not a contract rule`);
      else if (!r.judges?.k6?.includes(scenario)) say(`k6 ${scenario} judges ${id}, but the contract does not list ${scenario} among its judges`);
    }
    for (const r of contract.rules)
      if (r.judges?.k6?.includes(scenario) && r.severity !== 'info' && !judged.includes(r.id)) say(`${r.id}: the contract names k6 ${scenario} as a judge, but its thresholds do not judge it`);
  }
  for (const r of contract.rules) for (const s of r.judges?.k6 ?? []) if (!(s in code.k6)) say(`${r.id}: the contract names k6 scenario ${s}, which has no bundle`);

  // Faults: each fault's `breaks` and each rule's breakers, both ways.
  const faults = new Map(code.faults.map((f) => [f.name, f]));
  for (const f of code.faults) {
    const r = rules.get(f.breaks);
    if (!r) say(`fault ${f.name} breaks '${f.breaks}', which is not a contract rule`);
    else if (!r.breakers?.includes(f.name)) say(`fault ${f.name} breaks ${f.breaks}, but the contract does not list it among ${f.breaks}'s breakers`);
  }
  for (const r of contract.rules)
    for (const name of r.breakers ?? []) {
      const f = faults.get(name);
      if (!f) say(`${r.id}: the contract names fault ${name}, which is not in the fault catalogue`);
      else if (f.breaks !== r.id) say(`${r.id}: the contract names fault ${name} as a breaker, but that fault breaks ${f.breaks}`);
    }
  return problems;
}
