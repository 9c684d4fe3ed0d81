import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['../../vitest.fast-check.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Property suites scale with FC_NUM_RUNS and share the machine with other builds.
    testTimeout: 120_000,
  },
});
