// Configuration of every k6 scenario, from k6's __ENV, read once at init (scenarios/lib/env.ts
// calls readConfig with __ENV and open()). Pure, so vitest tests it without k6: the environment
// and the file reader are parameters. Errors are thrown at init with the variable's name, so
// `k6 run` stops before any traffic with a message saying what to fix.
import { KEY_ROLES, checkTargetAllowed, isLoopbackHost, hostOf, normaliseBaseUrl, parseExpectedLimit, parseFixtures, type KeyRole, type Target } from '../../lib/target';
import type { RateSpec } from '../../lib/rate-spec';

export type Env = Readonly<Record<string, string | undefined>>;
export type ReadFile = (path: string) => string;

export interface KeyRef {
  /** Role name used in tags, logs and reports ('primary', 'pool-3'); never the key. */
  role: string;
  key: string;
}

export interface RundunConfig {
  target: Target;
  /** Where the target came from, for the report (no secrets). */
  source: string;
  /** Expected per-key limit (RUNDUN_RATE_LIMIT, else the fixtures); null when unknown or off. */
  limit: RateSpec | null;
  /** The target has no rate limit (RUNDUN_RATE_LIMIT=off, or a simulator started with it off). */
  limitOff: boolean;
  /** The Retry-After form the target is configured for (simulator fixtures only). */
  retryAfterFormat?: 'delay-seconds' | 'http-date';
  loopback: boolean;
  allowRemote: boolean;
  /** Share of responses whose bodies are read and schema-validated, 0..1. */
  validateSample: number;
  /** Folder for handleSummary's files (must exist; relative to k6's working directory). */
  reportDir: string;
  /** Every key by role (roles as in fixtures, pool keys as 'pool-<i>'). */
  keys: KeyRef[];
  env: Env;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(`rundun: ${message}`);
    this.name = 'ConfigError';
  }
}

const TRUE = /^(1|yes|true)$/i;

/**
 * Key role (and k6 secret name) -> its environment variable: the one table both the __ENV reader
 * below and the secret source (RUNDUN_SECRETS=yes, see env.ts) use.
 */
export const SECRET_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['primary', 'RUNDUN_API_KEY'],
  ['secondary', 'RUNDUN_API_KEY_SECONDARY'],
  ['other_org', 'RUNDUN_API_KEY_OTHER_ORG'],
  ['ratelimit', 'RUNDUN_API_KEY_RATELIMIT'],
  ['exhausted', 'RUNDUN_API_KEY_EXHAUSTED'],
  ['revoked', 'RUNDUN_API_KEY_REVOKED'],
  ['spread', 'RUNDUN_API_KEY_SPREAD'],
  // One secret per pool key: pool_0, pool_1, … (see env.ts).
  ['pool', 'RUNDUN_API_KEYS'],
];

export function secretsWanted(env: Env): boolean {
  return TRUE.test(env.RUNDUN_SECRETS ?? '');
}

/**
 * `fromSecrets`: the variables whose values came from k6's secret source (env.ts merged them
 * into `env`), for the report and for the check that the secret source gave anything at all.
 */
export function readConfig(env: Env, readFile: ReadFile, fromSecrets: readonly string[] = []): RundunConfig {
  if (secretsWanted(env) && fromSecrets.length === 0) {
    throw new ConfigError(
      `RUNDUN_SECRETS=yes but k6's secret source gave no key (names: ${SECRET_NAMES.map(([n]) => n).join(', ')}): run k6 with --secret-source=file=<path> (lines name=value)`,
    );
  }
  const allowRemote = TRUE.test(env.RUNDUN_ALLOW_REMOTE ?? '');
  const rawLimit = (env.RUNDUN_RATE_LIMIT ?? '').trim();
  const explicitOff = /^off$/i.test(rawLimit);
  let expected: RateSpec | null = null;
  if (rawLimit !== '' && !explicitOff) {
    try {
      expected = parseExpectedLimit(rawLimit, env.RUNDUN_RATE_WINDOW);
    } catch (e) {
      throw new ConfigError(`RUNDUN_RATE_LIMIT / RUNDUN_RATE_WINDOW: ${(e as Error).message}`);
    }
  }

  let target: Target;
  let source: string;
  let retryAfterFormat: RundunConfig['retryAfterFormat'];
  let limitOff = explicitOff;
  if (env.RUNDUN_FIXTURES) {
    let text: string;
    try {
      text = readFile(env.RUNDUN_FIXTURES);
    } catch (e) {
      throw new ConfigError(`RUNDUN_FIXTURES: cannot read '${env.RUNDUN_FIXTURES}' (${(e as Error).message ?? e})`);
    }
    try {
      target = parseFixtures(text, 'RUNDUN_FIXTURES');
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
    source = 'fixtures file (RUNDUN_FIXTURES)';
    const f = target.rateLimit?.retryAfterFormat;
    if (f === 'delay-seconds' || f === 'http-date') retryAfterFormat = f;
    // The simulator writes `"rateLimit": null` when started with rate limiting off; a file
    // without the field says nothing about the limit.
    if (target.rateLimit === null && rawLimit === '' && (JSON.parse(text) as { rateLimit?: unknown }).rateLimit === null) limitOff = true;
  } else if (env.RUNDUN_BASE_URL) {
    const keys: Target['keys'] = {};
    // The target's roles, by the same variable table the secret source maps onto.
    const roleVars = SECRET_NAMES.filter((e): e is readonly [KeyRole, string] => (KEY_ROLES as readonly string[]).includes(e[0]));
    for (const [role, name] of roleVars) {
      const v = (env[name] ?? '').trim();
      if (v !== '') keys[role] = v;
    }
    target = { baseUrl: normaliseBaseUrl(env.RUNDUN_BASE_URL), keys, pool: [], rateLimit: null };
    source = fromSecrets.length > 0 ? `RUNDUN_BASE_URL, keys from k6's secret source (${SECRET_NAMES.filter(([, v]) => fromSecrets.includes(v)).map(([n]) => n).join(', ')})` : 'RUNDUN_BASE_URL and RUNDUN_API_KEY* variables';
  } else {
    throw new ConfigError(
      'no target: set RUNDUN_FIXTURES=<simulator fixtures file>, or RUNDUN_BASE_URL with RUNDUN_API_KEY / RUNDUN_API_KEYS (see docs/k6.md)',
    );
  }
  if (env.RUNDUN_API_KEYS !== undefined && env.RUNDUN_API_KEYS.trim() !== '') {
    target.pool = env.RUNDUN_API_KEYS.split(',').map((k) => k.trim()).filter((k) => k !== '');
  }
  if (target.keys.primary === undefined && target.pool[0] !== undefined) target.keys.primary = target.pool[0];

  try {
    checkTargetAllowed(target.baseUrl, allowRemote);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const host = hostOf(target.baseUrl);
  const limit = expected ?? (explicitOff ? null : target.rateLimit ? { limit: target.rateLimit.limit, windowMs: target.rateLimit.windowMs } : null);

  const keys: KeyRef[] = [];
  for (const role of KEY_ROLES) {
    const key = target.keys[role];
    if (key) keys.push({ role, key });
  }
  target.pool.forEach((key, i) => keys.push({ role: `pool-${i}`, key }));
  // A key only key-isolation's spread part uses (see spreadKeyOf), so that running scenarios
  // back to back does not leave another scenario's key throttled.
  const spreadKey = (env.RUNDUN_API_KEY_SPREAD ?? '').trim();
  if (spreadKey !== '') keys.push({ role: 'spread', key: spreadKey });
  if (keys.length === 0) throw new ConfigError('no API key: set RUNDUN_API_KEY or RUNDUN_API_KEYS (comma-separated pool)');

  return {
    target,
    source,
    limit,
    limitOff: limitOff && expected === null,
    ...(retryAfterFormat ? { retryAfterFormat } : {}),
    loopback: host !== null && isLoopbackHost(host),
    allowRemote,
    validateSample: fraction(env, 'RUNDUN_VALIDATE_SAMPLE', 0.1),
    reportDir: (env.RUNDUN_REPORT_DIR ?? 'reports').replace(/\/+$/, '') || '.',
    keys,
    env,
  };
}

/** The key of a role, or undefined. */
export function keyOf(cfg: RundunConfig, role: string): KeyRef | undefined {
  return cfg.keys.find((k) => k.role === role);
}

/**
 * Up to `n` distinct keys (by value) in order of preference: the given roles first, then the
 * pool. Distinct because two roles may name the same key on a staging setup.
 */
export function pickKeys(cfg: RundunConfig, preferred: readonly string[], n: number, exclude: readonly KeyRef[] = []): KeyRef[] {
  const taken = new Set(exclude.map((k) => k.key));
  const out: KeyRef[] = [];
  const candidates = [
    ...preferred.map((r) => keyOf(cfg, r)).filter((k): k is KeyRef => k !== undefined),
    ...cfg.keys.filter((k) => k.role.startsWith('pool-')),
  ];
  for (const k of candidates) {
    if (out.length >= n) break;
    if (taken.has(k.key)) continue;
    taken.add(k.key);
    out.push(k);
  }
  return out;
}

// ---- typed readers for the scenario-specific variables (all read at init) -----------------

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "10s", "2m", "1h", or a bare number of seconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a duration (e.g. 500ms, 10s, 2m, 1h, or seconds)`);
  return Number(m[1]) * (UNIT[m[2] ?? 's'] as number);
}

export function duration(env: Env, name: string, dfltMs: number, minMs = 0): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dfltMs;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (e) {
    throw new ConfigError(`${name}: ${(e as Error).message}`);
  }
  if (ms < minMs) throw new ConfigError(`${name}: ${raw} is shorter than the minimum of ${minMs} ms`);
  return ms;
}

export function number(env: Env, name: string, dflt: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw.trim());
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = range;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new ConfigError(`${name} must be ${kind}${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}${max < Number.POSITIVE_INFINITY ? ` and <= ${max}` : ''}, got '${raw}'`);
  }
  return n;
}

export function fraction(env: Env, name: string, dflt: number): number {
  return number(env, name, dflt, { min: 0, max: 1 });
}

/** Comma-separated positive numbers, e.g. RUNDUN_STAGES=10,20,40. */
export function numberList(env: Env, name: string, dflt: readonly number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [...dflt];
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !(Number.isFinite(n) && n > 0))) {
    throw new ConfigError(`${name} must be comma-separated positive numbers, got '${raw}'`);
  }
  return list;
}

/** k6 duration string for a number of milliseconds ("1500ms"), which k6 parses as Go does. */
export function k6Duration(ms: number): string {
  return `${Math.max(0, Math.ceil(ms))}ms`;
}

/** RUNDUN_MAX_IN_FLIGHT: most requests one VU keeps outstanding in an open-model phase (512). */
export function maxInFlight(env: Env): number {
  return number(env, 'RUNDUN_MAX_IN_FLIGHT', 512, { min: 1, max: 10_000, integer: true });
}

/**
 * The key key-isolation's spread part drives over its limit from several VUs: RUNDUN_API_KEY_SPREAD,
 * else the LAST pool key that no role uses. The load scenarios leave that pool key out of their
 * pool (when the pool has more than one key), so no other scenario relies on it.
 */
export function spreadKeyOf(cfg: RundunConfig): KeyRef | undefined {
  const own = keyOf(cfg, 'spread');
  if (own) return own;
  const roleKeys = new Set(cfg.keys.filter((k) => !k.role.startsWith('pool-')).map((k) => k.key));
  const pool = cfg.keys.filter((k) => k.role.startsWith('pool-') && !roleKeys.has(k.key));
  return pool[pool.length - 1];
}
