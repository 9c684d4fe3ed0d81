import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['../../vitest.fast-check.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The command renders through real AudioWorklets, which is slow on a busy machine.
    testTimeout: 300_000,
    fileParallelism: false,
  },
});
