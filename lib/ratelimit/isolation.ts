// Isolation: throttling key A must not throttle other keys (same org or another org). A
// bystander's 429 only counts against isolation when the bystander itself was quiet (at most
// `quietFraction` of its limit in the window before), so a busy bystander cannot cause a false
// alarm. Keys are named by role ("secondary", "other_org"), never by value.
import { redactSecrets } from '../redact';
import { fmt, verdict, type Verdict } from '../verdict';
import { countInRange, timeline, upperBound, type Observation } from './observations';

export interface IsolationInput {
  /** The key driven over its limit. */
  throttled: readonly Observation[];
  /** Other keys by role name, sending lightly meanwhile. */
  bystanders: Readonly<Record<string, readonly Observation[]>>;
}

export interface IsolationOptions {
  limit: number;
  windowMs: number;
  /** A bystander 429 is a leak if the bystander sent at most this share of its limit in the window up to it; default 0.5. */
  quietFraction?: number;
}

export interface BystanderResult {
  role: string;
  sent: number;
  /** Requests sent while the throttled key was throttled (first 429 .. last 429 + one window). */
  sentWhileThrottled: number;
  /** 429s while the bystander was quiet: isolation failures. */
  leaks: number;
  /** 429s while the bystander itself was busy: not judged. */
  busy429s: number;
  /** Send time of the first leak, relative to the throttled key's first 429. */
  firstLeakAtMs?: number;
  /** With response times: most own requests that can have reached the server in a window before a leak. */
  maxOwnBeforeLeak?: number;
}

export interface IsolationDetails {
  throttled: { sent: number; rejected: number; throttledFromMs: number; throttledToMs: number } | null;
  bystanders: BystanderResult[];
}

/** Own requests that may have reached the server in the window before the rejected one sent at `t`. */
function possibleArrivals(obs: readonly Observation[], t: number, W: number): number {
  const r = obs.find((o) => o.t === t && o.status === 429);
  const latest = r?.rt ?? t;
  let n = 0;
  for (const o of obs) if ((o.rt as number) > t - W && o.t <= latest) n++;
  return n;
}

/** Rule 'ratelimit.isolation'. */
export function judgeIsolation(input: IsolationInput, opts: IsolationOptions): Verdict<IsolationDetails> {
  const rule = 'ratelimit.isolation';
  const W = opts.windowMs;
  const quietMax = (opts.quietFraction ?? 0.5) * opts.limit;
  const a = timeline(input.throttled);
  const firstA = a.rejected[0];
  const lastA = a.rejected[a.rejected.length - 1];
  const details: IsolationDetails = { throttled: null, bystanders: [] };
  if (!(opts.limit > 0 && W > 0)) return verdict(false, rule, `invalid options: limit and windowMs must be positive`, details);
  if (firstA === undefined || lastA === undefined) {
    return verdict(false, rule, `inconclusive: the throttled key never got 429 (${a.sent.length} requests), nothing to be isolated from`, details);
  }
  const spanTo = lastA + W;
  details.throttled = { sent: a.sent.length, rejected: a.rejected.length, throttledFromMs: 0, throttledToMs: spanTo - firstA };

  const roles = Object.keys(input.bystanders);
  if (roles.length === 0) return verdict(false, rule, 'inconclusive: no bystander keys observed', details);
  const problems: string[] = [];
  for (const rawRole of roles) {
    const role = redactSecrets(rawRole);
    const b = timeline(input.bystanders[rawRole] ?? []);
    const result: BystanderResult = {
      role,
      sent: b.sent.length,
      sentWhileThrottled: countInRange(b.sent, firstA, spanTo),
      leaks: 0,
      busy429s: 0,
    };
    // Every request with a send time, errors included: a request that timed out may still have
    // reached the server (its rt is when the client gave up).
    const withRt = (input.bystanders[rawRole] ?? []).filter((o) => Number.isFinite(o.t));
    const timed = withRt.length > 0 && withRt.every((o) => typeof o.rt === 'number' && Number.isFinite(o.rt));
    for (const t of b.rejected) {
      // Send times only: own requests in (t - W, t], this one included, against the quiet bound.
      // With response times: the server saw request j somewhere in [t_j, rt_j], so at most
      // `own` of the bystander's requests can have arrived in the window before this one;
      // a correct per-key limiter rejects only after `limit` accepted arrivals there. Delays of
      // any size (a stalled network, a stalled load generator) cannot turn that into a false alarm.
      const possible = timed ? possibleArrivals(withRt, t, W) : 0;
      // `possible` counts this request too: the others are possible - 1, and a leak needs fewer
      // than limit - 1 of them (one request of slack for a limiter counting its boundary inclusively).
      const leak = timed ? possible - 1 < opts.limit - 1 : upperBound(b.sent, t) - upperBound(b.sent, t - W) <= quietMax;
      if (leak) {
        result.maxOwnBeforeLeak = Math.max(result.maxOwnBeforeLeak ?? 0, possible);
        if (result.leaks === 0) result.firstLeakAtMs = t - firstA;
        result.leaks++;
      } else result.busy429s++;
    }
    details.bystanders.push(result);
    if (result.leaks > 0) {
      const why = timed
        ? `that its own limit of ${opts.limit} per ${W} ms cannot explain: at most ${result.maxOwnBeforeLeak} of its requests (this one included) can have reached the server in the ${W} ms before`
        : `while sending at most ${fmt(quietMax)} per ${W} ms`;
      problems.push(`${role} got ${result.leaks} 429(s) ${why} (first at ${fmt(result.firstLeakAtMs ?? 0, 0)} ms from the throttled key's first 429)`);
    } else if (result.sentWhileThrottled === 0) {
      problems.push(`inconclusive for ${role}: it sent nothing while the throttled key was throttled`);
    }
  }
  if (problems.length > 0) return verdict(false, rule, problems.join('; '), details);
  const summary = details.bystanders.map((r) => `${r.role} ${r.sentWhileThrottled} ok`).join(', ');
  return verdict(true, rule, `no bystander throttled while the throttled key got ${a.rejected.length} 429s (${summary})`, details);
}
