// Tests see the same build-time constants and embedded modules as the built package
// (build-support.ts), so they run the real processor bundle and engine.
import { defineConfig } from 'vitest/config';
import { defines, embeddedModule } from './build-support';

export default defineConfig({
  define: defines(),
  plugins: [
    {
      name: 'embedded',
      resolveId: (id) => (id.startsWith('embedded:') ? `\0${id}` : undefined),
      load: (id) => (id.startsWith('\0embedded:') ? embeddedModule(id.slice(1)) : undefined),
    },
  ],
  test: {
    setupFiles: ['../../vitest.fast-check.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
