// The contract's operations as the checks read them. A named JSON import, so a k6 bundle carries
// this one top-level entry and not the whole contract (esbuild drops the rest); the status table
// and parameters are in settings.ts, for the bundles that judge them.
import { operations } from '../../schemas/contract.json';
import { schemaNames, type SchemaName } from '../validate';

export interface SuccessSpec {
  status: number;
  schema: SchemaName;
  /** The rule a 2xx body's schema check reports under (envelope.collection / single-resource). */
  rule: string;
}

function successSpec(op: { id: string; success: { status: number; schema: string; rule: string } }): SuccessSpec {
  const { status, schema, rule } = op.success;
  if (!(schemaNames as readonly string[]).includes(schema)) throw new Error(`contract operation ${op.id}: unknown success schema '${schema}' (known: ${schemaNames.join(', ')})`);
  return { status, schema: schema as SchemaName, rule };
}

/** What a successful call of each operation answers, by operation id. */
export const SUCCESS: ReadonlyMap<string, SuccessSpec> = new Map(operations.map((o) => [o.id, successSpec(o)]));

/** An operation of the contract: id, method, path template. */
export const OPERATIONS: ReadonlyArray<{ id: string; method: string; path: string }> = operations;
