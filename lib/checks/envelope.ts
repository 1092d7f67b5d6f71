// envelope.collection / envelope.single-resource and ids.format: a 2xx body is the schema its
// operation promises (contract.operations[].success), with well-formed ids.
import { validate } from '../validate';
import { SUCCESS, type SuccessSpec } from './contract-data';
import { malformedIds } from './ids';
import type { ResponseCheck, Subject } from './types';
import { is2xx, issuesText } from './util';

/** The success spec of the subject's operation, or undefined when it is none of the contract's. */
export function successOf(s: Subject): SuccessSpec | undefined {
  return s.req.operation === undefined ? undefined : SUCCESS.get(s.req.operation);
}

function envelope(rule: 'envelope.collection' | 'envelope.single-resource'): ResponseCheck {
  return {
    rule,
    applies: (s) => is2xx(s.res.status) && successOf(s)?.rule === rule,
    check(s) {
      const { schema } = successOf(s)!;
      if (s.res.json === undefined) return `not a valid ${schema}: the body is not JSON`;
      const issues = validate(schema, s.res.json);
      return issues.length === 0 ? null : `not a valid ${schema}: ${issuesText(issues)}`;
    },
  };
}

/**
 * envelope.collection (list operations). Fails with, e.g.:
 *   "not a valid TemplateList: /pagination must have required property 'next_page'"
 */
export const envelopeCollection = envelope('envelope.collection');

/**
 * envelope.single-resource (get and create). Fails with, e.g.:
 *   "not a valid Run: /expires_in_hours must be integer"
 *   "not a valid Run: the body is not JSON"
 */
export const envelopeSingleResource = envelope('envelope.single-resource');

/**
 * ids.format (template and run ids in a 2xx body of a resource operation). Fails with, e.g.:
 *   "malformed ids: /data/0/id 't-3F2A…' (template ids are 't-' + a lowercase UUID, run ids 'r-' + one)"
 */
export const idsFormat: ResponseCheck = {
  rule: 'ids.format',
  applies: (s) => is2xx(s.res.status) && successOf(s) !== undefined && s.res.json !== undefined,
  check(s) {
    const bad = malformedIds(successOf(s)!.schema, s.res.json);
    if (bad.length === 0) return null;
    return `malformed ids: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} (template ids are 't-' + a lowercase UUID, run ids 'r-' + one)`;
  },
};
