import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { setupFiles: ['../../vitest.fast-check.ts'], include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
