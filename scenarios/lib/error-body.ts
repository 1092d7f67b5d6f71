// The 429 body judge (rule ratelimit.error-body): lib/checks' check for that rule, apart from
// verdicts.ts because it pulls in the schema validators, which only scenarios that read bodies
// should carry. Imports the one check, not the whole registry, to keep the bundles small.
import { rateLimitErrorBody } from '../../lib/checks/ratelimit';
import { checkedResponse, subjectOf } from '../../lib/checks/response';
import type { CheckedRequest, CheckSettings } from '../../lib/checks/types';

export interface BodyVerdict {
  ok: boolean;
  reason: string;
}

// The body rule reads the response only: no request, no settings (and so no contract tables in
// the rate-limit bundles, which are close to their size cap).
const ANY_REQUEST: CheckedRequest = { method: '', path: '', presentedKeys: [] };
const NO_SETTINGS: CheckSettings = { errorCodesFor: () => [], retryAfter: {} };

/** Rule 'ratelimit.error-body': the 429 body is the Error shape with error 'rate_limited'. */
export function judgeRateLimitedBody(body: string | null | undefined): BodyVerdict {
  const failure = rateLimitErrorBody.check(subjectOf(checkedResponse(429, {}, body), ANY_REQUEST, NO_SETTINGS));
  return failure === null ? { ok: true, reason: '429 body is the rate_limited error' } : { ok: false, reason: failure };
}
