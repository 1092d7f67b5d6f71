// The 429 handler shared by rate-limit and retry-after: Retry-After rules on every 429, the
// error body where it was read. Separate module: it carries the schema validators.
import type { RefinedResponse, ResponseType } from 'k6/http';
import { judgeRetryAfter, parseRetryAfter, type RetryAfter, type RetryAfterPolicy } from '../../lib/retry-after';
import { judgeRateLimitedBody } from './error-body';
import { header, recordRule, type Logger } from './k6';
import { retryAfterOutcomes } from './verdicts';

export interface TooManyContext {
  policy: RetryAfterPolicy;
  boundedJudged: boolean;
  log: Logger;
  /** Failures logged so far (each VU logs at most a few of each kind). */
  logged: number;
}

const MAX_LOGGED = 5;

/**
 * Judges one 429: Retry-After (present, valid, positive, bounded) always, the error body when
 * it was read (`res.body` is a string). Returns the parsed Retry-After for the caller to wait on.
 */
export function judge429(res: RefinedResponse<ResponseType | undefined>, ctx: TooManyContext, role: string): RetryAfter {
  const ra = parseRetryAfter(header(res, 'Retry-After'), header(res, 'Date'));
  const v = judgeRetryAfter(ra, ctx.policy);
  for (const o of retryAfterOutcomes(v, ctx.boundedJudged)) recordRule(o.rule, o.ok);
  if (!v.ok && ctx.logged < MAX_LOGGED) {
    ctx.logged++;
    ctx.log(`${role}: ${v.rule}: ${v.reason}`);
  }
  if (typeof res.body === 'string') {
    const b = judgeRateLimitedBody(res.body);
    recordRule('ratelimit.error-body', b.ok);
    if (!b.ok && ctx.logged < MAX_LOGGED) {
      ctx.logged++;
      ctx.log(`${role}: ratelimit.error-body: ${b.reason}`);
    }
  }
  return ra;
}
