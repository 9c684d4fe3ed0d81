// The README's errors table is the contract users match on: it must list exactly the
// codes PoolErrorCode declares, and each listed code must be one the package produces.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { declaredCodes, readmeErrorCodes, readmeSection } from '../../../test-support/readme-check.js';
import { createVoicePool, type PoolErrorCode } from './index';
import { codeOf } from './test-errors';
import { firstFitForTests } from './test-strategies';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** One call per code that pool-core itself raises. */
const producers: Partial<Record<PoolErrorCode, () => unknown>> = {
  INVALID_REQUEST: () => createVoicePool({ strategy: firstFitForTests() }).allocate('pad', 0),
  REQUEST_TOO_LARGE: () =>
    createVoicePool({ voicesPerWorklet: 16, enginesPerWorklet: 2, strategy: firstFitForTests() }).allocate(
      'pad',
      9,
    ),
  POOL_EXHAUSTED: () => {
    const pool = createVoicePool({ maxWorklets: 1, strategy: firstFitForTests() });
    pool.allocate('a', 16);
    return pool.allocate('b', 1);
  },
  INVALID_PLACEMENT: () =>
    createVoicePool({
      strategy: {
        name: 'outside',
        description: 'answers a worklet that does not exist',
        place: () => ({ worklet: 5, start: 0, count: 1 }),
      },
    }).allocate('a', 1),
};

/** Codes of PoolErrorCode that another package raises; its own errors test produces them. */
const raisedElsewhere: Partial<Record<PoolErrorCode, string>> = {
  UNKNOWN_STRATEGY: '@workletpool/strategies',
};

describe('errors table', () => {
  it('lists exactly the codes PoolErrorCode declares', { timeout: 120_000 }, () => {
    expect([...readmeErrorCodes(packageDir)].sort()).toEqual(declaredCodes(packageDir, 'PoolErrorCode'));
  });

  it.each(readmeErrorCodes(packageDir))('%s can be produced', (code) => {
    const produce = producers[code as PoolErrorCode];
    if (produce === undefined) {
      const where = raisedElsewhere[code as PoolErrorCode];
      expect(where, `no way to produce ${code}`).toBeDefined();
      expect(readmeSection(packageDir, 'Errors')).toContain(`(in \`${where}\`)`);
      return;
    }
    expect(codeOf(produce)).toBe(code);
  });
});
