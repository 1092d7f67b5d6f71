// The clean network distance (--latency <ms>[:<jitter>]): parsing (CLI, in-process, conformance
// config), every status class delayed (200, 401, 404, 429), /_sim and the connection-level 400
// for malformed HTTP not delayed, the request half before the edge, the draws' bounds and seeded repeatability,
// and concurrency: 200 requests in flight finish in about one latency, not 200 of them.
// Bounds are generous (timers may be late under load, never early by more than a tick).
import { Agent, request } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readConformanceConfig } from '../../conformance/engine/config';
import { createSimClock } from '../../simulator/clock';
import { createNetworkLatency, latencyProblem, mulberry32, parseLatencySpec } from '../../simulator/latency';
import { parseCli, UsageError } from '../../simulator/options';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { call, closeAgent, raw } from './helpers';

const running: RunningSimulator[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});
afterAll(() => closeAgent());

async function start(opts: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> {
  const s = await startSimulator(opts);
  running.push(s);
  return s;
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

describe('parsing', () => {
  it.each([
    ['0', { ms: 0, jitterMs: 0 }],
    ['50', { ms: 50, jitterMs: 0 }],
    ['50:10', { ms: 50, jitterMs: 10 }],
    ['50:0', { ms: 50, jitterMs: 0 }],
    ['50:50', { ms: 50, jitterMs: 50 }],
    ['12.5:2.5', { ms: 12.5, jitterMs: 2.5 }],
    ['60000', { ms: 60000, jitterMs: 0 }],
  ])('"%s" is accepted', (spec, expected) => expect(parseLatencySpec(spec)).toEqual(expected));

  it.each([
    ['abc', /must look like/],
    ['', /must look like/],
    ['-5', /non-negative/],
    ['50:-1', /must look like/],
    ['50:', /must look like/],
    [':10', /must look like/],
    ['50:10:1', /must look like/],
    ['50ms', /must look like/],
    ['10:20', /jitter \(20 ms\) must not exceed the latency \(10 ms\)/],
    ['70000', /from 0 to 60000/],
  ])('"%s" is refused', (spec, message) => expect(() => parseLatencySpec(spec)).toThrow(message));

  it('in process: bad options are refused before anything starts', () => {
    expect(latencyProblem({ ms: -1 })).toMatch(/from 0/);
    expect(latencyProblem({ ms: 10, jitterMs: 11 })).toMatch(/must not exceed/);
    expect(latencyProblem({ ms: 10, seed: 1.5 })).toMatch(/seed/);
    expect(latencyProblem({ ms: Number.NaN })).toMatch(/number of ms/);
    expect(() => createNetworkLatency({ ms: 5, jitterMs: 6 })).toThrow(RangeError);
  });

  it('CLI: --latency and --seed, and clear refusals', () => {
    expect(parseCli(['--latency', '50:10']).start.latency).toEqual({ ms: 50, jitterMs: 10, seed: 1 });
    expect(parseCli(['--latency=50', '--seed', '7']).start.latency).toEqual({ ms: 50, jitterMs: 0, seed: 7 });
    expect(parseCli([]).start.latency).toBeUndefined();
    expect(() => parseCli(['--latency', 'abc'])).toThrow(UsageError);
    expect(() => parseCli(['--latency', 'abc'])).toThrow(/--latency: latency must look like <ms> or <ms>:<jitter ms>/);
    expect(() => parseCli(['--latency', '-5'])).toThrow(/--latency/);
    expect(() => parseCli(['--latency', '10:20'])).toThrow(/must not exceed/);
    expect(() => parseCli(['--latency'])).toThrow(/needs a value/);
    expect(() => parseCli(['--latency', '50', '--seed', 'x'])).toThrow(/--seed must be a non-negative integer/);
    expect(() => parseCli(['--seed', '3'])).toThrow(/give --latency too/);
  });

  it('conformance suite: RUNDUN_SIM_LATENCY (and _SEED) next to the other RUNDUN_SIM_* variables', () => {
    expect(readConformanceConfig({ RUNDUN_SIM_LATENCY: '50:10' }).simulator.latency).toEqual({ ms: 50, jitterMs: 10 });
    expect(readConformanceConfig({ RUNDUN_SIM_LATENCY: '50:10', RUNDUN_SIM_LATENCY_SEED: '9' }).simulator.latency).toEqual({ ms: 50, jitterMs: 10, seed: 9 });
    expect(readConformanceConfig({}).simulator.latency).toBeUndefined();
    expect(() => readConformanceConfig({ RUNDUN_SIM_LATENCY: 'abc' })).toThrow(/RUNDUN_SIM_LATENCY: latency must look like/);
    expect(() => readConformanceConfig({ RUNDUN_SIM_LATENCY: '5:10' })).toThrow(/RUNDUN_SIM_LATENCY: jitter/);
  });
});

describe('the delay draws', () => {
  it('mulberry32 is a deterministic function of its seed', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('same seed, same delay sequence; another seed, another sequence', () => {
    const draw = (seed: number) => {
      const n = createNetworkLatency({ ms: 50, jitterMs: 10, seed });
      return Array.from({ length: 500 }, () => n.half());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(43)).not.toEqual(draw(42));
    expect(createNetworkLatency({ ms: 50, jitterMs: 10 }).seed).toBe(1); // the fixed default
  });

  it('each half lies in ms/2 ± jitter/2, spread over the whole range, centred', () => {
    const n = createNetworkLatency({ ms: 50, jitterMs: 10, seed: 5 });
    const xs = Array.from({ length: 20_000 }, () => n.half());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...xs)).toBeLessThanOrEqual(30);
    expect(Math.min(...xs)).toBeLessThan(20.1);
    expect(Math.max(...xs)).toBeGreaterThan(29.9);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 25)).toBeLessThan(0.2);
    // a round trip (two halves) stays within ms ± jitter, never negative even at jitter = ms
    const full = createNetworkLatency({ ms: 8, jitterMs: 8, seed: 1 });
    const trips = Array.from({ length: 5000 }, () => full.half() + full.half());
    expect(Math.min(...trips)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...trips)).toBeLessThanOrEqual(16);
    // no jitter: exactly half each time
    const flat = createNetworkLatency({ ms: 50 });
    expect(new Set(Array.from({ length: 10 }, () => flat.half()))).toEqual(new Set([25]));
  });
});

describe('over HTTP', () => {
  const LAT = 200;

  it('delays every status class: 200, 401, 404, 429; /_sim is not delayed', async () => {
    const s = await start({ latency: { ms: LAT }, rateLimit: { limit: 1, windowMs: 60_000, algorithm: 'fixed-window' } });
    const k = s.fixtures.keys;
    const cases: Array<[number, () => Promise<number>]> = [
      [200, async () => (await call(s.origin, '/v1/templates', { key: k.primary })).status],
      [429, async () => (await call(s.origin, '/v1/templates', { key: k.primary })).status],
      [401, async () => (await call(s.origin, '/v1/templates', { key: k.revoked })).status],
      [404, async () => (await call(s.origin, `/v1/runs/r-00000000-0000-4000-8000-000000000000`, { key: k.secondary })).status],
    ];
    for (const [status, send] of cases) {
      const r = await timed(send);
      expect(r.value).toBe(status);
      expect(r.ms, `${status} came back in ${r.ms.toFixed(1)} ms`).toBeGreaterThanOrEqual(LAT - 5);
      expect(r.ms, `${status} came back in ${r.ms.toFixed(1)} ms`).toBeLessThan(LAT + 1000);
    }
    // Malformed HTTP never reaches the API: node's connection layer answers it, undelayed.
    const bad = await timed(() => raw(Number(new URL(s.origin).port), 'NOT HTTP\r\n\r\n'));
    expect(bad.value.split(' ')[1]).toBe('400');
    const admin = await timed(() => call(s.origin, '/_sim/stats', { headers: { 'x-sim-admin-token': s.fixtures.admin.token } }));
    expect(admin.value.status).toBe(200);
    expect(admin.ms).toBeLessThan(LAT / 2);
    // and the 429 still carries its Retry-After and body
    const again = await call(s.origin, '/v1/templates', { key: k.primary });
    expect(again.status).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('the edge sees the request half a round trip after it was sent', async () => {
    const seen: number[] = [];
    const clock = createSimClock({
      monotonic: () => {
        seen.push(performance.now());
        return Math.floor(performance.now());
      },
    });
    const s = await start({ latency: { ms: LAT }, clock });
    seen.length = 0;
    const sent = performance.now();
    const r = await call(s.origin, '/v1/templates', { key: s.fixtures.keys.primary });
    const back = performance.now();
    expect(r.status).toBe(200);
    expect(seen.length).toBeGreaterThan(0);
    const arrival = seen[0]! - sent;
    expect(arrival).toBeGreaterThanOrEqual(LAT / 2 - 5);
    expect(arrival).toBeLessThan(LAT / 2 + 500);
    expect(back - seen[0]!).toBeGreaterThanOrEqual(LAT / 2 - 5); // the response travels the other half
  });

  it('round trips stay within ms ± jitter (plus scheduling slack)', async () => {
    const s = await start({ latency: { ms: 60, jitterMs: 30, seed: 3 }, rateLimit: null });
    const trips: number[] = [];
    for (let batch = 0; batch < 8; batch++) {
      const rs = await Promise.all(Array.from({ length: 10 }, () => timed(() => call(s.origin, '/v1/templates?per_page=1', { key: s.fixtures.keys.primary }))));
      for (const r of rs) {
        expect(r.value.status).toBe(200);
        trips.push(r.ms);
      }
    }
    expect(Math.min(...trips)).toBeGreaterThanOrEqual(30 - 3);
    expect(Math.max(...trips)).toBeLessThan(90 + 400);
    // jitter is really applied: the spread is a good part of the ±30 range
    const sorted = [...trips].sort((a, b) => a - b);
    expect(sorted[sorted.length - 5]! - sorted[4]!).toBeGreaterThan(15);
  });

  it('200 requests in flight complete in about one latency, not 200 of them', async () => {
    const s = await start({ latency: { ms: LAT, jitterMs: 20 }, rateLimit: null });
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    try {
      const one = () =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${s.origin}/v1/templates?per_page=1`, { agent, headers: { authorization: `Bearer ${s.fixtures.keys.primary}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
      const r = await timed(() => Promise.all(Array.from({ length: 200 }, one)));
      expect(r.value.every((st) => st === 200)).toBe(true);
      expect(r.ms).toBeGreaterThanOrEqual(LAT - 20 - 5);
      expect(r.ms, `200 concurrent requests took ${r.ms.toFixed(0)} ms`).toBeLessThan(LAT * 6);
    } finally {
      agent.destroy();
    }
  });

  it('without --latency nothing is delayed', async () => {
    const s = await start({});
    const r = await timed(() => call(s.origin, '/v1/templates', { key: s.fixtures.keys.primary }));
    expect(r.value.status).toBe(200);
    expect(s.simulator.latency).toBeNull();
    expect(r.ms).toBeLessThan(LAT);
  });
});
