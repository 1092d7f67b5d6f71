// Builders for the check tests: responses and requests as lib/checks sees them, and a runner
// for one registered check.
import { checkedResponse, contractSettings, REGISTRY, runChecks, subjectOf, type CheckedRequest, type CheckOutcome, type CheckSettings } from '../../../lib/checks';

export const KEY = 'rdk_live_Q7f3Kp9ZxW2mLr8TnB4vYc6HdJ1sGa5E';
export const OTHER_KEY = 'rdk_live_aaaabbbbccccddddeeeeffffgggghhhh';
export const TEMPLATE_ID = 't-3f2a9c1b-0d4e-4f6a-8b7c-1a2b3c4d5e6f';
export const RUN_ID = 'r-9e8d7c6b-5a49-4382-a716-0f1e2d3c4b5a';
export const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';

export const template = { id: TEMPLATE_ID, name: 'Checkout', created_at: '2024-05-01T10:00:00Z' };
export const run = { id: RUN_ID, template_id: TEMPLATE_ID, expires_in_hours: 1, created_at: '2024-05-01T10:00:00Z', expires_at: '2024-05-01T11:00:00Z' };
export const pagination = { total: 1, page: 1, per_page: 20, next_page: null };

export interface ResSpec {
  status: number;
  headers?: Record<string, string>;
  /** A value is sent as JSON; a string as is. */
  body?: unknown;
}

/** A response; JSON Content-Type unless headers say otherwise. */
export function res({ status, headers, body }: ResSpec) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return checkedResponse(status, { 'Content-Type': 'application/json', ...headers }, text);
}

export function req(over: Partial<CheckedRequest> = {}): CheckedRequest {
  return { method: 'GET', path: '/templates', operation: 'listTemplates', presentedKeys: [KEY], ...over };
}

/** Runs the one check registered for `rule`; undefined when it does not apply. */
export function judge(rule: string, r: ResSpec, q: CheckedRequest = req(), settings: CheckSettings = contractSettings()): CheckOutcome | undefined {
  const check = REGISTRY.get(rule);
  if (!check) throw new Error(`no check registered for ${rule}`);
  return runChecks(subjectOf(res(r), q, settings), [check])[0];
}
