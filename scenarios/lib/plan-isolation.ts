// The key-isolation scenario's plan. Pure, unit-tested.
//
// Part 1 (parallel): key A (`throttled`) is driven at 3× its limit for the whole part, while the
// `secondary` key (same org) and the `other_org` key send at half their limit from one window
// after A starts to one window before A ends. A's VU checks that A really was throttled; each
// bystander's VU checks, with lib/ratelimit's judgeIsolation, that it got no 429 while quiet.
// Both are checks of rule ratelimit.isolation, so one threshold covers both halves.
//
// Part 2 (after part 1 and a quiet window): one key spread over N VUs. k6 hands the `localIPs`
// addresses out per VU, so each VU's connections come from one address. Together they send 3×
// the limit. No single VU sees the whole key, so each VU counts what it sent and got accepted in
// the steady part (from one window after the part starts) and adds those counts to counters;
// thresholds on the counters hold the sum to what ONE key may accept (the same bound as
// judgeWindowedAcceptance's steady rate check), and require enough load to have been offered.
import { WINDOW_DEFAULTS } from '../../lib/ratelimit';
import { RULES } from '../../lib/verdict';
import { ConfigError, duration, k6Duration, keyOf, number, pickKeys, type KeyRef, type RundunConfig } from './config';
import { ruleThresholds, SUMMARY_TREND_STATS, type K6Options } from './options';

export const DEFAULT_LOCAL_IPS = '127.0.0.2-127.0.0.5';

export interface SpreadPlan {
  key: KeyRef;
  vus: number;
  startMs: number;
  durationMs: number;
  /** Sends per second per VU. */
  ratePerVu: number;
  /** localIPs option, or null when off. */
  localIPs: string | null;
  addresses: number;
  steadyWindows: number;
  acceptedMax: number;
  acceptedMin: number;
  sentMin: number;
}

export interface IsolationPlan {
  limit: number;
  windowMs: number;
  throttled: KeyRef;
  bystanders: KeyRef[];
  durationMs: number;
  overRate: number;
  bystanderRate: number;
  bystanderStartMs: number;
  bystanderDurationMs: number;
  quietFraction: number;
  spread: SpreadPlan | null;
  options: K6Options;
}

export const THROTTLED_EXEC = 'throttledKey';
export const BYSTANDER_EXEC = 'bystanderKey';
export const SPREAD_EXEC = 'spreadKey';

/** Number of addresses in a localIPs value: "a-b" ranges of IPv4 (last octet) and comma lists. */
export function countAddresses(localIPs: string): number {
  let n = 0;
  for (const part of localIPs.split(',')) {
    const p = part.trim();
    const range = /^(\d+\.\d+\.\d+\.)(\d+)-(\d+\.\d+\.\d+\.)(\d+)$/.exec(p);
    if (range) {
      if (range[1] !== range[3] || Number(range[4]) < Number(range[2])) throw new ConfigError(`RUNDUN_LOCAL_IPS: range '${p}' must stay within one /24 and go upwards`);
      n += Number(range[4]) - Number(range[2]) + 1;
    } else if (/^\d+\.\d+\.\d+\.\d+$/.test(p)) n += 1;
    else throw new ConfigError(`RUNDUN_LOCAL_IPS: '${p}' is not an IPv4 address or a-b range (e.g. ${DEFAULT_LOCAL_IPS}), or 'off'`);
  }
  return n;
}

export function planIsolation(cfg: RundunConfig): IsolationPlan {
  const env = cfg.env;
  if (!cfg.limit) {
    throw new ConfigError(
      `key-isolation needs the per-key limit to drive keys at 3× and ½ of it: set RUNDUN_RATE_LIMIT (e.g. 20/1s; run the rate-limit scenario first to discover it)${cfg.limitOff ? '; the target says it has none' : ''}`,
    );
  }
  const { limit: L, windowMs: W } = cfg.limit;
  const throttled = pickKeys(cfg, ['ratelimit', 'primary'], 1, [keyOf(cfg, 'secondary'), keyOf(cfg, 'other_org')].filter((k): k is KeyRef => !!k))[0];
  const secondary = keyOf(cfg, 'secondary');
  const otherOrg = keyOf(cfg, 'other_org');
  if (!throttled || !secondary || !otherOrg) {
    throw new ConfigError('key-isolation needs three keys: the throttled key (RUNDUN_API_KEY_RATELIMIT or RUNDUN_API_KEY), RUNDUN_API_KEY_SECONDARY (same org) and RUNDUN_API_KEY_OTHER_ORG');
  }
  if (secondary.key === throttled.key || otherOrg.key === throttled.key || secondary.key === otherOrg.key) {
    throw new ConfigError('key-isolation: the throttled, secondary and other_org keys must be three different keys');
  }
  const durationMs = duration(env, 'RUNDUN_DURATION', 10 * W, 4 * W);
  const overload = number(env, 'RUNDUN_OVERLOAD', 3, { min: 3, max: 100 });
  const quietFraction = 0.5;
  const bystanderRate = number(env, 'RUNDUN_BYSTANDER_RATE', (quietFraction * L * 1000) / W, { min: 0.01, max: (quietFraction * L * 1000) / W });

  let spread: SpreadPlan | null = null;
  const rawIps = (env.RUNDUN_LOCAL_IPS ?? '').trim();
  const spreadOff = /^off$/i.test(env.RUNDUN_SPREAD ?? '');
  if (!spreadOff) {
    const spreadKey = pickKeys(cfg, ['primary'], 1, [throttled, secondary, otherOrg])[0];
    if (!spreadKey) throw new ConfigError('key-isolation: the spread part needs a fourth key (RUNDUN_API_KEYS pool or RUNDUN_API_KEY); set RUNDUN_SPREAD=off to skip it');
    const localIPs = /^off$/i.test(rawIps) ? null : rawIps !== '' ? rawIps : cfg.loopback ? DEFAULT_LOCAL_IPS : null;
    const addresses = localIPs ? countAddresses(localIPs) : 1;
    const vus = number(env, 'RUNDUN_SPREAD_VUS', Math.max(4, addresses), { min: 2, max: 256, integer: true });
    const spreadMs = duration(env, 'RUNDUN_SPREAD_DURATION', 10 * W, 4 * W);
    const tol = WINDOW_DEFAULTS.tolerance;
    const slack = WINDOW_DEFAULTS.slack;
    const steadyWindows = (spreadMs - W) / W;
    const totalRate = (overload * L * 1000) / W;
    const meanGap = 1000 / totalRate;
    spread = {
      key: spreadKey,
      vus,
      startMs: durationMs + W,
      durationMs: spreadMs,
      ratePerVu: totalRate / vus,
      localIPs,
      addresses,
      steadyWindows,
      // The same bounds as judgeWindowedAcceptance's steady rate check, for one key.
      acceptedMax: Math.floor(L * steadyWindows * (1 + tol) + L + slack),
      acceptedMin: Math.max(1, Math.ceil(L * (steadyWindows * W / (W + meanGap)) * (1 - tol) - L - slack)),
      sentMin: Math.ceil(WINDOW_DEFAULTS.minOverload * L * steadyWindows),
    };
  }

  const common = { executor: 'per-vu-iterations' as const, iterations: 1, gracefulStop: '10s' };
  const scenarios: NonNullable<K6Options['scenarios']> = {
    throttled: { ...common, exec: THROTTLED_EXEC, vus: 1, maxDuration: k6Duration(durationMs + 30_000) },
    bystanders: { ...common, exec: BYSTANDER_EXEC, vus: 2, startTime: k6Duration(W), maxDuration: k6Duration(durationMs + 30_000) },
  };
  const thresholds: NonNullable<K6Options['thresholds']> = { ...ruleThresholds([RULES.isolation]), http_req_failed: ['rate<0.01'] };
  if (spread) {
    scenarios.spread = { ...common, exec: SPREAD_EXEC, vus: spread.vus, startTime: k6Duration(spread.startMs), maxDuration: k6Duration(spread.durationMs + 30_000) };
    thresholds[`spread_accepted{rule:${RULES.isolation}}`] = [`count<=${spread.acceptedMax}`, `count>=${spread.acceptedMin}`];
    thresholds[`spread_sent{rule:${RULES.isolation}}`] = [`count>=${spread.sentMin}`];
  }
  const options: K6Options = { scenarios, thresholds, summaryTrendStats: SUMMARY_TREND_STATS };
  if (spread?.localIPs) options.localIPs = spread.localIPs;
  return {
    limit: L,
    windowMs: W,
    throttled,
    bystanders: [secondary, otherOrg],
    durationMs,
    overRate: (overload * L * 1000) / W,
    bystanderRate,
    bystanderStartMs: W,
    bystanderDurationMs: durationMs - 2 * W,
    quietFraction,
    spread,
    options,
  };
}
