// The split of the resource probes into one file per family and the status table: no probe id,
// title, family, rule or matrix cell changed (the contract names probes as judges), and the one
// table runner judges status and error code the way the hand-written probes did, or stricter.
import { describe, expect, it } from 'vitest';
import { contract, resolveContract } from '../../lib/contract';
import { probes } from '../../conformance/probes';
import { runRows, tableProbes, type StatusRow } from '../../conformance/probes/status-table';
import { ProbeContext, runProbe, type ProbeEnv } from '../../conformance/engine/probe';
import type { Client, RequestOptions } from '../../conformance/engine/client';
import type { Exchange } from '../../conformance/engine/exchange';

/** The probes of conformance/probes/resources.ts before the split (commit ed6112e). */
const BEFORE_SPLIT = [
  { id: 'templates.list-and-get', title: 'GET /templates → 200 list; GET /templates/{id} → 200, equal to the listed item', family: 'status', rules: ['status.200-success', 'envelope.collection', 'envelope.single-resource', 'ids.format'], covers: [['listTemplates', 200], ['getTemplate', 200]] },
  { id: 'templates.unknown-id', title: 'GET /templates/{unknown} → 404 template_not_found', family: 'status', rules: ['status.404-not-found'], covers: [['getTemplate', 404]] },
  { id: 'runs.create-read', title: 'POST /runs → 201; the run reads back equal, is listed, and expires_at = created_at + hours', family: 'runs', rules: ['status.201-created', 'runs.create-read-consistent', 'runs.expiry-arithmetic', 'ids.format'], covers: [['createRun', 201], ['getRun', 200], ['listRuns', 200]] },
  { id: 'runs.default-expiry', title: 'POST /runs without expires_in_hours → 201 with the default', family: 'runs', rules: ['runs.expires-in-hours-range'], covers: [] },
  { id: 'runs.unknown-id', title: 'GET /runs/{unknown} → 404 run_not_found', family: 'status', rules: ['status.404-not-found'], covers: [['getRun', 404]] },
  { id: 'runs.malformed-json', title: 'POST /runs with a body that is not a JSON object → 400 bad_request', family: 'json', rules: ['json.malformed-body', 'status.400-bad-request'], covers: [['createRun', 400]] },
  { id: 'runs.missing-field', title: 'POST /runs without template_id → 400 bad_request', family: 'status', rules: ['status.400-bad-request'], covers: [['createRun', 400]] },
  { id: 'runs.content-type', title: 'POST /runs without Content-Type, or with another type → 400', family: 'json', rules: ['json.request-content-type'], covers: [] },
  { id: 'runs.validation', title: 'POST /runs with wrong types or out-of-range values → 422 validation_failed', family: 'status', rules: ['status.422-validation', 'runs.expires-in-hours-range'], covers: [['createRun', 422]] },
  { id: 'runs.unknown-template', title: 'POST /runs naming a template that does not exist → 404 template_not_found', family: 'status', rules: ['status.404-not-found'], covers: [['createRun', 404]] },
  { id: 'runs.quota-exhausted', title: 'POST /runs from an org without quota → 402 quota_exceeded, nothing created', family: 'status', rules: ['status.402-quota-exceeded'], covers: [['createRun', 402]] },
  { id: 'runs.expired', title: 'GET /runs/{id} of an expired run → 410 run_expired, and it leaves the list', family: 'status', rules: ['status.410-gone'], covers: [['getRun', 410]] },
  { id: 'status.server-error', title: 'a provoked server error → 500 internal_error with the error body, no stack trace', family: 'status', rules: ['status.500-server-error'], covers: [['listTemplates', 500], ['getTemplate', 500], ['createRun', 500], ['listRuns', 500], ['getRun', 500]] },
  { id: 'status.unknown-route', title: 'unknown paths and unsupported methods → 404 not_found', family: 'status', rules: ['status.unknown-route'], covers: [] },
  { id: 'versioning.v1', title: 'operations are served under /v1', family: 'versioning', rules: ['versioning.v1-prefix'], covers: [] },
];

describe('the split keeps every probe as it was', () => {
  it.each(BEFORE_SPLIT.map((p) => [p.id, p] as const))('%s: same title, family, rules (in order) and matrix cells', (id, before) => {
    const now = probes.find((p) => p.id === id);
    expect(now, `probe ${id} is gone`).toBeDefined();
    expect({ id: now!.id, title: now!.title, family: now!.family, rules: now!.rules, covers: now!.covers ?? [] }).toEqual(before);
  });

  it('no probe id appears twice', () => {
    expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
  });
});

type Canned = Partial<Pick<Exchange, 'status' | 'json' | 'error' | 'headers'>>;

/** The passive rules are judged on every response elsewhere; here they would only add noise. */
const PASSIVE = Object.fromEntries(contract.rules.filter((r) => r.judges?.passive).map((r) => [r.id, 'passive, not under test here']));

/** A ProbeEnv whose client answers from `answer` and logs what was asked. */
function fakeEnv(answer: (method: string, path: string) => Canned, overrides: { parameters?: Record<string, number> } = {}) {
  const log: string[] = [];
  const client = {
    async request(method: string, path: string, _o: RequestOptions = {}): Promise<Exchange> {
      log.push(`${method} ${path}`);
      const a = answer(method, path);
      return { method, path, keyRole: 'primary', requestHeaders: {}, status: 0, headers: { 'content-type': 'application/json' }, bodyText: JSON.stringify(a.json ?? {}), startedAt: 0, durationMs: 0, ...a };
    },
  } as unknown as Client;
  const env: ProbeEnv = { target: { baseUrl: 'http://127.0.0.1:1/v1', keys: { primary: 'rdk_live_' + 'a'.repeat(32) }, pool: [], rateLimit: null }, contract: resolveContract({ ...overrides, skip: PASSIVE }), client };
  return { env, log };
}

const TEMPLATES = { status: 200, json: { data: [{ id: 't-00000000-0000-4000-8000-000000000001', name: 'x', created_at: '2026-01-01T00:00:00Z' }], pagination: { total: 1, page: 1, per_page: 1, next_page: null } } };
const err = (status: number, code: string): Canned => ({ status, json: { error: code, message: 'm' } });

const notFoundRow: StatusRow = { probe: 'p.table', rules: { status: 'status.404-not-found', code: 'status.404-not-found' }, request: () => ({ what: 'run r-x', method: 'GET', path: '/runs/r-x' }), status: 404, code: 'run_not_found' };
const malformedRow: StatusRow = { probe: 'p.table', rules: { status: 'json.malformed-body', code: 'status.400-bad-request' }, request: () => ({ what: 'body "{"', method: 'POST', path: '/runs', rawBody: '{' }), status: 400, code: 'bad_request', codeAlways: true };
const contentTypeRow: StatusRow = { probe: 'p.table', rules: { status: 'json.request-content-type' }, request: async ({ templateId }) => ({ what: `Content-Type (none) for ${await templateId()}`, method: 'POST', path: '/runs', rawBody: '{}' }), status: (p) => p.missingContentTypeStatus };

interface Case {
  name: string;
  rows: StatusRow[];
  answer: (method: string, path: string) => Canned;
  overrides?: object;
  /** rule: ok, per verdict in order */
  verdicts: Array<[string, boolean, RegExp?]>;
  requests?: string[];
}

const CASES: Case[] = [
  { name: 'expected status and code: both rules hold', rows: [notFoundRow], answer: () => err(404, 'run_not_found'),
    verdicts: [['status.404-not-found', true, /run r-x → 404 as expected/], ['status.404-not-found', true, /error code run_not_found/]] },
  { name: 'wrong status: the status rule fails with what came back; the code is not judged on it', rows: [notFoundRow], answer: () => ({ status: 200, json: {} }),
    verdicts: [['status.404-not-found', false, /^run r-x → 200: expected 404, got 200 — GET \/runs\/r-x/]] },
  { name: 'right status, wrong code: the code rule fails', rows: [notFoundRow], answer: () => err(404, 'not_here'),
    verdicts: [['status.404-not-found', true], ['status.404-not-found', false, /expected error code run_not_found, got "not_here"/]] },
  { name: 'codeAlways: a wrong status fails both rules', rows: [malformedRow], answer: () => err(422, 'validation_failed'),
    verdicts: [['json.malformed-body', false, /→ 422: expected 400/], ['status.400-bad-request', false, /expected error code bad_request, got "validation_failed"/]] },
  { name: 'no response: said so, and a failure', rows: [notFoundRow], answer: () => ({ status: 0, error: 'ECONNRESET: socket hang up' }),
    verdicts: [['status.404-not-found', false, /→ no response: expected 404, got no response/]] },
  { name: 'status from a contract parameter, as overridden for the target', rows: [contentTypeRow], overrides: { parameters: { missingContentTypeStatus: 415 } },
    answer: (m) => (m === 'GET' ? TEMPLATES : err(415, 'bad_request')),
    verdicts: [['status.200-success', true], ['json.request-content-type', true, /→ 415 as expected/]] },
  { name: 'the same, a 400 where the override says 415: fails', rows: [contentTypeRow], overrides: { parameters: { missingContentTypeStatus: 415 } },
    answer: (m) => (m === 'GET' ? TEMPLATES : err(400, 'bad_request')),
    verdicts: [['status.200-success', true], ['json.request-content-type', false, /expected 415, got 400/]] },
  { name: 'a template is listed once per probe, only when a row asks, and every row is sent even after a failure', rows: [contentTypeRow, notFoundRow, contentTypeRow],
    answer: (m) => (m === 'GET' && 'x' ? TEMPLATES : err(201, 'x')),
    verdicts: [['status.200-success', true], ['json.request-content-type', false], ['status.404-not-found', false], ['json.request-content-type', false]],
    requests: ['GET /templates?per_page=1', 'POST /runs', 'GET /runs/r-x', 'POST /runs'] },
];

describe('the status table runner', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const { env, log } = fakeEnv(c.answer, c.overrides);
    const ctx = new ProbeContext(env);
    await runRows(ctx, c.rows);
    const active = ctx.outcomes;
    expect(active.map((o) => [o.rule, o.ok])).toEqual(c.verdicts.map(([r, ok]) => [r, ok]));
    c.verdicts.forEach(([, , msg], i) => msg && expect(active[i]!.message).toMatch(msg));
    if (c.requests) expect(log).toEqual(c.requests);
  });

  it('a probe of the table fails when any row fails, and declares the rows\' rules in order', async () => {
    const [probe] = tableProbes([{ id: 'p.table', title: 't', family: 'status' }], [malformedRow, notFoundRow]);
    expect(probe!.rules).toEqual(['json.malformed-body', 'status.400-bad-request', 'status.404-not-found']);
    const { env } = fakeEnv(() => err(404, 'run_not_found'));
    const r = await runProbe(probe!, env);
    expect(r.status).toBe('fail');
    expect(r.reason).toMatch(/body "\{" → 404: expected 400/);
  });

  it('a probe with no rows is a programming error, caught when the registry loads', () => {
    expect(() => tableProbes([{ id: 'runs.nothing', title: 't', family: 'status' }], [notFoundRow])).toThrow(/probe runs.nothing has no rows/);
  });
});
