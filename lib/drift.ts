// Drift: properties a response carries that the schemas do not know. Additive changes are
// allowed (the reference promises them), so drift is reported, never failed. Kept apart from
// validate.ts so that k6 bundles, which only validate, do not carry the strict validators.
import { strict, type ValidateFunction } from './generated/validators-strict';
import { pick, validate, type SchemaName } from './validate';

// Typed against SchemaName: a schema added to or missing from the build fails to compile here.
const strictValidators: Readonly<Record<SchemaName, ValidateFunction>> = strict;

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * JSON pointers of the properties of `doc` that schema `name` does not know (API drift), e.g.
 * '/data/3/colour'. [] when there are none, and also when `doc` fails the lax
 * schema: drift is only meaningful on an otherwise valid document (report the issues instead).
 */
export function unknownProperties(name: SchemaName, doc: unknown): string[] {
  const fn = pick(strictValidators, name);
  if (validate(name, doc).length > 0) return [];
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
