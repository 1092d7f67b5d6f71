// A small per-VU memo of Retry-After judgements keyed by the (Retry-After, Date) header pair: a
// key held over its limit gets the same pair on many 429s (the same delay-seconds, or the same
// HTTP-date within one second), and parsing and judging it each time is wasted work on the hot
// path. The verdict depends only on the pair and the policy, so reusing it is exact; the caller
// still records a check per 429. Pure (no k6 imports): unit-tested in vitest.
import { judgeRetryAfter, parseRetryAfter, type RetryAfter, type RetryAfterPolicy, type RetryAfterRule, type RetryAfterVerdict } from '../../lib/retry-after';

/**
 * The Retry-After outcomes as the k6 checks record them (rule and verdict): judgeRetryAfter
 * decides every rule itself, bounded only when its policy has maxSeconds; `boundedJudged: false`
 * drops a bounded outcome all the same.
 */
export function retryAfterOutcomes(v: RetryAfterVerdict, boundedJudged?: boolean): Array<{ rule: RetryAfterRule; ok: boolean }> {
  const outcomes = boundedJudged === false ? v.outcomes.filter((o) => o.rule !== 'ratelimit.retry-after-bounded') : v.outcomes;
  return outcomes.map(({ rule, ok }) => ({ rule, ok }));
}

export interface RetryAfterJudgement {
  ra: RetryAfter;
  /** One outcome per Retry-After rule the verdict decided (see retryAfterOutcomes). */
  outcomes: ReadonlyArray<{ rule: RetryAfterRule; ok: boolean }>;
  /** `<rule>: <reason>` when the value broke a rule (for the log), else null. */
  failure: string | null;
}

export const RETRY_AFTER_CACHE_SIZE = 16;

export class RetryAfterCache {
  private readonly entries = new Map<string, RetryAfterJudgement>();
  /** Judgements computed (cache misses), for tests and diagnostics. */
  computed = 0;

  constructor(
    private readonly policy: RetryAfterPolicy,
    private readonly boundedJudged: boolean,
    private readonly capacity = RETRY_AFTER_CACHE_SIZE,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  judge(retryAfter: string | undefined, date: string | undefined): RetryAfterJudgement {
    // Injective: the first value's length marks where it ends; '-' (no length) means absent.
    const id = `${retryAfter === undefined ? '-' : `${retryAfter.length}:${retryAfter}`}${date === undefined ? '-' : `:${date}`}`;
    const hit = this.entries.get(id);
    if (hit !== undefined) return hit;
    const ra = parseRetryAfter(retryAfter, date);
    const v = judgeRetryAfter(ra, this.policy);
    const j: RetryAfterJudgement = { ra, outcomes: retryAfterOutcomes(v, this.boundedJudged), failure: v.ok ? null : `${v.rule}: ${v.reason}` };
    this.computed++;
    // Bounded: drop the oldest entry (Map keeps insertion order); HTTP-dates change every second.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, j);
    return j;
  }
}
