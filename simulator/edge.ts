// Stage 1, the edge: identify the caller and rate-limit it, before auth and routing (so 401s
// and 404s count too). The identity is the presented bearer token, hashed once here; the auth
// stage reuses the hash. Requests without a parsable bearer token count per source address.
// Faults here: the ratelimit.* bucket-choice, limit, Retry-After and 429-status faults, and the
// auth.scheme-case-sensitive / auth.other-scheme-accepted credential parsing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context';
import type { Faults } from './faults';
import { sendError, sendJson } from './http';
import { hashToken } from './keys';
import type { RateLimiter } from './rate-limit';

export interface Identity {
  /** The bearer token as presented, or null when there is no parsable bearer credential. */
  token: string | null;
  /** SHA-256 of the token (latin1 string): the rate-limit key and the key-store lookup key. */
  hashKey: string | null;
  /** Whether an Authorization header was sent at all (auth.missing-accepted tells them apart). */
  header: boolean;
}

/**
 * `Bearer <token>`: scheme case-insensitive (RFC 9110), one or more spaces, then a token with
 * no further whitespace. Anything else is not a bearer credential. `exactScheme` is the
 * auth.scheme-case-sensitive fault: only the spelling 'Bearer' counts.
 */
export function parseBearer(header: string | undefined, exactScheme = false): string | null {
  if (header === undefined || header.length < 8) return null;
  const scheme = header.slice(0, 6);
  if (header.charCodeAt(6) !== 32 || (exactScheme ? scheme !== 'Bearer' : scheme.toLowerCase() !== 'bearer')) return null;
  let i = 7;
  while (i < header.length && header.charCodeAt(i) === 32) i++;
  if (i === header.length) return null;
  const token = header.slice(i);
  for (let j = 0; j < token.length; j++) {
    const c = token.charCodeAt(j);
    if (c === 32 || c === 9) return null;
  }
  return token;
}

const NO_HEADER: Identity = { token: null, hashKey: null, header: false };
const NO_TOKEN: Identity = { token: null, hashKey: null, header: true };

/** auth.other-scheme-accepted: the bug of taking the header's last word, whatever the scheme. */
function lastWord(header: string): string | null {
  const word = header.slice(header.lastIndexOf(' ') + 1);
  return word.length === 0 ? null : word;
}

export function identify(req: IncomingMessage, faults?: Faults): Identity {
  const header = req.headers.authorization;
  if (header === undefined) return NO_HEADER;
  const token = faults?.has('auth.other-scheme-accepted') ? lastWord(header) : parseBearer(header, faults?.has('auth.scheme-case-sensitive') ?? false);
  if (token === null) return NO_TOKEN;
  return { token, hashKey: hashToken(token), header: true };
}

/** Whole seconds, at least 1, never less than the exact wait. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/**
 * Retry-After as an IMF-fixdate: the first whole second at or after (wall + wait), and at least
 * one second after the Date header's second. Since Date = floor(wall), both readings work: a
 * client waiting (Retry-After - Date) waits >= wait, and one waiting until Retry-After on a
 * synchronised clock does too.
 */
export function retryAfterDate(wallMs: number, waitMs: number): string {
  const sec = Math.max(Math.floor(wallMs / 1000) + 1, Math.ceil((wallMs + waitMs) / 1000));
  return new Date(sec * 1000).toUTCString();
}

/** A rejected request: the 429 to send (app.ts sends it; see ratelimit.throttled-write-creates). */
export interface Throttle {
  /** The Retry-After value, or null for none (ratelimit.retry-after-missing). */
  retryAfter: string | null;
  /** The clock reading for the Date header (and an http-date Retry-After). */
  wall: number;
}

/** ratelimit.retry-after-long: how much more Retry-After asks for than the real wait. */
export const LONG_EXTRA_MS = 10_000;

/** ratelimit.retry-after-loose: how much more Retry-After asks for than the real wait. */
export const LOOSE_EXTRA_MS = 1000;

/** ratelimit.retry-after-short: how long past the limiter's own wait a throttled key stays blocked. */
export const SHORT_PENALTY_MS = 2900;

/**
 * The rate-limit identity: the presented token, or the source address without one. The
 * bucket-choice faults (shared, per-address, per-org) are bugs in exactly this choice.
 */
function limitKey(ctx: SimContext, req: IncomingMessage, id: Identity): string {
  const f = ctx.faults;
  if (f.has('ratelimit.shared-bucket')) return 'shared';
  const addr = `addr:${req.socket.remoteAddress ?? 'unknown'}`;
  if (f.has('ratelimit.per-source-address')) return addr;
  if (f.has('ratelimit.per-org') && id.hashKey !== null) {
    // The edge resolves the key's org itself (no 401 here: auth still decides that later).
    const rec = ctx.keys.lookup(id.hashKey);
    if (rec !== undefined) return `org:${rec.orgId}`;
  }
  return id.hashKey ?? addr;
}

/**
 * ratelimit.retry-after-short: once the limiter rejects a key, the key stays blocked for the
 * limiter's wait plus SHORT_PENALTY_MS; returns the real remaining wait (0 = accepted). The
 * header then announces at least a whole second less (see retryAfterFor), so a client that
 * waits it and retries is still inside the block.
 */
function blockingTake(ctx: SimContext, limiter: RateLimiter, key: string): number {
  const blocked = ctx.faults.blockedUntil;
  const t = ctx.clock.monotonic();
  const until = blocked.get(key);
  if (until !== undefined) {
    if (t < until) return until - t;
    blocked.delete(key);
  }
  const wait = limiter.take(key);
  if (wait === 0) return 0;
  if (blocked.size >= 4096) for (const [k, u] of blocked) if (u <= t) blocked.delete(k); // bounded
  blocked.set(key, t + wait + SHORT_PENALTY_MS);
  return wait + SHORT_PENALTY_MS;
}

/** Retry-After for a real wait, honest unless a retry-after fault says otherwise. */
function retryAfterFor(ctx: SimContext, waitMs: number, wall: number): string | null {
  const f = ctx.faults;
  if (f.has('ratelimit.retry-after-missing')) return null;
  if (f.has('ratelimit.retry-after-non-numeric')) return 'soon';
  if (f.has('ratelimit.retry-after-fractional')) return `${retryAfterSeconds(waitMs)}.5`;
  let seconds: number | null = null;
  if (f.has('ratelimit.retry-after-zero')) seconds = 0;
  // floor - 1: at least a whole second short whenever the real wait is 2 s or more.
  else if (f.has('ratelimit.retry-after-short')) seconds = Math.max(1, Math.floor(waitMs / 1000) - 1);
  if (seconds !== null) {
    // As an HTTP-date: exactly `seconds` after the Date header's second.
    return ctx.retryAfterFormat === 'http-date' ? new Date((Math.floor(wall / 1000) + seconds) * 1000).toUTCString() : String(seconds);
  }
  const asked = f.has('ratelimit.retry-after-long') ? waitMs + LONG_EXTRA_MS : f.has('ratelimit.retry-after-loose') ? waitMs + LOOSE_EXTRA_MS : waitMs;
  if (ctx.retryAfterFormat !== 'http-date') return String(retryAfterSeconds(asked));
  // retry-after-loose stays loose, never unbounded: at most Date + ceil(window) + 1 s (the bound
  // an honest date can already reach when the wait ends just past a second).
  if (f.has('ratelimit.retry-after-loose') && ctx.limiter !== null) {
    const bound = (Math.floor(wall / 1000) + Math.ceil(ctx.limiter.config.windowMs / 1000) + 1) * 1000;
    return new Date(Math.min(Date.parse(retryAfterDate(wall, asked)), bound)).toUTCString();
  }
  return retryAfterDate(wall, asked);
}

/** null when the request may go on; otherwise the 429 to send (nothing is sent here). */
export function edgeStage(ctx: SimContext, req: IncomingMessage, id: Identity): Throttle | null {
  const limiter = ctx.limiter;
  if (limiter === null || ctx.faults.has('ratelimit.off')) return null;
  const key = limitKey(ctx, req, id);
  const wait = ctx.faults.has('ratelimit.retry-after-short') ? blockingTake(ctx, limiter, key) : limiter.take(key);
  if (wait === 0) return null;
  const wall = ctx.clock.now(); // one reading for both Date and an http-date Retry-After
  return { retryAfter: retryAfterFor(ctx, wait, wall), wall };
}

const UNAVAILABLE = JSON.stringify({ error: 'unavailable', message: 'The service is busy. Retry later.' });

/**
 * Sends the 429: the rate_limited error with Retry-After (or, under a fault, without them).
 * `write`: the request is a POST /v1/runs (ratelimit.503-for-throttled-write answers it 503).
 */
export function sendThrottle(ctx: SimContext, res: ServerResponse, th: Throttle, write = false): void {
  const extra = th.retryAfter === null ? undefined : { 'retry-after': th.retryAfter };
  if (write && ctx.faults.has('ratelimit.503-for-throttled-write')) return sendJson(ctx, res, 503, UNAVAILABLE, extra, th.wall);
  if (ctx.faults.has('ratelimit.no-error-body')) return sendJson(ctx, res, 429, '', extra, th.wall);
  // A gateway in front of the API answering throttled requests with its own plain-text page.
  if (ctx.faults.has('ratelimit.plain-text-429')) return sendJson(ctx, res, 429, 'Too Many Requests', { ...extra, 'content-type': 'text/plain' }, th.wall);
  sendError(ctx, res, 'rate_limited', undefined, extra, th.wall);
}
