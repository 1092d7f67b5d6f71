// createSimulator: the Rundun v1 simulator as a plain (req, res) handler, no listening.
// Request pipeline, in stages (each can have faults switched in, see faults.ts):
//   admin (/_sim, bypasses everything) | edge rate limit -> auth -> fail-next -> routing -> handler
import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { adminStage, hashAdminToken, isAdminPath } from './admin';
import { authStage } from './auth';
import { createSimClock, type SimClock } from './clock';
import type { RetryAfterFormat, SimContext } from './context';
import { edgeStage, identify, sendThrottle, type Identity } from './edge';
import { createErrorShaper } from './error-faults';
import { createFaults, FailNext, type Faults } from './faults';
import { createJsonShaper } from './json-faults';
import { OrgCache } from './org-cache';
import { sendError, sendJson, StatusCounter, type Responder } from './http';
import { generateKey, KeyStore } from './keys';
import { createNetworkLatency, deferResponse, type LatencyOptions, type NetworkLatency } from './latency';
import { createRateLimiter, type RateLimitConfig, type RateLimiter } from './rate-limit';
import { matchRoute, type Route } from './router';
import { createRun, getRun, listRuns } from './routes/runs';
import { getTemplate, listTemplates } from './routes/templates';
import { Store, type OrgSpec } from './store';

export const ORG_A = 'a';
export const ORG_B = 'b';
export const ORG_C = 'c';
export const TEMPLATE_COUNTS = { [ORG_A]: 123, [ORG_B]: 7, [ORG_C]: 3 } as const;
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { limit: 20, windowMs: 1000, algorithm: 'fixed-window' };
export const DEFAULT_RUN_QUOTA = 10_000;
export const DEFAULT_POOL_SIZE = 8;

export interface SimulatorOptions {
  /** Edge rate limit per key; null disables it. Default 20 per 1 s, fixed-window. */
  rateLimit?: RateLimitConfig | null;
  retryAfterFormat?: RetryAfterFormat;
  /** Runs org A may create in total (default 10000). Org B: 10000; org C: 0. */
  runQuota?: number;
  /** Extra org-A keys for load tests (default 8). */
  poolSize?: number;
  /** Fault names switched on (FAULT_CATALOGUE in faults.ts); an unknown name throws UnknownFaultError. */
  faults?: readonly string[];
  /**
   * Clean network distance (not a fault): `ms` of added round trip, ± `jitterMs` uniform, seeded;
   * half before the request reaches the edge, half after the response is produced, on every API
   * response (any status). /_sim is not delayed. See latency.ts. Default: none.
   */
  latency?: LatencyOptions | null;
  /** Timer for load.latency (default setTimeout); tests inject one to observe it without sleeping. */
  delay?: (ms: number) => Promise<void>;
  clock?: SimClock;
  /** Seed for the template ids (default "rundun-sim"). */
  seed?: string;
  /** Called with unexpected handler errors (never sent to clients). */
  onError?: (err: unknown) => void;
}

export interface SimFixtures {
  baseUrl: string;
  keys: { primary: string; secondary: string; other_org: string; exhausted: string; revoked: string; ratelimit: string };
  pool: string[];
  rateLimit: { limit: number; windowSeconds: number; algorithm: string; retryAfterFormat: RetryAfterFormat } | null;
  admin: { baseUrl: string; token: string };
}

export interface Simulator {
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** The fixtures document for a server reachable at `origin` (e.g. http://127.0.0.1:1234). */
  fixtures(origin: string): SimFixtures;
  readonly clock: SimClock;
  readonly store: Store;
  readonly limiter: RateLimiter | null;
  readonly faults: Faults;
  readonly failNext: FailNext;
  readonly counter: StatusCounter;
  readonly retryAfterFormat: RetryAfterFormat;
  /** The network distance in force (options.latency), or null. */
  readonly latency: NetworkLatency | null;
}

const METHOD_NOT_ALLOWED = JSON.stringify({ error: 'method_not_allowed', message: 'Method not allowed on this resource.' });

/**
 * versioning.unversioned: the API mounted at the root. /templates is served as /v1/templates
 * internally; the real /v1/... paths become unknown (mapped under a prefix no route has).
 */
function mountAtRoot(path: string): string {
  return path === '/v1' || path.startsWith('/v1/') ? `/unversioned${path}` : `/v1${path}`;
}

function checkCount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return n;
}

/** load.latency: added before every authenticated request's handler. */
export const LATENCY_FAULT_MS = 50;
/** load.sporadic-500: every this-many-th request reaching the handler stage answers 500. */
export const SPORADIC_500_EVERY = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const faults = createFaults(options.faults); // first: an unknown fault name fails before any work
  const latency = options.latency ? createNetworkLatency(options.latency) : null;
  const clock = options.clock ?? createSimClock();
  const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;
  // ratelimit.double-limit / limit-too-low: the fixtures state `rateLimit`, the edge enforces another.
  let enforced = rateLimit;
  if (rateLimit !== null && faults.has('ratelimit.double-limit')) enforced = { ...rateLimit, limit: rateLimit.limit * 2 };
  if (rateLimit !== null && faults.has('ratelimit.limit-too-low')) enforced = { ...rateLimit, limit: Math.max(1, Math.floor(rateLimit.limit / 4)) };
  const limiter = enforced === null ? null : createRateLimiter(enforced, clock.monotonic);
  const retryAfterFormat = options.retryAfterFormat ?? 'delay-seconds';
  const poolSize = checkCount('poolSize', options.poolSize ?? DEFAULT_POOL_SIZE);
  const specs: OrgSpec[] = [
    { id: ORG_A, templates: TEMPLATE_COUNTS[ORG_A], runQuota: checkCount('runQuota', options.runQuota ?? DEFAULT_RUN_QUOTA) },
    { id: ORG_B, templates: TEMPLATE_COUNTS[ORG_B], runQuota: DEFAULT_RUN_QUOTA },
    { id: ORG_C, templates: TEMPLATE_COUNTS[ORG_C], runQuota: 0 },
  ];
  const store = new Store(specs, options.seed ?? 'rundun-sim', {
    enforceQuota: !faults.has('status.no-quota'),
    expiresAtSkewMs: faults.has('runs.expiry-off-by-one-hour') ? 3_600_000 : 0,
    paging: {
      repeat: faults.has('pagination.repeat-item'),
      skip: faults.has('pagination.skip-item'),
      wrongTotal: faults.has('pagination.wrong-total'),
      nextOnLast: faults.has('pagination.next-on-last'),
      shortPages: faults.has('pagination.short-pages'),
    },
    listAllOrgs: faults.has('org.list-all-orgs'),
    upperCaseTemplateIds: faults.has('ids.uppercase-template-ids'),
  });
  const unversioned = faults.has('versioning.unversioned');

  // Plaintext keys live only in the fixtures document handed to the harness; the key store
  // keeps hashes.
  const keyStore = new KeyStore();
  const issue = (org: string): string => {
    const k = generateKey();
    keyStore.add(k, org);
    return k;
  };
  const keys = {
    primary: issue(ORG_A),
    secondary: issue(ORG_A),
    other_org: issue(ORG_B),
    exhausted: issue(ORG_C),
    revoked: issue(ORG_A),
    ratelimit: issue(ORG_A),
  };
  keyStore.revoke(keys.revoked);
  const pool = Array.from({ length: poolSize }, () => issue(ORG_A));
  const adminToken = randomBytes(24).toString('hex');

  const counter = new StatusCounter();
  const now = clock.now;
  const admin: Responder = { counter: new StatusCounter(), now };
  const shapeError = createErrorShaper(faults);
  const shapeJson = createJsonShaper(faults);
  const orgCache = faults.has('load.org-cache-thrash') ? new OrgCache() : null;
  const ctx: SimContext = {
    clock,
    now,
    store,
    keys: keyStore,
    limiter,
    retryAfterFormat,
    faults,
    failNext: new FailNext(),
    counter,
    adminTokenHash: hashAdminToken(adminToken),
    admin,
    defaultOrgId: ORG_A,
    delay: options.delay ?? sleep,
    ...(shapeError === undefined ? {} : { shapeError }),
    ...(shapeJson === undefined ? {} : { shapeJson }),
  };
  const onError = options.onError;

  const fail = (res: ServerResponse, err: unknown): void => {
    onError?.(err);
    if (!res.headersSent) sendError(ctx, res, 'internal_error');
    else res.destroy();
  };

  function dispatch(req: IncomingMessage, res: ServerResponse, orgId: string, route: Route, query: string | null): void | Promise<void> {
    switch (route.kind) {
      case 'listTemplates':
        return listTemplates(ctx, res, orgId, query);
      case 'getTemplate':
        return getTemplate(ctx, res, orgId, route.id);
      case 'listRuns':
        return listRuns(ctx, res, orgId, query);
      case 'createRun':
        return createRun(ctx, req, res, orgId);
      case 'getRun':
        return getRun(ctx, res, orgId, route.id);
      case 'wrongMethod':
        if (ctx.faults.has('status.405-unknown-method')) return sendJson(ctx, res, 405, METHOD_NOT_ALLOWED);
        return sendError(ctx, res, 'not_found');
      case 'notFound':
        return sendError(ctx, res, 'not_found');
    }
  }

  /**
   * ratelimit.throttled-write-creates: the edge's bug of forwarding a throttled write upstream
   * anyway. The create runs (auth, body, quota) against a response nobody reads; the caller
   * then gets the 429.
   */
  async function forwardAnyway(req: IncomingMessage, id: Identity): Promise<void> {
    const sink = new ServerResponse(req);
    const upstream: SimContext = { ...ctx, counter: new StatusCounter() }; // /_sim/stats counts the 429 only
    const orgId = authStage(upstream, sink, id);
    if (orgId !== null) await createRun(upstream, req, sink, orgId);
  }

  function pipeline(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    if (isAdminPath(url)) return adminStage(ctx, req, res, url);
    const q = url.indexOf('?');
    const path = unversioned ? mountAtRoot(q === -1 ? url : url.slice(0, q)) : q === -1 ? url : url.slice(0, q);
    const id = identify(req, ctx.faults);
    const throttle = edgeStage(ctx, req, id);
    if (throttle !== null) {
      const write = req.method === 'POST' && path === '/v1/runs';
      if (write && ctx.faults.has('ratelimit.throttled-write-creates')) {
        return forwardAnyway(req, id).then(() => sendThrottle(ctx, res, throttle, write));
      }
      return sendThrottle(ctx, res, throttle, write);
    }
    const orgId = authStage(ctx, res, id);
    if (orgId === null) return;
    if (path === '/v1' || path.startsWith('/v1/')) {
      if (ctx.failNext.consume(path)) return sendError(ctx, res, 'internal_error');
      if (ctx.faults.has('load.sporadic-500') && ctx.faults.countRequest() % SPORADIC_500_EVERY === 0) return sendError(ctx, res, 'internal_error');
      if (orgCache !== null && orgCache.thrashes(orgId, id.hashKey ?? 'none', clock.monotonic())) return sendError(ctx, res, 'internal_error');
    }
    const route = matchRoute(req.method, path);
    const query = q === -1 ? null : url.slice(q + 1);
    if (ctx.faults.has('load.latency')) return ctx.delay(LATENCY_FAULT_MS).then(() => dispatch(req, res, orgId, route, query));
    return dispatch(req, res, orgId, route, query);
  }

  function serve(req: IncomingMessage, res: ServerResponse): void {
    try {
      const pending = pipeline(req, res);
      if (pending !== undefined) pending.catch((err: unknown) => fail(res, err));
    } catch (err) {
      fail(res, err);
    }
  }

  // With a network distance: the request travels half a round trip before the edge sees it,
  // the response the other half after it is produced (each half its own draw).
  const handler =
    latency === null
      ? serve
      : (req: IncomingMessage, res: ServerResponse): void => {
          if (isAdminPath(req.url ?? '/')) return serve(req, res);
          deferResponse(res, latency);
          setTimeout(serve, latency.half(), req, res);
        };

  return {
    handler,
    fixtures(origin: string): SimFixtures {
      const base = origin.replace(/\/+$/, '').replace(/\/v1$/, '');
      return {
        baseUrl: unversioned ? base : `${base}/v1`,
        keys: { ...keys },
        pool: [...pool],
        rateLimit:
          rateLimit === null
            ? null
            : { limit: rateLimit.limit, windowSeconds: rateLimit.windowMs / 1000, algorithm: rateLimit.algorithm, retryAfterFormat },
        admin: { baseUrl: `${base}/_sim`, token: adminToken },
      };
    },
    clock,
    store,
    limiter,
    faults,
    failNext: ctx.failNext,
    counter,
    retryAfterFormat,
    latency,
  };
}
