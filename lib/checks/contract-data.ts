// The contract's operations as the checks read them. A named JSON import, so a k6 bundle carries
// this one top-level entry and not the whole contract (esbuild drops the rest); the status table
// and parameters are in settings.ts, for the bundles that judge them.
import { operations } from '../../schemas/contract.json';
import { schemaNames, type SchemaName } from '../validate';
import type { RuleId } from '../generated/rule-ids';

export interface SuccessSpec {
  status: number;
  schema: SchemaName;
  /** The rule a 2xx body's schema check reports under (envelope.collection / single-resource). */
  rule: EnvelopeRule;
}

export type EnvelopeRule = 'envelope.collection' | 'envelope.single-resource';
const ENVELOPE_RULES: readonly string[] = ['envelope.collection', 'envelope.single-resource'] satisfies readonly (EnvelopeRule & RuleId)[];

function successSpec(op: { id: string; success: { status: number; schema: string; rule: string } }): SuccessSpec {
  const { status, schema, rule } = op.success;
  if (!(schemaNames as readonly string[]).includes(schema)) throw new Error(`contract operation ${op.id}: unknown success schema '${schema}' (known: ${schemaNames.join(', ')})`);
  // A typo here would switch the envelope check off for the operation without a word.
  if (!ENVELOPE_RULES.includes(rule)) throw new Error(`contract operation ${op.id}: success rule '${rule}' is not an envelope rule (${ENVELOPE_RULES.join(', ')})`);
  return { status, schema: schema as SchemaName, rule: rule as EnvelopeRule };
}

/** What a successful call of each operation answers, by operation id. */
export const SUCCESS: ReadonlyMap<string, SuccessSpec> = new Map(operations.map((o) => [o.id, successSpec(o)]));

