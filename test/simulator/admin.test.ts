// The /_sim admin surface: its token, its routes and their input checks, and the armed
// 500s (fail-next) it controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { call, closeAgent, expectError, expectValid, type Reply } from './helpers';

let sim: RunningSimulator;
let token: string;
const admin = (method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> =>
  call(sim.origin, `/_sim${path}`, { method, headers: { 'x-sim-admin-token': token, ...headers }, body });

beforeAll(async () => {
  sim = await startSimulator({ rateLimit: null });
  token = sim.fixtures.admin.token;
});
afterAll(async () => {
  closeAgent();
  await sim.close();
});

describe('admin auth', () => {
  const rows: [string, () => Record<string, string>][] = [
    ['no token', () => ({})],
    ['empty token', () => ({ 'x-sim-admin-token': '' })],
    ['wrong token', () => ({ 'x-sim-admin-token': 'nope' })],
    ['token with a suffix', () => ({ 'x-sim-admin-token': `${token}x` })],
    ['token in another header', () => ({ 'x-sim-admin': token })],
    ['an API key instead', () => ({ authorization: `Bearer ${sim.fixtures.keys.primary}` })],
  ];
  it.each(rows)('%s -> 401', async (_name, makeHeaders) => {
    const headers = makeHeaders();
    for (const [method, path] of [['GET', '/_sim/clock'], ['POST', '/_sim/clock'], ['GET', '/_sim/stats'], ['POST', '/_sim/fail-next'], ['GET', '/_sim/zzz']]) {
      // (No body on GET: node's client would send it unframed.)
      const body = method === 'POST' ? '{}' : undefined;
      expectError(await call(sim.origin, path!, { method: method!, headers, body }), 401, 'unauthorized');
    }
  });

  it('the right token -> 200; admin is not under /v1', async () => {
    expect((await admin('GET', '/clock')).status).toBe(200);
    expectError(await call(sim.origin, '/v1/_sim/clock', { key: sim.fixtures.keys.primary }), 404, 'not_found');
    expectError(await call(sim.origin, '/_simx/clock', { headers: { 'x-sim-admin-token': token } }), 401, 'unauthorized');
  });
});

describe('admin routes', () => {
  it('GET /clock tells now; POST /clock advances it by whole or fractional seconds', async () => {
    const before = (await admin('GET', '/clock')).json as { now: string; now_ms: number; offset_seconds: number };
    expect(before.now).toBe(new Date(before.now_ms).toISOString());
    const after = (await admin('POST', '/clock', '{"advance_seconds": 86400.5}', { 'content-type': 'application/json' })).json as typeof before;
    expect(after.offset_seconds - before.offset_seconds).toBe(86400.5);
    expect(after.now_ms - before.now_ms).toBeGreaterThanOrEqual(86_400_500);
  });

  const badBodies: [string, string, string, number, string][] = [
    ['POST', '/clock', '{"advance_seconds": -1}', 422, 'validation_failed'],
    ['POST', '/clock', '{"advance_seconds": "10"}', 422, 'validation_failed'],
    ['POST', '/clock', '{}', 422, 'validation_failed'],
    ['POST', '/clock', '{"advance_seconds": 1e12}', 422, 'validation_failed'],
    ['POST', '/clock', '{"advance_seconds":', 400, 'bad_request'],
    ['POST', '/clock', '[1]', 400, 'bad_request'],
    ['POST', '/fail-next', '{"count": 0}', 422, 'validation_failed'],
    ['POST', '/fail-next', '{"count": 1.5}', 422, 'validation_failed'],
    ['POST', '/fail-next', '{"path": "templates"}', 422, 'validation_failed'],
    ['POST', '/fail-next', '{"path": "/v1/templates?page=2"}', 422, 'validation_failed'],
    ['POST', '/fail-next', '{"path": 5}', 422, 'validation_failed'],
    ['POST', '/fail-next', 'nope', 400, 'bad_request'],
    ['GET', '/fail-next', '', 404, 'not_found'],
    ['DELETE', '/clock', '', 404, 'not_found'],
    ['GET', '/nothing', '', 404, 'not_found'],
  ];
  it.each(badBodies)('%s %s %s -> %i', async (method, path, body, status, code) => {
    expectError(await admin(method, path, body === '' ? undefined : body), status, code);
  });

  it('GET /stats counts API responses by status (admin traffic apart)', async () => {
    const before = (await admin('GET', '/stats')).json as { total: number; by_status: Record<string, number> };
    await call(sim.origin, '/v1/templates', { key: sim.fixtures.keys.primary });
    await call(sim.origin, '/v1/templates');
    await call(sim.origin, '/v1/templates');
    const after = (await admin('GET', '/stats')).json as typeof before;
    expect(after.total - before.total).toBe(3);
    expect((after.by_status['200'] ?? 0) - (before.by_status['200'] ?? 0)).toBe(1);
    expect((after.by_status['401'] ?? 0) - (before.by_status['401'] ?? 0)).toBe(2);
  });
});

describe('fail-next', () => {
  const k = () => sim.fixtures.keys.primary;
  const arm = (body: object) => admin('POST', '/fail-next', JSON.stringify(body), { 'content-type': 'application/json' });

  it('fails the next `count` requests to that path only, after auth, then recovers', async () => {
    expect((await arm({ count: 2, path: '/v1/templates' })).json).toEqual({ pending: [{ path: '/v1/templates', count: 2 }] });
    expectError(await call(sim.origin, '/v1/templates'), 401, 'unauthorized'); // did not pass auth: not used up
    expectValid(await call(sim.origin, '/v1/runs', { key: k() }), 200, 'RunList'); // other path
    expectValid(await call(sim.origin, '/v1/templates?per_page=5', { key: k() }), 500, 'Error'); // query ignored
    const second = await call(sim.origin, '/v1/templates', { key: k() });
    expectError(second, 500, 'internal_error');
    expect(second.text).not.toMatch(/\bat\s|\.ts|\.js|Error:/); // nothing from inside
    expectValid(await call(sim.origin, '/v1/templates', { key: k() }), 200, 'TemplateList');
    expect(((await admin('GET', '/stats')).json as { fail_next: unknown[] }).fail_next).toEqual([]);
  });

  it('without a path it fails any /v1 request, including unknown routes', async () => {
    await arm({});
    expectError(await call(sim.origin, '/v1/unknown', { key: k() }), 500, 'internal_error');
    expectValid(await call(sim.origin, '/v1/templates', { key: k() }), 200, 'TemplateList');
  });
});
