import { defineConfig } from 'vitest/config';

// Unit and integration tests of the harness itself (test/**). The conformance suite against a
// target API has its own config in conformance/vitest.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
