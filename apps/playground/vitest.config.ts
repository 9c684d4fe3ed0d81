import { defineConfig } from 'vitest/config';

// The playground's only suite drives the built app in Chromium: one file, generous timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
