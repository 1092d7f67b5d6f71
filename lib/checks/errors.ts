// errors.body-shape and errors.known-code: what every error body says.
import { validate } from '../validate';
import { TABLE_STATUSES } from './settings';
import type { ResponseCheck } from './types';
import { isError, issuesText } from './util';

/**
 * errors.body-shape (on every JSON 4xx/5xx; a non-JSON one fails json.response-content-type).
 * Fails with, e.g.:
 *   "error body does not match the Error schema: (root) must have required property 'message'"
 */
export const errorBodyShape: ResponseCheck = {
  rule: 'errors.body-shape',
  applies: (s) => isError(s.res.status) && s.res.json !== undefined,
  check({ res }) {
    const issues = validate('Error', res.json);
    return issues.length === 0 ? null : `error body does not match the Error schema: ${issuesText(issues)}`;
  },
};

/**
 * errors.known-code (a code that is not a string is errors.body-shape's to report). Fails with:
 *   "error code 'forbidden' is not one the contract lists for 401 (unauthorized)"
 */
export const errorKnownCode: ResponseCheck = {
  rule: 'errors.known-code',
  applies: (s) => isError(s.res.status) && s.res.json !== undefined && TABLE_STATUSES.includes(s.res.status),
  check({ res, settings }) {
    const code = (res.json as { error?: unknown } | null)?.error;
    if (typeof code !== 'string') return null;
    const known = settings.errorCodesFor(res.status);
    return known.includes(code) ? null : `error code '${code}' is not one the contract lists for ${res.status} (${known.join(', ')})`;
  },
};
