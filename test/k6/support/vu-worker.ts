// Entry of one emulated k6 VU (a worker thread): install the host, import the scenario bundle
// (its init context: __ENV, open(), options, metrics), report, then execute main's commands —
// iterations of the scenario's exec function, setup, teardown, handleSummary — until 'stop'.
import { parentPort, workerData } from 'node:worker_threads';
import { AbortError, installHost } from './host';
import type { Command, WorkerInit } from './protocol';

const init = workerData as WorkerInit;
if (!parentPort) throw new Error('vu-worker must run in a worker thread');
const { host, syncCall, flush, metrics, post, loop } = installHost(parentPort, init.shared, init.env, init.vuId, init.secrets, init.idInTest);

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * k6's rule for a call (iteration, setup, teardown, handleSummary): it ends when its promise has
 * settled and the VU's event loop has no registered callback left (timers, async requests).
 */
async function complete(r: unknown): Promise<unknown> {
  let outcome: { ok: true; v: unknown } | { ok: false; e: unknown } | null = isThenable(r) ? null : { ok: true, v: r };
  if (isThenable(r))
    r.then(
      (v) => void (outcome = { ok: true, v }),
      (e) => void (outcome = { ok: false, e }),
    );
  await loop.idle();
  const err = loop.take();
  if (err !== null) {
    loop.drop();
    throw err.e;
  }
  // Still pending with nothing registered: nothing can settle it; k6 ends the call too.
  const o = outcome as { ok: true; v: unknown } | { ok: false; e: unknown } | null;
  if (o === null) return undefined;
  if (!o.ok) throw o.e;
  return o.v;
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

async function main(): Promise<void> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(init.bundleUrl)) as Record<string, unknown>;
  } catch (e) {
    post({ type: 'init-error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  host.inInit = false;
  const options = JSON.parse(JSON.stringify(mod.options ?? {})) as Record<string, unknown>;
  host.testOptions = { ...options, ...init.testOptions };
  post({
    type: 'ready',
    exports: Object.keys(mod).filter((k) => typeof mod[k] === 'function'),
    options,
    metrics: [...metrics.entries()].map(([name, m]) => ({ name, type: m.type, isTime: m.isTime })),
  });
  if (init.probeOnly) return;

  const call = (name: string, ...args: unknown[]): unknown => {
    const fn = mod[name];
    if (typeof fn !== 'function') throw new Error(`the script exports no function '${name}'`);
    let r: unknown;
    try {
      r = (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      // The call ends here: what it registered is dropped, as in k6.
      loop.drop();
      loop.take();
      throw e;
    }
    // The synchronous path, unchanged: nothing async returned and nothing registered.
    if (!isThenable(r) && !loop.busy()) return r;
    return complete(r);
  };
  /** Awaits only what came back from the async path (a sync call's result is never a Promise here). */
  const settle = async (v: unknown): Promise<unknown> => (v instanceof Promise ? await v : v);

  let cmd = syncCall<Command>({ call: 'next' });
  while (cmd.kind !== 'stop') {
    let result: unknown;
    let error: string | undefined;
    try {
      switch (cmd.kind) {
        case 'iterate': {
          host.ctx = { scenario: cmd.scenario, executor: cmd.executor, iterationInTest: cmd.iterationInTest, iterationInInstance: cmd.iterationInInstance, iterationInScenario: cmd.iterationInScenario, startTime: cmd.startTime };
          (globalThis as unknown as { __ITER: number }).__ITER = cmd.iterationInScenario;
          const started = Date.now();
          try {
            const r = call(cmd.exec, cmd.setupData);
            if (r instanceof Promise) await r;
          } catch (e) {
            if (e instanceof AbortError) throw e;
            // k6 logs an exception in an iteration and goes on with the next one.
            post({ type: 'iteration-error', message: describe(e) });
          }
          host.emit('iterations', 1, {});
          host.emit('iteration_duration', Date.now() - started, {});
          break;
        }
        case 'setup':
          host.ctx = { scenario: 'setup', executor: '', iterationInTest: 0, iterationInInstance: 0, iterationInScenario: 0, startTime: Date.now() };
          result = typeof mod.setup === 'function' ? await settle(call('setup')) : undefined;
          break;
        case 'teardown':
          host.ctx = { scenario: 'teardown', executor: '', iterationInTest: 0, iterationInInstance: 0, iterationInScenario: 0, startTime: Date.now() };
          if (typeof mod.teardown === 'function') await settle(call('teardown', cmd.setupData));
          break;
        case 'summary':
          host.ctx = null;
          result = typeof mod.handleSummary === 'function' ? await settle(call('handleSummary', cmd.data)) : null;
          break;
      }
    } catch (e) {
      if (e instanceof AbortError) {
        flush();
        post({ type: 'abort', message: e.message, code: e.code });
        return;
      }
      error = describe(e);
    }
    flush();
    cmd = syncCall<Command>({ call: 'next', ...(result === undefined ? {} : { result }), ...(error === undefined ? {} : { error }) });
  }
  flush();
}

main().catch((e) => post({ type: 'init-error', message: describe(e) }));
