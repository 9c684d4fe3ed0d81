// Small strategies for pool-core's own tests; the real ones live in @workletpool/strategies,
// which depends on this package and so cannot be imported here.
import type { Placement, PoolView, Strategy } from './strategy';

/** Lowest worklet, lowest aligned start with `ceil(voices / block) * block` free voices. */
export function blocksForTests(block = 4): Strategy {
  return {
    name: 'test-blocks',
    description: `blocks of ${block}, aligned to ${block}`,
    alignment: block,
    place(request, view: PoolView): Placement | null {
      const need = Math.ceil(request.voices / block) * block;
      for (let w = 0; w < view.workletCount; w++) {
        for (let s = 0; s + need <= view.voicesPerWorklet; s += block) {
          if (Math.floor(s / view.voicesPerEngine) !== Math.floor((s + need - 1) / view.voicesPerEngine))
            continue;
          if (view.isFree(w, s, need)) return { worklet: w, start: s, count: need };
        }
      }
      return null;
    },
  };
}

/** The first free run that fits, scanning worklets then runs in order. */
export function firstFitForTests(): Strategy {
  return {
    name: 'test-first-fit',
    description: 'first free run that fits',
    place(request, view) {
      for (let w = 0; w < view.workletCount; w++) {
        for (const run of view.freeRuns(w)) {
          if (run.count >= request.voices) return { worklet: w, start: run.start, count: request.voices };
        }
      }
      return null;
    },
  };
}

/** One owner per worklet. */
export function dedicatedForTests(): Strategy {
  return {
    name: 'test-dedicated',
    description: 'one owner per worklet',
    exclusive: true,
    place(request, view) {
      for (let w = 0; w < view.workletCount; w++) {
        if (view.ownerCount(w) === 0) return { worklet: w, start: 0, count: request.voices };
      }
      return null;
    },
  };
}
