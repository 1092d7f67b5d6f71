// Pieces of k6 options shared by the scenario plans. Pure (types only from k6).
import type { Options } from 'k6/options';

/**
 * The k6 options a scenario exports. Deliberately no `localIPs`: k6 reads local addresses only
 * from `--local-ips` or the K6_LOCAL_IPS environment variable (lib/options.go declares the field
 * `json:"-"`), so a `localIPs` in script options would be silently ignored.
 */
export type K6Options = Options;

export type Thresholds = NonNullable<Options['thresholds']>;

/** Trend stats in every summary; 'count' lets the capacity knee see how much load was delivered. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

/**
 * Counter incremented once per recorded verdict, tagged { rule }. k6 skips a Rate threshold
 * whose sub-metric has no samples (metrics/thresholds.go: no `rate` value, "safe to ignore"), so
 * `checks{rule:X}: rate==1` PASSES when rule X was never checked. A Counter always has a `count`
 * (0 when empty) and k6's end-of-test evaluation runs thresholds on empty sinks too, so
 * `rule_verdicts{rule:X}: count>=1` fails exactly when no verdict was recorded.
 */
export const RULE_VERDICTS_METRIC = 'rule_verdicts';

/** The threshold that turns a contract rule's checks into a verdict: every check passed. */
export function ruleThresholdKey(rule: string): string {
  return `checks{rule:${rule}}`;
}

/** The threshold that fails a rule nobody recorded a verdict for. */
export function ruleVerdictsKey(rule: string): string {
  return `${RULE_VERDICTS_METRIC}{rule:${rule}}`;
}

/**
 * Per rule: its checks must satisfy `expression`, AND at least `minVerdicts` verdicts must have
 * been recorded (pass a larger minimum where the plan knows how many VUs each owe one, so one
 * VU cut off before recording fails the run too).
 */
export function ruleThresholds(rules: readonly string[], expression = 'rate==1', minVerdicts = 1): Thresholds {
  if (!(Number.isInteger(minVerdicts) && minVerdicts >= 1)) throw new Error(`ruleThresholds: minVerdicts must be a whole number >= 1, got ${minVerdicts}`);
  const t: Thresholds = {};
  for (const rule of rules) {
    t[ruleThresholdKey(rule)] = [expression];
    t[ruleVerdictsKey(rule)] = [`count>=${minVerdicts}`];
  }
  return t;
}
