// Best-fit keeps large runs free for large requests, at the cost of a search over every run.

import type { Placement, PlacementRequest, PoolView, Strategy } from '@workletpool/pool-core';

/** The smallest free run that fits; ties go to the lowest worklet, then the lowest voice (exact size). */
export function bestFit(): Strategy {
  return Object.freeze({
    name: 'best-fit',
    description: 'the smallest free run that fits; ties to the lowest worklet, then offset; exact size',
    place(request: PlacementRequest, view: PoolView): Placement | null {
      const voices = request.voices;
      let bestWorklet = -1;
      let bestLength = Number.POSITIVE_INFINITY;
      for (let w = view.nextWorkletWithRun(voices); w >= 0; w = view.nextWorkletWithRun(voices, w + 1)) {
        const length = view.smallestFreeRunAtLeast(w, voices);
        // Strictly smaller only, so the lowest worklet among equals wins; an exact fit cannot be beaten.
        if (length < bestLength) {
          bestWorklet = w;
          bestLength = length;
          if (length === voices) break;
        }
      }
      if (bestWorklet < 0) return null;
      const runs = view.freeRunCount(bestWorklet);
      for (let i = 0; i < runs; i++) {
        // The lowest-offset run of the winning length.
        if (view.freeRunLength(bestWorklet, i) === bestLength) {
          return { worklet: bestWorklet, start: view.freeRunStart(bestWorklet, i), count: voices };
        }
      }
      return null;
    },
  });
}
