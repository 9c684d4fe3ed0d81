import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVoicePool, type PoolView, type Strategy } from './index';
import { blocksForTests, dedicatedForTests, firstFitForTests } from './test-strategies';
import {
  checkStrategyLaws,
  poolCommands,
  poolConfigArbitrary,
  referenceView,
  runPoolModel,
  strategyLaws,
} from './testing';

const strategies = [blocksForTests(4), firstFitForTests(), dedicatedForTests()];

describe.each(strategies.map((s) => [s.name, s] as const))('model-based churn with %s', (_name, strategy) => {
  it('keeps every invariant over 100+ commands per run', () => {
    let commandsRun = 0;
    fc.assert(
      fc.property(
        poolConfigArbitrary().chain((config) => fc.tuple(fc.constant(config), poolCommands(config))),
        ([config, commands]) => {
          const list = [...commands];
          commandsRun += list.length;
          expect(list.length).toBeGreaterThanOrEqual(100);
          runPoolModel(strategy, config, list);
        },
      ),
    );
    expect(commandsRun).toBeGreaterThan(0);
  });
});

describe('the laws as users run them', () => {
  for (const law of strategyLaws(blocksForTests(4))) it(law.name, () => law.check());
});

/** Dumps everything a view can say about every worklet, through the indexed and object accessors. */
function describeView(view: PoolView): string {
  const parts: unknown[] = [view.workletCount, view.voicesPerEngine];
  for (let w = -1; w <= view.workletCount; w++) {
    const runs = [];
    for (let i = 0; i < view.freeRunCount(w); i++)
      runs.push([view.freeRunStart(w, i), view.freeRunLength(w, i)]);
    const free = [];
    for (let s = 0; s < view.voicesPerWorklet; s++)
      free.push(view.isFree(w, s, 1) ? 1 : 0, view.isFree(w, s, 3) ? 1 : 0);
    parts.push([
      view.allocatedVoices(w),
      view.ownerCount(w),
      view.largestFreeRun(w),
      runs,
      view.freeRuns(w),
      free.join(''),
      [1, 2, 5, 8].map((n) => view.nextWorkletWithRun(n, Math.max(0, w))),
      [1, 2, 3, 5, 8, 16].map((n) => view.smallestFreeRunAtLeast(w, n)),
    ]);
  }
  return JSON.stringify(parts);
}

describe('the view strategies see', () => {
  it('matches the naive reference view in every state (masked and unmasked worklets)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([16, 1], [16, 2], [32, 4], [48, 3], [40, 1]),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.boolean()), { minLength: 1, maxLength: 80 }),
        ([vpw, engines], steps) => {
          const seen: string[] = [];
          const inner = firstFitForTests();
          const spy: Strategy = {
            ...inner,
            place(request, view) {
              seen.push(describeView(view));
              return inner.place(request, view);
            },
          };
          const pool = createVoicePool({
            strategy: spy,
            voicesPerWorklet: vpw!,
            enginesPerWorklet: engines!,
          });
          steps.forEach(([voices, release], i) => {
            const before = pool.snapshot();
            seen.length = 0;
            pool.allocate(`o${i}`, Math.min(voices, vpw! / engines!));
            expect(seen[0]).toBe(describeView(referenceView(before)));
            if (release) pool.release(`o${Math.floor(i / 2)}`);
          });
        },
      ),
    );
  });
});

describe('the laws catch a broken strategy', () => {
  it('reports an overlapping strategy through the model suite', () => {
    const overlapping: Strategy = {
      name: 'overlapping',
      description: 'always answers voice 0 of worklet 0',
      place: (request, view) =>
        view.workletCount > 0 ? { worklet: 0, start: 0, count: request.voices } : null,
    };
    expect(() => checkStrategyLaws(overlapping, { numRuns: 5 })).toThrow(/invalid placement/);
  });

  it('reports a strategy that ignores room freed in earlier worklets', () => {
    const onlyLast: Strategy = {
      name: 'only-last',
      description: 'first fit inside the last worklet only, so the pool grows while older worklets have room',
      place(request, view) {
        const w = view.workletCount - 1;
        for (let i = 0; i < view.freeRunCount(w); i++) {
          if (view.freeRunLength(w, i) >= request.voices) {
            return { worklet: w, start: view.freeRunStart(w, i), count: request.voices };
          }
        }
        return null;
      },
    };
    expect(() => checkStrategyLaws(onlyLast, { numRuns: 50 })).toThrow(
      /finds room again where room was just freed/,
    );
  });
});
