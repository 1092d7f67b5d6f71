// Isolation: throttling key A must not throttle other keys (same org or another org). A
// bystander's 429 only counts against isolation when the bystander itself was quiet (at most
// `quietFraction` of its limit in the window before), so a busy bystander cannot cause a false
// alarm. Keys are named by role ("secondary", "other_org"), never by value.
import { redactSecrets } from '../redact';
import { RULES, fmt, verdict, type Verdict } from '../verdict';
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
}

export interface IsolationDetails {
  throttled: { sent: number; rejected: number; throttledFromMs: number; throttledToMs: number } | null;
  bystanders: BystanderResult[];
}

/** Rule 'ratelimit.isolation'. */
export function judgeIsolation(input: IsolationInput, opts: IsolationOptions): Verdict<IsolationDetails> {
  const rule = RULES.isolation;
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
    for (const t of b.rejected) {
      // Own requests in (t - W, t], this one included.
      const own = upperBound(b.sent, t) - upperBound(b.sent, t - W);
      if (own <= quietMax) {
        if (result.leaks === 0) result.firstLeakAtMs = t - firstA;
        result.leaks++;
      } else result.busy429s++;
    }
    details.bystanders.push(result);
    if (result.leaks > 0) {
      problems.push(
        `${role} got ${result.leaks} 429(s) while sending at most ${fmt(quietMax)} per ${W} ms (first at ${fmt(result.firstLeakAtMs ?? 0, 0)} ms from the throttled key's first 429)`,
      );
    } else if (result.sentWhileThrottled === 0) {
      problems.push(`inconclusive for ${role}: it sent nothing while the throttled key was throttled`);
    }
  }
  if (problems.length > 0) return verdict(false, rule, problems.join('; '), details);
  const summary = details.bystanders.map((r) => `${r.role} ${r.sentWhileThrottled} ok`).join(', ');
  return verdict(true, rule, `no bystander throttled while the throttled key got ${a.rejected.length} 429s (${summary})`, details);
}
