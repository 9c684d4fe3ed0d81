import { describe, expect, it } from 'vitest';
import { createVoicePool, type Strategy } from './index';
import { snapshotProblems } from './pool-invariants';
import { errorOf } from './test-errors';
import { dedicatedForTests, firstFitForTests } from './test-strategies';

describe('a strategy that throws', () => {
  it('becomes INVALID_PLACEMENT with the cause kept, and changes nothing', () => {
    let explode = false;
    const inner = firstFitForTests();
    const strategy: Strategy = {
      name: 'explosive',
      description: 'throws when told to',
      place(request, view) {
        if (explode) throw new RangeError('boom');
        return inner.place(request, view);
      },
    };
    const pool = createVoicePool({ strategy });
    pool.allocate('a', 12);
    pool.allocate('b', 8);
    pool.release('a');
    const before = pool.snapshot();
    expect(before.workletCount).toBe(2);
    explode = true;
    const error = errorOf(() => pool.allocate('c', 2));
    expect(error.code).toBe('INVALID_PLACEMENT');
    expect(error.message).toBe(
      "strategy 'explosive' threw while placing owner 'c' (2 voices): boom; nothing was changed",
    );
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(errorOf(() => pool.compact()).code).toBe('INVALID_PLACEMENT');
    expect(errorOf(() => pool.allocate('b', 6)).code).toBe('INVALID_PLACEMENT');
    expect(pool.snapshot()).toEqual(before);
  });
});

describe('events', () => {
  it('orders released, worklet-added, allocated when a re-placed owner needs a new worklet', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    pool.allocate('a', 8);
    pool.allocate('b', 8);
    const seen: string[] = [];
    pool.on('released', (a) => seen.push(`released ${a.owner} ${a.worklet}:${a.start}+${a.count}`));
    pool.on('worklet-added', (e) => seen.push(`added ${e.index}`));
    pool.on('allocated', (a) => seen.push(`allocated ${a.owner} ${a.worklet}:${a.start}+${a.count}`));
    pool.allocate('a', 9);
    expect(seen).toEqual(['released a 0:0+8', 'added 1', 'allocated a 1:0+9']);
  });

  it('reports compaction moves as released + allocated, then worklet-removed', () => {
    const pool = createVoicePool({ strategy: dedicatedForTests() });
    pool.allocate('a', 2);
    pool.allocate('b', 2);
    pool.release('a');
    const seen: string[] = [];
    pool.on('released', (a) => seen.push(`released ${a.owner} ${a.worklet}`));
    pool.on('allocated', (a) => seen.push(`allocated ${a.owner} ${a.worklet}`));
    pool.on('worklet-removed', (e) => seen.push(`removed ${e.index}`));
    pool.compact();
    expect(seen).toEqual(['released b 1', 'allocated b 0', 'removed 1']);
  });

  it('runs every listener when one throws, then rethrows the first error; the change stands', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    const calls: string[] = [];
    pool.on('allocated', () => {
      calls.push('first');
      throw new Error('listener failed');
    });
    pool.on('allocated', () => calls.push('second'));
    expect(() => pool.allocate('a', 2)).toThrow('listener failed');
    expect(calls).toEqual(['first', 'second']);
    expect(pool.stats().allocations).toEqual([{ owner: 'a', worklet: 0, start: 0, count: 2 }]);
  });

  it('unsubscribing twice is harmless', () => {
    const pool = createVoicePool({ strategy: firstFitForTests() });
    let count = 0;
    const off = pool.on('allocated', () => count++);
    const keep = pool.on('allocated', () => count++);
    off();
    off();
    pool.allocate('a', 1);
    keep();
    expect(count).toBe(1);
  });
});

describe('worklets larger than 32 voices', () => {
  it('places, frees and reports runs inside engines', () => {
    const pool = createVoicePool({
      strategy: firstFitForTests(),
      voicesPerWorklet: 48,
      enginesPerWorklet: 3,
    });
    expect(pool.allocate('a', 10)).toEqual({ owner: 'a', worklet: 0, start: 0, count: 10 });
    expect(pool.allocate('b', 16)).toEqual({ owner: 'b', worklet: 0, start: 16, count: 16 });
    expect(pool.allocate('c', 7)).toEqual({ owner: 'c', worklet: 0, start: 32, count: 7 });
    pool.release('a');
    expect(pool.stats().worklets[0]!.freeRuns).toEqual([
      { start: 0, count: 16 },
      { start: 39, count: 9 },
    ]);
    expect(pool.stats()).toMatchObject({ totalVoices: 48, allocatedVoices: 23, freeVoices: 25 });
  });
});

describe('the view', () => {
  it('answers run queries without allocating and hides nothing it should show', () => {
    const views: string[] = [];
    const inner = firstFitForTests();
    const spy: Strategy = {
      name: 'spy',
      description: 'records what it sees',
      place(request, view) {
        if (request.owner === 'probe') {
          views.push(
            JSON.stringify([
              view.workletCount,
              view.nextWorkletWithRun(3),
              view.nextWorkletWithRun(3, 1),
              view.nextWorkletWithRun(9),
              view.smallestFreeRunAtLeast(0, 1),
              view.smallestFreeRunAtLeast(0, 3),
              view.smallestFreeRunAtLeast(0, 7),
              view.largestFreeRun(0),
              view.ownerCount(0),
              view.allocatedVoices(0),
              view.isFree(0, 2, 2),
              view.isFree(0, 3, 2),
              view.isFree(5, 0, 1),
              view.freeRunStart(0, 99),
            ]),
          );
        }
        return inner.place(request, view);
      },
    };
    const pool = createVoicePool({ strategy: spy, enginesPerWorklet: 2 });
    pool.allocate('a', 2);
    pool.allocate('b', 1);
    pool.allocate('c', 4);
    pool.allocate('d', 8);
    pool.release('b');
    // Worklet 0: free voice 2, free voices 7 (end of engine 0); engine 1 full.
    pool.allocate('probe', 1);
    expect(views).toEqual([JSON.stringify([1, -1, -1, -1, 1, 0, 0, 1, 3, 14, false, false, false, 0])]);
  });
});

describe('the invariant checker', () => {
  it('reports two owners in one worklet only when the snapshot is exclusive', () => {
    const shared = createVoicePool({ strategy: firstFitForTests() });
    shared.allocate('a', 4);
    shared.allocate('b', 4);
    const snapshot = shared.snapshot();
    expect(snapshotProblems(snapshot)).toEqual([]);
    expect(snapshotProblems({ ...snapshot, exclusive: true })).toEqual([
      "'b' at worklet 0, voices 4-7: shares its worklet with 'a' under an exclusive strategy",
    ]);
  });
});
