import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

// Splitting keeps one copy of the pool (and of PoolError) shared by both entries, so
// `instanceof PoolError` holds for errors from pools the testing kit creates.
export default defineConfig(
  preset({ entry: ['src/index.ts', 'src/testing.ts'], external: ['fast-check'], splitting: true }),
);
