// Each built-in against a brute-force statement of its definition, on random pool states.
import { createVoicePool, type Placement, type PoolView, type Strategy } from '@workletpool/pool-core';
import { referenceView } from '@workletpool/pool-core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestFit } from './best-fit';
import { dedicated } from './dedicated';
import { firstFit } from './first-fit';
import { fixedBlocks } from './fixed-blocks';

type Candidate = { worklet: number; start: number; length: number };

function runs(view: PoolView): Candidate[] {
  const out: Candidate[] = [];
  for (let w = 0; w < view.workletCount; w++) {
    for (const r of view.freeRuns(w)) out.push({ worklet: w, start: r.start, length: r.count });
  }
  return out;
}

const definitions: [Strategy, (view: PoolView, voices: number) => Placement | null][] = [
  [
    bestFit(),
    (view, voices) => {
      const fits = runs(view).filter((r) => r.length >= voices);
      fits.sort((a, b) => a.length - b.length || a.worklet - b.worklet || a.start - b.start);
      const best = fits[0];
      return best === undefined ? null : { worklet: best.worklet, start: best.start, count: voices };
    },
  ],
  [
    firstFit(),
    (view, voices) => {
      const first = runs(view).find((r) => r.length >= voices);
      return first === undefined ? null : { worklet: first.worklet, start: first.start, count: voices };
    },
  ],
  [
    fixedBlocks({ blockSize: 4 }),
    (view, voices) => {
      const need = Math.ceil(voices / 4) * 4;
      for (let w = 0; w < view.workletCount; w++) {
        for (let s = 0; s + need <= view.voicesPerWorklet; s += 4) {
          const sameEngine =
            Math.floor(s / view.voicesPerEngine) === Math.floor((s + need - 1) / view.voicesPerEngine);
          if (sameEngine && view.isFree(w, s, need)) return { worklet: w, start: s, count: need };
        }
      }
      return null;
    },
  ],
  [
    dedicated(),
    (view, voices) => {
      for (let w = 0; w < view.workletCount; w++) {
        if (view.ownerCount(w) === 0) return { worklet: w, start: 0, count: voices };
      }
      return null;
    },
  ],
];

describe.each(definitions.map(([s, d]) => [s.name, s, d] as const))('%s', (_name, strategy, definition) => {
  it('matches its definition on random pool states', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([16, 1], [16, 2], [32, 4], [48, 3]),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.boolean()), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        ([vpw, engines], steps, voices) => {
          // The history is built with first-fit so every strategy is asked about varied layouts.
          const pool = createVoicePool({
            strategy: firstFit(),
            voicesPerWorklet: vpw!,
            enginesPerWorklet: engines!,
          });
          steps.forEach(([n, release], i) => {
            pool.allocate(`o${i}`, n);
            if (release) pool.release(`o${(i * 7) % (i + 1)}`);
          });
          const view = referenceView(pool.snapshot());
          expect(strategy.place({ owner: 'newcomer', voices }, view)).toEqual(definition(view, voices));
        },
      ),
    );
  });
});
