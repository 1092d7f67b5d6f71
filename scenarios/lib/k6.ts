// k6-bound helpers shared by the scenarios: keyed request params, per-rule checks, pacing with
// k6's clock, and logging that cannot leak a key (the 429 handler is in judge-429.ts). What is
// allocated per rule or per key is built once and reused; per request only the observation is.
import { check, sleep } from 'k6';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import { redactSecrets } from '../../lib/redact';
import { getHeader } from '../../lib/headers';
import { checkedResponse } from '../../lib/checks/response';
import type { CheckedResponse, CheckOutcome } from '../../lib/checks/types';
import type { KeyRef, RundunConfig } from './config';
import { RULE_VERDICTS_METRIC, VUS_FINISHED_METRIC } from './options';
import type { Clock } from './pacing';
import { checkName } from './check-names';
import type { RuleId } from '../../lib/contract';

export const k6Clock: Clock = {
  now: () => Date.now(),
  sleepMs: (ms) => {
    if (ms > 0) sleep(ms / 1000);
  },
};

const checkSets = new Map<string, Record<string, (ok: boolean) => boolean>>();
const checkTags = new Map<string, { rule: string }>();
const isTrue = (ok: boolean) => ok === true;
// Created at init (this module is imported from every scenario's top level), as k6 requires.
const ruleVerdicts = new Counter(RULE_VERDICTS_METRIC);
const vusFinished = new Rate(VUS_FINISHED_METRIC);
/** Verdicts this VU recorded, per rule (module state is per VU in k6: every VU has its own runtime). */
const judgedHere = new Map<string, number>();

/**
 * One k6 check for a contract rule, tagged { rule } (sets and tags built once per rule), and one
 * count in rule_verdicts{rule}.
 */
export function recordRule(rule: RuleId, ok: boolean): boolean {
  let set = checkSets.get(rule);
  let tags = checkTags.get(rule);
  if (set === undefined || tags === undefined) {
    set = { [checkName(rule)]: isTrue };
    tags = { rule };
    checkSets.set(rule, set);
    checkTags.set(rule, tags);
  }
  ruleVerdicts.add(1, tags);
  judgedHere.set(rule, (judgedHere.get(rule) ?? 0) + 1);
  return check(ok, set, tags);
}

/**
 * Opens this VU's account of the rules it owes a verdict for (see VUS_FINISHED_METRIC in
 * options.ts). Call `settle` when the VU is done (in a finally): every owed rule it never judged
 * is recorded as a failed check, with the reason logged, and the VU counts as finished.
 */
export function owe(rules: readonly RuleId[], log: (message: string) => void, who: string): { settle(why?: string): void } {
  vusFinished.add(false);
  const before = new Map(rules.map((r) => [r, judgedHere.get(r) ?? 0]));
  let settled = false;
  return {
    settle(why?: string) {
      if (settled) return;
      settled = true;
      for (const rule of rules) {
        if ((judgedHere.get(rule) ?? 0) > (before.get(rule) ?? 0)) continue;
        recordRule(rule, false);
        log(`${who}: ${rule}: FAILED: not judged${why ? `: ${why}` : ''}`);
      }
      vusFinished.add(true);
    },
  };
}

export interface Logger {
  (message: string): void;
}

/** console.log with every configured key redacted (reasons name roles, this is the backstop). */
export function makeLogger(cfg: RundunConfig, prefix: string): Logger {
  const keys = cfg.keys.map((k) => k.key);
  return (message) => console.log(redactSecrets(`[rundun ${prefix}] ${message}`, keys));
}

/** Params for requests with one key: Authorization, tags by role (never the key), body handling. */
export function keyParams(ref: KeyRef, name: string, responseType: ResponseType, extraTags: Record<string, string> = {}): Params {
  return {
    headers: { Authorization: `Bearer ${ref.key}` },
    tags: { key: ref.role, name, ...extraTags },
    responseType,
    timeout: '10s',
  };
}

/** A response header by name, any case (lib/headers.ts: one lookup for both engines). */
export function header(res: RefinedResponse<ResponseType | undefined>, canonical: string): string | undefined {
  return getHeader(res.headers, canonical);
}

/** The response as lib/checks sees it; the body only when it was read as text. */
export function checkedOf(res: RefinedResponse<ResponseType | undefined>): CheckedResponse {
  return checkedResponse(res.status, res.headers, typeof res.body === 'string' ? res.body : null);
}

/**
 * Records one check per outcome (lib/checks runChecks) and logs each failure, prefixed with
 * `what` (messages are already redacted of the request's keys; the logger redacts again).
 */
export function recordOutcomes(outcomes: readonly CheckOutcome[], log: Logger, what: string): boolean {
  let all = true;
  for (const o of outcomes) {
    recordRule(o.rule, o.ok);
    if (!o.ok) {
      all = false;
      log(`${o.rule}: FAILED: ${what}: ${o.message}`);
    }
  }
  return all;
}
