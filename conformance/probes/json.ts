// json.*: a create whose body is not a JSON object is a 400, and so is one without the JSON
// Content-Type. Both are rows of the status table.
import { tableProbes, type ProbeMeta, type StatusRow } from './status-table';

const JSON_TYPE = { 'content-type': 'application/json' };

const META: ProbeMeta[] = [
  { id: 'runs.malformed-json', title: 'POST /runs with a body that is not a JSON object → 400 bad_request', family: 'json', covers: [['createRun', 400]], writes: true },
  { id: 'runs.content-type', title: 'POST /runs without Content-Type, or with another type → 400', family: 'json', writes: true },
];

const malformed = (raw: string): StatusRow => ({
  probe: 'runs.malformed-json',
  rules: { status: 'json.malformed-body', code: 'status.400-bad-request' },
  request: () => ({ what: `body ${JSON.stringify(raw)}`, method: 'POST', path: '/runs', rawBody: raw, headers: JSON_TYPE }),
  status: 400,
  code: 'bad_request',
  // The code is judged on every case: a 422 validation_failed for '{' breaks both rules.
  codeAlways: true,
});

/** A valid create body, sent as is under the given Content-Type (none when absent). */
const contentType = (type: string | undefined): StatusRow => ({
  probe: 'runs.content-type',
  rules: { status: 'json.request-content-type' },
  request: async ({ templateId }) => ({
    what: `Content-Type ${type ?? '(none)'}`,
    method: 'POST',
    path: '/runs',
    rawBody: JSON.stringify({ template_id: await templateId(), expires_in_hours: 1 }),
    headers: type === undefined ? {} : ({ 'content-type': type } as Record<string, string>),
  }),
  status: (p) => p.missingContentTypeStatus,
});

export const ROWS: StatusRow[] = [
  ...['{', '{"template_id": ', 'not json', '[1,2]', '"a string"', 'null'].map(malformed),
  ...[undefined, 'text/plain', 'application/x-www-form-urlencoded'].map(contentType),
];

export const jsonProbes = tableProbes(META, ROWS);
