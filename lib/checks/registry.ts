// The registry of per-response checks: one per contract rule, looked up by rule id. Callers
// (conformance passive checks, k6 smoke, the capacity mix, the 429 judge) pick the rules they
// judge and run them with runChecks; nobody keeps a private copy of a rule.
import { redactSecrets } from '../redact';
import { noCredentialEcho, redactFragments } from './credential-echo';
import { envelopeCollection, envelopeSingleResource, idsFormat } from './envelope';
import { errorBodyShape, errorKnownCode } from './errors';
import { responseContentType } from './json';
import { RATE_LIMIT_CHECKS } from './ratelimit';
import { noUnprovoked5xx, statusInTable } from './status';
import type { CheckOutcome, ResponseCheck, Subject } from './types';
import type { RuleId } from '../generated/rule-ids';

const ALL: readonly ResponseCheck[] = [
  responseContentType,
  statusInTable,
  noUnprovoked5xx,
  errorBodyShape,
  errorKnownCode,
  envelopeCollection,
  envelopeSingleResource,
  idsFormat,
  ...RATE_LIMIT_CHECKS,
  noCredentialEcho,
];

function index(checks: readonly ResponseCheck[]): ReadonlyMap<string, ResponseCheck> {
  const m = new Map<string, ResponseCheck>();
  for (const c of checks) {
    if (m.has(c.rule)) throw new Error(`two per-response checks for rule ${c.rule}`);
    m.set(c.rule, c);
  }
  return m;
}

/** Every per-response check, by contract rule id. */
export const REGISTRY: ReadonlyMap<string, ResponseCheck> = index(ALL);

/** The checks for `rules`, in that order; an id with no check is a programming error. */
export function checksFor(rules: readonly RuleId[]): ResponseCheck[] {
  return rules.map((r) => {
    const c = REGISTRY.get(r);
    if (!c) throw new Error(`no per-response check for rule '${r}' (registered: ${[...REGISTRY.keys()].join(', ')})`);
    return c;
  });
}

/**
 * Runs `checks` on one subject: an outcome for each that applies, in order. Messages are
 * redacted of the request's keys, any recognisable fragment of them, and anything key-like,
 * whatever the check wrote.
 */
export function runChecks(s: Subject, checks: readonly ResponseCheck[]): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  for (const c of checks) {
    if (!c.applies(s)) continue;
    const failure = c.check(s);
    // Fragments too: a message quoting a body that echoed part of a key must not carry that part on.
    out.push(failure === null ? { rule: c.rule, ok: true, message: '' } : { rule: c.rule, ok: false, message: redactFragments(redactSecrets(failure, s.req.presentedKeys), s.req.presentedKeys) });
  }
  return out;
}
