// The repository's Chromium harness (test-support/browser.ts, TypeScript), bundled so the
// plain-JS benchmark scripts can drive the same browser the test suites use.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Imports test-support/browser.ts: `launchChromium`, `openScenarioPage` and the flags. */
export async function loadHarness() {
  // Written beside this script so its imports resolve from the repository's node_modules.
  const out = join(here, `.harness-${process.pid}.mjs`);
  const result = await build({
    entryPoints: [resolve(here, '../../../test-support/browser.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  writeFileSync(out, result.outputFiles[0].text);
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(out, { force: true });
  }
}
