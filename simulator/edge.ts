// Stage 1, the edge: identify the caller and rate-limit it, before auth and routing (so 401s
// and 404s count too). The identity is the presented bearer token, hashed once here; the auth
// stage reuses the hash. Requests without a parsable bearer token count per source address.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context';
import { sendError } from './http';
import { hashToken } from './keys';

export interface Identity {
  /** The bearer token as presented, or null when there is no parsable bearer credential. */
  token: string | null;
  /** SHA-256 of the token (latin1 string): the rate-limit key and the key-store lookup key. */
  hashKey: string | null;
}

/**
 * `Bearer <token>`: scheme case-insensitive (RFC 9110), one or more spaces, then a token with
 * no further whitespace. Anything else is not a bearer credential.
 */
export function parseBearer(header: string | undefined): string | null {
  if (header === undefined || header.length < 8) return null;
  if (header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== 'bearer') return null;
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

const NO_TOKEN: Identity = { token: null, hashKey: null };

export function identify(req: IncomingMessage): Identity {
  const token = parseBearer(req.headers.authorization);
  if (token === null) return NO_TOKEN;
  return { token, hashKey: hashToken(token) };
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

/** True when the request may go on; otherwise a 429 has been sent. */
export function edgeStage(ctx: SimContext, req: IncomingMessage, res: ServerResponse, id: Identity): boolean {
  const limiter = ctx.limiter;
  if (limiter === null) return true;
  const key = id.hashKey ?? `addr:${req.socket.remoteAddress ?? 'unknown'}`;
  const wait = limiter.take(key);
  if (wait === 0) return true;
  const wall = ctx.clock.now(); // one reading for both Date and an http-date Retry-After
  const retryAfter = ctx.retryAfterFormat === 'http-date' ? retryAfterDate(wall, wait) : String(retryAfterSeconds(wait));
  sendError(ctx, res, 'rate_limited', undefined, { 'retry-after': retryAfter }, wall);
  return false;
}

