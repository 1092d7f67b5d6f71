// Passive checks: run on every response the suite receives, in every probe. One function per
// rule, registered by rule id. Each returns null (holds) or a failure message.
import { validate } from '../../lib/validate';
import { unknownProperties } from '../../lib/drift';
import { parseRetryAfter, judgeRetryAfter } from '../../lib/retry-after';
import type { ResolvedContract } from '../../lib/contract';
import type { Exchange } from './exchange';
import { operationOf, SUCCESS_SCHEMA, TABLE_STATUSES } from './operations';
import type { RuleId } from '../../lib/contract';

export interface PassiveCheck {
  rule: RuleId;
  applies(ex: Exchange): boolean;
  check(ex: Exchange, c: ResolvedContract): string | null;
}

const responded = (ex: Exchange) => ex.status > 0;
const isError = (ex: Exchange) => ex.status >= 400;
const summary = (issues: { path: string; message: string }[]) =>
  issues.slice(0, 3).map((i) => `${i.path || '(root)'} ${i.message}`).join('; ');

export const passiveChecks: PassiveCheck[] = [
  {
    rule: 'json.response-content-type',
    applies: responded,
    check(ex) {
      const ct = ex.headers['content-type'];
      if (!ct) return 'response has no Content-Type header (expected application/json)';
      if (!/^application\/json\s*(;|$)/i.test(ct)) return `Content-Type is '${ct}', expected application/json`;
      if (ex.jsonError) return `body is not JSON (${ex.jsonError}): ${ex.bodyText.slice(0, 80)}`;
      return null;
    },
  },
  {
    rule: 'status.in-table',
    applies: responded,
    check: (ex) => (TABLE_STATUSES.includes(ex.status) ? null : `status ${ex.status} is not one of the reference's ten codes (${TABLE_STATUSES.join(', ')})`),
  },
  {
    rule: 'status.no-unprovoked-5xx',
    applies: (ex) => responded(ex) && !ex.provoked,
    check: (ex) => (ex.status >= 500 ? `unprovoked ${ex.status}: the request was not meant to fail on the server` : null),
  },
  {
    rule: 'errors.body-shape',
    applies: (ex) => isError(ex) && ex.jsonError === undefined,
    check(ex) {
      const issues = validate('Error', ex.json);
      return issues.length === 0 ? null : `error body does not match the Error schema: ${summary(issues)}`;
    },
  },
  {
    rule: 'errors.known-code',
    applies: (ex) => isError(ex) && ex.jsonError === undefined && TABLE_STATUSES.includes(ex.status),
    check(ex, c) {
      const code = (ex.json as { error?: unknown } | null)?.error;
      if (typeof code !== 'string') return null; // errors.body-shape reports it
      const known = c.errorCodesFor(ex.status);
      return known.includes(code) ? null : `error code '${code}' is not one the contract lists for ${ex.status} (${known.join(', ')})`;
    },
  },
  {
    rule: 'ratelimit.retry-after-present',
    applies: (ex) => ex.status === 429,
    check: (ex) => (ex.headers['retry-after'] === undefined ? '429 without a Retry-After header' : null),
  },
  {
    rule: 'ratelimit.retry-after-valid',
    applies: (ex) => ex.status === 429 && ex.headers['retry-after'] !== undefined,
    check(ex) {
      const v = judgeRetryAfter(parseRetryAfter(ex.headers['retry-after'], ex.headers['date']), { minSeconds: 0 });
      return v.ok ? null : v.reason;
    },
  },
  {
    rule: 'ratelimit.retry-after-positive',
    applies: (ex) => ex.status === 429 && parseRetryAfter(ex.headers['retry-after'], ex.headers['date']).ok,
    check(ex, c) {
      const v = judgeRetryAfter(parseRetryAfter(ex.headers['retry-after'], ex.headers['date']), { minSeconds: c.params.retryAfterMinSeconds });
      return v.ok ? null : v.reason;
    },
  },
  {
    rule: 'ratelimit.error-body',
    applies: (ex) => ex.status === 429,
    check(ex) {
      if (ex.jsonError) return `429 body is not JSON: ${ex.bodyText.slice(0, 80)}`;
      const code = (ex.json as { error?: unknown } | null)?.error;
      return code === 'rate_limited' ? null : `429 body has error '${String(code)}', expected 'rate_limited'`;
    },
  },
  {
    rule: 'envelope.collection',
    applies: (ex) => ex.status >= 200 && ex.status < 300 && SUCCESS_SCHEMA[operationOf(ex.method, ex.path) ?? '']?.rule === 'envelope.collection',
    check: (ex) => schemaCheck(ex),
  },
  {
    rule: 'envelope.single-resource',
    applies: (ex) => ex.status >= 200 && ex.status < 300 && SUCCESS_SCHEMA[operationOf(ex.method, ex.path) ?? '']?.rule === 'envelope.single-resource',
    check: (ex) => schemaCheck(ex),
  },
];

function schemaCheck(ex: Exchange): string | null {
  const expected = SUCCESS_SCHEMA[operationOf(ex.method, ex.path)!]!;
  if (ex.jsonError) return `body is not JSON (${ex.jsonError})`;
  const issues = validate(expected.schema, ex.json);
  return issues.length === 0 ? null : `body does not match ${expected.schema}: ${summary(issues)}`;
}

/** Unknown properties in a 2xx body (drift), as JSON pointers; never a failure. */
export function driftOf(ex: Exchange): { schema: string; paths: string[] } | null {
  if (ex.status < 200 || ex.status >= 300 || ex.jsonError) return null;
  const expected = SUCCESS_SCHEMA[operationOf(ex.method, ex.path) ?? ''];
  if (!expected) return null;
  const paths = unknownProperties(expected.schema, ex.json);
  return paths.length > 0 ? { schema: expected.schema, paths } : null;
}
