import type { Placement, PlacementRequest, PoolView, Strategy } from '@workletpool/pool-core';

/** The smallest free run that fits; ties go to the lowest worklet, then the lowest voice (exact size). */
export function bestFit(): Strategy {
  return Object.freeze({
    name: 'best-fit',
    description: 'the smallest free run that fits; ties to the lowest worklet, then offset; exact size',
    place(request: PlacementRequest, view: PoolView): Placement | null {
      const voices = request.voices;
      let bestWorklet = -1;
      let bestStart = 0;
      let bestLength = Number.POSITIVE_INFINITY;
      for (let w = view.nextWorkletWithRun(voices); w >= 0; w = view.nextWorkletWithRun(voices, w + 1)) {
        const runs = view.freeRunCount(w);
        for (let i = 0; i < runs; i++) {
          const length = view.freeRunLength(w, i);
          // Strictly smaller only, so the first (lowest worklet, lowest offset) of equal runs wins.
          if (length >= voices && length < bestLength) {
            bestWorklet = w;
            bestStart = view.freeRunStart(w, i);
            bestLength = length;
            if (length === voices) return { worklet: w, start: bestStart, count: voices };
          }
        }
      }
      return bestWorklet < 0 ? null : { worklet: bestWorklet, start: bestStart, count: voices };
    },
  });
}
