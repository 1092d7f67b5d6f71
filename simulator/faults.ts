// The fault catalogue: deliberate, narrow misbehaviours the simulator can be started with
// (`--fault <name>`, `faults: [...]`), so the self-test can prove each harness check catches
// the defect it exists for. Each fault breaks ONE contract rule (`breaks`, an id of
// schemas/contract.json) and is implemented at the stage where a real server would have the
// bug (edge, auth, router, handler, store, serializer); everything else stays correct.
// FailNext, below, is the one admin-driven fault: the next N /v1 requests answer 500.

import type { RuleId } from '../lib/contract';

export type FaultFamily = 'versioning' | 'auth' | 'org' | 'ratelimit' | 'json' | 'envelope' | 'ids' | 'errors' | 'status' | 'pagination' | 'runs' | 'load';

export interface FaultSpec {
  /** `<family>.<what>`, unique. */
  readonly name: string;
  readonly family: FaultFamily;
  /** The contract rule id the fault is designed to break. */
  readonly breaks: RuleId;
  /** One line. */
  readonly description: string;
  /** Only a load test can see it (the conformance suite is not expected to). */
  readonly loadOnly?: true;
}

export const FAULT_CATALOGUE = [
  // --- rate limiting (edge stage)
  { name: 'ratelimit.off', family: 'ratelimit', breaks: 'ratelimit.429-status', description: 'no rate limit at all: never answers 429' },
  { name: 'ratelimit.shared-bucket', family: 'ratelimit', breaks: 'ratelimit.isolation', description: 'one bucket shared by every key and address: one throttled key throttles everyone' },
  { name: 'ratelimit.per-source-address', family: 'ratelimit', breaks: 'ratelimit.isolation', description: 'limits per client address instead of per key: all keys from one host share a bucket, one key from two hosts gets two' },
  { name: 'ratelimit.per-org', family: 'ratelimit', breaks: 'ratelimit.isolation', description: "one bucket per org (the key's org looked up at the edge): a throttled key throttles its org's other keys" },
  { name: 'ratelimit.double-limit', family: 'ratelimit', breaks: 'ratelimit.enforced-per-key', description: 'enforces twice the stated limit', loadOnly: true },
  { name: 'ratelimit.retry-after-missing', family: 'ratelimit', breaks: 'ratelimit.retry-after-present', description: '429 without a Retry-After header' },
  { name: 'ratelimit.retry-after-zero', family: 'ratelimit', breaks: 'ratelimit.retry-after-positive', description: 'Retry-After: 0 (or an HTTP-date equal to Date)' },
  { name: 'ratelimit.retry-after-short', family: 'ratelimit', breaks: 'ratelimit.retry-after-honoured', description: 'throttled keys stay blocked 2.9 s past the window, but Retry-After says 1-2 s less than the real wait: a retry after it gets 429 again' },
  { name: 'ratelimit.retry-after-non-numeric', family: 'ratelimit', breaks: 'ratelimit.retry-after-valid', description: 'Retry-After: soon' },
  { name: 'ratelimit.retry-after-fractional', family: 'ratelimit', breaks: 'ratelimit.retry-after-valid', description: 'Retry-After with a fraction, e.g. 1.5' },
  { name: 'ratelimit.no-error-body', family: 'ratelimit', breaks: 'ratelimit.error-body', description: '429 with an empty body (no rate_limited error object)' },
  { name: 'ratelimit.plain-text-429', family: 'ratelimit', breaks: 'ratelimit.error-body', description: "429 as a gateway's plain-text page: 'Too Many Requests', text/plain (Retry-After kept)" },
  { name: 'ratelimit.throttled-write-creates', family: 'ratelimit', breaks: 'ratelimit.no-side-effects', description: 'a rate-limited POST /v1/runs is still forwarded: it answers 429 but creates the run and consumes quota' },
  { name: 'ratelimit.retry-after-long', family: 'ratelimit', breaks: 'ratelimit.retry-after-bounded', description: 'Retry-After asks for 10 s more than the real wait (a penalty box)', loadOnly: true },
  { name: 'ratelimit.limit-too-low', family: 'ratelimit', breaks: 'ratelimit.under-limit-no-429', description: 'enforces a quarter of the stated limit: traffic at half the limit meets 429', loadOnly: true },
  { name: 'ratelimit.retry-after-loose', family: 'ratelimit', breaks: 'ratelimit.retry-after-tight', description: 'Retry-After asks for 1 s more than the real wait (within ceil(window) + 1 s): honoured, but needlessly long', loadOnly: true },
  { name: 'ratelimit.503-for-throttled-write', family: 'ratelimit', breaks: 'status.429-rate-limited', description: 'a throttled POST /v1/runs answers 503 unavailable (with Retry-After) instead of 429' },
  // --- versioning, JSON, envelopes, org scoping
  { name: 'versioning.unversioned', family: 'versioning', breaks: 'versioning.v1-prefix', description: 'the API is served at the root, without the /v1 prefix (fixtures.baseUrl has none)' },
  { name: 'versioning.new-field', family: 'versioning', breaks: 'drift.unknown-properties', description: 'every JSON object in every response carries a new, undocumented property "region" (an additive change)' },
  { name: 'json.content-type-ignored', family: 'json', breaks: 'json.request-content-type', description: 'POST /v1/runs ignores Content-Type: a JSON body without it (or as text/plain) is accepted' },
  { name: 'json.text-plain-lists', family: 'json', breaks: 'json.response-content-type', description: 'collection responses (GET /v1/templates, GET /v1/runs) are JSON labelled text/plain' },
  { name: 'envelope.wrapped-resource', family: 'envelope', breaks: 'envelope.single-resource', description: 'GET /v1/templates/{id} wraps the template in {"data": ...}' },
  { name: 'envelope.no-pagination', family: 'envelope', breaks: 'envelope.collection', description: 'GET /v1/templates without a query string returns {"data": [...]} without the pagination object' },
  { name: 'ids.uppercase-template-ids', family: 'ids', breaks: 'ids.format', description: "template ids are upper-case UUIDs ('T-550E8400-...'), accepted back in any case" },
  { name: 'org.list-all-orgs', family: 'org', breaks: 'org.isolation-list', description: "GET /v1/runs lists every org's runs" },
  // --- error bodies (serializer stage), each for one class of errors
  { name: 'errors.no-error-field', family: 'errors', breaks: 'errors.body-shape', description: '422 validation error bodies carry only a message, no error code' },
  { name: 'errors.no-message-field', family: 'errors', breaks: 'errors.body-shape', description: '404 error bodies carry only the error code, no message' },
  { name: 'errors.non-json-body', family: 'errors', breaks: 'json.response-content-type', description: '400 error bodies are plain text (still labelled application/json)' },
  { name: 'errors.wrong-content-type', family: 'errors', breaks: 'json.response-content-type', description: '401 error bodies are JSON but labelled text/plain' },
  { name: 'errors.unknown-code', family: 'errors', breaks: 'errors.known-code', description: 'an unknown run id answers 404 with error "missing" instead of run_not_found' },
  { name: 'errors.stack-in-500', family: 'errors', breaks: 'status.500-server-error', description: '500 bodies carry a stack trace in the message' },
  { name: 'errors.html-error-page', family: 'errors', breaks: 'json.response-content-type', description: "404 errors are the web server's HTML 'Not Found' page (text/html), not JSON" },
  // --- status codes (handler and router stages)
  { name: 'status.404-for-expired', family: 'status', breaks: 'status.410-gone', description: 'an expired run answers 404 run_not_found instead of 410 run_expired' },
  { name: 'status.400-for-validation', family: 'status', breaks: 'status.422-validation', description: 'POST /v1/runs validation errors answer 400 bad_request instead of 422' },
  { name: 'status.403-cross-org', family: 'status', breaks: 'org.not-found-indistinguishable', description: "another org's run answers 403 forbidden instead of 404 run_not_found" },
  { name: 'status.200-on-create', family: 'status', breaks: 'status.201-created', description: 'POST /v1/runs answers 200 instead of 201' },
  { name: 'status.no-quota', family: 'status', breaks: 'status.402-quota-exceeded', description: 'the run quota is not enforced: never 402' },
  { name: 'status.500-on-bad-input', family: 'status', breaks: 'json.malformed-body', description: 'a POST /v1/runs body that is not valid JSON crashes the handler: 500 instead of 400' },
  { name: 'status.405-unknown-method', family: 'status', breaks: 'status.unknown-route', description: 'an unsupported method on a known path answers 405 instead of 404 not_found' },
  { name: 'status.422-for-bad-request', family: 'status', breaks: 'status.400-bad-request', description: 'POST /v1/runs answers 422 validation_failed instead of 400 for malformed JSON, a non-object body or a missing template_id' },
  { name: 'status.401-forbidden-code', family: 'status', breaks: 'status.401-unauthorized', description: "401 bodies carry error 'forbidden' instead of unauthorized" },
  { name: 'status.200-for-unknown-template', family: 'status', breaks: 'status.404-not-found', description: 'GET /v1/templates/{id} of an unknown id answers 200 with an empty placeholder template' },
  { name: 'status.415-for-content-type', family: 'status', breaks: 'status.in-table', description: 'a POST /v1/runs without a JSON Content-Type answers 415 unsupported_media_type (not in the table) instead of 400' },
  { name: 'status.500-on-template-get', family: 'status', breaks: 'status.no-unprovoked-5xx', description: 'GET /v1/templates/{id} of an existing template crashes: 500 internal_error' },
  { name: 'status.reset-on-template-get', family: 'status', breaks: 'status.200-success', description: 'GET /v1/templates/{id} of an existing template kills the connection: reset, no response' },
  { name: 'status.hang-on-template-get', family: 'status', breaks: 'status.200-success', description: 'GET /v1/templates/{id} of an existing template never answers (the connection stays open)' },
  // --- auth (edge identification and auth stages)
  { name: 'auth.revoked-accepted', family: 'auth', breaks: 'auth.revoked-key-rejected', description: 'revoked keys are accepted' },
  { name: 'auth.malformed-accepted', family: 'auth', breaks: 'auth.key-format', description: 'auth compares only the first 20 characters: a truncated or extended valid key is accepted' },
  { name: 'auth.missing-accepted', family: 'auth', breaks: 'auth.bearer-required', description: "a request without Authorization is served as org A (the primary key's org)" },
  { name: 'auth.scheme-case-sensitive', family: 'auth', breaks: 'auth.scheme-case-insensitive', description: "only the exact scheme 'Bearer' is accepted: 'bearer' and 'BEARER' get 401" },
  { name: 'auth.other-scheme-accepted', family: 'auth', breaks: 'auth.other-scheme-rejected', description: "the scheme is not checked: 'Token <key>' or a bare key is accepted" },
  { name: 'auth.unknown-accepted', family: 'auth', breaks: 'auth.unknown-key-rejected', description: "any well-formed key that was never issued is served as org A (format check only)" },
  { name: 'auth.cross-org-readable', family: 'auth', breaks: 'org.isolation-read', description: "GET /v1/runs/{id} serves another org's run" },
  { name: 'auth.credential-echo', family: 'auth', breaks: 'auth.no-credential-echo', description: "the 401 message quotes the presented key in full: 'Invalid API key rdk_live_...'" },
  // --- pagination (store stage)
  { name: 'pagination.repeat-item', family: 'pagination', breaks: 'pagination.complete-no-duplicates', description: "pages after the first start one item early: the previous page's last item repeats" },
  { name: 'pagination.skip-item', family: 'pagination', breaks: 'pagination.complete-no-duplicates', description: 'pages after the first start one item late: the first page boundary skips an item' },
  { name: 'pagination.wrong-total', family: 'pagination', breaks: 'pagination.total-stable', description: 'pages after the first report total + 1' },
  { name: 'pagination.next-on-last', family: 'pagination', breaks: 'pagination.next-page', description: 'the last page has next_page = page + 1 instead of null' },
  { name: 'pagination.per-page-ignored', family: 'pagination', breaks: 'pagination.envelope-schema', description: 'per_page is validated but ignored: every page holds (and says) the default 50' },
  { name: 'pagination.past-end-404', family: 'pagination', breaks: 'pagination.past-end', description: 'a page past the last answers 404 not_found instead of an empty 200 page' },
  { name: 'pagination.clamp-per-page', family: 'pagination', breaks: 'pagination.per-page-bounds', description: 'per_page above 100 is silently clamped to 100 instead of 422' },
  { name: 'pagination.default-per-page-25', family: 'pagination', breaks: 'pagination.default-per-page', description: 'without per_page a page holds (and says) 25 items instead of 50' },
  { name: 'pagination.short-pages', family: 'pagination', breaks: 'pagination.full-pages', description: 'pages after the first end one item early: each holds per_page - 1 items (one item per page never listed)' },
  // --- runs (store stage)
  { name: 'runs.read-back-differs', family: 'runs', breaks: 'runs.create-read-consistent', description: 'GET /v1/runs/{id} serializes timestamps at second precision: the read-back differs from the create response' },
  { name: 'runs.expiry-off-by-one-hour', family: 'runs', breaks: 'runs.expiry-arithmetic', description: 'expires_at is serialized one hour late (the run still expires on time)' },
  { name: 'runs.hours-bound-off-by-one', family: 'runs', breaks: 'runs.expires-in-hours-range', description: 'expires_in_hours 169 is accepted (the upper bound is checked as > 169)' },
  // --- under load
  // load.org-cache-thrash needs many keys of one org at once: the capacity scenario's key pool
  // has them, the conformance suite (at most 3 keys of org A) never does.
  { name: 'load.latency', family: 'load', breaks: 'load.latency-slo', description: 'every authenticated /v1 request is delayed 50 ms before its handler', loadOnly: true },
  { name: 'load.sporadic-500', family: 'load', breaks: 'status.no-unprovoked-5xx', description: 'every 50th /v1 request that passes rate limit and auth answers 500 internal_error' },
  { name: 'load.org-cache-thrash', family: 'load', breaks: 'load.error-rate-slo', description: "with more than 4 of an org's keys active within 1 s, every 10th of its requests answers 500", loadOnly: true },
] as const satisfies readonly FaultSpec[];

export type FaultName = (typeof FAULT_CATALOGUE)[number]['name'];
export const FAULT_NAMES: readonly FaultName[] = FAULT_CATALOGUE.map((f) => f.name);

/** The spec of a fault, or undefined. */
export function faultByName(name: string): FaultSpec | undefined {
  return (FAULT_CATALOGUE as readonly FaultSpec[]).find((f) => f.name === name);
}

export class UnknownFaultError extends Error {
  constructor(readonly unknown: readonly string[]) {
    super(`unknown fault${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; valid faults: ${FAULT_NAMES.join(', ')}`);
    this.name = 'UnknownFaultError';
  }
}

/** The `--list-faults` text: one line per fault, name then description. */
export function listFaults(): string {
  const width = Math.max(...FAULT_NAMES.map((n) => n.length));
  return FAULT_CATALOGUE.map((f) => `${f.name.padEnd(width)}  ${f.description}${'loadOnly' in f ? ' [load only]' : ''}`).join('\n');
}

export interface Faults {
  has(name: FaultName): boolean;
  list(): FaultName[];
  /** ratelimit.retry-after-short: rate-limit key -> monotonic ms until which it stays blocked. */
  readonly blockedUntil: Map<string, number>;
  /** load.sporadic-500: counts the /v1 requests that reach the handler stage; returns the count. */
  countRequest(): number;
}

/** Throws UnknownFaultError (naming every valid fault) for a name not in the catalogue. */
export function createFaults(names: readonly string[] = []): Faults {
  const unknown = names.filter((n) => faultByName(n) === undefined);
  if (unknown.length > 0) throw new UnknownFaultError(unknown);
  const set = new Set(names as readonly FaultName[]);
  let requests = 0;
  return {
    has: (name) => set.has(name),
    list: () => [...set],
    blockedUntil: new Map(),
    countRequest: () => ++requests,
  };
}

interface Pending {
  path: string | null; // null: any /v1 request
  remaining: number;
}

export class FailNext {
  private pending: Pending[] = [];

  arm(count: number, path: string | null): void {
    this.pending.push({ path, remaining: count });
  }

  /** True (and one unit consumed) when this request must fail. Cheap when nothing is armed. */
  consume(path: string): boolean {
    if (this.pending.length === 0) return false;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i] as Pending;
      if (p.path === null || p.path === path) {
        if (--p.remaining === 0) this.pending.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  snapshot(): { path: string | null; count: number }[] {
    return this.pending.map((p) => ({ path: p.path, count: p.remaining }));
  }
}
