// Stage 2, auth: the presented token must have the key format, be known (by hash) and not be
// revoked. Every failure answers the same 401 body, so nothing tells them apart.
import type { ServerResponse } from 'node:http';
import type { SimContext } from './context';
import type { Identity } from './edge';
import { sendError } from './http';
import { KEY_PATTERN } from './keys';

/** The caller's org id, or null after sending 401. */
export function authStage(ctx: SimContext, res: ServerResponse, id: Identity): string | null {
  if (id.token !== null && id.hashKey !== null && KEY_PATTERN.test(id.token)) {
    const rec = ctx.keys.lookup(id.hashKey);
    if (rec !== undefined && !rec.revoked) return rec.orgId;
  }
  sendError(ctx, res, 'unauthorized');
  return null;
}
