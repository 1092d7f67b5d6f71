// Pieces of k6 options shared by the scenario plans. Pure (types only from k6).
import type { Options } from 'k6/options';
import type { RuleId } from '../../lib/contract';

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
 * Counter incremented once per recorded verdict, tagged { rule }: reported (and summed by the
 * merge command), no longer thresholded, because a count threshold cannot be sized for an
 * instance that owns only part of the keys (see VUS_FINISHED_METRIC).
 */
export const RULE_VERDICTS_METRIC = 'rule_verdicts';

/**
 * Why a rule can fail for lack of evidence, per instance. k6 passes a Rate threshold whose
 * sub-metric has no samples (metrics/thresholds.go: no `rate`, "safe to ignore"), so
 * `checks{rule:X}: rate==1` alone PASSES when rule X was never judged. Each VU that owes verdicts
 * therefore settles its own account (scenarios/lib/k6.ts `owe`): at its end it records a FAILED
 * check for every rule it owed and never judged, and this Rate gets `false` when the VU starts
 * and `true` when it has settled. Rate 0.5 means every VU that started also settled; a VU cut
 * off by maxDuration leaves a lone `false` and fails `rate>=0.5`. An instance of a split run
 * (--execution-segment) that owns no key runs no such VU: the Rate has no samples and passes,
 * and so do its rules' empty checks. Nothing here depends on how many instances there are.
 */
export const VUS_FINISHED_METRIC = 'rundun_vus_finished';
export const VUS_FINISHED_THRESHOLD = 'rate>=0.5';

/** The threshold that turns a contract rule's checks into a verdict: every check passed. */
export function ruleThresholdKey(rule: RuleId): string {
  return `checks{rule:${rule}}`;
}

/**
 * Per rule: its checks must satisfy `expression` (default: all passed); plus (with `accounts`)
 * the settle-up threshold that fails a run in which a VU owing verdicts did not finish.
 */
export function ruleThresholds(rules: readonly RuleId[], expression = 'rate==1', accounts = true): Thresholds {
  // `accounts: false` where no VU owes a verdict (the load scenarios judge their one rule in
  // setup): an accounts threshold nobody feeds would only ever be empty.
  const t: Thresholds = accounts ? { [VUS_FINISHED_METRIC]: [VUS_FINISHED_THRESHOLD] } : {};
  for (const rule of rules) t[ruleThresholdKey(rule)] = [expression];
  return t;
}
