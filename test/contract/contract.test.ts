import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { contract, resolveContract, ruleById, type ContractOverrides } from '../../lib/contract';
import { renderContractMarkdown } from '../../lib/contract-doc';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('schemas/contract.json', () => {
  it('matches schemas/contract.schema.json (assumed rules must carry their argument)', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(read('schemas/contract.schema.json')));
    const ok = validate(JSON.parse(read('schemas/contract.json')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema refuses an assumed rule without its assumption', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(read('schemas/contract.schema.json')));
    const broken = structuredClone(contract) as unknown as { rules: Record<string, unknown>[] };
    const assumed = broken.rules.find((r) => r.tag === 'assumed')!;
    delete assumed.assumption;
    expect(validate(broken)).toBe(false);
  });

  it('the schema refuses an operation whose success rule is not an envelope rule (a typo would switch its envelope check off)', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(read('schemas/contract.schema.json')));
    const broken = structuredClone(contract) as unknown as { operations: Array<{ success: { rule: string } }> };
    broken.operations[0]!.success.rule = 'envelope.colection';
    expect(validate(broken)).toBe(false);
  });

  it('has unique rule ids', () => {
    const ids = contract.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has a status.* rule for each of the ten codes of the reference table', () => {
    const table = [200, 201, 400, 401, 402, 404, 410, 422, 429, 500];
    expect(Object.keys(contract.statusCodes).map(Number)).toEqual(table);
    for (const code of table) expect(contract.rules.some((r) => r.status === code), `status ${code}`).toBe(true);
  });

  it('lists only table statuses on its operations', () => {
    for (const op of contract.operations)
      for (const s of op.statuses) expect(contract.statusCodes[String(s)], `${op.id} ${s}`).toBeDefined();
  });

  it('schemas/CONTRACT.md is the rendering of contract.json (run npm run contract:doc)', () => {
    expect(read('schemas/CONTRACT.md')).toBe(renderContractMarkdown());
  });
});

describe('resolveContract', () => {
  it('uses the contract values without overrides and says nothing', () => {
    const c = resolveContract();
    expect(c.params.perPageMax).toBe(100);
    expect(c.overrideNotes).toEqual([]);
    expect(c.errorCodesFor(404)).toContain('run_not_found');
  });

  it('applies overrides and says so plainly', () => {
    const c = resolveContract({
      parameters: { perPageMax: 200 },
      skip: { 'pagination.past-end': 'staging answers 404 past the end' },
      errorCodes: { '404': ['org_not_found'] },
    });
    expect(c.params.perPageMax).toBe(200);
    expect(c.skipped['pagination.past-end']).toMatch(/staging/);
    expect(c.errorCodesFor(404)).toContain('org_not_found');
    expect(c.overrideNotes.join('\n')).toMatch(/perPageMax overridden for this target: 100 → 200/);
    expect(c.overrideNotes.join('\n')).toMatch(/pagination\.past-end .* not checked/);
  });

  it.each<[string, ContractOverrides, RegExp]>([
    ['unknown parameter', { parameters: { perPageMaximum: 5 } }, /unknown parameter 'perPageMaximum'/],
    ['non-numeric parameter', { parameters: { perPageMax: 'x' as unknown as number } }, /must be a number/],
    ['unknown rule in skip', { skip: { 'nope.rule': 'x' } }, /unknown contract rule id 'nope.rule'/],
    ['skip without reason', { skip: { 'pagination.past-end': ' ' } }, /needs a reason/],
    ['status outside the table', { errorCodes: { '418': ['teapot'] } }, /418 is not in the reference's table/],
  ])('refuses %s', (_name, overrides, message) => {
    expect(() => resolveContract(overrides)).toThrow(message);
  });

  it('ruleById refuses unknown ids', () => {
    expect(ruleById('errors.body-shape').tag).toBe('documented');
    expect(() => ruleById('errors.bodyshape')).toThrow(/unknown contract rule id/);
  });
});
