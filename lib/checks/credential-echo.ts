// auth.no-credential-echo: an API key is a password. No response, whatever its status, may
// carry a presented key in its headers or body: not in full, and not a recognisable part of
// its random characters (any 8 consecutive characters after the `rdk_live_` prefix). The
// messages say where, never what: the key appears only redacted (lib/redact.ts).
import { redactKey } from '../redact';
import type { CheckedResponse, ResponseCheck } from './types';
import { responded } from './util';

/** Shortest run of a key's random characters that counts as recognisable. */
export const RECOGNISABLE = 8;
const KEY_PREFIX = /^rdk_[A-Za-z]+_/;
const KEY_CHARS = /^[A-Za-z0-9]+$/;

/** The recognisable fragments of a key: every RECOGNISABLE-long run of key characters after its prefix. */
export function fragmentsOf(key: string): string[] {
  const secret = key.replace(KEY_PREFIX, '');
  const out = new Set<string>();
  for (let i = 0; i + RECOGNISABLE <= secret.length; i++) {
    const f = secret.slice(i, i + RECOGNISABLE);
    if (KEY_CHARS.test(f)) out.add(f);
  }
  return [...out];
}

/**
 * `text` with every recognisable fragment of `keys` cut out ('…'), for evidence that quotes a
 * response: redactSecrets (lib/redact.ts) replaces whole keys; this leaves no 8-character run.
 */
export function redactFragments(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) if (key.length >= RECOGNISABLE) for (const f of fragmentsOf(key)) out = out.split(f).join('…');
  return out;
}

/** Every text of a response a key could hide in, with where it is (for the message). */
function surfaces(res: CheckedResponse): Array<[where: string, text: string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(res.headers)) out.push([`header '${name}'`, `${name}: ${value}`]);
  out.push(['body', res.bodyText]);
  // JSON escapes (\u0072dk_live_…) hide a key from a search of the raw text: search the decoded strings too.
  if (res.json !== undefined && typeof res.json === 'object') {
    const strings: string[] = [];
    collectStrings(res.json, strings, 0);
    out.push(['body (a JSON string, decoded)', strings.join('\n')]);
  }
  return out;
}

function collectStrings(v: unknown, out: string[], depth: number): void {
  if (depth > 64) return;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out, depth + 1);
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      collectStrings(x, out, depth + 1);
    }
}

/** Where the first presented key shows in the response, as a message without the key; null when nowhere. */
export function credentialEcho(res: CheckedResponse, keys: readonly string[]): string | null {
  const candidates = keys.filter((k) => k.length >= RECOGNISABLE);
  if (candidates.length === 0) return null;
  const texts = surfaces(res);
  for (const key of candidates) {
    const shown = redactKey(key);
    for (const [where, text] of texts) if (text.includes(key)) return `${where} carries the presented API key ${shown} in full`;
    const fragments = fragmentsOf(key);
    for (const [where, text] of texts)
      for (const f of fragments)
        if (text.includes(f)) return `${where} carries ${RECOGNISABLE} consecutive characters of the presented API key ${shown} (its random part is recognisable)`;
  }
  return null;
}

/**
 * auth.no-credential-echo (every response; the keys are the request's, CheckedRequest.presentedKeys).
 * Fails with, e.g.:
 *   "body carries the presented API key rdk_live_…9xQz in full"
 *   "header 'x-debug-key' carries 8 consecutive characters of the presented API key rdk_live_…9xQz (its random part is recognisable)"
 */
export const noCredentialEcho: ResponseCheck = {
  rule: 'auth.no-credential-echo',
  applies: (s) => responded(s.res.status),
  check: (s) => credentialEcho(s.res, s.req.presentedKeys),
};
