// Stub of `k6/execution`: the VU and scenario context main handed out with the iteration.

function ctx() {
  const c = globalThis.__k6emu.ctx;
  if (c === null) throw new Error('k6/execution: no scenario context (init context or setup)');
  return c;
}

const exec = {
  get vu() {
    const c = ctx();
    const id = globalThis.__k6emu.vuId;
    return { idInTest: id, idInInstance: id, iterationInScenario: c.iterationInScenario, iterationInInstance: c.iterationInScenario, tags: {}, metrics: { tags: {}, metadata: {} } };
  },
  get scenario() {
    const c = ctx();
    return { name: c.scenario, executor: c.executor, startTime: c.startTime, progress: 0, iterationInInstance: c.iterationInTest, iterationInTest: c.iterationInTest };
  },
  get instance() {
    return { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: 0 };
  },
  test: {
    abort(message?: string): never {
      return globalThis.__k6emu.abort(message ?? 'test aborted', 108);
    },
    fail(message?: string): void {
      globalThis.__k6emu.abort(message ?? 'test failed', 110);
    },
    options: {},
  },
};
export default exec;
