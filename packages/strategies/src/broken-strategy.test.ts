// A deliberately broken custom strategy: the core must refuse its answer with a typed error
// and keep its state, and the users' law kit must flag it.
import { createVoicePool, PoolError, type Strategy } from '@workletpool/pool-core';
import { checkStrategyLaws, createPoolUnderTest } from '@workletpool/pool-core/testing';
import { describe, expect, it } from 'vitest';
import { firstFit } from './first-fit';

/** First fit, except that any range not at voice 0 starts one voice early: it overlaps its neighbour. */
function oneEarly(): Strategy {
  const inner = firstFit();
  return {
    name: 'one-early',
    description: 'first fit, shifted one voice down unless it starts at voice 0',
    place(request, view) {
      const p = inner.place(request, view);
      return p !== null && p.start > 0 ? { ...p, start: p.start - 1 } : p;
    },
  };
}

describe('a broken custom strategy', () => {
  it('is rejected by the core with INVALID_PLACEMENT and changes nothing', () => {
    const pool = createVoicePool({ strategy: oneEarly() });
    pool.allocate('a', 4);
    const before = pool.snapshot();
    const stats = pool.stats();
    let error: unknown;
    try {
      pool.allocate('b', 4);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PoolError);
    expect((error as PoolError).code).toBe('INVALID_PLACEMENT');
    expect((error as PoolError).message).toBe(
      "strategy 'one-early' placed owner 'b' (4 voices) at worklet 0, voices 3-6, overlapping voice 3 held by 'a'; nothing was changed",
    );
    expect(pool.snapshot()).toEqual(before);
    expect(pool.stats()).toEqual(stats);
    // Answers the broken strategy gets right still go through.
    pool.release('a');
    expect(pool.allocate('b', 4)).toEqual({ owner: 'b', worklet: 0, start: 0, count: 4 });
  });

  it('fails the strategy laws', () => {
    expect(() => checkStrategyLaws(oneEarly(), { numRuns: 10 })).toThrow(
      /law failed: one-early: keeps every pool invariant/,
    );
  });

  it('throws the same PoolError class from pools the testing kit creates', () => {
    const { pool } = createPoolUnderTest(oneEarly(), {
      voicesPerWorklet: 16,
      enginesPerWorklet: 1,
      initialWorklets: 0,
      maxWorklets: 1,
      growth: 'on-demand',
    });
    pool.allocate('a', 4);
    expect(() => pool.allocate('b', 4)).toThrow(PoolError);
  });
});
