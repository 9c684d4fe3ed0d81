import { createVoicePool } from '@workletpool/pool-core';
import { describe, expect, it } from 'vitest';
import { fixedBlocks } from './fixed-blocks';

describe('the reference scenario', () => {
  it('puts 7 instruments x 4 voices on 2 worklets with fixed blocks of four', () => {
    const pool = createVoicePool({ voicesPerWorklet: 16, strategy: fixedBlocks({ blockSize: 4 }) });
    const ranges = [1, 2, 3, 4, 5, 6, 7].map((i) => pool.allocate(`instrument-${i}`, 4));
    expect(ranges.map((a) => `${a.owner}@${a.worklet}:${a.start}-${a.start + a.count - 1}`)).toEqual([
      'instrument-1@0:0-3',
      'instrument-2@0:4-7',
      'instrument-3@0:8-11',
      'instrument-4@0:12-15',
      'instrument-5@1:0-3',
      'instrument-6@1:4-7',
      'instrument-7@1:8-11',
    ]);
    expect(pool.stats()).toMatchObject({
      workletCount: 2,
      totalVoices: 32,
      allocatedVoices: 28,
      freeVoices: 4,
    });
  });
});
