// Under the limit a correct limiter never answers 429.
import { fmt, verdict, type Verdict } from '../verdict';
import { maxInWindow, timeline, type Observation } from './observations';

export interface UnderLimitDetails {
  sent: number;
  rejected: number;
  errors: number;
  /** Send times of the first 429s, relative to the first request. */
  first429AtMs: number[];
  /** Most requests the client itself sent in any window (when a limit was given). */
  maxSentInWindow?: number;
}

const SHOWN = 5;

/**
 * Rule 'ratelimit.under-limit-no-429': ok iff no request got 429. With `limit` the phase itself
 * is checked to really have stayed under the limit in every window, else the verdict is
 * inconclusive (a 429 there would be deserved).
 */
export function judgeUnderLimit(
  obs: readonly Observation[],
  limit?: { limit: number; windowMs: number },
): Verdict<UnderLimitDetails> {
  const rule = 'ratelimit.under-limit-no-429';
  const tl = timeline(obs);
  const t0 = tl.sent[0];
  const details: UnderLimitDetails = {
    sent: tl.sent.length,
    rejected: tl.rejected.length,
    errors: tl.errors,
    first429AtMs: tl.rejected.slice(0, SHOWN).map((t) => t - (t0 ?? 0)),
  };
  if (tl.invalid > 0) return verdict(false, rule, `${tl.invalid} observation(s) have no valid send time: harness bug`, details);
  if (t0 === undefined) return verdict(false, rule, `inconclusive: no request got a response (${tl.errors} network errors)`, details);
  if (limit) {
    const max = maxInWindow(tl.sent, limit.windowMs);
    details.maxSentInWindow = max.count;
    if (max.count > limit.limit) {
      return verdict(
        false,
        rule,
        `inconclusive: the phase itself sent ${max.count} requests within ${limit.windowMs} ms from +${fmt(max.startMs - t0, 0)} ms, over the limit of ${limit.limit}`,
        details,
      );
    }
  }
  if (tl.rejected.length === 0) return verdict(true, rule, `no 429 in ${tl.sent.length} requests under the limit`, details);
  const at = details.first429AtMs.map((t) => `+${fmt(t, 0)} ms`).join(', ');
  const more = tl.rejected.length > SHOWN ? ', …' : '';
  return verdict(false, rule, `${tl.rejected.length} of ${tl.sent.length} requests got 429 under the limit, first at ${at}${more}`, details);
}
