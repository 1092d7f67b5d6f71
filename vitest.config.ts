import { defineConfig } from 'vitest/config';

// Unit and integration tests of the harness itself (test/**). The conformance suite against a
// target API has its own config in conformance/vitest.config.ts.
//
// Two projects, each one file at a time: the emulated k6 runs (long, wall-clock paced) and
// everything else (fast unit tests and the self-test's in-process conformance runs). Vitest
// shares one worker queue between projects, so `npm test` (scripts/test-parallel.mjs) runs the
// two projects as two vitest processes side by side, one per core: no timing-sensitive file
// ever shares its core with another.
const EMULATED = ['test/k6/emulated-*.test.ts', 'test/k6/emulator-*.test.ts', 'test/k6/real-k6.test.ts', 'test/report/**/*.test.ts'];
const common = { testTimeout: 20_000, hookTimeout: 20_000, pool: 'forks' as const, maxWorkers: 1 };

export default defineConfig({
  test: {
    projects: [
      { test: { ...common, name: 'emulated', include: EMULATED } },
      { test: { ...common, name: 'unit', include: ['test/**/*.test.ts'], exclude: [...EMULATED, '**/node_modules/**'] } },
    ],
  },
});
