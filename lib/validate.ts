// Schema validation for Node code and k6 bundles alike. The validators are precompiled by
// scripts/build-validators.mjs (k6 cannot compile schemas at run time), so this module only
// picks one and translates its errors; nothing is allocated per schema per call.
import { lax, type ValidateFunction, type ValidationError } from './generated/validators';

export type SchemaName = 'Template' | 'Run' | 'CreateRunRequest' | 'Error' | 'Pagination' | 'TemplateList' | 'RunList';

export const schemaNames: readonly SchemaName[] = Object.freeze([
  'Template', 'Run', 'CreateRunRequest', 'Error', 'Pagination', 'TemplateList', 'RunList',
]);

/** One reason a document fails a schema. path is a JSON pointer into the document ('' = root). */
export interface SchemaIssue {
  path: string;
  message: string;
}

// Typed against SchemaName: a schema added to or missing from the build fails to compile here.
const laxValidators: Readonly<Record<SchemaName, ValidateFunction>> = lax;

/** The validator for `name` in a table; throws on a name that is not a schema. */
export function pick(table: Readonly<Record<SchemaName, ValidateFunction>>, name: SchemaName): ValidateFunction {
  const fn = Object.hasOwn(table, name) ? table[name] : undefined;
  if (fn === undefined) throw new Error(`unknown schema name: ${String(name)}`);
  return fn;
}

function issueOf(e: ValidationError): SchemaIssue {
  return { path: e.instancePath, message: e.message ?? e.keyword };
}

/** The reasons `doc` fails schema `name` (lax: unknown properties allowed); [] means valid. */
export function validate(name: SchemaName, doc: unknown): SchemaIssue[] {
  const fn = pick(laxValidators, name);
  if (fn(doc)) return [];
  return (fn.errors ?? []).map(issueOf);
}

/**
 * Which answer POST /v1/runs owes a body, by the contract's order of checks: not an object or
 * template_id missing -> 400 bad_request; a present field of the wrong type, a malformed
 * template_id, or expires_in_hours out of range -> 422 validation_failed; else 'valid' (the
 * request may still get 404/402 from the server). Only schema-level; content type and JSON
 * parsing are the caller's business.
 */
export function createRunRequestVerdict(doc: unknown): 'valid' | 'bad_request' | 'validation_failed' {
  const fn = pick(laxValidators, 'CreateRunRequest');
  if (fn(doc)) return 'valid';
  const errors = fn.errors ?? [];
  const badRequest = errors.some((e) => e.keyword === 'required' || (e.keyword === 'type' && e.instancePath === ''));
  return badRequest ? 'bad_request' : 'validation_failed';
}
