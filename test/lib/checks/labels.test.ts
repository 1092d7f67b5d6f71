// The k6 check names are the contract's labels: lib/checks/labels.ts is a copy the k6 bundles
// can afford, and this test is what keeps it one (it fails on any rule added, removed or renamed).
import { describe, expect, it } from 'vitest';
import { contract } from '../../../lib/contract';
import { RULE_LABELS } from '../../../lib/checks/labels';
import { checkName } from '../../../scenarios/lib/verdicts';

describe('k6 check names', () => {
  it('RULE_LABELS is exactly the contract labels, rule for rule', () => {
    expect(RULE_LABELS).toEqual(Object.fromEntries(contract.rules.filter((r) => r.label !== undefined).map((r) => [r.id, r.label])));
  });

  it('checkName is the label, or the id for a rule without one', () => {
    const r = contract.rules.find((x) => x.label !== undefined)!;
    expect(checkName(r.id)).toBe(r.label);
    expect(checkName('ratelimit.not-a-rule')).toBe('ratelimit.not-a-rule');
    expect(checkName('toString')).toBe('toString');
  });
});
