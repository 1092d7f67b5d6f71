import { defineConfig } from 'vitest/config';

// The conformance suite against a target API (RUNDUN_BASE_URL / RUNDUN_FIXTURES, or the
// simulator in-process). One file, one worker, no retries: a flaky verdict is a defect.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['conformance/suite.test.ts'],
    globalSetup: ['conformance/global-setup.ts'],
    testTimeout: 180_000, // the rate-limit probe waits out a Retry-After; each request has its own timeout
    hookTimeout: 30_000,
    fileParallelism: false,
    retry: 0,
    reporters: ['default'],
  },
});
