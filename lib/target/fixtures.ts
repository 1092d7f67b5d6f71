// What a run is aimed at, in one shape for the conformance suite and the k6 scenarios, and the
// simulator's fixtures file format that names one (see README, "Fixtures").
import { KEY_ROLES, type KeyRole } from './roles';
import type { RateSpec } from './duration';

export interface Target {
  baseUrl: string; // e.g. http://127.0.0.1:4010/v1 — no trailing slash
  keys: Partial<Record<KeyRole, string>>;
  pool: string[];
  rateLimit: (RateSpec & { algorithm?: string; retryAfterFormat?: string }) | null;
  expiredRunId?: string;
  admin?: { baseUrl: string; token: string };
  /** RUNDUN_READ_ONLY=yes: make no writes against this target (set by the reader, read.ts). */
  readOnly?: boolean;
}

export function normaliseBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The simulator's fixtures file format. */
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

/** True when the file says in so many words that rate limiting is off (`"rateLimit": null`). */
export function fixturesSayLimitOff(text: string): boolean {
  try {
    const raw = JSON.parse(text) as { rateLimit?: unknown } | null;
    return typeof raw === 'object' && raw !== null && raw.rateLimit === null;
  } catch {
    return false;
  }
}
