// The per-429 rules: Retry-After (one judgement per response, lib/retry-after.ts, shared by the
// four rules through Subject.retryAfter()) and the rate_limited error body.
import type { RetryAfterRule } from '../retry-after';
import { validate } from '../validate';
import type { ResponseCheck, Subject } from './types';
import { excerpt, issuesText } from './util';

const outcomeOf = (s: Subject, rule: RetryAfterRule) => s.retryAfter().outcomes.find((o) => o.rule === rule);

/** A Retry-After rule: applies to a 429 whose judgement decided it (see judgeRetryAfter). */
function retryAfterRule(rule: RetryAfterRule, failure?: string): ResponseCheck {
  return {
    rule,
    applies: (s) => s.res.status === 429 && outcomeOf(s, rule) !== undefined,
    check(s) {
      const o = outcomeOf(s, rule)!;
      return o.ok ? null : (failure ?? o.reason);
    },
  };
}

/** ratelimit.retry-after-present. Fails with: "429 without a Retry-After header" */
export const retryAfterPresent = retryAfterRule('ratelimit.retry-after-present', '429 without a Retry-After header');

/**
 * ratelimit.retry-after-valid (once present). Fails with, e.g.:
 *   "fractional seconds \"1.5\" (delay-seconds is 1*DIGIT)"
 *   "Retry-After \"Sunday, 06-Nov-94 08:49:37 GMT\" uses the obsolete rfc850 form; senders MUST generate IMF-fixdate (RFC 9110 §5.6.7)"
 */
export const retryAfterValid = retryAfterRule('ratelimit.retry-after-valid');

/**
 * ratelimit.retry-after-positive (once valid). Fails with, e.g.:
 *   "Retry-After \"0\" means 0 s, below the minimum of 1 s: a client obeying it is throttled again"
 */
export const retryAfterPositive = retryAfterRule('ratelimit.retry-after-positive');

/**
 * ratelimit.retry-after-bounded (once positive, and only when the settings carry maxSeconds: a
 * known window). Fails with, e.g.:
 *   "Retry-After \"60\" means 60 s, above the maximum of 2 s"
 */
export const retryAfterBounded = retryAfterRule('ratelimit.retry-after-bounded');

/**
 * ratelimit.error-body (every 429 whose body was read). Fails with, e.g.:
 *   "429 without a body"
 *   "429 body is not JSON: Too Many Requests"
 *   "429 body is not an Error: /message must NOT have fewer than 1 characters"
 *   "429 body has error 'too_many', expected 'rate_limited'"
 */
export const rateLimitErrorBody: ResponseCheck = {
  rule: 'ratelimit.error-body',
  applies: (s) => s.res.status === 429,
  check({ res }) {
    if (res.bodyText === '') return '429 without a body';
    if (res.json === undefined) return `429 body is not JSON: ${excerpt(res.bodyText)}`;
    const issues = validate('Error', res.json);
    if (issues.length > 0) return `429 body is not an Error: ${issuesText(issues)}`;
    const code = (res.json as { error: string }).error;
    return code === 'rate_limited' ? null : `429 body has error '${code}', expected 'rate_limited'`;
  },
};

export const RATE_LIMIT_CHECKS: readonly ResponseCheck[] = [retryAfterPresent, retryAfterValid, retryAfterPositive, retryAfterBounded, rateLimitErrorBody];
