// Small pure helpers that turn lib/ verdicts into the per-rule outcomes the k6 checks record.
// No k6 imports: unit-tested in vitest.
import { RULE_LABELS } from '../../lib/generated/rule-ids';
import type { RetryAfterRule, RetryAfterVerdict } from '../../lib/retry-after';

export { RETRY_AFTER_RULES, type RetryAfterRule } from '../../lib/retry-after';

/**
 * The Retry-After outcomes as the k6 checks record them (rule and verdict): judgeRetryAfter
 * decides every rule itself, bounded only when its policy has maxSeconds (`boundedJudged`
 * says the same thing and is kept for the callers that pass it).
 */
export function retryAfterOutcomes(v: RetryAfterVerdict, boundedJudged?: boolean): Array<{ rule: RetryAfterRule; ok: boolean }> {
  const outcomes = boundedJudged === false ? v.outcomes.filter((o) => o.rule !== 'ratelimit.retry-after-bounded') : v.outcomes;
  return outcomes.map(({ rule, ok }) => ({ rule, ok }));
}

/** Deterministic sampling: every `1/rate`-th call (rate 0 = never, 1 = always). */
export function sampleEvery(rate: number): number {
  if (!(rate > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.round(1 / Math.min(1, rate)));
}

export function sampled(i: number, every: number): boolean {
  return Number.isFinite(every) && i % every === 0;
}

/**
 * The k6 check name of every contract rule: its contract label (the `rule` tag carries the id
 * itself). Names are unique, so a summary that lists checks by name maps them back (summary.ts).
 */
export const CHECK_NAMES: Readonly<Record<string, string>> = RULE_LABELS;

/** A rule's k6 check name: its contract label, or the id itself for a rule without one. */
export function checkName(rule: string): string {
  return Object.hasOwn(CHECK_NAMES, rule) ? (CHECK_NAMES[rule] as string) : rule;
}
