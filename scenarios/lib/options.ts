// Pieces of k6 options shared by the scenario plans. Pure (types only from k6).
import type { Options } from 'k6/options';

/** k6 options plus `localIPs`, which @types/k6 does not declare. */
export type K6Options = Options & { localIPs?: string };

export type Thresholds = NonNullable<Options['thresholds']>;

/** Trend stats in every summary; 'count' lets the capacity knee see how much load was delivered. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

/** The threshold that turns a contract rule's checks into a verdict: every check passed. */
export function ruleThresholdKey(rule: string): string {
  return `checks{rule:${rule}}`;
}

export function ruleThresholds(rules: readonly string[], expression = 'rate==1'): Thresholds {
  const t: Thresholds = {};
  for (const rule of rules) t[ruleThresholdKey(rule)] = [expression];
  return t;
}
