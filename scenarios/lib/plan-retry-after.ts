// The retry-after scenario's plan: which keys honour Retry-After, which one measures how tight
// it is, how hard to push, and the k6 options. Pure, unit-tested.
//
// Honour keys: drive the key over its limit until a 429, go quiet, wait exactly Retry-After
// (plus a small margin for timer granularity), probe once; every eligible episode is one check,
// so the threshold `rate>=0.99` is the honoured rate over all episodes of all VUs. A key that
// yielded no eligible episode records one failed check (its account settles the rule as not
// judged): an empty Rate would pass in k6.
// Tightness key (a different key, because probing early is traffic the honour episodes must not
// see): after a 429, probe every `probeResolutionMs` until a request succeeds; Retry-After minus
// that earliest success is how much sooner a retry would have worked.
import { retryAfterUpperBound, type RetryAfterPolicy } from '../../lib/retry-after';
import { duration, maxInFlight, number, pickKeys, type KeyRef, type RundunConfig } from './config';
import { ConfigError, k6Duration } from './config';
import { ruleThresholds, SUMMARY_TREND_STATS, type K6Options } from './options';
import { RETRY_AFTER_MIN_SECONDS } from './plan-rate-limit';
import { sampleEvery } from './sampling';
import type { RuleId } from '../../lib/contract';

export interface RetryAfterPlan {
  honourKeys: KeyRef[];
  tightKey: KeyRef | null;
  durationMs: number;
  /** Sends per second while driving a key into 429. */
  overRate: number;
  windowMs: number | null;
  marginMs: number;
  probeResolutionMs: number;
  /** Largest Retry-After the scenario will wait out; longer ones end the VU's run (and are reported). */
  maxWaitSeconds: number;
  minRate: number;
  policy: RetryAfterPolicy;
  boundedJudged: boolean;
  sampleEvery: number;
  /** Most requests outstanding per VU while driving a key into 429 (RUNDUN_MAX_IN_FLIGHT). */
  maxInFlight: number;
  /** Every rule each honour key's VU owes a verdict for (settled at the VU's end). */
  rules: RuleId[];
  options: K6Options;
}

export const HONOUR_EXEC = 'honour';
export const TIGHTNESS_EXEC = 'tightness';

export function planRetryAfter(cfg: RundunConfig): RetryAfterPlan {
  const env = cfg.env;
  const known = cfg.limit;
  const W = known ? known.windowMs : null;
  const nHonour = number(env, 'RUNDUN_RETRY_KEYS', 2, { min: 1, max: 64, integer: true });
  const preferred = ['ratelimit', 'primary', 'secondary'];
  const honourKeys = pickKeys(cfg, preferred, nHonour);
  if (honourKeys.length === 0) throw new ConfigError('retry-after needs at least one API key');
  const tightOff = /^off$/i.test(env.RUNDUN_TIGHTNESS ?? '');
  const tightKey = tightOff ? null : (pickKeys(cfg, preferred, 1, honourKeys)[0] ?? null);
  const durationMs = duration(env, 'RUNDUN_DURATION', 30_000, 1000);
  const overRate = known
    ? (number(env, 'RUNDUN_OVERLOAD', 3, { min: 1.5, max: 100 }) * known.limit * 1000) / known.windowMs
    : number(env, 'RUNDUN_OVER_RATE', 50, { min: 1, max: 10_000 });
  const boundedJudged = W !== null;
  const upper = W !== null ? retryAfterUpperBound(W / 1000) : null;
  const policy: RetryAfterPolicy = {
    minSeconds: RETRY_AFTER_MIN_SECONDS,
    ...(upper !== null ? { maxSeconds: upper } : {}),
    ...(cfg.retryAfterFormat ? { expectedForm: cfg.retryAfterFormat } : {}),
  };
  const maxWaitSeconds = number(env, 'RUNDUN_MAX_RETRY_AFTER', upper !== null ? Math.max(upper * 2, 5) : 120, { min: 1, max: 3600 });
  const rules: RuleId[] = [
    'ratelimit.retry-after-honoured',
    'ratelimit.retry-after-present',
    'ratelimit.retry-after-valid',
    'ratelimit.retry-after-positive',
    'ratelimit.error-body',
  ];
  if (boundedJudged) rules.push('ratelimit.retry-after-bounded');
  const minRate = 0.99;
  // Every honour VU owes every rule (its account records a failed check for one it never
  // judged); the honoured rate is pooled over all episodes of all VUs.
  const thresholds = {
    ...ruleThresholds(rules.filter((r) => r !== 'ratelimit.retry-after-honoured')),
    ...ruleThresholds(['ratelimit.retry-after-honoured'], `rate>=${minRate}`),
  };
  // A VU finishes the episode it started: allow the longest wait on top of the duration.
  const maxDurationMs = durationMs + maxWaitSeconds * 1000 + 30_000;
  const common = { executor: 'per-vu-iterations' as const, iterations: 1, maxDuration: k6Duration(maxDurationMs), gracefulStop: '10s' };
  const scenarios: NonNullable<K6Options['scenarios']> = { honour: { ...common, exec: HONOUR_EXEC, vus: honourKeys.length } };
  if (tightKey) scenarios.tightness = { ...common, exec: TIGHTNESS_EXEC, vus: 1 };
  return {
    honourKeys,
    tightKey,
    durationMs,
    overRate,
    windowMs: W,
    marginMs: number(env, 'RUNDUN_RETRY_MARGIN_MS', 50, { min: 0, max: 5000 }),
    probeResolutionMs: number(env, 'RUNDUN_PROBE_RESOLUTION_MS', 250, { min: 10, max: 10_000 }),
    maxWaitSeconds,
    minRate,
    policy,
    boundedJudged,
    sampleEvery: sampleEvery(cfg.validateSample),
    maxInFlight: maxInFlight(env),
    rules,
    options: {
      scenarios,
      thresholds: { ...thresholds, http_req_failed: ['rate<0.01'] },
      summaryTrendStats: SUMMARY_TREND_STATS,
    },
  };
}
