// First-fit: the cheapest search, and the baseline the other strategies are measured against.

import type { Placement, PlacementRequest, PoolView, Strategy } from '@workletpool/pool-core';

/** The first free run that fits, scanning worklets then runs in order (exactly the voices asked for). */
export function firstFit(): Strategy {
  return Object.freeze({
    name: 'first-fit',
    description: 'the first free run that fits, lowest worklet then lowest voice; exact size',
    place(request: PlacementRequest, view: PoolView): Placement | null {
      const voices = request.voices;
      for (let w = view.nextWorkletWithRun(voices); w >= 0; w = view.nextWorkletWithRun(voices, w + 1)) {
        const runs = view.freeRunCount(w);
        for (let i = 0; i < runs; i++) {
          if (view.freeRunLength(w, i) >= voices)
            return { worklet: w, start: view.freeRunStart(w, i), count: voices };
        }
      }
      return null;
    },
  });
}
