// The slices of schemas/contract.json the checks read. Named JSON imports, so a k6 bundle
// carries these few top-level entries and not the whole contract (esbuild drops the rest).
import { operations, parameters, statusCodes } from '../../schemas/contract.json';
import { schemaNames, type SchemaName } from '../validate';
import type { CheckSettings } from './types';

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

/** The statuses of the reference's table. */
export const TABLE_STATUSES: readonly number[] = Object.keys(statusCodes).map(Number);

const codes = statusCodes as Record<string, { errors: string[] } | undefined>;

/** Settings straight from the contract, no target overrides (k6 scenarios, unit tests). */
export function contractSettings(retryAfter: CheckSettings['retryAfter'] = { minSeconds: parameters.retryAfterMinSeconds.value }): CheckSettings {
  return { errorCodesFor: (status) => codes[String(status)]?.errors ?? [], retryAfter };
}

/** An operation of the contract: id, method, path template. */
export const OPERATIONS: ReadonlyArray<{ id: string; method: string; path: string }> = operations;
