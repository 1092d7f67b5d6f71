// GET /v1/templates and GET /v1/templates/{id}: served from pre-serialized bodies (templates
// are static), so the hot path allocates almost nothing.
import type { ServerResponse } from 'node:http';
import type { SimContext } from '../context';
import { sendError, sendJson } from '../http';
import { isPastEnd, readPageQuery } from './query';

export function listTemplates(ctx: SimContext, res: ServerResponse, orgId: string, query: string | null): void {
  const q = readPageQuery(ctx.faults, query);
  if (!q.ok) return sendError(ctx, res, q.code, q.message);
  const org = ctx.store.org(orgId);
  if (ctx.faults.has('pagination.past-end-404') && isPastEnd(q, org.templates.length)) return sendError(ctx, res, 'not_found');
  sendJson(ctx, res, 200, org.templatePage(q.page, q.perPage));
}

/** Another org's template answers exactly like an unknown id. */
export function getTemplate(ctx: SimContext, res: ServerResponse, orgId: string, id: string): void {
  const body = ctx.store.org(orgId).templateJson.get(id);
  if (body === undefined) return sendError(ctx, res, 'template_not_found');
  // envelope.wrapped-resource: a single resource wrapped like a collection item.
  sendJson(ctx, res, 200, ctx.faults.has('envelope.wrapped-resource') ? `{"data":${body.toString()}}` : body);
}
