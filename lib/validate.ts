// Schema validation for Node code and k6 bundles alike. The validators are precompiled by
// scripts/build-validators.mjs (k6 cannot compile schemas at run time), so this module only
// picks one and translates its errors; nothing is allocated per schema per call.
import { lax, strict, type ValidateFunction, type ValidationError } from './generated/validators';

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
const strictValidators: Readonly<Record<SchemaName, ValidateFunction>> = strict;

function pick(table: Readonly<Record<SchemaName, ValidateFunction>>, name: SchemaName): ValidateFunction {
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

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * JSON pointers of the properties of `doc` that schema `name` does not know (API drift), e.g.
 * '/data/3/colour'. [] when there are none, and also when `doc` fails the lax
 * schema: drift is only meaningful on an otherwise valid document (report the issues instead).
 */
export function unknownProperties(name: SchemaName, doc: unknown): string[] {
  if (!pick(laxValidators, name)(doc)) return [];
  const fn = pick(strictValidators, name);
  if (fn(doc)) return [];
  const out: string[] = [];
  for (const e of fn.errors ?? []) {
    // The strict variants differ from the lax ones only by these two keywords.
    const prop = e.keyword === 'additionalProperties' ? e.params['additionalProperty']
      : e.keyword === 'unevaluatedProperties' ? e.params['unevaluatedProperty'] : undefined;
    if (typeof prop === 'string') out.push(`${e.instancePath}/${escapePointer(prop)}`);
  }
  return out;
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
