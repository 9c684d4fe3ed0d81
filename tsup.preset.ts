import type { Options } from 'tsup';

/** The one build preset every package shares: ESM, declarations, sourcemaps, no bundled deps. */
export function preset(overrides: Options = {}): Options {
  return {
    format: ['esm'],
    target: 'es2022',
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: false,
    ...overrides,
  };
}
