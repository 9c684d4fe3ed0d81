import { describe, expect, it } from 'vitest';
import { type Allocation, createVoicePool, isPoolError, PoolError, type Strategy } from './index';
import { codeOf, errorOf } from './test-errors';
import { blocksForTests, dedicatedForTests, firstFitForTests } from './test-strategies';

describe('the reference scenario', () => {
  it('puts 7 instruments x 4 voices on 2 worklets in blocks of four', () => {
    const pool = createVoicePool({ voicesPerWorklet: 16, strategy: blocksForTests(4) });
    const got: Allocation[] = [];
    for (let i = 1; i <= 7; i++) got.push(pool.allocate(`instrument-${i}`, 4));
    expect(got.map((a) => [a.worklet, a.start, a.count])).toEqual([
      [0, 0, 4],
      [0, 4, 4],
      [0, 8, 4],
      [0, 12, 4],
      [1, 0, 4],
      [1, 4, 4],
      [1, 8, 4],
    ]);
    const stats = pool.stats();
    expect(stats.workletCount).toBe(2);
    expect(stats.totalVoices).toBe(32);
    expect(stats.allocatedVoices).toBe(28);
    expect(stats.freeVoices).toBe(4);
    expect(stats.worklets).toEqual([
      { index: 0, freeRuns: [] },
      { index: 1, freeRuns: [{ start: 12, count: 4 }] },
    ]);
    expect(pool.workletCount).toBe(2);
  });
});

describe('allocate', () => {
  it('is idempotent for the same owner and count', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    const a = pool.allocate('a', 3);
    const before = pool.snapshot();
    expect(pool.allocate('a', 3)).toEqual(a);
    expect(pool.snapshot()).toEqual(before);
  });

  it('re-places a live owner that asks for a different count, never duplicating it', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    pool.allocate('a', 4);
    pool.allocate('b', 4);
    const moved = pool.allocate('a', 6);
    expect(moved).toEqual({ owner: 'a', worklet: 0, start: 8, count: 6 });
    expect(pool.stats().allocations.filter((x) => x.owner === 'a')).toHaveLength(1);
    expect(pool.stats().allocatedVoices).toBe(10);
    const shrunk = pool.allocate('a', 2);
    expect(shrunk).toEqual({ owner: 'a', worklet: 0, start: 0, count: 2 });
    expect(pool.stats().allocatedVoices).toBe(6);
  });

  it('keeps the old range when a different count cannot be placed', () => {
    const pool = createVoicePool({ strategy: firstFitForTests(), maxWorklets: 1 });
    pool.allocate('a', 4);
    pool.allocate('b', 10);
    const before = pool.snapshot();
    expect(codeOf(() => pool.allocate('a', 7))).toBe('POOL_EXHAUSTED');
    expect(pool.snapshot()).toEqual(before);
  });

  it('grows only when the strategy finds no fit, and honours maxWorklets', () => {
    const pool = createVoicePool({ strategy: firstFitForTests(), maxWorklets: 2 });
    const added: number[] = [];
    pool.on('worklet-added', (e) => added.push(e.index));
    pool.allocate('a', 10);
    pool.allocate('b', 6);
    expect(pool.workletCount).toBe(1);
    pool.allocate('c', 1);
    expect(pool.workletCount).toBe(2);
    pool.allocate('d', 15);
    const before = pool.snapshot();
    const error = errorOf(() => pool.allocate('e', 1));
    expect(error.code).toBe('POOL_EXHAUSTED');
    expect(error.message).toContain('2 worklets');
    expect(pool.snapshot()).toEqual(before);
    expect(added).toEqual([0, 1]);
  });

  it("never grows with growth 'never'", () => {
    const pool = createVoicePool({ strategy: firstFitForTests(), initialWorklets: 1, growth: 'never' });
    pool.allocate('a', 16);
    const error = errorOf(() => pool.allocate('b', 1));
    expect(error.code).toBe('POOL_EXHAUSTED');
    expect(error.message).toContain("growth is 'never'");
    expect(pool.workletCount).toBe(1);
  });

  it('rejects requests larger than a worklet or an engine with REQUEST_TOO_LARGE', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    const whole = errorOf(() => pool.allocate('a', 17));
    expect(whole.code).toBe('REQUEST_TOO_LARGE');
    expect(whole.message).toContain('requested 17 voices; a worklet holds 16');
    const split = createVoicePool({ strategy: firstFitForTests(), enginesPerWorklet: 2 });
    const engine = errorOf(() => split.allocate('a', 9));
    expect(engine.code).toBe('REQUEST_TOO_LARGE');
    expect(engine.message).toContain('an engine holds 8');
    expect(split.workletCount).toBe(0);
  });

  it.each([
    ['', 1],
    ['a', 0],
    ['a', -2],
    ['a', Number.NaN],
    ['a', 2.5],
    ['a', Number.POSITIVE_INFINITY],
  ])('rejects allocate(%j, %s) with INVALID_REQUEST and changes nothing', (owner, voices) => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    pool.allocate('x', 2);
    const before = pool.snapshot();
    const error = errorOf(() => pool.allocate(owner, voices));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain(String(voices));
    expect(pool.snapshot()).toEqual(before);
  });

  it('keeps ranges inside one engine', () => {
    const pool = createVoicePool({ strategy: firstFitForTests(), enginesPerWorklet: 2 });
    pool.allocate('a', 6);
    const b = pool.allocate('b', 4);
    expect(b).toEqual({ owner: 'b', worklet: 0, start: 8, count: 4 });
    expect(pool.stats().worklets[0]!.freeRuns).toEqual([
      { start: 6, count: 2 },
      { start: 12, count: 4 },
    ]);
  });
});

describe('placement validation', () => {
  const cases: [string, (v: number) => { worklet: number; start: number; count: number }, string][] = [
    ['a missing worklet', () => ({ worklet: 3, start: 0, count: 4 }), 'only worklets 0-0'],
    ['past the end', () => ({ worklet: 0, start: 14, count: 4 }), 'outside a worklet of 16 voices'],
    ['a negative start', () => ({ worklet: 0, start: -1, count: 4 }), 'outside a worklet'],
    ['too few voices', (v) => ({ worklet: 0, start: 8, count: v - 1 }), 'fewer than requested'],
    ['a fraction', () => ({ worklet: 0, start: 0.5, count: 4 }), 'not integers'],
    ['an overlap', () => ({ worklet: 0, start: 3, count: 4 }), "voice 3 held by 'first'"],
    ['two engines', () => ({ worklet: 0, start: 6, count: 4 }), 'straddling two engines of 8'],
    ['off alignment', () => ({ worklet: 0, start: 10, count: 4 }), 'not a multiple of its alignment 3'],
  ];
  it.each(cases)('rejects %s with INVALID_PLACEMENT and changes nothing', (_label, answer, text) => {
    let broken = false;
    const strategy: Strategy = {
      name: 'broken',
      description: 'answers badly when told to',
      alignment: 3,
      place(request) {
        return broken ? answer(request.voices) : { worklet: 0, start: 0, count: request.voices + 1 };
      },
    };
    const pool = createVoicePool({ strategy, initialWorklets: 1, enginesPerWorklet: 2 });
    pool.allocate('first', 3);
    const before = pool.snapshot();
    broken = true;
    const error = errorOf(() => pool.allocate('second', 4));
    expect(error.code).toBe('INVALID_PLACEMENT');
    expect(error.message).toContain(text);
    expect(error.message).toContain("'broken'");
    expect(pool.snapshot()).toEqual(before);
  });

  it('rejects a second owner in a worklet when the strategy declares itself exclusive', () => {
    const strategy: Strategy = {
      name: 'leaky',
      description: 'claims one owner per worklet but packs them',
      exclusive: true,
      place(request, view) {
        return view.workletCount === 0
          ? null
          : { worklet: 0, start: view.ownerCount(0) * 4, count: request.voices };
      },
    };
    const pool = createVoicePool({ strategy });
    pool.allocate('first', 4);
    const before = pool.snapshot();
    expect(before.exclusive).toBe(true);
    const error = errorOf(() => pool.allocate('second', 4));
    expect(error.code).toBe('INVALID_PLACEMENT');
    expect(error.message).toContain('exclusive and worklet 0 already holds an owner');
    expect(pool.snapshot()).toEqual(before);
  });

  it('refuses a strategy whose exclusive flag is not a boolean', () => {
    const strategy = { ...dedicatedForTests(), exclusive: 'yes' } as unknown as Strategy;
    const error = errorOf(() => createVoicePool({ strategy }));
    expect(error.message).toContain("declares exclusive 'yes'; it must be a boolean");
  });

  it('rejects a strategy that finds room only after a worklet was added', () => {
    const strategy: Strategy = {
      name: 'late',
      description: 'refuses until the pool grows',
      place(request, view) {
        return view.workletCount < 2 ? null : { worklet: 0, start: 0, count: request.voices };
      },
    };
    const pool = createVoicePool({ strategy, initialWorklets: 1 });
    const error = errorOf(() => pool.allocate('a', 2));
    expect(error.code).toBe('INVALID_PLACEMENT');
    expect(pool.workletCount).toBe(1);
  });

  it('reports POOL_EXHAUSTED when a strategy refuses even an empty worklet, adding nothing', () => {
    const strategy: Strategy = { name: 'never', description: 'refuses', place: () => null };
    const pool = createVoicePool({ strategy });
    expect(codeOf(() => pool.allocate('a', 1))).toBe('POOL_EXHAUSTED');
    expect(pool.workletCount).toBe(0);
  });
});

describe('createVoicePool options', () => {
  it.each([
    [{ voicesPerWorklet: 0 }, 'voicesPerWorklet'],
    [{ enginesPerWorklet: 3 }, 'enginesPerWorklet'],
    [{ initialWorklets: -1 }, 'initialWorklets'],
    [{ maxWorklets: 0 }, 'maxWorklets'],
    [{ initialWorklets: 3, maxWorklets: 2 }, 'initialWorklets 3 exceeds maxWorklets 2'],
    [{ growth: 'sometimes' }, 'growth'],
  ])('rejects %j with INVALID_REQUEST', (bad, text) => {
    const error = errorOf(() => createVoicePool({ strategy: firstFitForTests(), ...(bad as object) }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain(text);
  });

  it('rejects a strategy without place()', () => {
    const bad = { name: 'x', description: 'y' } as unknown as Strategy;
    expect(codeOf(() => createVoicePool({ strategy: bad }))).toBe('INVALID_REQUEST');
  });

  it('starts with initialWorklets and defaults to 16 voices per worklet', () => {
    const pool = createVoicePool({ strategy: firstFitForTests(), initialWorklets: 2 });
    expect(pool.voicesPerWorklet).toBe(16);
    expect(pool.stats()).toMatchObject({ workletCount: 2, totalVoices: 32, freeVoices: 32 });
  });
});

describe('release, reset and events', () => {
  it('releases once and reports whether the owner held anything', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    pool.allocate('a', 5);
    expect(pool.release('a')).toBe(true);
    expect(pool.release('a')).toBe(false);
    expect(pool.release('nobody')).toBe(false);
    expect(pool.stats()).toMatchObject({ allocatedVoices: 0, workletCount: 1 });
  });

  it('reset drops allocations and keeps worklets', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    pool.allocate('a', 16);
    pool.allocate('b', 16);
    const released: string[] = [];
    pool.on('released', (a) => released.push(a.owner));
    pool.reset();
    expect(released).toEqual(['a', 'b']);
    expect(pool.stats()).toMatchObject({ workletCount: 2, allocatedVoices: 0, allocations: [] });
    expect(pool.allocate('c', 3)).toEqual({ owner: 'c', worklet: 0, start: 0, count: 3 });
  });

  it('emits events in order and stops after unsubscribe', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    const seen: string[] = [];
    const offs = [
      pool.on('worklet-added', (e) => seen.push(`added ${e.index}`)),
      pool.on('allocated', (a) => seen.push(`allocated ${a.owner} ${a.worklet}:${a.start}+${a.count}`)),
      pool.on('released', (a) => seen.push(`released ${a.owner}`)),
    ];
    pool.allocate('a', 2);
    pool.allocate('a', 2);
    pool.allocate('a', 3);
    pool.release('a');
    for (const off of offs) off();
    pool.allocate('b', 1);
    expect(seen).toEqual(['added 0', 'allocated a 0:0+2', 'released a', 'allocated a 0:0+3', 'released a']);
  });

  it('rejects unknown events with INVALID_REQUEST', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    const error = errorOf(() => pool.on('moved' as 'allocated', () => {}));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('worklet-added');
  });
});

describe('snapshot and stats', () => {
  it('returns immutable plain data that later calls do not change', () => {
    const pool = createVoicePool({ strategy: firstFitForTests(), maxWorklets: 8 });
    pool.allocate('a', 3);
    const snap = pool.snapshot();
    pool.allocate('b', 3);
    expect(snap.allocations).toEqual([{ owner: 'a', worklet: 0, start: 0, count: 3 }]);
    expect(Object.isFrozen(snap)).toBe(true);
    expect(Object.isFrozen(snap.allocations)).toBe(true);
    expect(Object.isFrozen(snap.allocations[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('compact', () => {
  it('empties high worklets into free space below and drops them, preserving owners', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    for (const [owner, n] of [
      ['a', 8],
      ['b', 8],
      ['c', 8],
      ['d', 8],
      ['e', 4],
    ] as const) {
      pool.allocate(owner, n);
    }
    pool.release('b');
    pool.release('c');
    const removed: number[] = [];
    pool.on('worklet-removed', (e) => removed.push(e.index));
    const plan = pool.compact();
    // e (4 voices) fits beside a; d (8) then finds only 4 free voices in worklet 0 and stays.
    expect(plan.removedWorklets).toEqual([2]);
    expect(removed).toEqual([2]);
    expect(plan.moves.map((m) => [m.owner, m.from.worklet, m.to.worklet, m.to.start])).toEqual([
      ['e', 2, 0, 8],
    ]);
    expect(pool.stats()).toMatchObject({ workletCount: 2, allocatedVoices: 20 });
    expect(
      pool
        .stats()
        .allocations.map((a) => a.owner)
        .sort(),
    ).toEqual(['a', 'd', 'e']);
  });

  it('fills an empty middle worklet with a whole higher worklet when nothing else fits', () => {
    const pool = createVoicePool({ strategy: dedicatedForTests() });
    pool.allocate('a', 4);
    pool.allocate('b', 4);
    pool.allocate('c', 4);
    pool.release('b');
    const plan = pool.compact();
    expect(plan.moves).toEqual([
      {
        owner: 'c',
        from: { owner: 'c', worklet: 2, start: 0, count: 4 },
        to: { owner: 'c', worklet: 1, start: 0, count: 4 },
      },
    ]);
    expect(plan.removedWorklets).toEqual([2]);
    expect(pool.workletCount).toBe(2);
  });

  it('keeps initialWorklets and returns an empty plan when nothing can improve', () => {
    const pool = createVoicePool({ strategy: blocksForTests(), initialWorklets: 2 });
    pool.allocate('a', 4);
    expect(pool.compact()).toEqual({ moves: [], removedWorklets: [] });
    expect(pool.workletCount).toBe(2);
  });

  it('is an error-free no-op on an empty pool', () => {
    const pool = createVoicePool({ strategy: blocksForTests() });
    expect(pool.compact()).toEqual({ moves: [], removedWorklets: [] });
  });

  it('rejects invalid placements during compaction without changing anything', () => {
    let broken = false;
    const strategy: Strategy = {
      name: 'flaky',
      description: 'breaks when told to',
      place(request, view) {
        if (broken) return { worklet: 0, start: 0, count: request.voices };
        for (let w = 0; w < view.workletCount; w++) {
          if (view.ownerCount(w) === 0) return { worklet: w, start: 0, count: request.voices };
        }
        return null;
      },
    };
    const pool = createVoicePool({ strategy });
    pool.allocate('a', 2);
    pool.allocate('b', 2);
    const before = pool.snapshot();
    broken = true;
    expect(codeOf(() => pool.compact())).toBe('INVALID_PLACEMENT');
    expect(pool.snapshot()).toEqual(before);
  });
});

describe('isPoolError', () => {
  it('narrows by code', () => {
    const error = new PoolError('POOL_EXHAUSTED', 'x');
    expect(isPoolError(error)).toBe(true);
    expect(isPoolError(error, 'POOL_EXHAUSTED')).toBe(true);
    expect(isPoolError(error, 'INVALID_REQUEST')).toBe(false);
    expect(isPoolError(new Error('x'))).toBe(false);
  });
});
