// Small pure helpers that turn lib/ verdicts into the per-rule outcomes the k6 checks record.
// No k6 imports: unit-tested in vitest.
import { RULES, type Verdict } from '../../lib/verdict';

/** The Retry-After rules in the order judgeRetryAfter checks them. */
export const RETRY_AFTER_RULES = [RULES.retryAfterPresent, RULES.retryAfterValid, RULES.retryAfterPositive, RULES.retryAfterBounded] as const;
export type RetryAfterRule = (typeof RETRY_AFTER_RULES)[number];

/**
 * One outcome per Retry-After rule that the verdict decided: rules before the failing one
 * passed, the failing one failed, later ones were not reached (so not recorded). With all
 * passed, every rule passed; 'bounded' only counts when an upper bound was judged.
 */
export function retryAfterOutcomes(v: Verdict<unknown>, boundedJudged: boolean): Array<{ rule: RetryAfterRule; ok: boolean }> {
  const rules = boundedJudged ? RETRY_AFTER_RULES : RETRY_AFTER_RULES.slice(0, 3);
  if (v.ok) return rules.map((rule) => ({ rule, ok: true }));
  const at = rules.indexOf(v.rule as RetryAfterRule);
  if (at === -1) return [{ rule: RULES.retryAfterValid, ok: false }];
  return rules.slice(0, at + 1).map((rule, i) => ({ rule, ok: i < at }));
}

/** Deterministic sampling: every `1/rate`-th call (rate 0 = never, 1 = always). */
export function sampleEvery(rate: number): number {
  if (!(rate > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.round(1 / Math.min(1, rate)));
}

export function sampled(i: number, every: number): boolean {
  return Number.isFinite(every) && i % every === 0;
}

/** Stable k6 check names per contract rule (the `rule` tag carries the id itself). */
export const CHECK_NAMES: Readonly<Record<string, string>> = {
  [RULES.underLimitNo429]: 'under the limit: no 429',
  [RULES.enforcedPerKey]: 'over the limit: accepted per window within tolerance of the limit',
  'ratelimit.429-status': 'over the limit: 429 met within twice the limit',
  [RULES.retryAfterPresent]: '429 has a Retry-After header',
  [RULES.retryAfterValid]: 'Retry-After is valid (RFC 9110)',
  [RULES.retryAfterPositive]: 'Retry-After asks for at least 1 s',
  [RULES.retryAfterBounded]: 'Retry-After is at most ceil(window) + 1 s',
  'ratelimit.error-body': '429 body is the rate_limited error',
  [RULES.retryAfterHonoured]: 'a retry after waiting Retry-After succeeds',
  [RULES.retryAfterTight]: 'Retry-After is close to the earliest successful retry',
  [RULES.isolation]: 'keys are limited independently',
  [RULES.keyPoolSufficient]: 'the key pool keeps every key under half its limit',
  'status.200-success': 'GET answers 200',
  'status.201-created': 'POST /v1/runs answers 201',
  'status.401-unauthorized': 'no key: 401',
  'status.404-not-found': 'unknown run: 404',
  'status.no-unprovoked-5xx': 'no 5xx',
  'envelope.collection': 'collection envelope valid',
  'envelope.single-resource': 'single resource valid',
  'errors.body-shape': 'error body valid',
  'json.response-content-type': 'Content-Type is JSON',
  'ids.format': 'ids well-formed',
  'runs.create-read-consistent': 'created run reads back equal',
};

export function checkName(rule: string): string {
  return CHECK_NAMES[rule] ?? rule;
}
