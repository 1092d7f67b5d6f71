// One request and what came back (or how it failed), as the checks and the reports see it.
import { redactSecrets } from '../../lib/redact';
import { presentedKeysOf, redactFragments } from '../../lib/checks';

export interface Exchange {
  method: string;
  /** Path relative to the base URL, with query, e.g. "/templates?page=2". */
  path: string;
  /** Which key role made the request ('none' when no Authorization was sent). */
  keyRole: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number; // 0 when no response arrived
  headers: Record<string, string>; // lower-case names
  bodyText: string;
  /** Parsed JSON body, or undefined when the body is not JSON (see jsonError). */
  json?: unknown;
  jsonError?: string;
  /** Transport failure: timeout, connection refused or reset. */
  error?: string;
  startedAt: number;
  durationMs: number;
  /** The probe provoked a 5xx on purpose (status.no-unprovoked-5xx does not apply). */
  provoked?: boolean;
}

export interface Evidence {
  request: string; // "GET /templates?page=2 (key: primary)"
  status: number;
  error?: string;
  headers: Record<string, string>;
  body: string;
}

const RELEVANT_HEADERS = ['content-type', 'retry-after', 'date', 'ratelimit', 'ratelimit-policy', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
export const BODY_EXCERPT = 400;

/**
 * A redacted, size-bounded view of an exchange for reports. The request's own keys are cut out
 * whole and in recognisable fragments: a server that echoes a malformed or bare key
 * (auth.no-credential-echo) must not get it into the report through the evidence.
 */
export function toEvidence(ex: Exchange): Evidence {
  const keys = presentedKeysOf(ex.requestHeaders);
  const clean = (text: string) => redactFragments(redactSecrets(text, keys), keys);
  const headers: Record<string, string> = {};
  for (const h of RELEVANT_HEADERS) if (ex.headers[h] !== undefined) headers[h] = clean(ex.headers[h]!);
  const body = ex.bodyText.length > BODY_EXCERPT ? `${ex.bodyText.slice(0, BODY_EXCERPT)}… (${ex.bodyText.length} bytes)` : ex.bodyText;
  return {
    request: `${ex.method} ${clean(ex.path)} (key: ${ex.keyRole})`,
    status: ex.status,
    ...(ex.error ? { error: clean(ex.error) } : {}),
    headers,
    body: clean(body),
  };
}

/** One line for failure messages: "GET /runs/r-… (key: primary) → 404 {"error":…}". */
export function describeExchange(ex: Exchange): string {
  const e = toEvidence(ex);
  const outcome = ex.error ? `no response: ${e.error}` : `${ex.status} ${e.body.slice(0, 160)}`;
  return `${e.request} → ${outcome}`;
}
