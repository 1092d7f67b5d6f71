// Both engines' config entry points over the same environment and the same in-memory files,
// reduced to one comparable view (keys redacted), or to the error message.
import { readConformanceConfig as readConformance } from '../../conformance/engine/config';
import { readK6Config as readK6 } from '../../scenarios/lib/config';
import { redactKey } from '../../lib/redact';
import type { Target } from '../../lib/target';

export const K = (c: string) => `rdk_live_${c.repeat(32)}`;

export const FIXTURES = {
  baseUrl: 'http://127.0.0.1:4010/v1/',
  keys: { primary: K('a'), secondary: K('b'), other_org: K('c'), ratelimit: K('d'), revoked: K('e'), exhausted: K('f') },
  pool: [K('g'), K('h')],
  rateLimit: { limit: 20, windowSeconds: 1, algorithm: 'token-bucket', retryAfterFormat: 'http-date' },
  admin: { baseUrl: 'http://127.0.0.1:4010/_sim', token: 't'.repeat(48) },
};

export const FILES: Record<string, string> = {
  '/f.json': JSON.stringify(FIXTURES),
  '/off.json': JSON.stringify({ ...FIXTURES, rateLimit: null }),
  '/bad.json': '{',
  '/remote.json': JSON.stringify({ ...FIXTURES, baseUrl: 'https://api.rundun.app/v1' }),
};

export const readFiles = (files: Record<string, string> = FILES) => (path: string) => {
  const f = files[path];
  if (f === undefined) throw new Error('ENOENT');
  return f;
};

export type Env = Record<string, string>;

export interface View {
  baseUrl: string;
  keys: Record<string, string>;
  pool: string[];
  limit: { limit: number; windowMs: number } | null;
  limitOff: boolean;
  allowRemote: boolean;
  readOnly: boolean;
  production: boolean;
  expiredRunId?: string;
}

function view(t: Target, rest: Omit<View, 'baseUrl' | 'keys' | 'pool' | 'limit' | 'expiredRunId'>, limit: View['limit']): View {
  return {
    baseUrl: t.baseUrl,
    keys: Object.fromEntries(Object.entries(t.keys).map(([role, k]) => [role, redactKey(k as string)])),
    pool: t.pool.map(redactKey),
    limit,
    ...rest,
    ...(t.expiredRunId !== undefined ? { expiredRunId: t.expiredRunId } : {}),
  };
}

export type Outcome = { view: View } | { error: string } | { target: null };

export function conformance(env: Env, files = FILES): Outcome {
  try {
    const c = readConformance(env, readFiles(files));
    if (c.target === null) return { target: null };
    const rl = c.target.rateLimit;
    return { view: view(c.target, { limitOff: c.limitOff, allowRemote: c.allowRemote, readOnly: c.readOnly, production: c.production }, rl ? { limit: rl.limit, windowMs: rl.windowMs } : null) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function k6(env: Env, files = FILES): Outcome {
  try {
    const c = readK6(env, readFiles(files));
    return { view: view(c.target, { limitOff: c.limitOff, allowRemote: c.allowRemote, readOnly: c.readOnly, production: c.production }, c.limit) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
