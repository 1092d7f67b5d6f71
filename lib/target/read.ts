// The one reader of a run's target, for both engines: a pure function of the environment and a
// file reader (k6 passes open(), Node passes fs), so it runs in k6's init context, in Node and in
// vitest alike. Both engines' config modules are thin adapters over it; the variables are the
// rows of SETTINGS (settings.ts). Every error is a ConfigError naming the variable, with every
// key it could contain redacted.
import { redactSecrets } from '../redact';
import { ConfigError } from './errors';
import { isId } from '../checks/ids';
import { fixturesSayLimitOff, normaliseBaseUrl, parseFixtures, type Target } from './fixtures';
import { checkProductionAllowed, checkTargetAllowed, hostOf, isLoopbackHost, isProductionHost, parseProductionHosts } from './hosts';
import { readExpectedLimit } from './limit';
import { KEY_ROLES, KEY_VARIABLES, keyVariable } from './roles';
import type { RateSpec } from './duration';
import { flag, list, text, type Env } from './values';

export type { Env } from './values';
/** Returns the file's text or throws an Error whose message says why (ENOENT, …). */
export type ReadFile = (path: string) => string;

export type Engine = 'conformance' | 'k6';

export interface TargetConfig {
  /** null: no target named (the conformance suite then starts the simulator; k6 refuses). */
  target: Target | null;
  /** Where the target came from, for reports (no secrets). */
  source: string;
  /** Expected per-key limit: RUNDUN_RATE_LIMIT, else the fixtures'; null when unknown or off. */
  limit: RateSpec | null;
  /** The target has no per-key limit (RUNDUN_RATE_LIMIT=off, or fixtures with `"rateLimit": null`). */
  limitOff: boolean;
  /** RUNDUN_RATE_WINDOW (or the window of the limit), for discovery when no limit is given. */
  rateWindowMs: number | null;
  /** The Retry-After form the target is configured for (simulator fixtures only). */
  retryAfterFormat?: 'delay-seconds' | 'http-date';
  /** RUNDUN_API_KEY_SPREAD: key-isolation's own key. */
  spreadKey?: string;
  loopback: boolean;
  allowRemote: boolean;
  allowProduction: boolean;
  /** api.rundun.app and RUNDUN_PRODUCTION_HOSTS, normalised. */
  productionHosts: string[];
  /** The target's host is one of them (allowed because of the consent flags). */
  production: boolean;
  /** RUNDUN_READ_ONLY=yes: the conformance suite makes no writes. */
  readOnly: boolean;
  /** RUNDUN_STATE_FILE: the record of short-lived runs the suite created (to verify 410 later). */
  stateFile: string;
  reportDir: string;
}

export interface ReadOptions {
  engine: Engine;
  /** Variables whose values came from k6's secret source (env.ts merged them into `env`). */
  fromSecrets?: readonly string[];
}

export const DEFAULT_STATE_FILE = '.rundun-state/runs.json';
export const DEFAULT_REPORT_DIR = 'reports';

export function readTarget(env: Env, readFile: ReadFile, opts: ReadOptions): TargetConfig {
  const known = keysIn(env);
  try {
    return read(env, readFile, opts, known);
  } catch (e) {
    const message = redactSecrets((e as Error).message, known);
    throw new ConfigError(message);
  }
}

function read(env: Env, readFile: ReadFile, opts: ReadOptions, known: string[]): TargetConfig {
  const fromSecrets = opts.fromSecrets ?? [];
  const allowRemote = flag(env, 'RUNDUN_ALLOW_REMOTE');
  const allowProduction = flag(env, 'RUNDUN_ALLOW_PRODUCTION');
  const readOnly = flag(env, 'RUNDUN_READ_ONLY');
  const productionHosts = parseProductionHosts(env.RUNDUN_PRODUCTION_HOSTS);
  const expected = readExpectedLimit(env.RUNDUN_RATE_LIMIT, env.RUNDUN_RATE_WINDOW);

  let target: Target | null = null;
  let source: string;
  let retryAfterFormat: TargetConfig['retryAfterFormat'];
  let fixturesOff = false;
  const fixtures = text(env, 'RUNDUN_FIXTURES');
  const baseUrl = text(env, 'RUNDUN_BASE_URL');
  if (fixtures !== undefined) {
    let body: string;
    try {
      body = readFile(fixtures);
    } catch (e) {
      throw new Error(`RUNDUN_FIXTURES: cannot read '${fixtures}' (${(e as Error).message ?? e})`);
    }
    target = parseFixtures(body, 'RUNDUN_FIXTURES');
    known.push(...Object.values(target.keys).filter((k): k is string => !!k), ...target.pool);
    source = `fixtures file ${fixtures} (RUNDUN_FIXTURES)`;
    const f = target.rateLimit?.retryAfterFormat;
    if (f === 'delay-seconds' || f === 'http-date') retryAfterFormat = f;
    // The simulator writes `"rateLimit": null` when started with rate limiting off; a file
    // without the field says nothing about the limit.
    fixturesOff = target.rateLimit === null && fixturesSayLimitOff(body);
  } else if (baseUrl !== undefined) {
    const keys: Target['keys'] = {};
    for (const role of KEY_ROLES) {
      const v = keyValue(env, keyVariable(role));
      if (v !== undefined) keys[role] = v;
    }
    target = { baseUrl: normaliseBaseUrl(baseUrl), keys, pool: [], rateLimit: null };
    const secretRoles = KEY_VARIABLES.filter((k) => fromSecrets.includes(k.variable)).map((k) => k.role);
    source = secretRoles.length > 0 ? `RUNDUN_BASE_URL, keys from k6's secret source (${secretRoles.join(', ')})` : 'RUNDUN_BASE_URL and RUNDUN_API_KEY* variables';
  } else {
    source = opts.engine === 'conformance' ? 'the simulator, started in-process' : 'no target';
  }

  if (target) {
    const pool = list(env, 'RUNDUN_API_KEYS');
    if (pool.length > 0) target.pool = pool;
    if (target.keys.primary === undefined && target.pool[0] !== undefined) target.keys.primary = target.pool[0];
    if (expected.limit) target.rateLimit = { ...target.rateLimit, ...expected.limit };
    else if (expected.off) target.rateLimit = null;
    if (env.RUNDUN_EXPIRED_RUN_ID !== undefined && env.RUNDUN_EXPIRED_RUN_ID.trim() !== '') target.expiredRunId = env.RUNDUN_EXPIRED_RUN_ID.trim();
    // A typo would come back 404 and read as a failed status.410-gone: refuse it here instead.
    if (target.expiredRunId !== undefined && !isId('run', target.expiredRunId)) {
      throw new ConfigError(`RUNDUN_EXPIRED_RUN_ID (or the fixtures' expiredRunId) must be a run id, r- and a lowercase UUID; got '${target.expiredRunId.slice(0, 60)}'`);
    }
    checkTargetAllowed(target.baseUrl, allowRemote);
    checkProductionAllowed(target.baseUrl, productionHosts, { allowProduction, readOnly }, opts.engine);
    target.readOnly = readOnly;
  }
  const host = target ? hostOf(target.baseUrl) : null;
  const rl = target?.rateLimit;
  const spreadKey = keyValue(env, keyVariable('spread'));
  return {
    target,
    source,
    limit: rl ? { limit: rl.limit, windowMs: rl.windowMs } : null,
    limitOff: expected.limit === null && (expected.off || fixturesOff),
    rateWindowMs: expected.windowMs,
    ...(retryAfterFormat ? { retryAfterFormat } : {}),
    ...(spreadKey !== undefined ? { spreadKey } : {}),
    loopback: host !== null && isLoopbackHost(host),
    allowRemote,
    allowProduction,
    productionHosts,
    production: host !== null && isProductionHost(host, productionHosts),
    readOnly,
    stateFile: text(env, 'RUNDUN_STATE_FILE') ?? DEFAULT_STATE_FILE,
    reportDir: (text(env, 'RUNDUN_REPORT_DIR') ?? DEFAULT_REPORT_DIR).replace(/\/+$/, '') || '.',
  };
}

/** A key variable's value, trimmed; undefined when unset or blank. */
function keyValue(env: Env, variable: string): string | undefined {
  return text(env, variable);
}

/** Every key the environment names, for redaction. */
function keysIn(env: Env): string[] {
  const out: string[] = [];
  for (const { variable } of KEY_VARIABLES) for (const k of (env[variable] ?? '').split(',')) if (k.trim() !== '') out.push(k.trim());
  return out;
}
