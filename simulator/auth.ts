// Stage 2, auth: the presented token must have the key format, be known (by hash) and not be
// revoked. Every failure answers the same 401 body, so nothing tells them apart.
// Faults: auth.revoked-accepted, auth.malformed-accepted (prefix comparison),
// auth.missing-accepted (no header -> the default org), auth.unknown-accepted (format check only);
// and in the 401 it sends: auth.credential-echo (the key quoted back), status.401-forbidden-code.
import type { ServerResponse } from 'node:http';
import type { SimContext } from './context';
import type { Identity } from './edge';
import { sendError, sendJson } from './http';
import { KEY_PATTERN, type KeyRecord } from './keys';

function findKey(ctx: SimContext, id: Identity): KeyRecord | undefined {
  if (id.token === null || id.hashKey === null) return undefined;
  if (KEY_PATTERN.test(id.token)) {
    const rec = ctx.keys.lookup(id.hashKey);
    if (rec !== undefined) return rec;
  }
  // The bug: a comparison of only the first PREFIX_LENGTH characters (no format check).
  return ctx.faults.has('auth.malformed-accepted') ? ctx.keys.lookupPrefix(id.token) : undefined;
}

/** The caller's org id, or null after sending 401. */
export function authStage(ctx: SimContext, res: ServerResponse, id: Identity): string | null {
  if (!id.header && ctx.faults.has('auth.missing-accepted')) return ctx.defaultOrgId;
  const rec = findKey(ctx, id);
  if (rec !== undefined && (!rec.revoked || ctx.faults.has('auth.revoked-accepted'))) return rec.orgId;
  if (rec === undefined && id.token !== null && KEY_PATTERN.test(id.token) && ctx.faults.has('auth.unknown-accepted')) return ctx.defaultOrgId;
  send401(ctx, res, id);
  return null;
}

const FORBIDDEN_401 = JSON.stringify({ error: 'forbidden', message: 'Missing or invalid API key.' });

function send401(ctx: SimContext, res: ServerResponse, id: Identity): void {
  // The bug: a "helpful" message that names the credential it refused, key and all.
  if (id.token !== null && ctx.faults.has('auth.credential-echo')) return sendError(ctx, res, 'unauthorized', `Invalid API key ${id.token}.`);
  if (ctx.faults.has('status.401-forbidden-code')) return sendJson(ctx, res, 401, FORBIDDEN_401);
  sendError(ctx, res, 'unauthorized');
}
