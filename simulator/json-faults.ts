// versioning.new-field, as a serializer rolling out a new property: every JSON object of every
// API response (resources, lists, pagination, errors) gains "region". Additive, so the contract
// still holds; the harness must list it as drift and fail nothing.
import type { Faults } from './faults';

export const NEW_FIELD = 'region';
const VALUE = 'eu-west-1';

function addField(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(addField);
  if (doc === null || typeof doc !== 'object') return doc;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = addField(v);
  out[NEW_FIELD] = VALUE;
  return out;
}

/** undefined when no whole-body serializer fault is on (sendJson then costs nothing extra). */
export function createJsonShaper(f: Faults): ((body: Buffer | string) => Buffer | string) | undefined {
  if (!f.has('versioning.new-field')) return undefined;
  return (body) => {
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString());
    } catch {
      return body; // not JSON (another fault's body): left alone
    }
    return JSON.stringify(addField(doc));
  };
}
