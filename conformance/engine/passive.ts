// Passive checks: run on every response the suite receives, in every probe. The checks
// themselves are lib/checks' registry (shared with the k6 scenarios); this module picks the
// rules the suite judges passively and adapts an Exchange to the engine-neutral response.
import { unknownProperties } from '../../lib/drift';
import {
  checksFor,
  contractSettings,
  presentedKeysOf,
  runChecks,
  subjectOf,
  type CheckedRequest,
  type CheckedResponse,
  type CheckSettings,
  type Subject,
} from '../../lib/checks';
import type { ResolvedContract } from '../../lib/contract';
import type { Exchange } from './exchange';
import type { RuleId } from '../../lib/contract';
import { operationOf, SUCCESS_SCHEMA } from './operations';

export interface PassiveCheck {
  rule: RuleId;
  applies(ex: Exchange): boolean;
  check(ex: Exchange, c: ResolvedContract): string | null;
}

/** The rules judged on every exchange (the contract marks them judges.passive). */
export const PASSIVE_RULES = [
  'json.response-content-type',
  'status.in-table',
  'status.no-unprovoked-5xx',
  'errors.body-shape',
  'errors.known-code',
  'ratelimit.retry-after-present',
  'ratelimit.retry-after-valid',
  'ratelimit.retry-after-positive',
  'ratelimit.error-body',
  'envelope.collection',
  'envelope.single-resource',
  'auth.no-credential-echo',
] as const;

// One neutral view per exchange, so the Retry-After header is parsed once per 429 (lib/checks
// memoises the parse per response object) whichever rules and settings judge it.
const views = new WeakMap<Exchange, { res: CheckedResponse; req: CheckedRequest }>();

/** The exchange as lib/checks sees it: its response, and the request with the keys it presented. */
export function viewOf(ex: Exchange): { res: CheckedResponse; req: CheckedRequest } {
  let v = views.get(ex);
  if (v === undefined) {
    const operation = operationOf(ex.method, ex.path);
    v = {
      res: { status: ex.status, headers: ex.headers, bodyText: ex.bodyText, json: ex.jsonError === undefined ? ex.json : undefined },
      req: {
        method: ex.method,
        path: ex.path,
        ...(operation === undefined ? {} : { operation }),
        presentedKeys: presentedKeysOf(ex.requestHeaders),
        ...(ex.provoked ? { provoked: true } : {}),
      },
    };
    views.set(ex, v);
  }
  return v;
}

const settingsCache = new WeakMap<ResolvedContract, CheckSettings>();

/** The check settings of a resolved contract (its error codes and Retry-After minimum). */
export function settingsOf(c: ResolvedContract): CheckSettings {
  let s = settingsCache.get(c);
  if (s === undefined) {
    s = { errorCodesFor: c.errorCodesFor, retryAfter: { minSeconds: c.params.retryAfterMinSeconds } };
    settingsCache.set(c, s);
  }
  return s;
}

// Whether a check applies never depends on the target's overrides (which rules a Retry-After
// decides does not depend on the minimum), so applies() can judge with the contract's own.
const DEFAULT_SETTINGS = contractSettings();

function subject(ex: Exchange, settings: CheckSettings): Subject {
  const { res, req } = viewOf(ex);
  return subjectOf(res, req, settings);
}

export const passiveChecks: PassiveCheck[] = checksFor(PASSIVE_RULES).map((rc) => ({
  rule: rc.rule,
  applies: (ex) => ex.status > 0 && rc.applies(subject(ex, DEFAULT_SETTINGS)),
  check(ex, c) {
    const [o] = runChecks(subject(ex, settingsOf(c)), [rc]);
    return o === undefined || o.ok ? null : o.message;
  },
}));

/** Unknown properties in a 2xx body (drift), as JSON pointers; never a failure. */
export function driftOf(ex: Exchange): { schema: string; paths: string[] } | null {
  if (ex.status < 200 || ex.status >= 300 || ex.jsonError) return null;
  const expected = SUCCESS_SCHEMA[operationOf(ex.method, ex.path) ?? ''];
  if (!expected) return null;
  const paths = unknownProperties(expected.schema, ex.json);
  return paths.length > 0 ? { schema: expected.schema, paths } : null;
}
