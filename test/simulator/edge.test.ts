// The edge rate limit inside the running pipeline (in-process server, hand-driven clock): it
// comes before auth and routing, counts per presented token (or per address without one),
// answers 429 with Retry-After in both formats, and ignores admin clock jumps.
import { afterEach, describe, expect, it } from 'vitest';
import { parseHttpDate } from '../../lib/http-date';
import { createManualTime, createSimClock, type ManualTime } from '../../simulator/clock';
import type { RetryAfterFormat } from '../../simulator/context';
import { generateKey } from '../../simulator/keys';
import { ALGORITHMS, type Algorithm } from '../../simulator/rate-limit';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { call, expectError, expectValid } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const LIMIT = 3;

async function start(algorithm: Algorithm, retryAfterFormat: RetryAfterFormat = 'delay-seconds'): Promise<{ s: RunningSimulator; time: ManualTime }> {
  // Mid-second start, so second rounding is exercised.
  const time = createManualTime(Date.UTC(2025, 5, 1, 12, 0, 0, 640), 50_000);
  const s = await startSimulator({
    rateLimit: { limit: LIMIT, windowMs: 1000, algorithm },
    retryAfterFormat,
    clock: createSimClock({ wall: time.wall, monotonic: time.monotonic }),
  });
  sim = s;
  return { s, time };
}

const templates = (s: RunningSimulator, key?: string, path = '/v1/templates') => call(s.origin, path, key === undefined ? {} : { key });

describe.each(ALGORITHMS)('%s at the edge', (algorithm) => {
  it('429 after the limit, with the error body and an integer Retry-After; waiting it succeeds', async () => {
    const { s, time } = await start(algorithm);
    const k = s.fixtures.keys.ratelimit;
    for (let i = 0; i < LIMIT; i++) expect((await templates(s, k)).status).toBe(200);
    const r = await templates(s, k);
    expectError(r, 429, 'rate_limited');
    const ra = r.headers['retry-after'];
    expect(ra).toMatch(/^[1-9][0-9]*$/);
    // Waiting a bit less is not enough; waiting Retry-After is.
    time.tick(Number(ra) * 1000 - 1000 + 1);
    if (algorithm !== 'fixed-window') expect((await templates(s, k)).status).toBe(429);
    time.tick(1000 - 1);
    expectValid(await templates(s, k), 200, 'TemplateList');
  });

  it('http-date: Retry-After and Date are IMF-fixdates from one clock reading; waiting the difference succeeds', async () => {
    const { s, time } = await start(algorithm, 'http-date');
    const k = s.fixtures.keys.ratelimit;
    for (let i = 0; i < LIMIT; i++) await templates(s, k);
    const r = await templates(s, k);
    expectError(r, 429, 'rate_limited');
    const ra = parseHttpDate(String(r.headers['retry-after']));
    const date = parseHttpDate(String(r.headers['date']));
    expect(ra).toMatchObject({ ok: true, form: 'imf-fixdate' });
    expect(date).toMatchObject({ ok: true, form: 'imf-fixdate', epochSeconds: Math.floor(time.wall() / 1000) });
    if (!ra.ok || !date.ok) return;
    expect(ra.epochSeconds - date.epochSeconds).toBeGreaterThanOrEqual(1);
    time.tick((ra.epochSeconds - date.epochSeconds) * 1000);
    expect((await templates(s, k)).status).toBe(200);
  });
});

describe('what the edge counts', () => {
  it('401s count: an unknown key is throttled like any other', async () => {
    const { s } = await start('sliding-window');
    const unknown = generateKey();
    for (let i = 0; i < LIMIT; i++) expectError(await templates(s, unknown), 401, 'unauthorized');
    expectError(await templates(s, unknown), 429, 'rate_limited');
  });

  it('404s count: unknown routes use up the key', async () => {
    const { s } = await start('fixed-window');
    const k = s.fixtures.keys.ratelimit;
    for (let i = 0; i < LIMIT; i++) expectError(await templates(s, k, '/v1/nowhere'), 404, 'not_found');
    expectError(await templates(s, k), 429, 'rate_limited');
  });

  it('no bearer token: counted per source address, separately from keys', async () => {
    const { s } = await start('token-bucket');
    for (let i = 0; i < LIMIT; i++) expectError(await templates(s), 401, 'unauthorized');
    expectError(await templates(s), 429, 'rate_limited');
    expect((await templates(s, s.fixtures.keys.primary)).status).toBe(200);
  });

  it('isolation: a throttled key leaves the other keys of its org, and other orgs, alone', async () => {
    const { s } = await start('fixed-window');
    const k = s.fixtures.keys;
    for (let i = 0; i <= LIMIT; i++) await templates(s, k.ratelimit);
    expectError(await templates(s, k.ratelimit), 429, 'rate_limited');
    for (const other of [k.primary, k.secondary, k.other_org, ...s.fixtures.pool.slice(0, 2)]) {
      expect((await templates(s, other)).status).toBe(200);
    }
  });

  it('the edge comes before armed failures: a 429 does not use one up', async () => {
    const { s } = await start('fixed-window');
    const k = s.fixtures.keys.ratelimit;
    for (let i = 0; i < LIMIT; i++) await templates(s, k);
    s.simulator.failNext.arm(1, null);
    expectError(await templates(s, k), 429, 'rate_limited');
    expectError(await templates(s, s.fixtures.keys.primary), 500, 'internal_error');
  });

  it('admin clock jumps do not reset the limiter (monotonic clock), and /_sim is never limited', async () => {
    const { s } = await start('sliding-window');
    const k = s.fixtures.keys.ratelimit;
    for (let i = 0; i < LIMIT; i++) await templates(s, k);
    const adminHeaders = { 'x-sim-admin-token': s.fixtures.admin.token, 'content-type': 'application/json' };
    for (let i = 0; i < LIMIT * 3; i++) {
      const r = await call(s.origin, '/_sim/clock', { method: 'POST', headers: adminHeaders, body: '{"advance_seconds":3600}' });
      expect(r.status).toBe(200);
    }
    expectError(await templates(s, k), 429, 'rate_limited');
  });
});
