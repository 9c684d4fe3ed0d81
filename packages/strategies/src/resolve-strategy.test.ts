import { PoolError, type Strategy } from '@workletpool/pool-core';
import { describe, expect, it } from 'vitest';
import { resolveStrategy, strategyNames } from './resolve-strategy';

describe('resolveStrategy', () => {
  it.each(strategyNames)('resolves %s to a strategy of that name', (name) => {
    expect(resolveStrategy(name).name).toBe(name);
  });

  it('returns a Strategy value as is', () => {
    const custom: Strategy = { name: 'mine', description: 'test', place: () => null };
    expect(resolveStrategy(custom)).toBe(custom);
  });

  it('fails on unknown names with UNKNOWN_STRATEGY, listing the known ones', () => {
    let error: unknown;
    try {
      resolveStrategy('worst-fit' as 'best-fit');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PoolError);
    expect((error as PoolError).code).toBe('UNKNOWN_STRATEGY');
    expect((error as PoolError).message).toBe(
      "unknown strategy 'worst-fit'; known strategies are fixed-blocks, best-fit, first-fit, dedicated",
    );
  });

  it('does not resolve inherited object keys', () => {
    expect(() => resolveStrategy('toString' as 'best-fit')).toThrow(/unknown strategy 'toString'/);
  });

  it('rejects values that are neither names nor strategies', () => {
    expect(() => resolveStrategy(42 as unknown as Strategy)).toThrow(PoolError);
  });
});
