// Building the engine-neutral CheckedResponse / CheckedRequest from what an engine hands over,
// and making the Subject the checks share (derived facts memoised per response).
import { getHeader, lowerCaseHeaders, type HeaderRecord } from '../headers';
import { judgeRetryAfter, parseRetryAfter, type RetryAfter, type RetryAfterVerdict } from '../retry-after';
import type { CheckedRequest, CheckedResponse, CheckSettings, Subject } from './types';

/** A response from its status, headers (any case, k6 or Node) and body text (null: not read). */
export function checkedResponse(status: number, headers: HeaderRecord | undefined | null, body: string | null | undefined): CheckedResponse {
  const bodyText = typeof body === 'string' ? body : '';
  return { status, headers: lowerCaseHeaders(headers), bodyText, json: parseJson(bodyText) };
}

/** The parsed body, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const SCHEME_ONLY = /^(bearer|basic|token|apikey|digest)$/i;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The API keys an Authorization header value presents, as a server might read them: the
 * credential after the scheme (or the whole value without one), an `rdk_…` glued to the scheme
 * ("Bearerrdk_live_…"), and the user part of a Basic credential. A bare scheme presents none.
 */
export function presentedKeys(authorization: string | undefined | null): string[] {
  if (authorization === undefined || authorization === null) return [];
  const parts = authorization.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length === 0 || (parts.length === 1 && SCHEME_ONLY.test(parts[0]!))) return [];
  const scheme = parts.length > 1 ? parts[0]! : '';
  const tokens = parts.length > 1 ? parts.slice(1) : parts;
  const keys = new Set<string>();
  for (const t of tokens) {
    keys.add(t);
    const at = t.indexOf('rdk_');
    if (at > 0) keys.add(t.slice(at));
    if (/^basic$/i.test(scheme) && B64.test(t)) {
      const user = decodeBase64(t)?.split(':')[0];
      if (user) keys.add(user);
    }
  }
  return [...keys];
}

/** The keys a request presented, from its headers (any case). */
export function presentedKeysOf(requestHeaders: HeaderRecord | undefined | null): string[] {
  return presentedKeys(getHeader(requestHeaders, 'authorization'));
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64 to a latin-1 string; no atob/Buffer so it runs in k6. null when not printable ASCII. */
function decodeBase64(b64: string): string | null {
  const clean = b64.replace(/=+$/, '');
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const ch of clean) {
    acc = (acc << 6) | B64_ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const code = (acc >> bits) & 0xff;
      if (code < 0x20 || code > 0x7e) return null;
      out += String.fromCharCode(code);
    }
  }
  return out;
}

const parsedRetryAfter = new WeakMap<CheckedResponse, RetryAfter>();

/** The response's Retry-After, parsed once per response object however many subjects judge it. */
export function retryAfterOf(res: CheckedResponse): RetryAfter {
  let ra = parsedRetryAfter.get(res);
  if (ra === undefined) {
    ra = parseRetryAfter(res.headers['retry-after'], res.headers['date']);
    parsedRetryAfter.set(res, ra);
  }
  return ra;
}

/**
 * The subject the checks of one response share. `judgeRA` lets a caller supply its own
 * (memoised) Retry-After judgement; by default the header is parsed once per response (see
 * retryAfterOf) and judged against `settings.retryAfter` on first use.
 */
export function subjectOf(res: CheckedResponse, req: CheckedRequest, settings: CheckSettings, judgeRA?: () => RetryAfterVerdict): Subject {
  let ra: RetryAfterVerdict | undefined;
  return {
    res,
    req,
    settings,
    retryAfter: () => (ra ??= judgeRA ? judgeRA() : judgeRetryAfter(retryAfterOf(res), settings.retryAfter)),
  };
}
