// One home per rule: schemas/contract.json names every rule's judges and breakers, and this test
// holds the code to it. It fails when a rule has no judge or no breaker, or when code judges or
// breaks a rule the contract does not say it does (and the other way round). The mutation table
// shows each kind of disagreement is caught.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contract, type Contract, type K6ScenarioName } from '../../lib/contract';
import { parseThresholdKey } from '../../lib/k6-thresholds';
import { probes } from '../../conformance/probes';
import { passiveChecks } from '../../conformance/engine/passive';
import { FAULT_CATALOGUE } from '../../simulator/faults';
import { fakeFixtures, scenarioBundles } from '../k6/support/bundles';
import { prepareBundle, probe } from '../k6/support/emulator';
import { registryProblems, SLO_METRIC_RULES, type CodeFacts } from './registry';

const SCENARIOS: K6ScenarioName[] = ['smoke', 'rate-limit', 'retry-after', 'key-isolation', 'capacity', 'soak', 'spike'];
const LOAD_SCENARIOS = new Set<K6ScenarioName>(['capacity', 'soak', 'spike']);

/** What each bundle's thresholds judge, under the simulator's fixtures (every rule applies). */
async function k6Facts(): Promise<CodeFacts['k6']> {
  const bundles = await scenarioBundles();
  const fx = fakeFixtures();
  const out: Partial<Record<K6ScenarioName, string[]>> = {};
  for (const name of SCENARIOS) {
    const p = await probe(await prepareBundle(bundles.files[name] as string), { RUNDUN_FIXTURES: fx.file });
    if (p.initError) throw new Error(`${name}: ${p.initError}`);
    const judged = new Set<string>();
    for (const key of Object.keys((p.options as { thresholds: Record<string, unknown> }).thresholds)) {
      const { metric, tags } = parseThresholdKey(key);
      if (tags.rule) judged.add(tags.rule);
      else if (LOAD_SCENARIOS.has(name) && SLO_METRIC_RULES[metric]) judged.add(SLO_METRIC_RULES[metric]!);
    }
    out[name] = [...judged];
  }
  return out;
}

const baseFacts = (k6: CodeFacts['k6']): CodeFacts => ({
  probes: probes.map((p) => ({ id: p.id, rules: p.rules })),
  passive: passiveChecks.map((c) => c.rule),
  k6,
  faults: FAULT_CATALOGUE.map((f) => ({ name: f.name, breaks: f.breaks })),
});

describe('the contract is the registry', () => {
  it('names every judge and breaker the code has, and nothing else', async () => {
    expect(registryProblems(contract, baseFacts(await k6Facts()))).toEqual([]);
  }, 60_000);
});

describe('load-only faults are proven by the emulated k6 runs', () => {
  // The self-test cannot run them without a real k6; npm test runs them in the emulator instead.
  const emulated = readdirSync(new URL('../k6/', import.meta.url))
    .filter((f) => /^emulated-.*\.test\.ts$/.test(f))
    .map((f) => readFileSync(new URL(`../k6/${f}`, import.meta.url), 'utf8'))
    .join('\n');
  it.each(FAULT_CATALOGUE.filter((f) => 'loadOnly' in f && f.loadOnly).map((f) => f.name))('%s has an emulated k6 test', (name) => {
    const n = name.replace(/\./g, '\\.');
    // Either a scenario run with the fault (faults: [..., 'name']) or a row of a fault table (fault: 'name').
    expect(emulated).toMatch(new RegExp(`faults: \\[[^\\]]*'${n}'|fault: '${n}'`));
  });
});

describe('registryProblems catches each kind of disagreement', () => {
  type Mutation = { name: string; contract?: (c: Contract) => void; code?: (f: CodeFacts) => void; problem: RegExp };
  const rule = (c: Contract, id: string) => c.rules.find((r) => r.id === id)!;
  const facts: CodeFacts = {
    probes: [{ id: 'auth.missing-header', rules: ['auth.bearer-required', 'status.401-unauthorized'] }],
    passive: ['json.response-content-type'],
    k6: { smoke: ['json.response-content-type'] },
    faults: [{ name: 'auth.missing-accepted', breaks: 'auth.bearer-required' }, { name: 'errors.wrong-content-type', breaks: 'json.response-content-type' }],
  };
  // A three-rule contract that agrees with `facts`.
  const mini = (): Contract => {
    const c = structuredClone(contract);
    c.rules = c.rules.filter((r) => ['auth.bearer-required', 'status.401-unauthorized', 'json.response-content-type'].includes(r.id));
    rule(c, 'auth.bearer-required').judges = { probes: ['auth.missing-header'] };
    rule(c, 'auth.bearer-required').breakers = ['auth.missing-accepted'];
    rule(c, 'status.401-unauthorized').judges = { probes: ['auth.missing-header'] };
    rule(c, 'status.401-unauthorized').breakers = [];
    rule(c, 'status.401-unauthorized').notBreakable = 'only for this table: the mini contract has no fault for it';
    rule(c, 'json.response-content-type').judges = { passive: true, k6: ['smoke'] };
    rule(c, 'json.response-content-type').breakers = ['errors.wrong-content-type'];
    return c;
  };
  const mutations: Mutation[] = [
    { name: 'the agreeing mini contract', problem: /^$/ },
    { name: 'a rule with no judge', contract: (c) => (rule(c, 'auth.bearer-required').judges = {}), problem: /auth\.bearer-required: no judge/ },
    { name: 'a probe judge removed from the contract', contract: (c) => (rule(c, 'status.401-unauthorized').judges = { harness: 'somewhere else entirely' }), problem: /probe auth\.missing-header judges status\.401-unauthorized, but the contract does not list it/ },
    { name: 'a probe the contract names that does not declare the rule', code: (f) => (f.probes = [{ id: 'auth.missing-header', rules: ['auth.bearer-required'] }]), problem: /status\.401-unauthorized: the contract names probe auth\.missing-header as a judge, but that probe does not declare the rule/ },
    { name: 'a probe that does not exist', contract: (c) => rule(c, 'auth.bearer-required').judges!.probes!.push('auth.nope'), problem: /names probe auth\.nope, which does not exist/ },
    { name: 'a probe judging a rule not in the contract', code: (f) => (f.probes = [{ id: 'auth.missing-header', rules: ['auth.bearer-required', 'status.401-unauthorized', 'auth.made-up'] }]), problem: /judges 'auth\.made-up', which is not a contract rule/ },
    { name: 'a passive check the contract does not mark', contract: (c) => delete rule(c, 'json.response-content-type').judges!.passive, problem: /a passive check judges json\.response-content-type, but the contract does not mark it passive/ },
    { name: 'a passive rule with no check', code: (f) => (f.passive = []), problem: /marks it passive, but no passive check judges it/ },
    { name: 'a k6 judge the scenario does not have', code: (f) => (f.k6 = { smoke: [] }), problem: /names k6 smoke as a judge, but its thresholds do not judge it/ },
    { name: 'a k6 scenario judging an unlisted rule', code: (f) => (f.k6 = { smoke: ['json.response-content-type', 'auth.bearer-required'] }), problem: /k6 smoke judges auth\.bearer-required, but the contract does not list smoke/ },
    { name: 'a breaker removed from the contract', contract: (c) => (rule(c, 'json.response-content-type').breakers = []), problem: /fault errors\.wrong-content-type breaks json\.response-content-type, but the contract does not list it/ },
    { name: 'a rule with no breaker and no reason', contract: (c) => delete rule(c, 'status.401-unauthorized').notBreakable, problem: /status\.401-unauthorized: no breaker/ },
    { name: 'a breaker that is not in the catalogue', contract: (c) => rule(c, 'auth.bearer-required').breakers!.push('auth.gone'), problem: /names fault auth\.gone, which is not in the fault catalogue/ },
    { name: 'a breaker that breaks another rule', contract: (c) => rule(c, 'auth.bearer-required').breakers!.push('errors.wrong-content-type'), problem: /names fault errors\.wrong-content-type as a breaker, but that fault breaks json\.response-content-type/ },
  ];
  it.each(mutations)('$name', ({ contract: mc, code, problem }) => {
    const c = mini();
    const f = structuredClone(facts) as CodeFacts;
    mc?.(c);
    code?.(f);
    const problems = registryProblems(c, f);
    if (problem.source === '^$') expect(problems).toEqual([]);
    else expect(problems.join('\n')).toMatch(problem);
  });
});
