import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['../../vitest.fast-check.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Offline renders through real AudioWorklets take seconds on a loaded two-core machine.
    testTimeout: 120_000,
    // Real-time audio threads are sensitive to CPU contention: one file at a time.
    fileParallelism: false,
    hookTimeout: 120_000,
  },
});
