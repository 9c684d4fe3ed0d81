// Shared by tsup.config.ts and vitest.config.ts: the build-time modules the main entry
// imports. `embedded:processor` is the processor bundle as a string (so the main entry can
// load it from a Blob URL without bundler help) and `embedded:engine` is the WASM engine
// as base64 (so users copy no assets).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** The package version, baked into the processor's registered name. */
export const version: string = (
  JSON.parse(readFileSync(resolve(here, 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * Compile-time constants for every bundle of this package (a fresh object: bundlers may
 * mutate it). `testFaults` is true only for the testing build of the processor.
 */
export function defines(testFaults = false): Record<string, string> {
  return {
    __WORKLETPOOL_VERSION__: JSON.stringify(version),
    __WORKLETPOOL_TEST_FAULTS__: JSON.stringify(testFaults),
  };
}

/**
 * Bundles src/processor.ts into one self-contained ES module: the production build, or
 * with `testFaults` the testing build that obeys `fail-for-test` (the production one has
 * that code removed by the minifier, so nothing can turn it on).
 */
export async function processorSource(testFaults = false): Promise<string> {
  const out = await build({
    entryPoints: [resolve(here, 'src/processor.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    write: false,
    define: defines(testFaults),
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
}

/** The engine built by `asc` (build/engine.wasm), base64-encoded. */
export function engineBase64(): string {
  const path = resolve(here, 'build/engine.wasm');
  try {
    return readFileSync(path).toString('base64');
  } catch {
    throw new Error(`${path} is missing: run the package build (asc) first`);
  }
}

/** Source text of a build-time module, or undefined for any other id. */
export async function embeddedModule(id: string): Promise<string | undefined> {
  if (id === 'embedded:processor') return `export default ${JSON.stringify(await processorSource())};`;
  if (id === 'embedded:processor-testing')
    return `export default ${JSON.stringify(await processorSource(true))};`;
  if (id === 'embedded:engine') return `export default ${JSON.stringify(engineBase64())};`;
  return undefined;
}
