// Entry of one emulated k6 VU (a worker thread): install the host, import the scenario bundle
// (its init context: __ENV, open(), options, metrics), report, then execute main's commands —
// iterations of the scenario's exec function, setup, teardown, handleSummary — until 'stop'.
import { parentPort, workerData } from 'node:worker_threads';
import { AbortError, installHost } from './host';
import type { Command, WorkerInit } from './protocol';

const init = workerData as WorkerInit;
if (!parentPort) throw new Error('vu-worker must run in a worker thread');
const { host, syncCall, flush, metrics, post } = installHost(parentPort, init.shared, init.env, init.vuId);

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
  post({
    type: 'ready',
    exports: Object.keys(mod).filter((k) => typeof mod[k] === 'function'),
    options: JSON.parse(JSON.stringify(mod.options ?? {})),
    metrics: [...metrics.entries()].map(([name, m]) => ({ name, type: m.type, isTime: m.isTime })),
  });
  if (init.probeOnly) return;

  const call = (name: string, ...args: unknown[]): unknown => {
    const fn = mod[name];
    if (typeof fn !== 'function') throw new Error(`the script exports no function '${name}'`);
    const r = (fn as (...a: unknown[]) => unknown)(...args);
    if (r instanceof Promise) throw new Error(`emulator: '${name}' is async, which the emulator does not support`);
    return r;
  };

  let cmd = syncCall<Command>({ call: 'next' });
  while (cmd.kind !== 'stop') {
    let result: unknown;
    let error: string | undefined;
    try {
      switch (cmd.kind) {
        case 'iterate': {
          host.ctx = { scenario: cmd.scenario, executor: cmd.executor, iterationInTest: cmd.iterationInTest, iterationInScenario: cmd.iterationInScenario, startTime: cmd.startTime };
          (globalThis as unknown as { __ITER: number }).__ITER = cmd.iterationInScenario;
          const started = Date.now();
          try {
            call(cmd.exec, cmd.setupData);
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
          host.ctx = { scenario: 'setup', executor: '', iterationInTest: 0, iterationInScenario: 0, startTime: Date.now() };
          result = typeof mod.setup === 'function' ? call('setup') : undefined;
          break;
        case 'teardown':
          host.ctx = { scenario: 'teardown', executor: '', iterationInTest: 0, iterationInScenario: 0, startTime: Date.now() };
          if (typeof mod.teardown === 'function') call('teardown', cmd.setupData);
          break;
        case 'summary':
          host.ctx = null;
          result = typeof mod.handleSummary === 'function' ? call('handleSummary', cmd.data) : null;
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
