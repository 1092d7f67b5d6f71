// Stub of `k6/execution`: the VU and scenario context main handed out with the iteration. In a
// segmented run (--execution-segment) the *InTest values are global across the instances and the
// *InInstance ones local, as k6's SegmentedIndex gives them.

function ctx() {
  const c = globalThis.__k6emu.ctx;
  if (c === null) throw new Error('k6/execution: no scenario context (init context or setup)');
  return c;
}

const exec = {
  get vu() {
    const c = ctx();
    const h = globalThis.__k6emu;
    return { idInTest: h.idInTest, idInInstance: h.vuId, iterationInScenario: c.iterationInScenario, iterationInInstance: c.iterationInScenario, tags: {}, metrics: { tags: {}, metadata: {} } };
  },
  get scenario() {
    const c = ctx();
    return { name: c.scenario, executor: c.executor, startTime: c.startTime, progress: 0, iterationInInstance: c.iterationInInstance, iterationInTest: c.iterationInTest };
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
    /** k6's JSON of the test's lib.Options (here the script's options plus the execution segment). */
    get options(): Record<string, unknown> {
      if (globalThis.__k6emu.inInit) throw new Error('getting test options in the init context is not supported');
      return globalThis.__k6emu.testOptions;
    },
  },
};
export default exec;
