// Fixed blocks of four, aligned: the reference layout, cheap to place and free of small
// fragments, paid for by rounding requests up.

import {
  type Placement,
  type PlacementRequest,
  PoolError,
  type PoolView,
  type Strategy,
} from '@workletpool/pool-core';

/** Options of {@link fixedBlocks}. */
export interface FixedBlocksOptions {
  /** Voices per block; ranges are rounded up to whole blocks and start on a block boundary (default 4). */
  readonly blockSize?: number;
}

/**
 * Ranges rounded up to whole blocks, aligned to the block size, in the lowest worklet and
 * lowest block that is free: with blocks of four, instruments land on voices 0-3, 4-7, ...
 */
export function fixedBlocks(options: FixedBlocksOptions = {}): Strategy {
  const blockSize = options.blockSize ?? 4;
  if (!Number.isInteger(blockSize) || blockSize <= 0) {
    throw new PoolError(
      'INVALID_REQUEST',
      `fixedBlocks: blockSize must be a positive integer, got ${blockSize}`,
    );
  }
  return Object.freeze({
    name: 'fixed-blocks',
    description: `ranges rounded up to blocks of ${blockSize} voices, aligned to ${blockSize}, lowest worklet first`,
    alignment: blockSize,
    place(request: PlacementRequest, view: PoolView): Placement | null {
      const need = Math.ceil(request.voices / blockSize) * blockSize;
      for (let w = view.nextWorkletWithRun(need); w >= 0; w = view.nextWorkletWithRun(need, w + 1)) {
        const runs = view.freeRunCount(w);
        for (let i = 0; i < runs; i++) {
          const runStart = view.freeRunStart(w, i);
          // Free runs never cross an engine, so the aligned block inside a run is valid as is.
          const start = Math.ceil(runStart / blockSize) * blockSize;
          if (start + need <= runStart + view.freeRunLength(w, i)) return { worklet: w, start, count: need };
        }
      }
      return null;
    },
  });
}
