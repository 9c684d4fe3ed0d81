import type { Options } from 'tsup';

/** The one build preset every package shares: ESM, declarations, sourcemaps, no bundled deps. */
export function preset(overrides: Options = {}): Options {
  return {
    format: ['esm'],
    target: 'es2022',
    // Members marked @internal (constructors the factories call, hooks between modules)
    // stay out of the shipped declarations.
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: false,
    ...overrides,
  };
}
