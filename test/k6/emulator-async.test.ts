// The emulator's async side, with k6's semantics: http.asyncRequest runs concurrently without
// blocking the VU, the k6 timers run on the VU's event loop (which a synchronous request or
// sleep() blocks), and an iteration ends only when its promise has settled and no timer or async
// request is pending. Then the real-k6 async probe (test/fixtures/k6-real/async-probe.js,
// recorded figures in its README) against the in-process simulator with 50 ms added latency.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareBundle, run, type RunResult } from './support/emulator';
import type { Sample } from './support/protocol';
import { startTarget } from './support/targets';

vi.setConfig({ testTimeout: 60_000 });

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rundun-k6-async-'));
let server: Server;
let base = '';
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  // GET /slow?ms=N answers after N ms; /json answers JSON with a lower-case header; /status/N.
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const end = (status: number, body: string, headers: Record<string, string> = {}) => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'application/json', 'x-emu-probe': 'yes', ...headers });
      res.end(body);
    };
    if (u.pathname === '/slow') setTimeout(() => end(200, '{"ok":true}'), Number(u.searchParams.get('ms') ?? 0));
    else if (u.pathname.startsWith('/status/')) end(Number(u.pathname.slice(8)), '{"status":true}');
    else end(200, '{"ok":true}');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${a.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** Runs an inline k6 script (ESM, k6 modules) in the emulator. BASE is the slow server. */
async function runScript(source: string, env: Record<string, string> = {}, opts: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  const file = join(dir, `script-${seq++}.js`);
  writeFileSync(file, source);
  return run(await prepareBundle(file), { BASE: base, ...env }, { timeoutMs: 30_000, ...opts });
}

const of = (r: RunResult, metric: string): Sample[] => r.samples.filter((s) => s.metric === metric);
const checkNames = (r: RunResult): string[] => of(r, 'checks').map((s) => s.tags.check as string);
const logs = (r: RunResult): string[] => r.logs.map((l) => l.message);
const ONE = (executor = "executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '20s'") =>
  `export const options = { scenarios: { one: { ${executor} } } };`;

describe('http.asyncRequest and k6 timers in the emulator', () => {
  it('runs async requests concurrently: 20 requests of 300 ms take about one latency', async () => {
    maxInFlight = 0;
    const r = await runScript(`
      import http from 'k6/http';
      import { check } from 'k6';
      ${ONE()}
      export default async function () {
        const t0 = Date.now();
        const all = [];
        for (let i = 0; i < 20; i++) all.push(http.asyncRequest('GET', __ENV.BASE + '/slow?ms=300'));
        const rs = await Promise.all(all);
        check(rs, { 'all 200': (x) => x.every((y) => y.status === 200) });
        console.log('took ' + (Date.now() - t0));
      }`);
    expect(r.exitCode, JSON.stringify(r.iterationErrors)).toBe(0);
    expect(r.iterationErrors).toEqual([]);
    const took = Number(/took (\d+)/.exec(logs(r).join('\n'))?.[1]);
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(1500); // 20 × 300 ms if they were serial
    expect(maxInFlight).toBe(20);
    expect(of(r, 'http_reqs')).toHaveLength(20);
    expect(of(r, 'checks').map((s) => s.value)).toEqual([1]);
    expect(of(r, 'iterations')).toHaveLength(1);
  });

  it('an iteration waits for timers and requests still pending after the function returned', async () => {
    const r = await runScript(`
      import http from 'k6/http';
      import { check } from 'k6';
      ${ONE("executor: 'per-vu-iterations', vus: 1, iterations: 3, maxDuration: '20s'")}
      export default function () {
        // Sync function: returns at once, its callbacks run later, still in this iteration.
        setTimeout(() => check(1, { 'late timer': () => true }), 150);
        http.asyncRequest('GET', __ENV.BASE + '/slow?ms=100').then((res) => check(res, { 'late request': (x) => x.status === 200 }));
      }`);
    expect(r.exitCode, JSON.stringify(r.iterationErrors)).toBe(0);
    const iters = of(r, 'iterations');
    expect(iters).toHaveLength(3);
    expect(checkNames(r).sort()).toEqual(['late request', 'late request', 'late request', 'late timer', 'late timer', 'late timer']);
    for (const d of of(r, 'iteration_duration')) expect(d.value).toBeGreaterThanOrEqual(145);
    // Each iteration's checks come before the iteration is counted.
    const order = r.samples.filter((s) => s.metric === 'checks' || s.metric === 'iterations').map((s) => (s.metric === 'iterations' ? 'I' : 'c'));
    expect(order.join('')).toBe('ccIccIccI');
  });

  it('an async default function: the iteration also waits for a timer set before it returned', async () => {
    const r = await runScript(`
      import { check } from 'k6';
      ${ONE()}
      export default async function () {
        await new Promise((res) => setTimeout(res, 20));
        setTimeout(() => check(1, { 'after return': () => true }), 100);
      }`);
    expect(r.exitCode).toBe(0);
    expect(checkNames(r)).toEqual(['after return']);
    expect(of(r, 'iteration_duration')[0]!.value).toBeGreaterThanOrEqual(115);
  });

  it('clearTimeout cancels a timer (the iteration does not wait for it); setInterval until clearInterval', async () => {
    const r = await runScript(`
      import { check } from 'k6';
      import { setInterval as si, clearInterval as ci } from 'k6/timers';
      ${ONE()}
      export default function () {
        const id = setTimeout(() => check(1, { 'cancelled timer': () => true }), 2000);
        clearTimeout(id);
        clearTimeout(12345); // unknown id: no-op
        let n = 0;
        const iv = si(() => { n++; check(n, { tick: () => true }); if (n === 3) ci(iv); }, 20);
        const g = setInterval(() => {}, 10);
        clearInterval(g);
      }`);
    expect(r.exitCode).toBe(0);
    expect(checkNames(r)).toEqual(['tick', 'tick', 'tick']);
    const d = of(r, 'iteration_duration')[0]!.value;
    expect(d).toBeGreaterThanOrEqual(55);
    expect(d).toBeLessThan(1500);
  });

  it('an async exception, a throwing timer callback and an unhandled rejection are iteration errors', async () => {
    const r = await runScript(`
      import { check } from 'k6';
      import exec from 'k6/execution';
      ${ONE("executor: 'per-vu-iterations', vus: 1, iterations: 4, maxDuration: '20s'")}
      export default async function () {
        const i = exec.scenario.iterationInTest;
        await new Promise((res) => setTimeout(res, 5));
        if (i === 0) throw new Error('boom-async');
        if (i === 1) { setTimeout(() => { throw new Error('boom-timer'); }, 5); setTimeout(() => check(1, { 'dropped': () => true }), 200); return; }
        if (i === 2) { Promise.reject(new Error('boom-unhandled')); await new Promise((res) => setTimeout(res, 20)); return; }
        check(1, { 'last ok': () => true });
      }`);
    expect(r.exitCode).toBe(0);
    expect(of(r, 'iterations')).toHaveLength(4);
    expect(r.iterationErrors).toHaveLength(3);
    expect(r.iterationErrors[0]).toMatch(/boom-async/);
    expect(r.iterationErrors[1]).toMatch(/boom-timer/);
    expect(r.iterationErrors[2]).toMatch(/Uncaught \(in promise\).*boom-unhandled/);
    // The error ended iteration 1: its other timer was dropped, as k6 does.
    expect(checkNames(r)).toEqual(['last ok']);
  });

  it('a synchronous http.get or sleep() inside an async function blocks the timers (one event loop)', async () => {
    const r = await runScript(`
      import http from 'k6/http';
      import { sleep } from 'k6';
      ${ONE()}
      export default async function () {
        const t0 = Date.now();
        const order = [];
        setTimeout(() => order.push('timer@' + (Date.now() - t0)), 10);
        http.get(__ENV.BASE + '/slow?ms=200');
        order.push('get');
        setTimeout(() => order.push('timer2@' + (Date.now() - t0)), 10);
        sleep(0.2);
        order.push('sleep');
        await new Promise((res) => setTimeout(res, 0));
        console.log(JSON.stringify(order));
      }`);
    expect(r.exitCode).toBe(0);
    const order = JSON.parse(logs(r)[0] as string) as string[];
    expect(order.map((x) => x.replace(/@.*/, ''))).toEqual(['get', 'sleep', 'timer', 'timer2']);
    // Both timers were due long before; they ran only once the loop was free again.
    expect(Number(order[2]!.split('@')[1])).toBeGreaterThanOrEqual(390);
  });

  it('async requests give the same response object, metrics and tags as synchronous ones', async () => {
    const r = await runScript(`
      import http from 'k6/http';
      ${ONE()}
      http.setResponseCallback(http.expectedStatuses(200, 404));
      export default async function () {
        const p = { headers: { 'X-A': '1' }, tags: { rule: 'x.y', name: 'named' } };
        const out = [];
        for (const path of ['/json', '/status/404', '/status/500']) {
          const s = http.get(__ENV.BASE + path, p);
          const a = await http.asyncRequest('GET', __ENV.BASE + path, null, p);
          out.push([s.status, a.status, s.headers['X-Emu-Probe'], a.headers['X-Emu-Probe'], JSON.stringify(s.json()), JSON.stringify(a.json())]);
        }
        const n = await http.asyncRequest('GET', __ENV.BASE + '/json', null, { responseType: 'none' });
        let threw = false;
        try { n.json(); } catch (e) { threw = true; }
        out.push([n.body, threw]);
        const e = await http.asyncRequest('GET', 'http://127.0.0.1:9/', null, { timeout: '2s' });
        out.push([e.status, e.error !== '', e.error_code]);
        console.log(JSON.stringify(out));
      }`);
    expect(r.exitCode, JSON.stringify(r.iterationErrors)).toBe(0);
    const out = JSON.parse(logs(r)[0] as string) as unknown[][];
    expect(out.slice(0, 3)).toEqual([
      [200, 200, 'yes', 'yes', '{"ok":true}', '{"ok":true}'],
      [404, 404, 'yes', 'yes', '{"status":true}', '{"status":true}'],
      [500, 500, 'yes', 'yes', '{"status":true}', '{"status":true}'],
    ]);
    expect(out[3]).toEqual([null, true]);
    expect(out[4]).toEqual([0, true, 1000]);
    for (const m of ['http_reqs', 'http_req_duration', 'http_req_failed']) {
      const xs = of(r, m);
      expect(xs).toHaveLength(8);
      for (let k = 0; k < 3; k++) expect(xs[2 * k + 1]!.tags).toEqual(xs[2 * k]!.tags);
    }
    const failed = of(r, 'http_req_failed').map((x) => x.value);
    expect(failed.slice(0, 6)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(of(r, 'http_reqs')[0]!.tags).toMatchObject({ method: 'GET', status: '200', expected_response: 'true', rule: 'x.y', name: 'named', scenario: 'one' });
  });

  it('async setup, teardown and handleSummary are awaited (with their timers)', async () => {
    const r = await runScript(`
      ${ONE()}
      export async function setup() { await new Promise((res) => setTimeout(res, 30)); return { v: 42 }; }
      export default async function (data) { console.log('data ' + data.v); }
      export async function teardown(data) { setTimeout(() => console.log('teardown timer ' + data.v), 30); }
      export async function handleSummary(d) { await new Promise((res) => setTimeout(res, 10)); return { stdout: 'iterations ' + d.metrics.iterations.values.count }; }`);
    expect(r.exitCode).toBe(0);
    expect(logs(r)).toEqual(['data 42', 'teardown timer 42']);
    expect(r.summaryFiles).toEqual({ stdout: 'iterations 1' });
  });

  it('maxDuration + gracefulStop interrupt a VU whose async work never ends', async () => {
    const t0 = Date.now();
    const r = await runScript(`
      ${ONE("executor: 'per-vu-iterations', vus: 2, iterations: 1, maxDuration: '1s', gracefulStop: '200ms'")}
      export default function () { setInterval(() => {}, 50); }`);
    expect(r.exitCode).toBe(0);
    expect(r.interrupted).toBe(2);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  // A timing figure on a shared 2-core machine: the bounds are generous, and a run starved by
  // the other test files running at the same time is retried (each attempt prints its figures).
  it('the real-k6 async probe: 1000/s for 2 s at 50 ms latency completes as k6 2.2.0 does (990/s, 63 in flight)', { retry: 2 }, async () => {
    const rate = 1000;
    const { r, sent, done, perSec, maxIn, s429 } = await asyncProbe(rate, 2000);
    {
      expect(sent).toBeGreaterThanOrEqual(1990);
      expect(done).toBe(sent);
      expect(s429).toBe(0);
      // Completed ≥ 90 % of offered (real k6: 99 %); in flight ≈ rate × latency (50; k6: 63), and
      // far below what a stalled loop would pile up (10 × that).
      expect(perSec).toBeGreaterThanOrEqual(0.9 * rate);
      expect(maxIn).toBeGreaterThanOrEqual(40);
      expect(maxIn).toBeLessThanOrEqual(500);
      expect(of(r, 'http_reqs')).toHaveLength(sent);
    }
  });

  // Higher rates, measured on demand (slow on 2 cores, and a figure rather than a pass/fail):
  // K6EMU_PROBE_RATES=2000,3000 npx vitest run test/k6/emulator-async.test.ts -t 'probe at'
  const rates = (process.env.K6EMU_PROBE_RATES ?? '').split(',').filter(Boolean).map(Number);
  it.skipIf(rates.length === 0)('async probe at K6EMU_PROBE_RATES for K6EMU_PROBE_MS (default 5 s)', async () => {
    for (const rate of rates) {
      const p = await asyncProbe(rate, Number(process.env.K6EMU_PROBE_MS ?? 5000));
      expect(p.done).toBe(p.sent);
    }
  }, 300_000);
});

/** Runs test/fixtures/k6-real/async-probe.js at `rate` per s against the simulator with 50 ms added latency. */
async function asyncProbe(rate: number, durMs: number) {
  const target = await startTarget({ variant: 'off', faults: ['load.latency'] });
  try {
    const bundle = await prepareBundle(join(here, '../fixtures/k6-real/async-probe.js'));
    const r = await run(bundle, { FX: target.fixturesFile, RATE: String(rate), DUR_MS: String(durMs) }, { timeoutMs: 60_000 + 2 * durMs });
    expect(r.exitCode, JSON.stringify(r.iterationErrors)).toBe(0);
    const line = logs(r).find((l) => l.startsWith('offered')) ?? '';
    const d = of(r, 'http_req_duration').map((x) => x.value).sort((a, b) => a - b);
    const q = (f: number) => (d[Math.min(d.length - 1, Math.floor(f * d.length))] ?? 0).toFixed(1);
    console.log(`emulator async-probe: ${line}; http_req_duration p50 ${q(0.5)} p99 ${q(0.99)} max ${q(1)} ms`);
    const m = /sent (\d+) done (\d+) in ([\d.]+)s \((\d+)\/s\), max in flight (\d+), late (\d+), 429s (\d+)/.exec(line);
    expect(m, line).not.toBeNull();
    const [sent, done, , perSec, maxIn, late, s429] = m!.slice(1).map(Number) as [number, number, number, number, number, number, number];
    return { r, sent, done, perSec, maxIn, late, s429 };
  } finally {
    await target.close();
  }
}
