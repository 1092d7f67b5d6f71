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
  const literal = [...new Set(keys.filter((k) => k.length > 0))].sort((a, b) => b.length - a.length);
  for (const key of literal) out = out.split(key).join(redactKey(key));
  return out.replace(KEY_LIKE, (m) => redactKey(m));
}
