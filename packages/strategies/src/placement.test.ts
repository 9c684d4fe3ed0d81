import { createVoicePool, type Strategy } from '@workletpool/pool-core';
import { describe, expect, it } from 'vitest';
import { bestFit } from './best-fit';
import { dedicated } from './dedicated';
import { firstFit } from './first-fit';
import { fixedBlocks } from './fixed-blocks';

function layout(
  strategy: Strategy,
  steps: [string, number][],
  releases: string[] = [],
  enginesPerWorklet = 1,
) {
  const pool = createVoicePool({ strategy, enginesPerWorklet });
  for (const [owner, voices] of steps) pool.allocate(owner, voices);
  for (const owner of releases) pool.release(owner);
  return pool;
}

const range = (a: { worklet: number; start: number; count: number }) => `${a.worklet}:${a.start}+${a.count}`;

describe('fixedBlocks', () => {
  it('rounds up to whole blocks on block boundaries', () => {
    const pool = layout(fixedBlocks({ blockSize: 4 }), [
      ['a', 1],
      ['b', 5],
      ['c', 4],
    ]);
    expect(pool.stats().allocations.map(range)).toEqual(['0:0+4', '0:4+8', '0:12+4']);
    expect(pool.allocate('d', 3)).toMatchObject({ worklet: 1, start: 0, count: 4 });
  });

  it('reuses the lowest free block after a release', () => {
    const pool = layout(
      fixedBlocks(),
      [
        ['a', 4],
        ['b', 4],
        ['c', 4],
      ],
      ['a'],
    );
    expect(range(pool.allocate('d', 2))).toBe('0:0+4');
  });

  it('declares its alignment and rejects a bad block size', () => {
    expect(fixedBlocks({ blockSize: 8 }).alignment).toBe(8);
    expect(() => fixedBlocks({ blockSize: 0 })).toThrow(/blockSize must be a positive integer, got 0/);
  });
});

describe('bestFit', () => {
  it('takes the smallest free run that fits', () => {
    // Free runs after releases: worklet 0 voices 0-4 (5) and 9-10 (2); worklet 1 voices 13-15 (3).
    const pool = layout(
      bestFit(),
      [
        ['a', 5],
        ['b', 4],
        ['c', 2],
        ['d', 5],
        ['e', 16],
        ['f', 13],
      ],
      ['a', 'c'],
    );
    expect(pool.stats().worklets.map((w) => w.freeRuns)).toEqual([
      [
        { start: 0, count: 5 },
        { start: 9, count: 2 },
      ],
      [],
      [{ start: 13, count: 3 }],
    ]);
    expect(range(pool.allocate('g', 2))).toBe('0:9+2');
    expect(range(pool.allocate('h', 3))).toBe('2:13+3');
    expect(range(pool.allocate('i', 3))).toBe('0:0+3');
  });

  it('breaks ties by lowest worklet, then lowest offset', () => {
    const pool = layout(
      bestFit(),
      [
        ['a', 2],
        ['b', 14],
        ['c', 2],
        ['d', 12],
        ['e', 2],
      ],
      ['a', 'c'],
    );
    // Two equal runs of 2 voices: voice 0 of worklet 0 and voice 0 of worklet 1.
    expect(range(pool.allocate('f', 2))).toBe('0:0+2');
    expect(range(pool.allocate('g', 2))).toBe('1:0+2');
  });
});

describe('firstFit', () => {
  it('takes the first run that fits even when a tighter one exists later', () => {
    const pool = layout(
      firstFit(),
      [
        ['a', 6],
        ['b', 2],
        ['c', 3],
        ['d', 5],
      ],
      ['a', 'c'],
    );
    expect(range(pool.allocate('e', 3))).toBe('0:0+3');
  });

  it('never straddles engines', () => {
    const pool = layout(firstFit(), [['a', 6]], [], 2);
    expect(range(pool.allocate('b', 3))).toBe('0:8+3');
  });
});

describe('dedicated', () => {
  it('gives every owner its own worklet from voice 0', () => {
    const pool = layout(dedicated(), [
      ['a', 2],
      ['b', 16],
      ['c', 1],
    ]);
    expect(pool.stats().allocations.map(range)).toEqual(['0:0+2', '1:0+16', '2:0+1']);
    pool.release('b');
    expect(range(pool.allocate('d', 4))).toBe('1:0+4');
  });
  it('declares itself exclusive, so pools and runtimes can rely on one owner per worklet', () => {
    expect(dedicated().exclusive).toBe(true);
    expect(layout(dedicated(), [['a', 2]]).snapshot().exclusive).toBe(true);
  });
});
