// POST /v1/runs, GET /v1/runs, GET /v1/runs/{id}. The create checks run in the contract's
// order: Content-Type, size, JSON, required field, types/ranges, template, quota.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context';
import { isJsonContentType, readBody, sendError, sendJson, sendTooLarge } from '../http';
import { TEMPLATE_ID_PATTERN } from '../ids';
import { parsePageQuery } from './query';

export const DEFAULT_EXPIRES_IN_HOURS = 24;
export const MAX_EXPIRES_IN_HOURS = 168;

export type RunRequestCheck =
  | { ok: true; templateId: string; hours: number }
  | { ok: false; code: 'bad_request' | 'validation_failed'; message: string };

/** Validates a parsed CreateRunRequest body; unknown properties are ignored. */
export function checkRunRequest(doc: unknown): RunRequestCheck {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, code: 'bad_request', message: 'The request body must be a JSON object.' };
  }
  const body = doc as Record<string, unknown>;
  if (!Object.hasOwn(body, 'template_id')) {
    return { ok: false, code: 'bad_request', message: 'template_id is required.' };
  }
  const templateId = body['template_id'];
  if (typeof templateId !== 'string' || !TEMPLATE_ID_PATTERN.test(templateId)) {
    return { ok: false, code: 'validation_failed', message: 'template_id must be a template id string (t-<uuid>).' };
  }
  let hours = DEFAULT_EXPIRES_IN_HOURS;
  if (Object.hasOwn(body, 'expires_in_hours')) {
    const h = body['expires_in_hours'];
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > MAX_EXPIRES_IN_HOURS) {
      return { ok: false, code: 'validation_failed', message: `expires_in_hours must be an integer from 1 to ${MAX_EXPIRES_IN_HOURS}.` };
    }
    hours = h;
  }
  return { ok: true, templateId, hours };
}

export async function createRun(ctx: SimContext, req: IncomingMessage, res: ServerResponse, orgId: string): Promise<void> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return sendError(ctx, res, 'bad_request', 'Content-Type must be application/json.');
  }
  const read = await readBody(req);
  if (!read.ok) {
    if (read.reason === 'too_large') return sendTooLarge(ctx, res, req);
    res.destroy(); // the client went away mid-body: nobody to answer
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(read.body.toString('utf8'));
  } catch {
    return sendError(ctx, res, 'bad_request', 'The request body is not valid JSON.');
  }
  const check = checkRunRequest(doc);
  if (!check.ok) return sendError(ctx, res, check.code, check.message);
  const created = ctx.store.createRun(orgId, check.templateId, check.hours, ctx.clock.now());
  if (!created.ok) return sendError(ctx, res, created.error);
  sendJson(ctx, res, 201, created.json);
}

export function listRuns(ctx: SimContext, res: ServerResponse, orgId: string, query: string | null): void {
  const q = parsePageQuery(query);
  if (!q.ok) return sendError(ctx, res, q.code, q.message);
  sendJson(ctx, res, 200, ctx.store.runPage(orgId, q.page, q.perPage, ctx.clock.now()));
}

/** Another org's run answers exactly like an unknown id; an expired one is 410. */
export function getRun(ctx: SimContext, res: ServerResponse, orgId: string, id: string): void {
  const r = ctx.store.getRun(orgId, id, ctx.clock.now());
  if (!r.ok) return sendError(ctx, res, r.error);
  sendJson(ctx, res, 200, r.json);
}
