// The leak scanner: finds an API key, or a recognisable piece of one, in any text the harness
// wrote (reports, stdout, stderr). Pure, so it is proven on planted leaks before it is trusted
// with the real output. What it says about a leak never holds the key either.
import { redactKey } from '../../lib/redact';

const PREFIX = 'rdk_live_';
/** The shortest piece of a key's random part counted as a leak (the redacted form shows 4). */
export const FRAGMENT = 8;

export interface Leak {
  /** Which key (redacted) and in which form. */
  what: string;
  /** Offset in the scanned text (after unescaping, for escaped forms). */
  at: number;
}

/** The text with JSON / JS string escapes undone (\uXXXX, \/ and friends), so escaped keys show. */
export function unescape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\([\\/"'])/g, '$1');
}

const base64 = (s: string) => Buffer.from(s).toString('base64').replace(/=+$/, '');

/** Every full key, base64 form, or FRAGMENT-character piece of a key's random part in `text`. */
export function findKeyLeaks(text: string, keys: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const body of new Set([text, unescape(text)])) {
    for (const key of keys) {
      const shown = redactKey(key);
      const secret = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
      const forms: Array<[string, string]> = [[key, 'in full'], [base64(key), 'as base64'], [base64(`${key}:`), 'as base64 (Basic)']];
      for (let i = 0; i + FRAGMENT <= secret.length; i++) forms.push([secret.slice(i, i + FRAGMENT), `a ${FRAGMENT}-character piece (from position ${i})`]);
      for (const [form, how] of forms) {
        const at = body.indexOf(form);
        if (at !== -1) leaks.push({ what: `${shown} ${how}${body === text ? '' : ', escaped'}`, at });
      }
    }
  }
  // One leak per key and place is enough to report.
  return leaks.filter((l, i) => leaks.findIndex((m) => m.what.split(' ')[0] === l.what.split(' ')[0] && m.at === l.at) === i);
}

/**
 * Every `rdk_live_` not in the redacted form (`rdk_live_…` and at most 4 key characters), known
 * key or not: a key the harness never heard of is shown no more than one it knows.
 */
export function findUnredacted(text: string): Leak[] {
  const out: Leak[] = [];
  for (const body of new Set([text, unescape(text)]))
    for (const m of body.matchAll(/rdk_live_(…[A-Za-z0-9]{0,4})?([A-Za-z0-9]*)/g))
      if (m[2]!.length > 0) out.push({ what: `'${redactKey(m[0])}' is not the redacted form rdk_live_… + at most 4 characters`, at: m.index! });
  return out;
}
