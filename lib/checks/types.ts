// The shapes every per-response check sees, whatever engine sent the request: the conformance
// suite (Node fetch), a k6 scenario, or a unit test. Plain data, no Node built-ins.
import type { RetryAfterPolicy, RetryAfterVerdict } from '../retry-after';
import type { RuleId } from '../contract';

/** A response as the checks see it. */
export interface CheckedResponse {
  /** HTTP status; 0 when no response arrived (no check applies). */
  status: number;
  /** Header names lower-cased; repeated fields joined with ", ". */
  headers: Readonly<Record<string, string>>;
  bodyText: string;
  /** The parsed body, or undefined when the body is not JSON. */
  json: unknown;
}

/** What was asked, as far as the checks need it. */
export interface CheckedRequest {
  method: string;
  /** Path relative to the API base, query included, e.g. "/templates?page=2". */
  path: string;
  /** Contract operation id (contract.operations[].id), when the request is one. */
  operation?: string;
  /** Every API key the request presented (see presentedKeys()); never logged. */
  presentedKeys: readonly string[];
  /** The caller provoked a 5xx on purpose: status.no-unprovoked-5xx does not apply. */
  provoked?: boolean;
}

/** What a target may change, passed down by the caller (read once at its edge). */
export interface CheckSettings {
  /** Error codes accepted for a status (contract.statusCodes plus overrides). */
  errorCodesFor(status: number): readonly string[];
  /** The Retry-After policy; maxSeconds set means ratelimit.retry-after-bounded is judged. */
  retryAfter: RetryAfterPolicy;
}

/**
 * One response under judgement. Derived facts that several checks share are computed once per
 * subject (the Retry-After header is parsed once per 429, whichever rules look at it).
 */
export interface Subject {
  readonly res: CheckedResponse;
  readonly req: CheckedRequest;
  readonly settings: CheckSettings;
  /** The Retry-After judgement of this response (computed on first use). */
  retryAfter(): RetryAfterVerdict;
}

/** A per-response check for one contract rule. */
export interface ResponseCheck {
  /** The contract rule id it judges (schemas/contract.json). */
  rule: RuleId;
  /** Whether the rule says anything about this response. */
  applies(s: Subject): boolean;
  /** null when the rule holds, else the failure message (no key in it: runChecks redacts too). */
  check(s: Subject): string | null;
}

export interface CheckOutcome {
  rule: RuleId;
  ok: boolean;
  /** The failure message, or '' when the rule held. */
  message: string;
}
