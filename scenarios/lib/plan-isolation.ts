// The key-isolation scenario's plan. Pure, unit-tested.
//
// Part 1 (parallel): key A (`throttled`) is driven at 3× its limit for the whole part, while the
// `secondary` key (same org) and the `other_org` key send at half their limit from one window
// after A starts to one window before A ends. A's VU checks that A really was throttled; each
// bystander's VU checks, with lib/ratelimit's judgeIsolation, that it got no 429 while quiet.
// Both are checks of rule ratelimit.isolation, so one threshold covers both halves.
//
// Part 2 (after part 1 and a quiet window): one key spread over N VUs. k6 binds VU n's
// connections to address (n-1) mod count of its local-IP pool, which it takes ONLY from
// `--local-ips` or the K6_LOCAL_IPS environment variable (a `localIPs` in script options is
// silently ignored: lib/options.go declares it `json:"-"`). `k6 run` passes its environment to
// the script's __ENV, so the plan reads K6_LOCAL_IPS to size the part (VUs >= addresses) and to
// report it; without it the part runs from one source address, and the summary says so.
// Together the VUs send 3× the limit. No single VU sees the whole key, so each VU counts what
// it sent and got accepted in the steady part (from one window after the part starts) and adds
// those counts to counters; thresholds on the counters hold the sum to what ONE key may accept
// (the same bound as judgeWindowedAcceptance's steady rate check), and require enough load to
// have been offered.
import { WINDOW_DEFAULTS } from '../../lib/ratelimit';
import { ConfigError, duration, k6Duration, keyOf, maxInFlight, number, pickKeys, spreadKeyOf, type KeyRef, type RundunConfig } from './config';
import { ruleThresholds, SUMMARY_TREND_STATS, type K6Options } from './options';

/** The loopback range the docs suggest for K6_LOCAL_IPS (all of 127.0.0.0/8 is loopback on Linux). */
export const SUGGESTED_LOCAL_IPS = '127.0.0.2-127.0.0.5';
/** At most this many addresses are planned for (the spread part has at most 256 VUs). */
export const MAX_LOCAL_IPS = 256;

export interface SpreadPlan {
  key: KeyRef;
  vus: number;
  startMs: number;
  durationMs: number;
  /** Sends per second of all the spread VUs together (each carries its share). */
  totalRate: number;
  /** Sends per second per VU on one instance. */
  ratePerVu: number;
  /** Sends the schedule plans in the steady part (after the first window), all VUs together. */
  plannedSteadySends: number;
  /** K6_LOCAL_IPS as k6 read it from its environment, or null when unset (one source address). */
  localIPs: string | null;
  /** k6's address pool in order: VU n uses addressList[(n - 1) % length]; [] without K6_LOCAL_IPS. */
  addressList: string[];
  /** Source addresses planned for: addressList.length, or 1 without K6_LOCAL_IPS. */
  addresses: number;
  /** For the summary: where the spread's connections come from. */
  sourceNote: string;
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
  /** Most requests outstanding per VU (RUNDUN_MAX_IN_FLIGHT). */
  maxInFlight: number;
  options: K6Options;
}

/** VU j's share (of `local` VUs) of the planned steady sends: the plan split as evenly as whole requests allow. */
export function spreadShare(planned: number, local: number, j: number): number {
  return Math.floor(planned / local) + (j < planned % local ? 1 : 0);
}

/** A Rate bound as a threshold expression, rounded outwards so rounding never tightens it. */
function rateBound(op: '<=' | '>=', value: number): string {
  const v = op === '<=' ? Math.ceil(value * 1e6) / 1e6 : Math.floor(value * 1e6) / 1e6;
  return `rate${op}${Math.min(1, Math.max(0, v))}`;
}

export const THROTTLED_EXEC = 'throttledKey';
export const BYSTANDER_EXEC = 'bystanderKey';
export const SPREAD_EXEC = 'spreadKey';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function octets(ip: string): number[] | null {
  const m = IPV4.exec(ip);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  return o.every((x) => x <= 255) ? o : null;
}

/**
 * The addresses of a K6_LOCAL_IPS value, in k6's order: comma-separated IPv4 addresses and
 * `a-b` ranges within one /24. (k6 also takes CIDR blocks and IPv6; they are refused here with
 * the reason, rather than planned for wrongly.)
 */
export function expandAddresses(spec: string): string[] {
  const out: string[] = [];
  for (const part of spec.split(',')) {
    const p = part.trim();
    const [from, to, ...rest] = p.split('-').map((x) => x.trim());
    const a = octets(from ?? '');
    const b = to === undefined ? a : octets(to);
    if (!a || !b || rest.length > 0) {
      throw new ConfigError(`K6_LOCAL_IPS: '${p}' is not an IPv4 address or an a-b range (e.g. ${SUGGESTED_LOCAL_IPS}); write CIDR blocks as ranges`);
    }
    if (a.slice(0, 3).join('.') !== b.slice(0, 3).join('.') || (b[3] as number) < (a[3] as number)) {
      throw new ConfigError(`K6_LOCAL_IPS: range '${p}' must stay within one /24 and go upwards`);
    }
    for (let i = a[3] as number; i <= (b[3] as number); i++) out.push(`${a.slice(0, 3).join('.')}.${i}`);
    if (out.length > MAX_LOCAL_IPS) throw new ConfigError(`K6_LOCAL_IPS: more than ${MAX_LOCAL_IPS} addresses; the spread part needs one VU per address`);
  }
  return out;
}

/** Number of addresses in a K6_LOCAL_IPS value. */
export function countAddresses(spec: string): number {
  return expandAddresses(spec).length;
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

  if ((env.RUNDUN_LOCAL_IPS ?? '').trim() !== '') {
    throw new ConfigError(
      `RUNDUN_LOCAL_IPS is not read any more: k6 ignores local addresses in script options. Export K6_LOCAL_IPS (e.g. ${SUGGESTED_LOCAL_IPS}) in the environment k6 runs in: k6 binds them and passes them on to the script`,
    );
  }
  let spread: SpreadPlan | null = null;
  const spreadOff = /^off$/i.test(env.RUNDUN_SPREAD ?? '');
  if (!spreadOff) {
    // A key no other scenario relies on (RUNDUN_API_KEY_SPREAD, else the last pool key, which the
    // load scenarios leave out), so the part leaves no other scenario's key throttled.
    const spreadKey = spreadKeyOf(cfg);
    if (!spreadKey || [throttled, secondary, otherOrg].some((k) => k.key === spreadKey.key)) {
      throw new ConfigError('key-isolation: the spread part needs a key no other scenario uses: RUNDUN_API_KEY_SPREAD, or a RUNDUN_API_KEYS pool (its last key is used); set RUNDUN_SPREAD=off to skip it');
    }
    const rawIps = (env.K6_LOCAL_IPS ?? '').trim();
    const localIPs = rawIps === '' ? null : rawIps;
    const addressList = localIPs ? expandAddresses(localIPs) : [];
    const addresses = Math.max(1, addressList.length);
    const vus = number(env, 'RUNDUN_SPREAD_VUS', Math.max(4, addresses), { min: 2, max: 256, integer: true });
    // k6 hands addresses out by VU id, so fewer VUs than addresses would leave some unused.
    if (vus < addresses) throw new ConfigError(`RUNDUN_SPREAD_VUS=${vus} is below the ${addresses} K6_LOCAL_IPS addresses: k6 binds one address per VU, so some would go unused`);
    const spreadMs = duration(env, 'RUNDUN_SPREAD_DURATION', 10 * W, 4 * W);
    const tol = WINDOW_DEFAULTS.tolerance;
    const slack = WINDOW_DEFAULTS.slack;
    const steadyWindows = (spreadMs - W) / W;
    const totalRate = (overload * L * 1000) / W;
    const meanGap = 1000 / totalRate;
    const sourceNote = localIPs
      ? `K6_LOCAL_IPS=${localIPs} (${addressList.length} address${addressList.length === 1 ? '' : 'es'}, bound by k6 per VU id)`
      : cfg.loopback
        ? `one source address: K6_LOCAL_IPS is not set (export K6_LOCAL_IPS=${SUGGESTED_LOCAL_IPS} before k6 run to spread the key over addresses)`
        : 'one source address: K6_LOCAL_IPS is not set';
    spread = {
      key: spreadKey,
      vus,
      startMs: durationMs + W,
      durationMs: spreadMs,
      totalRate,
      ratePerVu: totalRate / vus,
      plannedSteadySends: Math.max(1, Math.round((totalRate * (spreadMs - W)) / 1000)),
      localIPs,
      addressList,
      addresses,
      sourceNote,
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
  // The throttled key's VU and each bystander VU owe one verdict (their accounts settle it).
  const thresholds: NonNullable<K6Options['thresholds']> = { ...ruleThresholds(['ratelimit.isolation']), http_req_failed: ['rate<0.01'] };
  if (spread) {
    scenarios.spread = { ...common, exec: SPREAD_EXEC, vus: spread.vus, startTime: k6Duration(spread.startMs), maxDuration: k6Duration(spread.durationMs + 30_000) };
    // One key's bounds on the SUM over the spread VUs, as shares of the planned steady sends:
    // each VU adds one sample per planned (or actual, if more) send of its own, true when that
    // slot was sent / accepted. So the Rates' totals are the plan's whatever the VU count, and
    // a Rate with no samples (an instance of a split run that does not run the part) passes.
    const P = spread.plannedSteadySends;
    thresholds[`spread_accepted_share{rule:${'ratelimit.isolation'}}`] = [rateBound('<=', spread.acceptedMax / P), rateBound('>=', spread.acceptedMin / P)];
    thresholds[`spread_sent_share{rule:${'ratelimit.isolation'}}`] = [rateBound('>=', spread.sentMin / P)];
  }
  const options: K6Options = { scenarios, thresholds, summaryTrendStats: SUMMARY_TREND_STATS };
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
    maxInFlight: maxInFlight(env),
    options,
  };
}
