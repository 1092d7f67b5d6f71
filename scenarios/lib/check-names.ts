// The k6 check name of every contract rule: its contract label (generated with the RuleId union,
// lib/generated/rule-ids.ts); the check's `rule` tag carries the id itself. No k6 imports.
import { RULE_LABELS } from '../../lib/generated/rule-ids';

/** Names are unique, so a summary that lists checks by name maps them back (summary.ts). */
export const CHECK_NAMES: Readonly<Record<string, string>> = RULE_LABELS;

/** A rule's k6 check name: its contract label, or the id itself for a rule without one. */
export function checkName(rule: string): string {
  return Object.hasOwn(CHECK_NAMES, rule) ? (CHECK_NAMES[rule] as string) : rule;
}
