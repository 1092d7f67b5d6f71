// The one table of id formats. The patterns are the schemas' own (schemas/template.schema.json,
// schemas/run.schema.json), so the checks, the probes, smoke and the simulator cannot disagree
// with what the envelope validators enforce.
import { properties as templateProps } from '../../schemas/template.schema.json';
import { properties as runProps } from '../../schemas/run.schema.json';

export type IdKind = 'template' | 'run';

export const ID_PATTERNS: Readonly<Record<IdKind, RegExp>> = {
  template: new RegExp(templateProps.id.pattern),
  run: new RegExp(runProps.id.pattern),
};

/** Whether `id` is a well-formed id of `kind` ('t-'/'r-' + a lowercase UUID). */
export function isId(kind: IdKind, id: unknown): boolean {
  return typeof id === 'string' && ID_PATTERNS[kind].test(id);
}

/** Where an id sits in a resource of each schema. */
const FIELDS: Readonly<Record<string, ReadonlyArray<[field: string, kind: IdKind]>>> = {
  Template: [['id', 'template']],
  Run: [['id', 'run'], ['template_id', 'template']],
};

/**
 * The malformed ids in a body of schema `schema` (a resource, or a list of them under data), as
 * `<pointer> '<value>'` strings. Fields that are missing or not strings are the envelope check's
 * business, not this one's: only present strings are judged.
 */
export function malformedIds(schema: string, body: unknown): string[] {
  const item = schema.endsWith('List') ? schema.slice(0, -'List'.length) : schema;
  const fields = FIELDS[item];
  if (!fields) return [];
  const data = (body as { data?: unknown } | null)?.data;
  const items: Array<[string, unknown]> = item === schema ? [['', body]] : Array.isArray(data) ? data.map((d, i) => [`/data/${i}`, d]) : [];
  const bad: string[] = [];
  for (const [at, resource] of items) {
    if (typeof resource !== 'object' || resource === null) continue;
    for (const [field, kind] of fields) {
      const v = (resource as Record<string, unknown>)[field];
      if (typeof v === 'string' && !isId(kind, v)) bad.push(`${at}/${field} '${v.length > 60 ? `${v.slice(0, 60)}…` : v}'`);
    }
  }
  return bad;
}
