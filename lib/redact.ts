// API keys must never reach logs, errors or reports in full: at most the `rdk_live_` prefix
// (not secret) and the last 4 characters, which is enough to tell keys apart.

const KEY_PREFIX = 'rdk_live_';
const VALID_KEY = /^rdk_live_[A-Za-z0-9]{32}$/;
/** Anything that starts like a key: the prefix and at least 4 more key characters. */
const KEY_LIKE = /rdk_live_[A-Za-z0-9]{4,}/g;

/**
 * `rdk_live_…` + last 4 for a valid key. For anything else, the prefix if present plus at most
 * the last 4 characters, fewer for short strings (never more than a quarter of the secret part),
 * so a short or truncated secret is not revealed whole.
 */
export function redactKey(key: string): string {
  if (key.length === 0) return '<empty>';
  if (VALID_KEY.test(key)) return `${KEY_PREFIX}…${key.slice(-4)}`;
  const hasPrefix = key.startsWith(KEY_PREFIX);
  const secret = hasPrefix ? key.slice(KEY_PREFIX.length) : key;
  const shown = Math.min(4, Math.floor(secret.length / 4));
  const tail = shown > 0 ? secret.slice(-shown) : '';
  return `${hasPrefix ? KEY_PREFIX : ''}…${tail}`;
}

/**
 * Replaces every given key (literal match, all occurrences) and every `rdk_live_` + 4 or more
 * key characters in free text (headers, bodies, error messages) by its redacted form.
 * Given keys are replaced first, longest first, so a key that contains another is not split.
 */
export function redactSecrets(text: string, keys: readonly string[] = []): string {
  let out = text;
  const forms = new Map<string, string>();
  for (const key of keys) for (const [form, shown] of secretForms(key)) if (!forms.has(form)) forms.set(form, shown);
  for (const form of [...forms.keys()].sort((a, b) => b.length - a.length)) out = out.split(form).join(forms.get(form)!);
  return out.replace(KEY_LIKE, (m) => redactKey(m));
}

/**
 * The spellings of a known key that a request or an echoing server may carry: the key, its
 * secret part alone or under another prefix (rdk_test_…), and base64 of `key` and `key:` (Basic
 * auth). Each maps to what may be shown instead.
 */
function secretForms(key: string): Array<[string, string]> {
  if (key.length === 0) return [];
  const shown = redactKey(key);
  const forms: Array<[string, string]> = [[key, shown]];
  if (key.startsWith(KEY_PREFIX) && key.length - KEY_PREFIX.length >= 8) {
    const secret = key.slice(KEY_PREFIX.length);
    forms.push([secret, `…${secret.slice(-4)}`]);
  }
  for (const b of [base64(key), base64(`${key}:`)]) forms.push([b.replace(/=+$/, ''), `<base64 of ${shown}>`]);
  return forms;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64 of an ASCII string (keys are ASCII); no btoa/Buffer so it runs in k6 too. */
function base64(ascii: string): string {
  let out = '';
  for (let i = 0; i < ascii.length; i += 3) {
    const n = (ascii.charCodeAt(i) << 16) | ((ascii.charCodeAt(i + 1) || 0) << 8) | (ascii.charCodeAt(i + 2) || 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < ascii.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < ascii.length ? B64[n & 63]! : '=');
  }
  return out;
}
