// The common shape of every judgement the harness makes: plain data, so the same verdict can
// become a vitest assertion, a k6 check/metric tag, or a line in a report.

// Rule ids are written as literals (typed RuleId, generated from the contract), so
// `grep -rn <rule id>` finds every place that judges a rule.

export type { RuleId } from './contract';
import type { RuleId } from './contract';

export interface Verdict<D = Record<string, unknown>> {
  ok: boolean;
  /** Contract rule id, e.g. 'ratelimit.enforced-per-key'. */
  rule: RuleId;
  /** Human-readable; never contains an API key in full (callers pass keys by role name). */
  reason: string;
  details?: D;
}

export function verdict<D>(ok: boolean, rule: RuleId, reason: string, details?: D): Verdict<D> {
  return details === undefined ? { ok, rule, reason } : { ok, rule, reason, details };
}

/** Compact number formatting for reasons: at most `digits` decimals, no trailing zeros. */
export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toFixed(digits)));
}
