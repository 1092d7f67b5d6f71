import { defineConfig } from 'vitest/config';

// The conformance suite against a target API (RUNDUN_BASE_URL / RUNDUN_FIXTURES, or the
// simulator in-process). One file, one worker, no retries: a flaky verdict is a defect.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['conformance/suite.test.ts'],
    globalSetup: ['conformance/global-setup.ts'],
    testTimeout: 720_000, // per probe, set in suite.test.ts from its budget; this is the fallback
    hookTimeout: 30_000,
    fileParallelism: false,
    retry: 0,
    reporters: ['default'],
  },
});
