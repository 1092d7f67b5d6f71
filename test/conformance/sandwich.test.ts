// The rate-limit probe's "sandwich" (a request sent between two waves on the throttled key),
// driven through exactly the timing of the false alarm seen on a clean target:
// "ratelimit.no-side-effects: runs before 28, after 29; creates accepted 0". The first attempt
// of the POST /runs sandwich got its create accepted (201) and did not hold (its after wave met
// no 429), a later attempt held with the create throttled (429): only that last attempt's
// middle request used to be counted, so the first attempt's run was blamed on a throttled write.
//
// The timing is scripted, not hoped for: a client-side interposer sees the probe's requests in
// the order the probe issues them (all requests of one sandwich leave in one synchronous run),
// so it knows which GETs are the after wave of the first POST's attempt. It sends that first
// create with the primary key (org A, not throttled: a real 201 and a real run) and the after
// wave with an unthrottled pool key (real 200s); everything else reaches the simulator as is.
import { afterEach, describe, expect, it } from 'vitest';
import { createProbeEnv } from '../../conformance/engine/probe-env';
import { runProbe, type ProbeEnv, type ProbeResult } from '../../conformance/engine/probe';
import type { RequestOptions } from '../../conformance/engine/client';
import { probeById } from '../../conformance/probes';
import { parseFixtures } from '../../lib/target';
import type { Algorithm } from '../../simulator/rate-limit';
import { startSimulator, type RunningSimulator } from '../../simulator/server';

const LIST = '/templates?per_page=1';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Script = (s: RunningSimulator) => (method: string, path: string, o: RequestOptions, send: (o: RequestOptions) => ReturnType<ProbeEnv['client']['request']>) => ReturnType<ProbeEnv['client']['request']>;

async function runScripted(script: Script, algorithm: Algorithm = 'fixed-window', faults: string[] = []): Promise<ProbeResult> {
  const s = await startSimulator({ rateLimit: { limit: 20, windowMs: 1000, algorithm }, faults });
  cleanups.push(() => s.close());
  const env = createProbeEnv({ target: parseFixtures(JSON.stringify(s.fixtures)), overrides: {}, timeoutMs: 3000, paceRps: 10 });
  cleanups.push(() => env.close());
  const original = env.client.request.bind(env.client);
  const route = script(s);
  env.client.request = (method, path, o = {}) => route(method, path, o, (opts) => original(method, path, opts));
  return runProbe(probeById('ratelimit.burst-and-recover'), env);
}

/** The false alarm's timing: first POST attempt accepted and not held, a later one held and throttled. */
const firstCreateAcceptedThenRetried: Script = (s) => {
  let posts = 0;
  let afterWave = false;
  return (method, path, o, send) => {
    const onDedicated = o.key?.role === 'ratelimit';
    if (onDedicated && method === 'POST' && path === '/runs' && ++posts === 1) {
      // The GETs issued in this same synchronous run are this attempt's after wave.
      afterWave = true;
      queueMicrotask(() => (afterWave = false));
      return send({ ...o, key: { role: 'ratelimit', value: s.fixtures.keys.primary } });
    }
    if (onDedicated && afterWave && method === 'GET' && path === LIST) return send({ ...o, key: { role: 'ratelimit', value: s.fixtures.pool[0]! } });
    return send(o);
  };
};

const outcome = (r: ProbeResult, rule: string) => r.outcomes.filter((o) => o.rule === rule);
const runsDelta = (message: string) => {
  const m = /runs before (\d+), after (\d+); creates accepted (\d+)/.exec(message);
  if (!m) throw new Error(`unexpected message: ${message}`);
  return { delta: Number(m[2]) - Number(m[1]), counted: Number(m[3]) };
};

describe('ratelimit sandwich: every attempt of a retried sandwich is accounted for', () => {
  it.each(['fixed-window', 'sliding-window', 'token-bucket'] as const)('%s: an earlier attempt\'s accepted create is no throttled write (the false alarm is gone)', async (algorithm) => {
    const r = await runScripted(firstCreateAcceptedThenRetried, algorithm);
    // The scripted timing happened: one create accepted (first attempt), then a throttled one.
    const creates = r.tally.filter(([op]) => op === 'createRun').map(([, st]) => st);
    expect(creates[0]).toBe(201);
    expect(creates.at(-1)).toBe(429);
    const side = outcome(r, 'ratelimit.no-side-effects');
    expect(side).toHaveLength(1);
    const { delta, counted } = runsDelta(side[0]!.message);
    // One run appeared; counting only the holding attempt's middle request (a 429) would say 0.
    expect(delta).toBe(1);
    expect(counted).toBe(1);
    expect(side[0]!.ok, side[0]!.message).toBe(true);
    expect(r.status, JSON.stringify(r.outcomes.filter((o) => !o.ok))).toBe('pass');
  }, 60_000);

  it('a throttled write that creates a run (ratelimit.throttled-write-creates) is still caught under the same timing', async () => {
    const r = await runScripted(firstCreateAcceptedThenRetried, 'fixed-window', ['ratelimit.throttled-write-creates']);
    const side = outcome(r, 'ratelimit.no-side-effects');
    expect(side).toHaveLength(1);
    expect(side[0]!.ok).toBe(false);
    const { delta, counted } = runsDelta(side[0]!.message);
    expect(counted).toBe(1); // the first attempt's honest 201
    expect(delta).toBe(2); // plus the run the 429 created
  }, 60_000);

  it('and on an unscripted run with that fault too', async () => {
    const r = await runScripted((_s) => (_m, _p, o, send) => send(o), 'token-bucket', ['ratelimit.throttled-write-creates']);
    const side = outcome(r, 'ratelimit.no-side-effects');
    expect(side.map((o) => o.ok)).toEqual([false]);
    expect(runsDelta(side[0]!.message).delta).toBeGreaterThan(runsDelta(side[0]!.message).counted);
  }, 60_000);

  it('an operation that is never throttled still fails status.429-rate-limited, after every retry, with its creates counted', async () => {
    // Every POST on the dedicated key is served as if unthrottled (sent with the primary key).
    const r = await runScripted((s) => (method, path, o, send) =>
      o.key?.role === 'ratelimit' && method === 'POST' && path === '/runs' ? send({ ...o, key: { role: 'ratelimit', value: s.fixtures.keys.primary } }) : send(o));
    const rl = outcome(r, 'status.429-rate-limited').filter((o) => !o.ok);
    expect(rl.map((o) => o.message)).toEqual([expect.stringMatching(/^POST \/runs while the key is throttled → 201 \(in 6 attempts: 201, 201, 201, 201, 201, 201\)$/)]);
    const side = outcome(r, 'ratelimit.no-side-effects');
    expect(side.map((o) => o.ok)).toEqual([true]); // the six runs were all answered 201, none blamed on a 429
    expect(runsDelta(side[0]!.message)).toEqual({ delta: 6, counted: 6 });
  }, 60_000);
});
