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
 * Whether the fixtures are present. In CI (CI=true) they must be: a missing folder
 * throws instead of letting the fixture suites quietly not run.
 */
export function haveFixtures(): boolean {
  const present = existsSync(fixturesDir);
  if (!present && process.env.CI === 'true') {
    throw new Error(`CI=true but the MOD fixtures are missing at ${fixturesDir}`);
  }
  if (!present) console.warn(`MOD fixtures not found at ${fixturesDir}: fixture suites do not run.`);
  return present;
}
