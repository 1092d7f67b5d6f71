// The simulator's own control surface under /_sim (never under /v1, never rate-limited),
// guarded by X-Sim-Admin-Token. Lets tests move the wall clock, arm 500s and read counts.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context';
import { readBody, sendError, sendJson, sendTooLarge, type Responder } from './http';

export const ADMIN_PREFIX = '/_sim';
export const ADMIN_TOKEN_HEADER = 'x-sim-admin-token';

export function isAdminPath(url: string): boolean {
  if (!url.startsWith(ADMIN_PREFIX)) return false;
  const c = url.charCodeAt(ADMIN_PREFIX.length);
  return Number.isNaN(c) || c === 47 /* / */ || c === 63 /* ? */;
}

export function hashAdminToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function adminAuthorized(ctx: SimContext, req: IncomingMessage): boolean {
  const given = req.headers[ADMIN_TOKEN_HEADER];
  if (typeof given !== 'string' || given.length === 0) return false;
  // Hashing both sides gives equal lengths for timingSafeEqual.
  return timingSafeEqual(hashAdminToken(given), ctx.adminTokenHash);
}

type Json = Record<string, unknown>;

async function readJsonObject(ctx: Responder, req: IncomingMessage, res: ServerResponse): Promise<Json | null> {
  const read = await readBody(req);
  if (!read.ok) {
    if (read.reason === 'too_large') sendTooLarge(ctx, res, req);
    else res.destroy();
    return null;
  }
  if (read.body.length === 0) return {};
  try {
    const doc: unknown = JSON.parse(read.body.toString('utf8'));
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Json;
  } catch {
    // fall through to the 400 below
  }
  sendError(ctx, res, 'bad_request', 'The request body must be a JSON object.');
  return null;
}

function clockBody(ctx: SimContext): string {
  const now = ctx.clock.now();
  return JSON.stringify({ now: new Date(now).toISOString(), now_ms: now, offset_seconds: ctx.clock.offsetMs() / 1000 });
}

export async function adminStage(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
  const a = ctx.admin; // admin responses are counted apart from the API's
  if (!adminAuthorized(ctx, req)) return sendError(a, res, 'unauthorized', 'Missing or invalid X-Sim-Admin-Token.');
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const route = `${req.method ?? ''} ${path}`;
  switch (route) {
    case 'GET /_sim/clock':
      return sendJson(a, res, 200, clockBody(ctx));
    case 'POST /_sim/clock': {
      const body = await readJsonObject(a, req, res);
      if (body === null) return;
      const s = body['advance_seconds'];
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 10 * 365 * 86_400) {
        return sendError(a, res, 'validation_failed', 'advance_seconds must be a number from 0 to 315360000.');
      }
      ctx.clock.advance(Math.round(s * 1000));
      return sendJson(a, res, 200, clockBody(ctx));
    }
    case 'POST /_sim/fail-next': {
      const body = await readJsonObject(a, req, res);
      if (body === null) return;
      const count = body['count'] ?? 1;
      const p = body['path'] ?? null;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1_000_000) {
        return sendError(a, res, 'validation_failed', 'count must be an integer from 1 to 1000000.');
      }
      if (p !== null && (typeof p !== 'string' || (p !== '/v1' && !p.startsWith('/v1/')) || p.includes('?'))) {
        return sendError(a, res, 'validation_failed', 'path must be a /v1/... path without a query string.');
      }
      ctx.failNext.arm(count, p);
      return sendJson(a, res, 200, JSON.stringify({ pending: ctx.failNext.snapshot() }));
    }
    case 'GET /_sim/stats':
      return sendJson(
        a,
        res,
        200,
        JSON.stringify({
          total: ctx.counter.total,
          by_status: ctx.counter.snapshot(),
          rate_limit_keys: ctx.limiter?.size() ?? 0,
          runs: ctx.store.runCount,
          faults: ctx.faults.list(),
          fail_next: ctx.failNext.snapshot(),
        }),
      );
    default:
      return sendError(a, res, 'not_found');
  }
}
