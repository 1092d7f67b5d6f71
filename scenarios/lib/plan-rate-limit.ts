// What the rate-limit scenario will do, computed once at init from the configuration: keys,
// phase rates and lengths, the verdicts it owes, and the k6 options. Pure, unit-tested.
//
// Each key under test is owned by exactly one VU for the whole run (per-vu-iterations, one
// iteration): the window judge needs every observation of a phase, and k6 VUs share no memory.
// Inside the VU each phase is an open-model arrival rate of non-blocking requests on an
// absolute schedule (async-pace.ts), not k6's constant-arrival-rate executor, which would spread
// one key's requests over several VUs. Split over instances (--execution-segment), key i goes
// to the VU whose iteration has global index i, so each instance owns a disjoint slice of the
// keys, and an instance that owns none has nothing to judge and passes (options.ts).
import type { RetryAfterPolicy } from '../../lib/retry-after';
import { retryAfterUpperBound } from '../../lib/retry-after';
import { WINDOW_DEFAULTS } from '../../lib/ratelimit';
import { ConfigError, duration, fraction, k6Duration, maxInFlight, number, pickKeys, type KeyRef, type RundunConfig } from './config';
import { ruleThresholds, SUMMARY_TREND_STATS, type K6Options } from './options';
import { sampleEvery } from './sampling';
import type { PacingPolicy } from './unprovoked-429';
import type { RuleId } from '../../lib/contract';

/** Contract parameters (schemas/contract.json): kept here so the bundle need not carry the contract. */
export const RATE_LIMIT_BURST_CAP = 1000;
export const RETRY_AFTER_MIN_SECONDS = 1;

export interface Phase {
  /** Sends per second (for 'under' in discovery mode: a factor of the estimate, see underFactor). */
  rate: number;
  durationMs: number;
}

export interface RateLimitPlan {
  mode: 'known' | 'discover';
  keys: KeyRef[];
  /** Stated limit per window (known mode). */
  limit: number | null;
  windowMs: number;
  /** The window was not given and is assumed (discovery without RUNDUN_RATE_WINDOW). */
  windowAssumed: boolean;
  tolerance: number;
  settleMs: number;
  underFactor: number;
  overload: number;
  underMs: number;
  overMs: number;
  discovery: Phase | null;
  burstCap: number;
  policy: RetryAfterPolicy;
  boundedJudged: boolean;
  sampleEvery: number;
  /** How 429s before a phase (an earlier run's throttling) are waited out. */
  pacing: PacingPolicy;
  /** Most requests outstanding per VU (RUNDUN_MAX_IN_FLIGHT). */
  maxInFlight: number;
  maxDurationMs: number;
  /** Every rule each key's VU owes a verdict for (settled at the VU's end, see k6.ts owe). */
  rules: RuleId[];
  options: K6Options;
}

export const RATE_LIMIT_EXEC = 'rateLimit';

export function planRateLimit(cfg: RundunConfig): RateLimitPlan {
  const env = cfg.env;
  const known = cfg.limit;
  let windowMs: number;
  let windowAssumed = false;
  if (known) windowMs = known.windowMs;
  // RUNDUN_RATE_WINDOW, read by the one reader (lib/target/limit.ts) in the one duration grammar.
  else if (cfg.rateWindowMs !== null) windowMs = cfg.rateWindowMs;
  else {
    windowMs = 1000;
    windowAssumed = true;
  }
  const W = windowMs;
  const nKeys = number(env, 'RUNDUN_KEYS_UNDER_TEST', 1, { min: 1, max: 64, integer: true });
  const keys = pickKeys(cfg, ['ratelimit', 'primary'], nKeys);
  if (keys.length < nKeys) {
    throw new ConfigError(`RUNDUN_KEYS_UNDER_TEST=${nKeys} but only ${keys.length} distinct key(s) are configured (RUNDUN_API_KEY_RATELIMIT, RUNDUN_API_KEY, RUNDUN_API_KEYS)`);
  }
  const tolerance = number(env, 'RUNDUN_TOLERANCE', WINDOW_DEFAULTS.tolerance, { min: 0, max: 0.5 });
  const settleMs = duration(env, 'RUNDUN_SETTLE', W);
  const underFactor = fraction(env, 'RUNDUN_UNDER_FACTOR', 0.5);
  if (underFactor > 0.5 || underFactor <= 0) throw new ConfigError(`RUNDUN_UNDER_FACTOR must be in (0, 0.5]: the under-limit phase stays at half the limit or less`);
  const overload = number(env, 'RUNDUN_OVERLOAD', 3, { min: 3, max: 100 });
  const underMs = duration(env, 'RUNDUN_UNDER_DURATION', 5 * W, 0);
  const overMs = duration(env, 'RUNDUN_OVER_DURATION', 10 * W, 0);
  const minWindows = WINDOW_DEFAULTS.minWindows;
  if (known && overMs < minWindows * W) {
    throw new ConfigError(`RUNDUN_OVER_DURATION must span at least ${minWindows} windows (${minWindows * W} ms) to judge the limit; 10 or more are recommended`);
  }
  let discovery: Phase | null = null;
  if (!known) {
    discovery = {
      rate: number(env, 'RUNDUN_DISCOVERY_RATE', 100, { min: 1, max: 10_000 }),
      durationMs: duration(env, 'RUNDUN_DISCOVERY_DURATION', 10 * W, 3 * W),
    };
  }
  const boundedJudged = known !== null;
  const policy: RetryAfterPolicy = {
    minSeconds: RETRY_AFTER_MIN_SECONDS,
    ...(boundedJudged ? { maxSeconds: retryAfterUpperBound(W / 1000) } : {}),
    ...(cfg.retryAfterFormat ? { expectedForm: cfg.retryAfterFormat } : {}),
  };
  const rules: RuleId[] = [
    'ratelimit.under-limit-no-429',
    'ratelimit.429-status',
    'ratelimit.retry-after-present',
    'ratelimit.retry-after-valid',
    'ratelimit.retry-after-positive',
    'ratelimit.error-body',
  ];
  if (known) rules.push('ratelimit.enforced-per-key', 'ratelimit.retry-after-bounded');
  const pacing: PacingPolicy = { maxWaitMs: policy.maxSeconds !== undefined ? policy.maxSeconds * 1000 : 60_000, fallbackMs: W, marginMs: 100, maxWaits: 3 };
  const settles = discovery ? 2 : 1;
  const settleBudgetMs = settles * (settleMs + pacing.maxWaits * (pacing.maxWaitMs + pacing.marginMs) + 10_000);
  const phasesMs = (discovery ? discovery.durationMs : 0) + underMs + (known ? overMs : 0);
  const maxDurationMs = phasesMs + settleBudgetMs + 30_000;
  const options: K6Options = {
    scenarios: {
      'rate-limit': {
        executor: 'per-vu-iterations',
        exec: RATE_LIMIT_EXEC,
        vus: keys.length,
        iterations: 1,
        maxDuration: k6Duration(maxDurationMs),
        gracefulStop: '10s',
      },
    },
    thresholds: { ...ruleThresholds(rules), http_req_failed: ['rate<0.01'] },
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
  return {
    mode: known ? 'known' : 'discover',
    keys,
    limit: known ? known.limit : null,
    windowMs: W,
    windowAssumed,
    tolerance,
    settleMs,
    underFactor,
    overload,
    underMs,
    overMs,
    discovery,
    burstCap: RATE_LIMIT_BURST_CAP,
    policy,
    boundedJudged,
    sampleEvery: sampleEvery(cfg.validateSample),
    maxInFlight: maxInFlight(env),
    pacing,
    maxDurationMs,
    rules,
    options,
  };
}
