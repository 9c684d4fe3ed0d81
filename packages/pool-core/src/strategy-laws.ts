// The laws any placement strategy must obey, packaged so a user can property-test a custom
// strategy with one call, exactly as the built-in strategies are tested.

import fc from 'fast-check';
import { InvariantViolation } from './pool-invariants';
import { type PoolConfig, poolCommands, runPoolModel } from './pool-model';
import { referenceView } from './reference-view';
import type { Strategy } from './strategy';
import { createVoicePool } from './voice-pool';

/** A worklet geometry the laws run on. */
export interface Geometry {
  readonly voicesPerWorklet: number;
  readonly enginesPerWorklet: number;
}

/** Geometries used when none are given: one and several engines, small and larger (over 32 voices) worklets. */
export const defaultGeometries: readonly Geometry[] = Object.freeze([
  { voicesPerWorklet: 16, enginesPerWorklet: 1 },
  { voicesPerWorklet: 16, enginesPerWorklet: 2 },
  { voicesPerWorklet: 8, enginesPerWorklet: 1 },
  { voicesPerWorklet: 48, enginesPerWorklet: 3 },
]);

/** Options of {@link strategyLaws}. */
export interface StrategyLawOptions {
  /** Geometries to test on (default {@link defaultGeometries}). */
  readonly geometries?: readonly Geometry[];
  /** Longest command sequence per model run (default 300). */
  readonly maxCommands?: number;
  /** Shortest command sequence per model run (default 100). */
  readonly minCommands?: number;
  /** Runs per law for `check()`; by default fast-check's global setting applies. */
  readonly numRuns?: number;
}

/** One law: a name for the test, the fast-check property, and `check()` that asserts it. */
export interface StrategyLaw {
  /** Test name, e.g. `best-fit: keeps every pool invariant under model-based churn`. */
  readonly name: string;
  /** The property; pass it to `fc.assert` yourself to choose parameters. */
  readonly property: fc.IRawProperty<unknown[]>;
  /** Runs `fc.assert` on the property (with `numRuns` when given); throws on a counterexample. */
  check(): void;
}

/** Pool configurations over the given geometries: initial worklets, caps and both growth policies. */
export function poolConfigArbitrary(
  geometries: readonly Geometry[] = defaultGeometries,
): fc.Arbitrary<PoolConfig> {
  return fc
    .record({
      geometry: fc.constantFrom(...geometries),
      initialWorklets: fc.integer({ min: 0, max: 2 }),
      cap: fc.oneof(
        { arbitrary: fc.constant(Number.POSITIVE_INFINITY), weight: 3 },
        fc.integer({ min: 1, max: 6 }),
      ),
      never: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, fc.constant(true)),
    })
    .map(({ geometry, initialWorklets, cap, never }) => {
      const initial = never ? Math.max(1, initialWorklets) : initialWorklets;
      return {
        voicesPerWorklet: geometry.voicesPerWorklet,
        enginesPerWorklet: geometry.enginesPerWorklet,
        initialWorklets: initial,
        maxWorklets: Math.max(cap, initial, 1),
        growth: never ? 'never' : 'on-demand',
      } satisfies PoolConfig;
    });
}

/** A churn history: owners with sizes allocated in order, some of them released again. */
function historyArbitrary(geometry: Geometry) {
  const vpe = geometry.voicesPerWorklet / geometry.enginesPerWorklet;
  return fc.array(fc.record({ voices: fc.integer({ min: 1, max: vpe }), release: fc.boolean() }), {
    minLength: 1,
    maxLength: 60,
  });
}

function replayHistory(
  strategy: Strategy,
  geometry: Geometry,
  history: { voices: number; release: boolean }[],
) {
  const pool = createVoicePool({ strategy, ...geometry });
  const live: { owner: string; voices: number }[] = [];
  history.forEach((step, i) => {
    const owner = `owner-${i}`;
    pool.allocate(owner, step.voices);
    live.push({ owner, voices: step.voices });
    if (step.release && live.length > 1) {
      const gone = live.splice(i % live.length, 1)[0]!;
      pool.release(gone.owner);
    }
  });
  return { pool, live };
}

/**
 * The laws every placement strategy must satisfy, as fast-check properties you run inside
 * your own test suite:
 *
 * ```ts
 * for (const law of strategyLaws(myStrategy)) it(law.name, () => law.check());
 * ```
 */
export function strategyLaws(strategy: Strategy, options: StrategyLawOptions = {}): StrategyLaw[] {
  const geometries = options.geometries ?? defaultGeometries;
  const commandOptions = {
    ...(options.maxCommands === undefined ? {} : { maxCommands: options.maxCommands }),
    ...(options.minCommands === undefined ? {} : { minCommands: options.minCommands }),
  };
  const law = (title: string, property: fc.IRawProperty<unknown[]>): StrategyLaw => ({
    name: `${strategy.name}: ${title}`,
    property,
    check() {
      fc.assert(property, options.numRuns === undefined ? {} : { numRuns: options.numRuns });
    },
  });
  const geometry = fc.constantFrom(...geometries);
  return [
    law(
      'keeps every pool invariant under model-based churn (validity, growth only when needed, compaction, determinism)',
      fc.property(
        poolConfigArbitrary(geometries).chain((config) =>
          fc.tuple(fc.constant(config), poolCommands(config, commandOptions)),
        ),
        ([config, commands]) => runPoolModel(strategy, config, commands),
      ),
    ),
    law(
      "places every request up to an engine's size in an empty worklet",
      fc.property(
        geometry.chain((g) =>
          fc.tuple(
            fc.constant(g),
            fc.integer({ min: 1, max: g.voicesPerWorklet / g.enginesPerWorklet }),
            fc.integer({ min: 1, max: 3 }),
          ),
        ),
        ([g, voices, worklets]) => {
          const pool = createVoicePool({ strategy, ...g, initialWorklets: worklets, growth: 'never' });
          const a = pool.allocate('newcomer', voices);
          if (a.count < voices) {
            throw new InvariantViolation(`allocate('newcomer', ${voices})`, [`got only ${a.count} voices`]);
          }
        },
      ),
    ),
    law(
      'finds room again where room was just freed',
      fc.property(
        geometry.chain((g) => fc.tuple(fc.constant(g), historyArbitrary(g), fc.nat())),
        ([g, history, pick]) => {
          const { pool, live } = replayHistory(strategy, g, history);
          const gone = live[pick % live.length]!;
          pool.release(gone.owner);
          const answer = strategy.place(
            { owner: 'newcomer', voices: gone.voices },
            referenceView(pool.snapshot()),
          );
          if (answer == null) {
            throw new InvariantViolation(`after release('${gone.owner}') of ${gone.voices} voices`, [
              `no fit for ${gone.voices} voices in ${pool.workletCount} worklets (${pool.stats().freeVoices} free)`,
            ]);
          }
        },
      ),
    ),
    law(
      'answers the same for the same state and request',
      fc.property(
        geometry.chain((g) =>
          fc.tuple(
            fc.constant(g),
            historyArbitrary(g),
            fc.integer({ min: 1, max: g.voicesPerWorklet / g.enginesPerWorklet }),
          ),
        ),
        ([g, history, voices]) => {
          const first = replayHistory(strategy, g, history).pool.snapshot();
          const second = replayHistory(strategy, g, history).pool.snapshot();
          if (JSON.stringify(first) !== JSON.stringify(second)) {
            throw new InvariantViolation('replaying the same history', [
              'two pools ended in different states',
            ]);
          }
          const request = { owner: 'newcomer', voices };
          const a = JSON.stringify(strategy.place(request, referenceView(first)));
          const b = JSON.stringify(strategy.place(request, referenceView(second)));
          if (a !== b) throw new InvariantViolation(`place(${voices} voices)`, [`answered ${a}, then ${b}`]);
        },
      ),
    ),
  ];
}

/** Asserts every law of {@link strategyLaws}; throws the first counterexample, naming the law. */
export function checkStrategyLaws(strategy: Strategy, options: StrategyLawOptions = {}): void {
  for (const law of strategyLaws(strategy, options)) {
    try {
      law.check();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // fast-check keeps the property's own error as the cause; its message says what broke.
      const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
      throw new Error(`law failed: ${law.name}\n${message}${cause}`, { cause: error });
    }
  }
}
