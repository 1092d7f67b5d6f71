// POST /v1/runs, GET /v1/runs, GET /v1/runs/{id}. The create checks run in the contract's
// order: Content-Type, size, JSON, required field, types/ranges, template, quota.
// Handler-stage faults: status.500-on-bad-input, status.400-for-validation,
// status.200-on-create, status.404-for-expired, status.403-cross-org, auth.cross-org-readable,
// runs.read-back-differs, json.content-type-ignored, pagination.past-end-404,
// status.422-for-bad-request, status.415-for-content-type, runs.hours-bound-off-by-one,
// json.text-plain-lists; ids.uppercase-template-ids accepts its own upper-case ids back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context';
import type { Run } from '../store';
import { isJsonContentType, readBody, sendError, sendJson, sendTooLarge } from '../http';
import { TEMPLATE_ID_PATTERN } from '../ids';
import type { Faults } from '../faults';
import { isPastEnd, listHeaders, readPageQuery } from './query';

export const DEFAULT_EXPIRES_IN_HOURS = 24;
export const MAX_EXPIRES_IN_HOURS = 168;

export type RunRequestCheck =
  | { ok: true; templateId: string; hours: number }
  | { ok: false; code: 'bad_request' | 'validation_failed'; message: string };

/** The validation bugs the faults put in checkRunRequest. */
export interface RunRequestLeniency {
  /** ids.uppercase-template-ids: template ids matched case-insensitively. */
  anyCaseIds?: boolean;
  /** runs.hours-bound-off-by-one: the largest expires_in_hours accepted. */
  maxHours?: number;
}

const TEMPLATE_ID_ANY_CASE = new RegExp(TEMPLATE_ID_PATTERN.source, 'i');

export function leniencyOf(f: Faults): RunRequestLeniency {
  return {
    anyCaseIds: f.has('ids.uppercase-template-ids'),
    maxHours: f.has('runs.hours-bound-off-by-one') ? MAX_EXPIRES_IN_HOURS + 1 : MAX_EXPIRES_IN_HOURS,
  };
}

/** Validates a parsed CreateRunRequest body; unknown properties are ignored. */
export function checkRunRequest(doc: unknown, lenient: RunRequestLeniency = {}): RunRequestCheck {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, code: 'bad_request', message: 'The request body must be a JSON object.' };
  }
  const body = doc as Record<string, unknown>;
  if (!Object.hasOwn(body, 'template_id')) {
    return { ok: false, code: 'bad_request', message: 'template_id is required.' };
  }
  const templateId = body['template_id'];
  if (typeof templateId !== 'string' || !(lenient.anyCaseIds ? TEMPLATE_ID_ANY_CASE : TEMPLATE_ID_PATTERN).test(templateId)) {
    return { ok: false, code: 'validation_failed', message: 'template_id must be a template id string (t-<uuid>).' };
  }
  let hours = DEFAULT_EXPIRES_IN_HOURS;
  if (Object.hasOwn(body, 'expires_in_hours')) {
    const h = body['expires_in_hours'];
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > (lenient.maxHours ?? MAX_EXPIRES_IN_HOURS)) {
      return { ok: false, code: 'validation_failed', message: `expires_in_hours must be an integer from 1 to ${MAX_EXPIRES_IN_HOURS}.` };
    }
    hours = h;
  }
  return { ok: true, templateId, hours };
}

const UNSUPPORTED_MEDIA_TYPE = JSON.stringify({ error: 'unsupported_media_type', message: 'Content-Type must be application/json.' });

export async function createRun(ctx: SimContext, req: IncomingMessage, res: ServerResponse, orgId: string): Promise<void> {
  const f = ctx.faults;
  if (!isJsonContentType(req.headers['content-type']) && !f.has('json.content-type-ignored')) {
    if (f.has('status.415-for-content-type')) return sendJson(ctx, res, 415, UNSUPPORTED_MEDIA_TYPE);
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
  // status.422-for-bad-request: every body problem is reported as a validation failure.
  const badBody = f.has('status.422-for-bad-request') ? 'validation_failed' : 'bad_request';
  // The bug: parsing outside the try, so a syntax error escapes as a 500 (app.ts's catch).
  if (f.has('status.500-on-bad-input')) doc = JSON.parse(text);
  else {
    try {
      doc = JSON.parse(text);
    } catch {
      return sendError(ctx, res, badBody, 'The request body is not valid JSON.');
    }
  }
  const check = checkRunRequest(doc, leniencyOf(f));
  if (!check.ok) {
    const code = check.code === 'validation_failed' ? (f.has('status.400-for-validation') ? 'bad_request' : check.code) : badBody;
    return sendError(ctx, res, code, check.message);
  }
  const created = ctx.store.createRun(orgId, check.templateId, check.hours, ctx.clock.now());
  if (!created.ok) return sendError(ctx, res, created.error);
  sendJson(ctx, res, f.has('status.200-on-create') ? 200 : 201, created.json);
}

export function listRuns(ctx: SimContext, res: ServerResponse, orgId: string, query: string | null): void {
  const q = readPageQuery(ctx.faults, query);
  if (!q.ok) return sendError(ctx, res, q.code, q.message);
  if (ctx.faults.has('pagination.past-end-404') && isPastEnd(q, ctx.store.liveRunCount(orgId, ctx.clock.now()))) return sendError(ctx, res, 'not_found');
  sendJson(ctx, res, 200, ctx.store.runPage(orgId, q.page, q.perPage, ctx.clock.now()), listHeaders(ctx.faults));
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
