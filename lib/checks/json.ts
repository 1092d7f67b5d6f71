// json.response-content-type: every response is JSON, errors included.
import type { ResponseCheck } from './types';
import { excerpt, responded } from './util';

/** application/json, parameters (charset) allowed. */
export const JSON_MEDIA_TYPE = /^application\/json[ \t]*(;|$)/i;

/**
 * json.response-content-type. Fails with, e.g.:
 *   "response has no Content-Type header (expected application/json)"
 *   "Content-Type is 'text/html; charset=utf-8', expected application/json"
 *   "body is not JSON: <html><body>Bad Gateway</body></html>"
 */
export const responseContentType: ResponseCheck = {
  rule: 'json.response-content-type',
  applies: (s) => responded(s.res.status),
  check({ res }) {
    const ct = res.headers['content-type'];
    if (ct === undefined) return 'response has no Content-Type header (expected application/json)';
    if (!JSON_MEDIA_TYPE.test(ct)) return `Content-Type is '${ct}', expected application/json`;
    if (res.json === undefined) return res.bodyText === '' ? 'body is empty, not JSON' : `body is not JSON: ${excerpt(res.bodyText)}`;
    return null;
  },
};
