// POST /v1/runs, GET /v1/runs, GET /v1/runs/{id}. The create checks run in the contract's
// order: Content-Type, size, JSON, required field, types/ranges, template, quota.
// Handler-stage faults: status.500-on-bad-input, status.400-for-validation,
// status.200-on-create, status.404-for-expired, status.403-cross-org, auth.cross-org-readable,
// runs.read-back-differs, json.content-type-ignored, pagination.past-end-404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context';
import type { Run } from '../store';
import { isJsonContentType, readBody, sendError, sendJson, sendTooLarge } from '../http';
import { TEMPLATE_ID_PATTERN } from '../ids';
import { isPastEnd, readPageQuery } from './query';

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
  if (!isJsonContentType(req.headers['content-type']) && !ctx.faults.has('json.content-type-ignored')) {
    return sendError(ctx, res, 'bad_request', 'Content-Type must be application/json.');
  }
  const read = await readBody(req);
  if (!read.ok) {
    if (read.reason === 'too_large') return sendTooLarge(ctx, res, req);
    res.destroy(); // the client went away mid-body: nobody to answer
    return;
  }
  let doc: unknown;
  const text = read.body.toString('utf8');
  // The bug: parsing outside the try, so a syntax error escapes as a 500 (app.ts's catch).
  if (ctx.faults.has('status.500-on-bad-input')) doc = JSON.parse(text);
  else {
    try {
      doc = JSON.parse(text);
    } catch {
      return sendError(ctx, res, 'bad_request', 'The request body is not valid JSON.');
    }
  }
  const check = checkRunRequest(doc);
  if (!check.ok) {
    const code = check.code === 'validation_failed' && ctx.faults.has('status.400-for-validation') ? 'bad_request' : check.code;
    return sendError(ctx, res, code, check.message);
  }
  const created = ctx.store.createRun(orgId, check.templateId, check.hours, ctx.clock.now());
  if (!created.ok) return sendError(ctx, res, created.error);
  sendJson(ctx, res, ctx.faults.has('status.200-on-create') ? 200 : 201, created.json);
}

export function listRuns(ctx: SimContext, res: ServerResponse, orgId: string, query: string | null): void {
  const q = readPageQuery(ctx.faults, query);
  if (!q.ok) return sendError(ctx, res, q.code, q.message);
  if (ctx.faults.has('pagination.past-end-404') && isPastEnd(q, ctx.store.liveRunCount(orgId, ctx.clock.now()))) return sendError(ctx, res, 'not_found');
  sendJson(ctx, res, 200, ctx.store.runPage(orgId, q.page, q.perPage, ctx.clock.now()));
}

const FORBIDDEN = JSON.stringify({ error: 'forbidden', message: 'This run belongs to another organisation.' });

/** "2025-01-01T00:00:00Z" from "2025-01-01T00:00:00.123Z" (runs.read-back-differs). */
const toSecond = (iso: string): string => `${iso.slice(0, 19)}Z`;
const secondPrecision = (run: Run): string =>
  JSON.stringify({ ...run, created_at: toSecond(run.created_at), expires_at: toSecond(run.expires_at) });

/** Another org's run answers exactly like an unknown id; an expired one is 410. */
export function getRun(ctx: SimContext, res: ServerResponse, orgId: string, id: string): void {
  const f = ctx.faults;
  let owner = orgId;
  if (f.has('auth.cross-org-readable') || f.has('status.403-cross-org')) {
    const actual = ctx.store.runOrg(id);
    if (actual !== undefined && actual !== orgId) {
      if (f.has('status.403-cross-org')) return sendJson(ctx, res, 403, FORBIDDEN);
      owner = actual; // the bug: the org check is skipped
    }
  }
  const r = ctx.store.getRun(owner, id, ctx.clock.now());
  if (!r.ok) return sendError(ctx, res, r.error === 'run_expired' && f.has('status.404-for-expired') ? 'run_not_found' : r.error);
  sendJson(ctx, res, 200, f.has('runs.read-back-differs') ? secondPrecision(r.run) : r.json);
}
