// The unpooled layout as a strategy, so the legacy mode goes through the same pool and checks.

import type { Placement, PlacementRequest, PoolView, Strategy } from '@workletpool/pool-core';

/** One owner per worklet, from voice 0: the one-node-per-instrument layout. */
export function dedicated(): Strategy {
  return Object.freeze({
    name: 'dedicated',
    description: 'one owner per worklet, starting at voice 0 of the lowest empty worklet',
    exclusive: true,
    place(request: PlacementRequest, view: PoolView): Placement | null {
      const worklets = view.workletCount;
      for (let w = 0; w < worklets; w++) {
        if (view.ownerCount(w) === 0) return { worklet: w, start: 0, count: request.voices };
      }
      return null;
    },
  });
}
