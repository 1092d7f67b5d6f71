// The 429 handler shared by rate-limit and retry-after: Retry-After rules on every 429, the
// error body where it was read. Separate module: it carries the schema validators.
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { RetryAfter, RetryAfterPolicy } from '../../lib/retry-after';
import { judgeRateLimitedBody } from './error-body';
import { header, recordRule, type Logger } from './k6';
import { RetryAfterCache } from './retry-after-cache';

export interface TooManyContext {
  policy: RetryAfterPolicy;
  boundedJudged: boolean;
  log: Logger;
  /** Failures logged so far (each VU logs at most a few of each kind). */
  logged: number;
  /** Verdicts per (Retry-After, Date) pair, made on the first 429 (a context lives in one VU). */
  cache?: RetryAfterCache;
}

const MAX_LOGGED = 5;

/**
 * Judges one 429: Retry-After (present, valid, positive, bounded) always, the error body when
 * it was read (`res.body` is a string). Returns the parsed Retry-After for the caller to wait on.
 */
export function judge429(res: RefinedResponse<ResponseType | undefined>, ctx: TooManyContext, role: string): RetryAfter {
  ctx.cache ??= new RetryAfterCache(ctx.policy, ctx.boundedJudged);
  const j = ctx.cache.judge(header(res, 'Retry-After'), header(res, 'Date'));
  // Still one check per rule per 429: the thresholds count 429s, not distinct header values.
  for (const o of j.outcomes) recordRule(o.rule, o.ok);
  if (j.failure !== null && ctx.logged < MAX_LOGGED) {
    ctx.logged++;
    ctx.log(`${role}: ${j.failure}`);
  }
  if (typeof res.body === 'string') {
    const b = judgeRateLimitedBody(res.body);
    recordRule('ratelimit.error-body', b.ok);
    if (!b.ok && ctx.logged < MAX_LOGGED) {
      ctx.logged++;
      ctx.log(`${role}: ratelimit.error-body: ${b.reason}`);
    }
  }
  return j.ra;
}
