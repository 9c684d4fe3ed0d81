// Where the shared MOD fixtures live: ../shared/fixtures/mod beside the checkout, or
// WORKLETPOOL_FIXTURES. They are read in place, never copied into the project.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The MOD fixtures folder. */
export const fixturesDir = process.env.WORKLETPOOL_FIXTURES ?? resolve(repoRoot, '../shared/fixtures/mod');

/** The shared tools folder (compare-trace.mjs). */
export const sharedToolsDir = resolve(
  process.env.WORKLETPOOL_SHARED ?? resolve(repoRoot, '../shared'),
  'tools',
);

/**
 * Checks that the fixtures are present and returns true; a missing folder throws with
 * where it was looked for, so the fixture suites never quietly not run.
 */
export function haveFixtures(): boolean {
  if (!existsSync(fixturesDir)) {
    throw new Error(
      `the MOD fixtures are missing at ${fixturesDir}: check out ../shared beside the repository or set WORKLETPOOL_FIXTURES`,
    );
  }
  return true;
}
