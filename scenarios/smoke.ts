// k6 scenario `smoke`: one pass over every operation with the primary key, every response
// validated with the precompiled schema validators; one check per contract rule it touches.
// Creates one run (expires in 1 hour) on the target: runs count against the org's quota.
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { checksFor, contractSettings, REGISTRY, runChecks, subjectOf } from '../lib/checks';
import { K6_RULES } from '../lib/generated/rule-ids';
import { ConfigError, pickKeys } from './lib/config';
import { config } from './lib/env';
import { checkedOf, keyParams, makeLogger, owe, recordOutcomes, recordRule } from './lib/k6';
import { DEFAULT_PACING, withPacing as pace } from './lib/unprovoked-429';
import { ruleThresholds, SUMMARY_TREND_STATS, type K6Options } from './lib/options';
import { summaryFromRaw } from './lib/summary';
import type { RuleId } from '../lib/contract';

// At most 8 requests × 3 waits × 20 s of pacing: within maxDuration (10 m) with room to spare.
const SMOKE_PACING = { ...DEFAULT_PACING, maxWaitMs: 20_000 };
const withPacing: typeof pace = (request, what, logger) => pace(request, what, logger, SMOKE_PACING);

const ref = pickKeys(config, ['primary'], 1)[0];
if (!ref) throw new ConfigError('smoke needs RUNDUN_API_KEY (or a fixtures file)');
// The contract's list (judges.k6 includes smoke), generated at build: every VU owes each of
// these, so a rule listed for smoke and never judged fails the run as "not judged".
const RULES_CHECKED: readonly RuleId[] = K6_RULES.smoke;

// Those of them the per-response registry judges (lib/checks), on every response smoke gets:
// each applies where the contract says (envelopes on 2xx, the error body on 4xx, the echo on all).
const RESPONSE_CHECKS = checksFor(RULES_CHECKED.filter((r) => REGISTRY.has(r)));
const SETTINGS = contractSettings();

export const options: K6Options = {
  // Room for waiting out an earlier run's throttling (unprovoked-429.ts) on top of the pass itself.
  scenarios: { smoke: { executor: 'per-vu-iterations', exec: 'smoke', vus: 1, iterations: 1, maxDuration: '10m' } },
  thresholds: { ...ruleThresholds(RULES_CHECKED), http_req_failed: ['rate==0'] },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

// The 401 and 404 below are provoked on purpose: expected, not failures. A 429 is not this
// scenario's to judge (an earlier run on the same key left it throttled): it is waited out
// (unprovoked-429.ts) and reported as pacing, never counted as a failed request.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 401, 404, 429));

const log = makeLogger(config, 'smoke');
const BASE = config.target.baseUrl;

type Res = RefinedResponse<ResponseType | undefined>;

function rule(id: RuleId, ok: boolean, what: string): boolean {
  recordRule(id, ok);
  if (!ok) log(`${id}: FAILED: ${what}`);
  return ok;
}

/** What expect() returns for a response still 429 after the waits: nothing to judge it, or what depends on it, by. */
const THROTTLED = Symbol('throttled');

/** The request behind a response, as the checks see it. */
interface Asked {
  /** How the log names it, e.g. 'GET /v1/runs/{unknown}'. */
  what: string;
  method: string;
  /** Relative to the base URL, e.g. '/runs?per_page=5'. */
  path: string;
  /** Contract operation id. */
  operation: string;
  /** The API keys the request presented. */
  keys: readonly string[];
}

const SHAPE_RULES = new Set<RuleId>(['envelope.collection', 'envelope.single-resource', 'ids.format', 'errors.body-shape']);

/**
 * The status, then every per-response rule on one response; returns the parsed body when the
 * status is the expected one and the body has the promised shape, else undefined (THROTTLED
 * when still 429).
 */
function expect(res: Res, asked: Asked, status: number, statusRule: RuleId): unknown {
  if (res.status === 429) {
    // Still throttled after the waits: nothing about this operation (or what builds on it) can
    // be judged. Its rules stay unjudged (and fail as such), never blamed on a wrong status.
    log(`${asked.what}: not judged: still throttled (429) after waiting Retry-After out`);
    return THROTTLED;
  }
  const statusOk = rule(statusRule, res.status === status, `${asked.what}: status ${res.status}, expected ${status}`);
  const checked = checkedOf(res);
  const req = { method: asked.method, path: asked.path, operation: asked.operation, presentedKeys: asked.keys };
  const outcomes = runChecks(subjectOf(checked, req, SETTINGS), RESPONSE_CHECKS);
  recordOutcomes(outcomes, log, asked.what);
  // What later steps build on must have the promised shape; a Content-Type or echo failure is
  // its own rule's verdict and does not make the body unusable (no blame cascades onto others).
  const usable = outcomes.every((o) => o.ok || !SHAPE_RULES.has(o.rule));
  return statusOk && usable ? checked.json : undefined;
}

export function smoke(): void {
  const account = owe(RULES_CHECKED, log, 'primary');
  try {
    smokePass();
  } finally {
    account.settle();
  }
}

function smokePass(): void {
  const key = ref as NonNullable<typeof ref>;
  const p = keyParams(key, 'smoke', 'text');
  const keys = [key.key];
  const withName = (name: string) => ({ ...p, tags: { ...p.tags, name } });
  const ask = (what: string, method: string, path: string, operation: string, presented: readonly string[] = keys): Asked => ({ what, method, path, operation, keys: presented });
  const get = (a: Asked, params = withName(a.what.replace('{unknown}', '{id}'))) => withPacing(() => http.get(`${BASE}${a.path}`, params), a.what, log);

  const listTemplates = ask('GET /v1/templates', 'GET', '/templates?per_page=5', 'listTemplates');
  const listed = expect(get(listTemplates), listTemplates, 200, 'status.200-success');
  if (listed === THROTTLED) return; // everything below needs a template id
  const templateId = (listed as { data?: Array<{ id?: unknown }> } | undefined)?.data?.[0]?.id;
  if (typeof templateId !== 'string') {
    rule('status.200-success', false, 'no template to continue with');
    return;
  }
  const getTemplate = ask('GET /v1/templates/{id}', 'GET', `/templates/${templateId}`, 'getTemplate');
  expect(get(getTemplate), getTemplate, 200, 'status.200-success');

  const body = JSON.stringify({ template_id: templateId, expires_in_hours: 1 });
  const post = { ...withName('POST /v1/runs'), headers: { ...p.headers, 'Content-Type': 'application/json' } };
  const createRun = ask('POST /v1/runs', 'POST', '/runs', 'createRun');
  const created = expect(withPacing(() => http.post(`${BASE}/runs`, body, post), createRun.what, log), createRun, 201, 'status.201-created');
  const run = created === THROTTLED ? undefined : (created as Record<string, unknown> | undefined);
  if (run) {
    const getRun = ask('GET /v1/runs/{id}', 'GET', `/runs/${String(run.id)}`, 'getRun');
    const again = expect(get(getRun), getRun, 200, 'status.200-success');
    if (again !== THROTTLED) rule('runs.create-read-consistent', JSON.stringify(again) === JSON.stringify(run), 'GET /v1/runs/{id} differs from the created run');
  }
  const listRuns = ask('GET /v1/runs', 'GET', '/runs?per_page=5', 'listRuns');
  expect(get(listRuns), listRuns, 200, 'status.200-success');

  const unknownRun = ask('GET /v1/runs/{unknown}', 'GET', `/runs/r-${crypto.randomUUID()}`, 'getRun');
  const missing = expect(get(unknownRun), unknownRun, 404, 'status.404-not-found') as { error?: string } | undefined | typeof THROTTLED;
  if (missing !== THROTTLED) rule('status.404-not-found', missing?.error === 'run_not_found', `${unknownRun.what}: error '${missing?.error}', expected 'run_not_found'`);

  const anonymous = ask('GET /v1/templates without a key', 'GET', '/templates', 'listTemplates', []);
  const anon = { ...withName('GET /v1/templates'), headers: {}, tags: { key: 'none', name: 'GET /v1/templates' } };
  const unauth = expect(get(anonymous, anon), anonymous, 401, 'status.401-unauthorized') as { error?: string } | undefined | typeof THROTTLED;
  if (unauth !== THROTTLED) rule('status.401-unauthorized', unauth?.error === 'unauthorized', `no key: error '${unauth?.error}', expected 'unauthorized'`);

  // A well-formed key that was never issued: the 401 a server is likeliest to echo a key in
  // (auth.no-credential-echo), so smoke presents one and checks that the answer does not quote it.
  const unknownKey = `rdk_live_${crypto.randomUUID().replace(/-/g, '')}`;
  const stranger = ask('GET /v1/templates with an unknown key', 'GET', '/templates', 'listTemplates', [unknownKey]);
  const strangerParams = { ...withName('GET /v1/templates'), headers: { Authorization: `Bearer ${unknownKey}` }, tags: { key: 'unknown', name: 'GET /v1/templates' } };
  const rejected = expect(get(stranger, strangerParams), stranger, 401, 'status.401-unauthorized') as { error?: string } | undefined | typeof THROTTLED;
  if (rejected !== THROTTLED) rule('status.401-unauthorized', rejected?.error === 'unauthorized', `unknown key: error '${rejected?.error}', expected 'unauthorized'`);
}

export function handleSummary(raw: unknown): Record<string, string> {
  return summaryFromRaw('smoke', config, raw, options.thresholds);
}
