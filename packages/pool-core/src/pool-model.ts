// A model of the pool simple enough to trust, driven by fast-check commands beside the real
// pool: any difference in outcome, or a broken invariant, is a failing run with a replay.

import fc from 'fast-check';
import type { Allocation } from './layout';
import { PoolError } from './pool-error';
import { checkPoolInvariants, InvariantViolation } from './pool-invariants';
import { referenceView } from './reference-view';
import type { Placement, Strategy } from './strategy';
import { createVoicePool, type GrowthPolicy, type PoolSnapshot, type VoicePool } from './voice-pool';

/** Pool geometry and growth policy for one property run. */
export interface PoolConfig {
  readonly voicesPerWorklet: number;
  readonly enginesPerWorklet: number;
  readonly initialWorklets: number;
  readonly maxWorklets: number;
  readonly growth: GrowthPolicy;
}

/** One public call made on the pool under test. */
export type PoolCall =
  | { readonly op: 'allocate'; readonly owner: string; readonly voices: number }
  | { readonly op: 'release'; readonly owner: string }
  | { readonly op: 'reset' }
  | { readonly op: 'compact' };

/** What the model knows: which owners are live with how many voices, and the worklet count. */
export interface PoolModel {
  readonly live: Map<string, number>;
  workletCount: number;
}

/** The system under test: a real pool plus the log of calls and outcomes used for the replay check. */
export interface PoolUnderTest {
  readonly pool: VoicePool;
  readonly config: PoolConfig;
  readonly strategy: Strategy;
  readonly calls: PoolCall[];
  readonly outcomes: string[];
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function describeOutcome(o: Outcome): string {
  if (o.ok) return `returned ${JSON.stringify(o.value)}`;
  return o.error instanceof PoolError
    ? `threw ${o.error.code}: ${o.error.message}`
    : `threw ${o.error instanceof Error ? o.error.message : String(o.error)}`;
}

function fail(call: string, problem: string): never {
  throw new InvariantViolation(call, [problem]);
}

function expectCode(call: string, o: Outcome, code: string): void {
  if (o.ok || !(o.error instanceof PoolError) || o.error.code !== code) {
    fail(call, `expected PoolError ${code}, but it ${describeOutcome(o)}`);
  }
}

function expectUnchanged(call: string, before: PoolSnapshot, after: PoolSnapshot): void {
  const b = JSON.stringify(before);
  const a = JSON.stringify(after);
  if (a !== b) fail(call, `a failed or idempotent call changed the pool: before ${b}, after ${a}`);
}

function samePlacement(a: Allocation, p: Placement): boolean {
  return a.worklet === p.worklet && a.start === p.start && a.count === p.count;
}

function record(real: PoolUnderTest, call: PoolCall, o: Outcome): void {
  real.calls.push(call);
  real.outcomes.push(describeOutcome(o));
}

/** allocate(owner, voices), checked against what the strategy itself answers on a reference view. */
export class AllocateCommand implements fc.Command<PoolModel, PoolUnderTest> {
  constructor(
    readonly owner: string,
    readonly voices: number,
  ) {}

  check(): boolean {
    return true;
  }

  run(model: PoolModel, real: PoolUnderTest): void {
    const { pool, config } = real;
    const call = `allocate('${this.owner}', ${this.voices})`;
    const before = pool.snapshot();
    const o = attempt(() => pool.allocate(this.owner, this.voices));
    record(real, { op: 'allocate', owner: this.owner, voices: this.voices }, o);
    const after = pool.snapshot();
    const vpe = config.voicesPerWorklet / config.enginesPerWorklet;
    const held = model.live.get(this.owner);
    if (this.owner === '' || !Number.isInteger(this.voices) || this.voices <= 0) {
      expectCode(call, o, 'INVALID_REQUEST');
      expectUnchanged(call, before, after);
    } else if (held === this.voices) {
      const previous = before.allocations.find((a) => a.owner === this.owner);
      if (!o.ok || JSON.stringify(o.value) !== JSON.stringify(previous)) {
        fail(call, `not idempotent: held ${JSON.stringify(previous)}, it ${describeOutcome(o)}`);
      }
      expectUnchanged(call, before, after);
    } else if (this.voices > vpe) {
      expectCode(call, o, 'REQUEST_TOO_LARGE');
      expectUnchanged(call, before, after);
    } else {
      this.checkPlacement(call, model, real, before, after, o);
    }
    checkPoolInvariants(pool);
  }

  private checkPlacement(
    call: string,
    model: PoolModel,
    real: PoolUnderTest,
    before: PoolSnapshot,
    after: PoolSnapshot,
    o: Outcome,
  ): void {
    const { config, strategy } = real;
    const request = { owner: this.owner, voices: this.voices };
    // The pool must use exactly the strategy's answer, and grow only when there was none.
    let expected = strategy.place(request, referenceView(before, this.owner));
    let grows = false;
    const canGrow = config.growth === 'on-demand' && before.workletCount < config.maxWorklets;
    if (expected == null && canGrow) {
      expected = strategy.place(request, referenceView(before, this.owner, 1));
      grows = expected != null;
    }
    if (!o.ok && o.error instanceof PoolError && o.error.code === 'INVALID_PLACEMENT') {
      fail(call, `strategy '${strategy.name}' made an invalid placement: ${o.error.message}`);
    }
    if (expected == null) {
      expectCode(call, o, 'POOL_EXHAUSTED');
      expectUnchanged(call, before, after);
      return;
    }
    if (!o.ok) fail(call, `strategy answered ${JSON.stringify(expected)} but the pool ${describeOutcome(o)}`);
    const got = o.value as Allocation;
    if (!samePlacement(got, expected)) {
      fail(
        call,
        `strategy answered ${JSON.stringify(expected)} but the pool allocated ${JSON.stringify(got)}`,
      );
    }
    if (got.count < this.voices)
      fail(call, `allocated ${got.count} voices, fewer than the ${this.voices} asked`);
    const wanted = before.workletCount + (grows ? 1 : 0);
    if (after.workletCount !== wanted) {
      fail(call, `worklets went from ${before.workletCount} to ${after.workletCount}; expected ${wanted}`);
    }
    if (grows && got.worklet !== before.workletCount) {
      fail(call, `grew to worklet ${before.workletCount} but placed in worklet ${got.worklet}`);
    }
    const others = (s: PoolSnapshot) => JSON.stringify(s.allocations.filter((a) => a.owner !== this.owner));
    if (others(before) !== others(after)) fail(call, 'other owners moved');
    model.live.set(this.owner, this.voices);
    model.workletCount = after.workletCount;
  }

  toString(): string {
    return `allocate(${JSON.stringify(this.owner)}, ${this.voices})`;
  }
}

/** release(owner): true exactly when the owner was live; nobody else moves. */
export class ReleaseCommand implements fc.Command<PoolModel, PoolUnderTest> {
  constructor(readonly owner: string) {}

  check(): boolean {
    return true;
  }

  run(model: PoolModel, real: PoolUnderTest): void {
    const call = `release('${this.owner}')`;
    const before = real.pool.snapshot();
    const o = attempt(() => real.pool.release(this.owner));
    record(real, { op: 'release', owner: this.owner }, o);
    const was = model.live.has(this.owner);
    if (!o.ok || o.value !== was) fail(call, `expected ${was}, it ${describeOutcome(o)}`);
    const after = real.pool.snapshot();
    const expected = JSON.stringify(before.allocations.filter((a) => a.owner !== this.owner));
    if (JSON.stringify(after.allocations) !== expected || after.workletCount !== before.workletCount) {
      fail(
        call,
        `expected ranges ${expected} on ${before.workletCount} worklets, got ${JSON.stringify(after)}`,
      );
    }
    model.live.delete(this.owner);
    checkPoolInvariants(real.pool);
  }

  toString(): string {
    return `release(${JSON.stringify(this.owner)})`;
  }
}

/** reset(): no ranges left, worklets kept. */
export class ResetCommand implements fc.Command<PoolModel, PoolUnderTest> {
  check(): boolean {
    return true;
  }

  run(model: PoolModel, real: PoolUnderTest): void {
    const before = real.pool.snapshot();
    const o = attempt(() => real.pool.reset());
    record(real, { op: 'reset' }, o);
    const after = real.pool.snapshot();
    if (!o.ok || after.allocations.length !== 0 || after.workletCount !== before.workletCount) {
      fail('reset()', `expected no ranges on ${before.workletCount} worklets, got ${JSON.stringify(after)}`);
    }
    model.live.clear();
    checkPoolInvariants(real.pool);
  }

  toString(): string {
    return 'reset()';
  }
}

/** compact(): never adds worklets, keeps every owner, and the plan describes exactly what changed. */
export class CompactCommand implements fc.Command<PoolModel, PoolUnderTest> {
  check(): boolean {
    return true;
  }

  run(model: PoolModel, real: PoolUnderTest): void {
    const call = 'compact()';
    const before = real.pool.snapshot();
    const o = attempt(() => real.pool.compact());
    record(real, { op: 'compact' }, o);
    if (!o.ok) fail(call, `it ${describeOutcome(o)}`);
    const plan = o.value as ReturnType<VoicePool['compact']>;
    const after = real.pool.snapshot();
    const problems: string[] = [];
    if (after.workletCount > before.workletCount) {
      problems.push(`worklets grew from ${before.workletCount} to ${after.workletCount}`);
    }
    const floor = Math.min(before.workletCount, real.config.initialWorklets);
    if (after.workletCount < floor) problems.push(`dropped below initialWorklets: ${after.workletCount}`);
    const removed = [];
    for (let w = before.workletCount - 1; w >= after.workletCount; w--) removed.push(w);
    if (JSON.stringify(plan.removedWorklets) !== JSON.stringify(removed)) {
      problems.push(
        `removedWorklets ${JSON.stringify(plan.removedWorklets)}, expected ${JSON.stringify(removed)}`,
      );
    }
    const byOwner = (s: PoolSnapshot) => new Map(s.allocations.map((a) => [a.owner, a]));
    const pre = byOwner(before);
    const post = byOwner(after);
    if (pre.size !== post.size || [...pre.keys()].some((owner) => !post.has(owner))) {
      problems.push(
        `owners changed: ${[...pre.keys()].sort().join(',')} -> ${[...post.keys()].sort().join(',')}`,
      );
    }
    const moved = new Map(plan.moves.map((m) => [m.owner, m]));
    if (moved.size !== plan.moves.length) problems.push('an owner moves twice in the plan');
    for (const [owner, from] of pre) {
      const to = post.get(owner);
      if (to === undefined) continue;
      if (to.count < (model.live.get(owner) ?? 0)) problems.push(`'${owner}' shrank below its request`);
      const move = moved.get(owner);
      const changed = JSON.stringify(from) !== JSON.stringify(to);
      if (
        changed &&
        (move === undefined || JSON.stringify([move.from, move.to]) !== JSON.stringify([from, to]))
      ) {
        problems.push(
          `'${owner}' went ${JSON.stringify(from)} -> ${JSON.stringify(to)}, plan says ${JSON.stringify(move)}`,
        );
      }
      if (!changed && move !== undefined) problems.push(`plan moves '${owner}' but it did not move`);
    }
    if (problems.length > 0) throw new InvariantViolation(call, problems);
    model.workletCount = after.workletCount;
    checkPoolInvariants(real.pool);
  }

  toString(): string {
    return 'compact()';
  }
}

/** Owner ids the suite draws from: few enough that owners come back, re-allocate and collide. */
export const modelOwners: readonly string[] = Object.freeze(
  Array.from({ length: 12 }, (_, i) => `instrument-${i}`),
);

/** Voices requests for a geometry: mostly valid sizes, some too large, a few malformed. */
export function voicesArbitrary(config: PoolConfig): fc.Arbitrary<number> {
  const vpe = config.voicesPerWorklet / config.enginesPerWorklet;
  return fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: vpe }), weight: 20 },
    { arbitrary: fc.integer({ min: vpe + 1, max: config.voicesPerWorklet + 2 }), weight: 1 },
    { arbitrary: fc.constantFrom(0, -1, 2.5, Number.NaN), weight: 1 },
  );
}

/** Owner ids: the model's recurring set plus, rarely, the invalid empty id. */
export function ownerArbitrary(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...modelOwners), weight: 40 },
    { arbitrary: fc.constant(''), weight: 1 },
  );
}

/** Options of {@link poolCommands}. */
export interface PoolCommandsOptions {
  /** Longest command sequence (default 300). */
  readonly maxCommands?: number;
  /** Shortest command sequence; shorter ones are discarded (default 100). */
  readonly minCommands?: number;
}

/** The command arbitrary for one geometry: real churn of allocations and releases, some resets and compactions. */
export function poolCommands(
  config: PoolConfig,
  options: PoolCommandsOptions = {},
): fc.Arbitrary<Iterable<fc.Command<PoolModel, PoolUnderTest>>> {
  const { maxCommands = 300, minCommands = 100 } = options;
  const command = fc.oneof(
    {
      arbitrary: fc
        .tuple(ownerArbitrary(), voicesArbitrary(config))
        .map(([owner, voices]) => new AllocateCommand(owner, voices)),
      weight: 12,
    },
    { arbitrary: ownerArbitrary().map((owner) => new ReleaseCommand(owner)), weight: 7 },
    { arbitrary: fc.constant(new CompactCommand()), weight: 1 },
    { arbitrary: fc.constant(new ResetCommand()), weight: 1 },
  );
  return fc
    .commands([command], { maxCommands, size: 'max' })
    .filter((commands) => [...commands].length >= minCommands);
}

/** Creates the pool under test for a geometry. */
export function createPoolUnderTest(strategy: Strategy, config: PoolConfig): PoolUnderTest {
  return {
    pool: createVoicePool({ strategy, ...config }),
    config,
    strategy,
    calls: [],
    outcomes: [],
  };
}

function replay(real: PoolUnderTest, call: PoolCall): Outcome {
  const pool = real.pool;
  switch (call.op) {
    case 'allocate':
      return attempt(() => pool.allocate(call.owner, call.voices));
    case 'release':
      return attempt(() => pool.release(call.owner));
    case 'reset':
      return attempt(() => pool.reset());
    case 'compact':
      return attempt(() => pool.compact());
  }
}

/** Replays a run's calls on a fresh pool and demands identical outcomes and final state. */
export function checkDeterminism(real: PoolUnderTest): void {
  const again = createPoolUnderTest(real.strategy, real.config);
  real.calls.forEach((call, i) => {
    const outcome = describeOutcome(replay(again, call));
    if (outcome !== real.outcomes[i]) {
      fail(
        `replaying call ${i} (${JSON.stringify(call)})`,
        `first run ${real.outcomes[i]}, replay ${outcome}`,
      );
    }
  });
  const a = JSON.stringify(real.pool.snapshot());
  const b = JSON.stringify(again.pool.snapshot());
  if (a !== b) fail('replay', `final states differ: ${a} vs ${b}`);
}

/** Runs one command sequence against a fresh pool, then the determinism replay. */
export function runPoolModel(
  strategy: Strategy,
  config: PoolConfig,
  commands: Iterable<fc.Command<PoolModel, PoolUnderTest>>,
): void {
  const real = createPoolUnderTest(strategy, config);
  checkPoolInvariants(real.pool);
  fc.modelRun(() => ({ model: { live: new Map(), workletCount: config.initialWorklets }, real }), commands);
  checkDeterminism(real);
}
