// GET /v1/templates and GET /v1/templates/{id}: served from pre-serialized bodies (templates
// are static), so the hot path allocates almost nothing.
// Handler-stage faults: envelope.wrapped-resource, envelope.no-pagination, json.text-plain-lists,
// status.200-for-unknown-template, and the read-one-template crashes (500, reset, hang).
import type { ServerResponse } from 'node:http';
import type { SimContext } from '../context';
import { sendError, sendJson } from '../http';
import { isPastEnd, listHeaders, readPageQuery } from './query';

export function listTemplates(ctx: SimContext, res: ServerResponse, orgId: string, query: string | null): void {
  const q = readPageQuery(ctx.faults, query);
  if (!q.ok) return sendError(ctx, res, q.code, q.message);
  const org = ctx.store.org(orgId);
  if (ctx.faults.has('pagination.past-end-404') && isPastEnd(q, org.templates.length)) return sendError(ctx, res, 'not_found');
  const page = org.templatePage(q.page, q.perPage);
  // envelope.no-pagination: the "unpaginated" default request serialized as a bare data list.
  const body = query === null && ctx.faults.has('envelope.no-pagination') ? JSON.stringify({ data: (JSON.parse(page.toString()) as { data: unknown[] }).data }) : page;
  sendJson(ctx, res, 200, body, listHeaders(ctx.faults));
}

/** status.200-for-unknown-template: a get-or-default lookup's default. */
const placeholder = (id: string): string => JSON.stringify({ id, name: '', created_at: '1970-01-01T00:00:00.000Z' });

/** Another org's template answers exactly like an unknown id. */
export function getTemplate(ctx: SimContext, res: ServerResponse, orgId: string, id: string): void {
  const f = ctx.faults;
  const body = ctx.store.org(orgId).templateJson.get(id);
  if (body === undefined) return f.has('status.200-for-unknown-template') ? sendJson(ctx, res, 200, placeholder(id)) : sendError(ctx, res, 'template_not_found');
  // Reading one existing template crashes: as an error the framework catches (500), as a
  // worker dying (the connection reset, no response), or as a handler that never settles.
  if (f.has('status.500-on-template-get')) return sendError(ctx, res, 'internal_error');
  if (f.has('status.reset-on-template-get')) return void res.socket?.destroy();
  if (f.has('status.hang-on-template-get')) return;
  // envelope.wrapped-resource: a single resource wrapped like a collection item.
  sendJson(ctx, res, 200, ctx.faults.has('envelope.wrapped-resource') ? `{"data":${body.toString()}}` : body);
}
