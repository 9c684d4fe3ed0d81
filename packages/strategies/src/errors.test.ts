// The README's errors table is the contract users match on: each code it lists must be
// a PoolErrorCode and must be one this package produces.
import { fileURLToPath } from 'node:url';
import { PoolError, type PoolErrorCode } from '@workletpool/pool-core';
import { describe, expect, it } from 'vitest';
import { declaredCodes, readmeErrorCodes } from '../../../test-support/readme-check.js';
import { thrownBy } from '../../../test-support/thrown.js';
import { fixedBlocks, resolveStrategy, type StrategyName } from './index';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const poolCoreDir = fileURLToPath(new URL('../../pool-core', import.meta.url));

const errorOf = (fn: () => unknown): PoolError => thrownBy(PoolError, fn);

const producers: Partial<Record<PoolErrorCode, () => unknown>> = {
  UNKNOWN_STRATEGY: () => resolveStrategy('worst-fit' as StrategyName),
  INVALID_REQUEST: () => fixedBlocks({ blockSize: 0 }),
};

describe('errors table', () => {
  it('lists only codes PoolErrorCode declares', { timeout: 120_000 }, () => {
    const declared = declaredCodes(poolCoreDir, 'PoolErrorCode');
    expect(readmeErrorCodes(packageDir).filter((code) => !declared.includes(code))).toEqual([]);
  });

  it.each(readmeErrorCodes(packageDir))('%s can be produced, with a message naming the value', (code) => {
    const produce = producers[code as PoolErrorCode];
    expect(produce, `no way to produce ${code}`).toBeDefined();
    const error = errorOf(produce ?? (() => undefined));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/worst-fit|blockSize must be a positive integer, got 0/);
  });
});
