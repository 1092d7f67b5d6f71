// Configuration of every k6 scenario, from k6's __ENV, read once at init (scenarios/lib/env.ts
// calls readK6Config with __ENV and open()). The target comes from the one reader both engines
// share (lib/target/read.ts); this adapter adds k6's own settings and the keys as a list. Pure,
// so vitest tests it without k6. Errors are thrown at init with the variable's name, so
// `k6 run` stops before any traffic with a message saying what to fix.
import { KEY_ROLES, KEY_VARIABLES, type Target } from '../../lib/target';
import { ConfigError } from '../../lib/target/errors';
import { readTarget, type Env, type ReadFile, type TargetConfig } from '../../lib/target/read';
import { flag, fraction, number } from '../../lib/target/values';

export type { Env, ReadFile } from '../../lib/target/read';
export { ConfigError } from '../../lib/target/errors';
export { duration, fraction, number, numberList } from '../../lib/target/values';
export { parseDuration } from '../../lib/target/duration';

export interface KeyRef {
  /** Role name used in tags, logs and reports ('primary', 'pool-3'); never the key. */
  role: string;
  key: string;
}

export interface RundunConfig extends Omit<TargetConfig, 'target'> {
  target: Target;
  /** Share of responses whose bodies are read and schema-validated, 0..1. */
  validateSample: number;
  /** Every key by role (roles as in fixtures, pool keys as 'pool-<i>', then 'spread'). */
  keys: KeyRef[];
  env: Env;
}

/**
 * Key role (and k6 secret name) -> its environment variable: the one table (lib/target/roles.ts)
 * the reader and the secret source (RUNDUN_SECRETS=yes, see env.ts) use.
 */
export const SECRET_NAMES: ReadonlyArray<readonly [string, string]> = KEY_VARIABLES.map((k) => [k.role, k.variable] as const);

export function secretsWanted(env: Env): boolean {
  return flag(env, 'RUNDUN_SECRETS');
}

/**
 * `fromSecrets`: the variables whose values came from k6's secret source (env.ts merged them
 * into `env`), for the report and for the check that the secret source gave anything at all.
 */
export function readK6Config(env: Env, readFile: ReadFile, fromSecrets: readonly string[] = []): RundunConfig {
  if (secretsWanted(env) && fromSecrets.length === 0) {
    throw new ConfigError(
      `RUNDUN_SECRETS=yes but k6's secret source gave no key (names: ${SECRET_NAMES.map(([n]) => n).join(', ')}): run k6 with --secret-source=file=<path> (lines name=value)`,
    );
  }
  const t = readTarget(env, readFile, { engine: 'k6', fromSecrets });
  const { target } = t;
  if (target === null) {
    throw new ConfigError(
      'no target: set RUNDUN_FIXTURES=<simulator fixtures file>, or RUNDUN_BASE_URL with RUNDUN_API_KEY / RUNDUN_API_KEYS (see docs/k6.md)',
    );
  }
  const keys: KeyRef[] = [];
  for (const role of KEY_ROLES) {
    const key = target.keys[role];
    if (key) keys.push({ role, key });
  }
  target.pool.forEach((key, i) => keys.push({ role: `pool-${i}`, key }));
  // A key only key-isolation's spread part uses (see spreadKeyOf), so that running scenarios
  // back to back does not leave another scenario's key throttled.
  if (t.spreadKey !== undefined) keys.push({ role: 'spread', key: t.spreadKey });
  if (keys.length === 0) throw new ConfigError('no API key: set RUNDUN_API_KEY or RUNDUN_API_KEYS (comma-separated pool)');

  return {
    ...t,
    target,
    validateSample: fraction(env, 'RUNDUN_VALIDATE_SAMPLE', 0.1),
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

// ---- typed readers for the scenario-specific variables (all read at init): lib/target/values.ts

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
