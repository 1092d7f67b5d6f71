// Proof that the conformance checks can fail: every rule family's probe is run against a server
// that breaks one rule (a proxy rewriting the simulator's traffic, or the simulator configured
// to misbehave), and must fail on that rule with a useful message. A control run shows the same
// probes pass through an honest proxy, so the failures come from the breakage alone.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type StartOptions } from '../../simulator/server';
import { parseFixtures } from '../../lib/target';
import { createProbeEnv } from '../../conformance/engine/env';
import { runProbe, type ProbeResult } from '../../conformance/engine/probe';
import { probeById, probes } from '../../conformance/probes';
import { startBrokenProxy, withJson, type Breakage } from '../support/broken-proxy';

const FAST: StartOptions = { rateLimit: { limit: 1000, windowMs: 1000, algorithm: 'fixed-window' } };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function runAgainst(probeId: string, breakage: Breakage, sim: StartOptions = FAST, timeoutMs = 2000): Promise<ProbeResult> {
  const s = await startSimulator(sim);
  const proxy = await startBrokenProxy(s.origin, breakage, { keys: s.fixtures.keys });
  cleanups.push(() => s.close(), () => proxy.close());
  const target = parseFixtures(JSON.stringify(s.fixtures));
  target.baseUrl = `${proxy.origin}/v1`;
  const env = createProbeEnv({ target, overrides: {}, timeoutMs, paceRps: 0 });
  cleanups.push(async () => env.close());
  return runProbe(probeById(probeId), env);
}

const isRun = (p: string) => /^\/v1\/runs\/r-/.test(p);
const authOf = (h: Record<string, string>) => h.authorization ?? '';
const keysOf = (st: Record<string, unknown>) => st.keys as { primary: string; revoked: string };

interface Case {
  name: string;
  probe: string;
  breakage: Breakage;
  rule: string;
  message: RegExp;
  sim?: StartOptions;
}

const CASES: Case[] = [
  // auth
  { name: 'missing Authorization accepted', probe: 'auth.missing-header', rule: 'auth.bearer-required', message: /without Authorization → 200/,
    breakage: { request: (r, st) => (r.headers.authorization ? r : { ...r, headers: { ...r.headers, authorization: `Bearer ${keysOf(st).primary}` } }) } },
  { name: 'revoked key accepted', probe: 'auth.revoked-key', rule: 'auth.revoked-key-rejected', message: /expected 401, got 200/,
    breakage: { request: (r, st) => (authOf(r.headers).endsWith(keysOf(st).revoked) ? { ...r, headers: { ...r.headers, authorization: `Bearer ${keysOf(st).primary}` } } : r) } },
  { name: "lower-case 'bearer' refused", probe: 'auth.scheme-case', rule: 'auth.scheme-case-insensitive', message: /scheme 'bearer' with a valid key → 401/,
    breakage: { request: (r) => (/^Bearer /.test(authOf(r.headers)) ? r : { ...r, headers: { ...r.headers, authorization: 'Basic x' } }) } },
  { name: 'malformed key accepted', probe: 'auth.malformed-key', rule: 'auth.key-format', message: /too short → 200/,
    breakage: { response: (r, res) => (authOf(r.headers).includes('rdk_live_abc123') ? { ...res, status: 200, body: '{"data":[],"pagination":{"total":0,"page":1,"per_page":50,"next_page":null}}' } : res) } },
  // errors and JSON
  { name: 'error body without message', probe: 'templates.unknown-id', rule: 'errors.body-shape', message: /must have required property 'message'/,
    breakage: { response: (_r, res) => (res.status >= 400 ? withJson(res, (d) => ({ error: d.error })) : res) } },
  { name: 'error body without error', probe: 'runs.unknown-id', rule: 'errors.body-shape', message: /error body does not match the Error schema/,
    breakage: { response: (_r, res) => (res.status >= 400 ? withJson(res, (d) => ({ message: d.message })) : res) } },
  { name: 'unknown error code', probe: 'runs.unknown-id', rule: 'errors.known-code', message: /error code 'not_here' is not one the contract lists for 404/,
    breakage: { response: (_r, res) => (res.status === 404 ? withJson(res, (d) => ({ ...d, error: 'not_here' })) : res) } },
  { name: 'HTML error page instead of JSON', probe: 'runs.unknown-id', rule: 'json.response-content-type', message: /Content-Type is 'text\/html'/,
    breakage: { response: (_r, res) => (res.status === 404 ? { ...res, headers: { ...res.headers, 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' } : res) } },
  { name: 'JSON served as text/plain', probe: 'templates.list-and-get', rule: 'json.response-content-type', message: /Content-Type is 'text\/plain'/,
    breakage: { response: (_r, res) => ({ ...res, headers: { ...res.headers, 'content-type': 'text/plain' } }) } },
  { name: 'malformed JSON accepted', probe: 'runs.malformed-json', rule: 'json.malformed-body', message: /→ 201|→ 422/,
    breakage: { response: (r, res) => (r.method === 'POST' && res.status === 400 ? { ...res, status: 422, body: '{"error":"validation_failed","message":"x"}' } : res) } },
  { name: 'missing Content-Type accepted', probe: 'runs.content-type', rule: 'json.request-content-type', message: /Content-Type \(none\) → 201/,
    breakage: { request: (r) => (r.method === 'POST' ? { ...r, headers: { ...r.headers, 'content-type': 'application/json' } } : r) } },
  // status codes
  { name: '404 instead of 410 for an expired run', probe: 'runs.expired', rule: 'status.410-gone', message: /expected 410, got 404/,
    breakage: { response: (_r, res) => (res.status === 410 ? { ...res, status: 404, body: '{"error":"run_not_found","message":"gone"}' } : res) } },
  { name: '400 instead of 422 for a validation error', probe: 'runs.validation', rule: 'status.422-validation', message: /→ 400/,
    breakage: { response: (_r, res) => (res.status === 422 ? { ...res, status: 400, body: '{"error":"bad_request","message":"bad"}' } : res) } },
  { name: '200 instead of 201 on create', probe: 'runs.create-read', rule: 'status.201-created', message: /expected 201, got 200/,
    breakage: { response: (r, res) => (r.method === 'POST' && res.status === 201 ? { ...res, status: 200 } : res) } },
  { name: 'quota never enforced (201 instead of 402)', probe: 'runs.quota-exhausted', rule: 'status.402-quota-exceeded', message: /expected 402, got 201/,
    breakage: { response: (_r, res) => (res.status === 402 ? { ...res, status: 201, body: '{"id":"r-00000000-0000-4000-8000-000000000000","template_id":"t-00000000-0000-4000-8000-000000000000","expires_in_hours":24,"created_at":"2026-01-01T00:00:00.000Z","expires_at":"2026-01-02T00:00:00.000Z"}' } : res) } },
  { name: 'stack trace in a 500 body', probe: 'status.server-error', rule: 'status.500-server-error', message: /leaks a stack trace/,
    breakage: { response: (_r, res) => (res.status === 500 ? withJson(res, (d) => ({ ...d, message: 'TypeError: x is undefined\n    at handler (/srv/app.ts:12:3)' })) : res) } },
  { name: 'unprovoked 500', probe: 'templates.list-and-get', rule: 'status.no-unprovoked-5xx', message: /unprovoked 500/,
    breakage: { response: (r, res) => (/^\/v1\/templates\/t-/.test(r.path) ? { ...res, status: 500, body: '{"error":"internal_error","message":"oops"}' } : res) } },
  { name: '405 for an unsupported method', probe: 'status.unknown-route', rule: 'status.unknown-route', message: /DELETE \/templates → 405/,
    breakage: { response: (r, res) => (r.method === 'DELETE' ? { ...res, status: 405 } : res) } },
  // org scoping
  { name: '403 instead of 404 across orgs', probe: 'org.cross-org-read', rule: 'org.isolation-read', message: /org B GET org A's run → 403/,
    breakage: {
      response: (r, res, st) => {
        if (r.method === 'POST' && res.status === 201) st.run = JSON.parse(res.body).id;
        return isRun(r.path) && r.path.includes(String(st.run)) && res.status === 404 ? { ...res, status: 403, body: '{"error":"forbidden","message":"not yours"}' } : res;
      },
    } },
  { name: "another org's run readable", probe: 'org.cross-org-read', rule: 'org.isolation-read', message: /org B GET org A's run → 200/,
    breakage: {
      response: (r, res, st) => {
        if (r.method === 'POST' && res.status === 201) st.run = res.body;
        return isRun(r.path) && st.run && r.path.includes(JSON.parse(st.run as string).id) && res.status === 404 ? { ...res, status: 200, body: st.run as string } : res;
      },
    } },
  { name: "org A's run in org B's list", probe: 'org.lists', rule: 'org.isolation-list', message: /org B's list contains org A's run/,
    breakage: {
      response: (r, res, st) => {
        if (r.method === 'POST' && res.status === 201) ((st.run = JSON.parse(res.body)), (st.owner = authOf(r.headers)));
        return r.method === 'GET' && r.path.startsWith('/v1/runs?') && st.run && authOf(r.headers) !== st.owner
          ? withJson(res, (d) => (d.data.some((x: { id: string }) => x.id === (st.run as { id: string }).id) ? d : { ...d, data: [...d.data, st.run] }))
          : res;
      },
    } },
  // pagination
  { name: 'an item repeated across pages', probe: 'pagination.templates', rule: 'pagination.complete-no-duplicates', message: /repeated/,
    breakage: { response: (r, res) => (r.path.includes('page=2') && r.path.startsWith('/v1/templates?') ? withJson(res, (d) => (d.data.length > 1 ? ((d.data[1] = d.data[0]), d) : d)) : res) } },
  { name: 'wrong total on page 2', probe: 'pagination.templates', rule: 'pagination.total-stable', message: /total on every page: \d+, \d+/,
    breakage: { response: (r, res) => (r.path.includes('page=2') ? withJson(res, (d) => ({ ...d, pagination: { ...d.pagination, total: d.pagination.total + 1 } })) : res) } },
  { name: 'next_page set on the last page', probe: 'pagination.templates', rule: 'pagination.next-page', message: /next_page/,
    breakage: { response: (r, res) => (r.path.startsWith('/v1/templates?') ? withJson(res, (d) => ({ ...d, pagination: { ...d.pagination, next_page: d.pagination.page + 1 } })) : res) } },
  { name: 'per_page ignored', probe: 'pagination.templates', rule: 'pagination.envelope-schema', message: /page\/per_page echo/,
    breakage: { request: (r) => ({ ...r, path: r.path.replace(/&per_page=\d+/, '') }) } },
  { name: 'per_page silently clamped', probe: 'pagination.bounds', rule: 'pagination.per-page-bounds', message: /per_page=101 → 200/,
    breakage: { request: (r) => ({ ...r, path: r.path.replace('per_page=101', 'per_page=100') }) } },
  // runs
  { name: 'read-back differs from the created run', probe: 'runs.create-read', rule: 'runs.create-read-consistent', message: /read-back differs in expires_at/,
    breakage: { response: (r, res) => (r.method === 'GET' && isRun(r.path) && res.status === 200 ? withJson(res, (d) => ({ ...d, expires_at: '2099-01-01T00:00:00.000Z' })) : res) } },
  { name: 'expires_at not created_at + hours', probe: 'runs.create-read', rule: 'runs.expiry-arithmetic', message: /expires_at - created_at = 49 h \(asked 48\)/,
    breakage: { response: (r, res) => (r.method === 'POST' && res.status === 201 ? withJson(res, (d) => ({ ...d, expires_at: new Date(Date.parse(d.created_at) + 49 * 3600_000).toISOString() })) : res) } },
  // rate limiting
  { name: 'no rate limit at all', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.429-status', message: /no 429 after 1001 requests on one key \(the cap of 1000/,
    sim: { rateLimit: null }, breakage: {} },
  { name: 'Retry-After missing', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-present', message: /429 without a Retry-After header/,
    sim: { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } },
    breakage: { response: (_r, res) => (res.status === 429 ? { ...res, headers: Object.fromEntries(Object.entries(res.headers).filter(([k]) => k !== 'retry-after')) } : res) } },
  { name: 'Retry-After fractional', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-valid', message: /1\.5/,
    sim: { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } },
    breakage: { response: (_r, res) => (res.status === 429 ? { ...res, headers: { ...res.headers, 'retry-after': '1.5' } } : res) } },
  { name: 'Retry-After zero', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-positive', message: /0/,
    sim: { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } },
    breakage: { response: (_r, res) => (res.status === 429 ? { ...res, headers: { ...res.headers, 'retry-after': '0' } } : res) } },
  { name: 'Retry-After too short', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.retry-after-honoured', message: /retry after waiting Retry-After \(1 s\) → 429/,
    sim: { rateLimit: { limit: 10, windowMs: 4000, algorithm: 'fixed-window' } },
    breakage: { response: (_r, res) => (res.status === 429 ? { ...res, headers: { ...res.headers, 'retry-after': '1' } } : res) } },
  { name: '429 without the error body', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.error-body', message: /429 body/,
    sim: { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } },
    breakage: { response: (_r, res) => (res.status === 429 ? { ...res, body: 'Too Many Requests', headers: { ...res.headers, 'content-type': 'text/plain' } } : res) } },
  { name: 'other keys throttled with the dedicated one', probe: 'ratelimit.burst-and-recover', rule: 'ratelimit.isolation', message: /the secondary key → 429/,
    sim: { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } },
    breakage: {
      response: (r, res, st) => {
        if (res.status === 429) st.throttled = true;
        return st.throttled && r.path === '/v1/templates?per_page=1' && res.status === 200 ? { ...res, status: 429, headers: { ...res.headers, 'retry-after': '1' }, body: '{"error":"rate_limited","message":"slow down"}' } : res;
      },
    } },
  // every remaining rule, one breakage each
  { name: 'list without its pagination object', probe: 'templates.list-and-get', rule: 'envelope.collection', message: /pagination/,
    breakage: { response: (r, res) => (r.path === '/v1/templates' ? withJson(res, (d) => ({ data: d.data })) : res) } },
  { name: 'upper-case template ids', probe: 'templates.list-and-get', rule: 'ids.format', message: /template ids not 't-' \+ lowercase UUID: T-/,
    breakage: { response: (r, res) => (r.path === '/v1/templates' ? withJson(res, (d) => ({ ...d, data: d.data.map((t: { id: string }) => ({ ...t, id: t.id.toUpperCase() })) })) : res) } },
  { name: 'missing required field accepted as a validation error', probe: 'runs.missing-field', rule: 'status.400-bad-request', message: /expected 400, got 422/,
    breakage: { response: (r, res) => (r.method === 'POST' && res.status === 400 ? { ...res, status: 422, body: '{"error":"validation_failed","message":"x"}' } : res) } },
  { name: '401 with the wrong error code', probe: 'auth.missing-header', rule: 'status.401-unauthorized', message: /expected error code unauthorized, got "forbidden"/,
    breakage: { response: (_r, res) => (res.status === 401 ? withJson(res, (d) => ({ ...d, error: 'forbidden' })) : res) } },
  { name: 'unknown template id answered 200', probe: 'templates.unknown-id', rule: 'status.404-not-found', message: /expected 404, got 200/,
    breakage: { response: (r, res) => (/^\/v1\/templates\/t-/.test(r.path) && res.status === 404 ? { ...res, status: 200, body: '{"id":"t-00000000-0000-4000-8000-000000000000","name":"ghost","created_at":"2026-01-01T00:00:00Z"}' } : res) } },
  { name: 'a throttled create answered 503', probe: 'ratelimit.burst-and-recover', rule: 'status.429-rate-limited', message: /POST \/runs while the key is throttled → 503/,
    sim: { rateLimit: { limit: 10, windowMs: 1000, algorithm: 'fixed-window' } },
    breakage: { response: (r, res) => (r.method === 'POST' && res.status === 429 ? { ...res, status: 503, body: '{"error":"unavailable","message":"busy"}' } : res) } },
  { name: 'a status outside the reference table', probe: 'status.unknown-route', rule: 'status.in-table', message: /status 405 is not one of the reference's ten codes/,
    breakage: { response: (r, res) => (r.method === 'DELETE' ? { ...res, status: 405 } : res) } },
  { name: 'default per_page other than 50', probe: 'pagination.templates', rule: 'pagination.default-per-page', message: /per_page 25 \(contract default 50\)/,
    breakage: { request: (r) => (r.path.startsWith('/v1/templates?page=') && !r.path.includes('per_page') ? { ...r, path: `${r.path}&per_page=25` } : r) } },
  { name: 'a short page before the last', probe: 'pagination.templates', rule: 'pagination.full-pages', message: /page 2 holds 6 items, expected 7/,
    breakage: { response: (r, res) => (r.path === '/v1/templates?page=2&per_page=7' ? withJson(res, (d) => ({ ...d, data: d.data.slice(1) })) : res) } },
  { name: 'expires_in_hours out of range accepted', probe: 'runs.validation', rule: 'runs.expires-in-hours-range', message: /expires_in_hours 169 → 201/,
    breakage: { request: (r) => (r.method === 'POST' && r.body.includes('"expires_in_hours":169') ? { ...r, body: r.body.replace('169', '168') } : r) } },
  // transport
  { name: 'dropped connection', probe: 'templates.list-and-get', rule: 'status.200-success', message: /no response: (ECONNRESET|socket hang up|error)/i,
    breakage: { transport: (r) => (r.path === '/v1/templates' ? 'drop' : undefined) } },
  { name: 'hanging response', probe: 'templates.list-and-get', rule: 'status.200-success', message: /timeout: no complete response within 2000 ms/,
    breakage: { transport: (r) => (r.path === '/v1/templates' ? 'hang' : undefined) } },
];

describe('each conformance check fails on a server that breaks its rule', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await runAgainst(c.probe, c.breakage, c.sim);
    const failed = result.outcomes.filter((o) => !o.ok);
    expect(result.status, JSON.stringify(result.outcomes.slice(0, 5), null, 1)).toBe('fail');
    const onRule = failed.filter((o) => o.rule === c.rule);
    expect(onRule.length, `no failure on ${c.rule}; failures: ${failed.map((o) => `${o.rule}: ${o.message}`).join(' | ')}`).toBeGreaterThan(0);
    expect(onRule.map((o) => o.message).join('\n')).toMatch(c.message);
    // Evidence is attached and never holds a key in full.
    const evidence = JSON.stringify(onRule.flatMap((o) => o.evidence));
    expect(evidence).not.toMatch(/rdk_live_[A-Za-z0-9]{32}/);
  });
});

describe('additive changes: unknown fields never fail a check, they are listed as drift', () => {
  it('probes pass against a server that adds properties everywhere', async () => {
    const addFields = (doc: unknown): unknown =>
      Array.isArray(doc) ? doc.map(addFields) : doc && typeof doc === 'object' ? { ...Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, addFields(v)])), x_new: 1 } : doc;
    for (const probe of ['templates.list-and-get', 'runs.create-read', 'pagination.runs', 'runs.unknown-id']) {
      const r = await runAgainst(probe, { response: (_r, res) => withJson(res, addFields) });
      expect(r.status, `${probe}: ${r.reason}`).toBe('pass');
      if (probe !== 'runs.unknown-id') expect(r.drift.map((d) => d.path)).toContain('/x_new');
    }
  });
});

describe('control: the same probes pass through an honest proxy', () => {
  it('every probe passes or skips with a reason', async () => {
    const s = await startSimulator({ rateLimit: { limit: 60, windowMs: 1000, algorithm: 'fixed-window' } });
    const proxy = await startBrokenProxy(s.origin, {});
    cleanups.push(() => s.close(), () => proxy.close());
    const target = parseFixtures(JSON.stringify(s.fixtures));
    target.baseUrl = `${proxy.origin}/v1`;
    const env = createProbeEnv({ target, overrides: {}, timeoutMs: 2000, paceRps: 30 });
    cleanups.push(async () => env.close());
    const results = [];
    for (const p of probes) results.push(await runProbe(p, env));
    const bad = results.filter((r) => r.status !== 'pass').map((r) => `${r.probe}: ${r.status} ${r.reason}`);
    expect(bad).toEqual([]);
  }, 120_000);
});
