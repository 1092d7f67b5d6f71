// What a run is aimed at, in one shape for the conformance suite and the k6 scenarios: a base
// URL (with /v1), the keys by role, the expected rate limit, and (simulator only) the admin
// surface. Parsing and the loopback guard live here; reading env/files stays at the edges.
import { parseRateSpec, type RateSpec } from './rate-spec';

export const KEY_ROLES = ['primary', 'secondary', 'other_org', 'exhausted', 'revoked', 'ratelimit'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

export interface Target {
  baseUrl: string; // e.g. http://127.0.0.1:4010/v1 — no trailing slash
  keys: Partial<Record<KeyRole, string>>;
  pool: string[];
  rateLimit: (RateSpec & { algorithm?: string; retryAfterFormat?: string }) | null;
  expiredRunId?: string;
  admin?: { baseUrl: string; token: string };
}

/** The simulator's fixtures file format (see README, "Fixtures"). */
export function parseFixtures(text: string, origin = 'fixtures'): Target {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${origin}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${origin}: expected a JSON object`);
  const f = raw as Record<string, unknown>;
  if (typeof f.baseUrl !== 'string') throw new Error(`${origin}: "baseUrl" (string) is required`);
  const keys: Partial<Record<KeyRole, string>> = {};
  const rawKeys = (f.keys ?? {}) as Record<string, unknown>;
  if (typeof rawKeys !== 'object') throw new Error(`${origin}: "keys" must be an object`);
  for (const role of KEY_ROLES) {
    const v = rawKeys[role];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new Error(`${origin}: keys.${role} must be a string`);
    keys[role] = v;
  }
  const pool = Array.isArray(f.pool) ? f.pool.filter((k): k is string => typeof k === 'string') : [];
  let rateLimit: Target['rateLimit'] = null;
  const rl = f.rateLimit as Record<string, unknown> | null | undefined;
  if (rl && typeof rl === 'object') {
    const limit = Number(rl.limit);
    const windowSeconds = Number(rl.windowSeconds);
    if (!(limit > 0) || !(windowSeconds > 0)) throw new Error(`${origin}: rateLimit needs positive limit and windowSeconds`);
    rateLimit = {
      limit,
      windowMs: Math.round(windowSeconds * 1000),
      algorithm: typeof rl.algorithm === 'string' ? rl.algorithm : undefined,
      retryAfterFormat: typeof rl.retryAfterFormat === 'string' ? rl.retryAfterFormat : undefined,
    };
  }
  const admin = f.admin as Record<string, unknown> | undefined;
  return {
    baseUrl: normaliseBaseUrl(f.baseUrl),
    keys,
    pool,
    rateLimit,
    expiredRunId: typeof f.expiredRunId === 'string' ? f.expiredRunId : undefined,
    admin:
      admin && typeof admin.baseUrl === 'string' && typeof admin.token === 'string'
        ? { baseUrl: normaliseBaseUrl(admin.baseUrl), token: admin.token }
        : undefined,
  };
}

export function normaliseBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** An expected limit from RUNDUN_RATE_LIMIT ("20/1s" or "20") and RUNDUN_RATE_WINDOW ("1s"). */
export function parseExpectedLimit(limit: string | undefined, window: string | undefined): RateSpec | null {
  if (!limit) return null;
  if (limit.includes('/')) return parseRateSpec(limit);
  return parseRateSpec(`${limit}/${window && window.trim() !== '' ? (/^\d+$/.test(window.trim()) ? `${window.trim()}s` : window.trim()) : '1s'}`);
}

/** The host part of an http(s) URL, without URL (absent in k6). */
export function hostOf(url: string): string | null {
  const m = /^https?:\/\/(\[[^\]]+\]|[^/:?#]+)(?::\d+)?(?:[/?#]|$)/i.exec(url.trim());
  return m ? m[1]!.toLowerCase() : null;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/**
 * Load and conformance traffic goes to loopback unless the operator says otherwise in so many
 * words (RUNDUN_ALLOW_REMOTE=yes): a typo in a base URL must not send a burst at someone's API.
 */
export function checkTargetAllowed(baseUrl: string, allowRemote: boolean): void {
  const host = hostOf(baseUrl);
  if (!host) throw new Error(`base URL '${baseUrl}' is not an http(s) URL`);
  if (!isLoopbackHost(host) && !allowRemote)
    throw new Error(
      `refusing to send traffic to '${host}': only loopback (127.0.0.0/8, localhost, [::1]) is allowed unless RUNDUN_ALLOW_REMOTE=yes is set`,
    );
}
