// The allocator's public face: synchronous, deterministic decisions over the layout, so two
// requests can never race to create a worklet; the runtime only materialises what it decides.

import { type CompactionPlan, planCompaction } from './compaction';
import { type Allocation, Layout, LayoutView } from './layout';
import { askStrategy, checkPlacement } from './placement-check';
import { PoolError } from './pool-error';
import type { FreeRun, Placement, PlacementRequest, Strategy } from './strategy';

/** When the pool may add worklets: whenever nothing fits (`on-demand`) or not at all (`never`). */
export type GrowthPolicy = 'on-demand' | 'never';

/** Options of {@link createVoicePool}. */
export interface VoicePoolOptions {
  /** Voices in one worklet (default 16). */
  readonly voicesPerWorklet?: number;
  /** Engines a worklet is cut into; a range never straddles two (default 1). */
  readonly enginesPerWorklet?: number;
  /** Where ranges go. */
  readonly strategy: Strategy;
  /** Worklets created up front and kept by reset() and compact() (default 0). */
  readonly initialWorklets?: number;
  /** Upper bound on worklets (default Infinity). */
  readonly maxWorklets?: number;
  /** Growth policy (default `on-demand`). */
  readonly growth?: GrowthPolicy;
}

/** Free runs of one worklet, as reported by stats(). */
export interface WorkletStats {
  /** Worklet index. */
  readonly index: number;
  /** Maximal free runs, each inside one engine, ascending by start. */
  readonly freeRuns: readonly FreeRun[];
}

/** Totals and ranges at one moment; fresh objects on every call. */
export interface PoolStats {
  /** Worklets the pool holds. */
  readonly workletCount: number;
  /** workletCount x voicesPerWorklet. */
  readonly totalVoices: number;
  /** Voices held by owners. */
  readonly allocatedVoices: number;
  /** totalVoices - allocatedVoices. */
  readonly freeVoices: number;
  /** Every range, ordered by worklet then start. */
  readonly allocations: readonly Allocation[];
  /** Per-worklet free runs. */
  readonly worklets: readonly WorkletStats[];
}

/** A deeply frozen, plain-data picture of the pool (safe to keep, compare or serialise). */
export interface PoolSnapshot {
  /** Voices in one worklet. */
  readonly voicesPerWorklet: number;
  /** Engines per worklet. */
  readonly enginesPerWorklet: number;
  /** Worklets the pool holds. */
  readonly workletCount: number;
  /** Upper bound on worklets. */
  readonly maxWorklets: number;
  /** Growth policy. */
  readonly growth: GrowthPolicy;
  /** The strategy's name. */
  readonly strategy: string;
  /** The alignment the pool enforces (1 when the strategy declares none). */
  readonly alignment: number;
  /** Whether the strategy declares itself exclusive (one owner per worklet). */
  readonly exclusive: boolean;
  /** Every range, ordered by worklet then start. */
  readonly allocations: readonly Allocation[];
}

/** Payloads of the pool's events. */
export interface PoolEventMap {
  /** A worklet was appended at `index`. */
  'worklet-added': { readonly index: number };
  /** The worklet at `index` was dropped (only the last one ever is). */
  'worklet-removed': { readonly index: number };
  /** An owner received a range. */
  allocated: Allocation;
  /** An owner gave a range back. */
  released: Allocation;
}

/** The events a pool emits. */
export type PoolEventName = keyof PoolEventMap;

/** A synchronous, deterministic allocator of voice ranges across worklets. */
export interface VoicePool {
  /** Voices in one worklet. */
  readonly voicesPerWorklet: number;
  /** Engines per worklet. */
  readonly enginesPerWorklet: number;
  /** Worklets the pool currently holds. */
  readonly workletCount: number;
  /** The strategy the pool places with. */
  readonly strategy: Strategy;
  /**
   * Gives `owner` a range of at least `voices` voices. Idempotent for the same owner and
   * count; a different count for a live owner re-places it (or fails, keeping the old range).
   * Throws {@link PoolError}; a failed call changes nothing.
   */
  allocate(owner: string, voices: number): Allocation;
  /** Frees the owner's range; false when the owner held nothing. */
  release(owner: string): boolean;
  /** Drops every allocation and keeps the worklets. */
  reset(): void;
  /** Moves owners to empty worklets, drops trailing empty ones, and returns the plan it applied. */
  compact(): CompactionPlan;
  /** Totals, ranges and free runs. */
  stats(): PoolStats;
  /** An immutable plain-data copy of the state. */
  snapshot(): PoolSnapshot;
  /** Subscribes to an event; returns the unsubscribe function. Listeners run after the change. */
  on<E extends PoolEventName>(event: E, listener: (payload: PoolEventMap[E]) => void): () => void;
}

const EVENT_NAMES: readonly PoolEventName[] = ['worklet-added', 'worklet-removed', 'allocated', 'released'];

function invalid(message: string): PoolError {
  return new PoolError('INVALID_REQUEST', message);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

type AnyListener = (payload: never) => void;

class Pool implements VoicePool {
  readonly voicesPerWorklet: number;
  readonly enginesPerWorklet: number;
  readonly strategy: Strategy;
  private readonly alignment: number;
  private readonly initialWorklets: number;
  private readonly maxWorklets: number;
  private readonly growth: GrowthPolicy;
  private layout: Layout;
  private readonly view: LayoutView;
  private readonly listeners = new Map<PoolEventName, AnyListener[]>();
  private listenerCount = 0;
  /** Reused for every new-owner request: strategies must not keep it past place(). */
  private readonly request: { owner: string; voices: number } = { owner: '', voices: 0 };

  constructor(options: VoicePoolOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalid(`createVoicePool(options): options must be an object, got ${show(options)}`);
    }
    const {
      voicesPerWorklet = 16,
      enginesPerWorklet = 1,
      strategy,
      initialWorklets = 0,
      maxWorklets = Number.POSITIVE_INFINITY,
      growth = 'on-demand',
    } = options;
    if (!isPositiveInteger(voicesPerWorklet)) {
      throw invalid(
        `createVoicePool: voicesPerWorklet must be a positive integer, got ${show(voicesPerWorklet)}`,
      );
    }
    if (!isPositiveInteger(enginesPerWorklet) || voicesPerWorklet % enginesPerWorklet !== 0) {
      throw invalid(
        `createVoicePool: enginesPerWorklet must be a positive integer dividing voicesPerWorklet ${voicesPerWorklet}, got ${show(enginesPerWorklet)}`,
      );
    }
    if (
      typeof strategy !== 'object' ||
      strategy === null ||
      typeof strategy.place !== 'function' ||
      typeof strategy.name !== 'string'
    ) {
      throw invalid(
        'createVoicePool: strategy must be an object with a name and a place(request, view) function',
      );
    }
    const alignment = strategy.alignment ?? 1;
    if (!isPositiveInteger(alignment)) {
      throw invalid(
        `createVoicePool: strategy '${strategy.name}' declares alignment ${show(alignment)}; it must be a positive integer`,
      );
    }
    if (strategy.exclusive !== undefined && typeof strategy.exclusive !== 'boolean') {
      throw invalid(
        `createVoicePool: strategy '${strategy.name}' declares exclusive ${show(strategy.exclusive)}; it must be a boolean`,
      );
    }
    if (!(initialWorklets === 0 || isPositiveInteger(initialWorklets))) {
      throw invalid(
        `createVoicePool: initialWorklets must be a non-negative integer, got ${show(initialWorklets)}`,
      );
    }
    if (!(maxWorklets === Number.POSITIVE_INFINITY || isPositiveInteger(maxWorklets))) {
      throw invalid(
        `createVoicePool: maxWorklets must be a positive integer or Infinity, got ${show(maxWorklets)}`,
      );
    }
    if (initialWorklets > maxWorklets) {
      throw invalid(`createVoicePool: initialWorklets ${initialWorklets} exceeds maxWorklets ${maxWorklets}`);
    }
    if (growth !== 'on-demand' && growth !== 'never') {
      throw invalid(`createVoicePool: growth must be 'on-demand' or 'never', got ${show(growth)}`);
    }
    this.voicesPerWorklet = voicesPerWorklet;
    this.enginesPerWorklet = enginesPerWorklet;
    this.strategy = strategy;
    this.alignment = alignment;
    this.initialWorklets = initialWorklets;
    this.maxWorklets = maxWorklets;
    this.growth = growth;
    this.layout = new Layout(voicesPerWorklet, enginesPerWorklet);
    for (let i = 0; i < initialWorklets; i++) this.layout.addWorklet();
    this.view = new LayoutView(this.layout);
  }

  get workletCount(): number {
    return this.layout.workletCount;
  }

  allocate(owner: string, voices: number): Allocation {
    if (typeof owner !== 'string' || owner.length === 0) {
      throw invalid(`allocate(${show(owner)}, ${show(voices)}): owner must be a non-empty string`);
    }
    if (typeof voices !== 'number' || !Number.isInteger(voices) || voices <= 0) {
      throw invalid(`allocate('${owner}', ${show(voices)}): voices must be a positive integer`);
    }
    const layout = this.layout;
    const existing = layout.idOf(owner);
    if (existing >= 0) {
      if (layout.sRequested[existing] === voices) return layout.sAlloc[existing]!;
      return this.reallocate(existing, voices);
    }
    this.checkSize(owner, voices);
    const request = this.request;
    request.owner = owner;
    request.voices = voices;
    const before = layout.workletCount;
    const p = this.place(request);
    // Not frozen: the pool's truth lives in typed arrays, and snapshot() copies and freezes.
    const allocation: Allocation = { owner, worklet: p.worklet, start: p.start, count: p.count };
    layout.add(owner, voices, allocation);
    if (this.listenerCount !== 0) {
      if (layout.workletCount !== before) this.emit('worklet-added', { index: before });
      this.emit('allocated', allocation);
    }
    return allocation;
  }

  private checkSize(owner: string, voices: number): void {
    const { vpw, vpe, engines } = this.layout;
    if (voices > vpe) {
      const holder =
        engines === 1
          ? `a worklet holds ${vpw}`
          : `an engine holds ${vpe} (${vpw} voices in ${engines} engines)`;
      throw new PoolError(
        'REQUEST_TOO_LARGE',
        `allocate('${owner}', ${voices}): requested ${voices} voices; ${holder}`,
      );
    }
  }

  /** Asks the strategy, grows by one worklet if allowed and needed; leaves the layout unchanged on failure. */
  private place(request: PlacementRequest): Placement {
    const layout = this.layout;
    const count = layout.workletCount;
    const p = askStrategy(this.strategy, request, this.view);
    if (p != null) {
      checkPlacement(layout, this.strategy, this.alignment, request, p, count);
      return p;
    }
    if (this.growth === 'never' || count >= this.maxWorklets) {
      const free = layout.workletCount * layout.vpw - layout.allocatedVoices;
      const why =
        this.growth === 'never'
          ? `growth is 'never'`
          : `all ${count} worklets allowed by maxWorklets are in use`;
      throw new PoolError(
        'POOL_EXHAUSTED',
        `allocate('${request.owner}', ${request.voices}): strategy '${this.strategy.name}' found no range of ${request.voices} voices in ${count} worklets (${free} voices free) and ${why}`,
      );
    }
    layout.addWorklet();
    try {
      const q = askStrategy(this.strategy, request, this.view);
      if (q == null) {
        throw new PoolError(
          'POOL_EXHAUSTED',
          `allocate('${request.owner}', ${request.voices}): strategy '${this.strategy.name}' found no range of ${request.voices} voices even in a new empty worklet ${count}`,
        );
      }
      checkPlacement(layout, this.strategy, this.alignment, request, q, count + 1);
      if (q.worklet !== count) {
        throw new PoolError(
          'INVALID_PLACEMENT',
          `strategy '${this.strategy.name}' found no fit for owner '${request.owner}' (${request.voices} voices) in worklets 0-${count - 1}, then placed it in worklet ${q.worklet} once worklet ${count} was added; nothing was changed`,
        );
      }
      return q;
    } catch (error) {
      layout.removeLastWorklet();
      throw error;
    }
  }

  private reallocate(id: number, voices: number): Allocation {
    const layout = this.layout;
    const owner = layout.sOwner[id]!;
    const old = layout.sAlloc[id]!;
    this.checkSize(owner, voices);
    const before = layout.workletCount;
    const oldWorklet = layout.sWorklet[id]!;
    const oldStart = layout.sStart[id]!;
    const oldCount = layout.sCount[id]!;
    layout.vacate(id);
    let p: Placement;
    try {
      p = this.place({ owner, voices });
    } catch (error) {
      layout.occupy(id, oldWorklet, oldStart, oldCount);
      throw error;
    }
    const allocation: Allocation = { owner, worklet: p.worklet, start: p.start, count: p.count };
    layout.sAlloc[id] = allocation;
    layout.sRequested[id] = voices;
    layout.occupy(id, p.worklet, p.start, p.count);
    if (this.listenerCount !== 0) {
      this.emit('released', old);
      if (layout.workletCount !== before) this.emit('worklet-added', { index: before });
      this.emit('allocated', allocation);
    }
    return allocation;
  }

  release(owner: string): boolean {
    const layout = this.layout;
    if (typeof owner !== 'string') return false;
    const id = layout.idOf(owner);
    if (id < 0) return false;
    const allocation = layout.sAlloc[id]!;
    layout.remove(id);
    if (this.listenerCount !== 0) this.emit('released', allocation);
    return true;
  }

  reset(): void {
    const released = this.allocations();
    const fresh = new Layout(this.voicesPerWorklet, this.enginesPerWorklet);
    for (let i = 0; i < this.layout.workletCount; i++) fresh.addWorklet();
    this.setLayout(fresh);
    for (const a of released) this.emit('released', a);
  }

  compact(): CompactionPlan {
    const { layout, plan } = planCompaction(this.layout, this.strategy, this.alignment, this.initialWorklets);
    this.setLayout(layout);
    for (const move of plan.moves) {
      this.emit('released', move.from);
      this.emit('allocated', move.to);
    }
    for (const index of plan.removedWorklets) this.emit('worklet-removed', { index });
    return plan;
  }

  private setLayout(layout: Layout): void {
    this.layout = layout;
    this.view.layout = layout;
  }

  private allocations(): Allocation[] {
    return this.layout.allocations();
  }

  stats(): PoolStats {
    const layout = this.layout;
    const worklets: WorkletStats[] = [];
    for (let w = 0; w < layout.workletCount; w++) {
      worklets.push({
        index: w,
        freeRuns: layout.freeRuns(w).map((r) => ({ start: r.start, count: r.count })),
      });
    }
    const totalVoices = layout.workletCount * layout.vpw;
    return {
      workletCount: layout.workletCount,
      totalVoices,
      allocatedVoices: layout.allocatedVoices,
      freeVoices: totalVoices - layout.allocatedVoices,
      allocations: this.allocations().map((a) => ({ ...a })),
      worklets,
    };
  }

  snapshot(): PoolSnapshot {
    return Object.freeze({
      voicesPerWorklet: this.voicesPerWorklet,
      enginesPerWorklet: this.enginesPerWorklet,
      workletCount: this.layout.workletCount,
      maxWorklets: this.maxWorklets,
      growth: this.growth,
      strategy: this.strategy.name,
      alignment: this.alignment,
      exclusive: this.strategy.exclusive === true,
      allocations: Object.freeze(this.allocations().map((a) => Object.freeze({ ...a }))),
    });
  }

  on<E extends PoolEventName>(event: E, listener: (payload: PoolEventMap[E]) => void): () => void {
    if (!EVENT_NAMES.includes(event)) {
      throw invalid(`on(${show(event)}): unknown event; known events are ${EVENT_NAMES.join(', ')}`);
    }
    if (typeof listener !== 'function')
      throw invalid(`on('${event}', listener): listener must be a function`);
    let list = this.listeners.get(event);
    if (list === undefined) {
      list = [];
      this.listeners.set(event, list);
    }
    const entry = listener as AnyListener;
    list.push(entry);
    this.listenerCount++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.listeners.get(event)!;
      current.splice(current.indexOf(entry), 1);
      this.listenerCount--;
    };
  }

  /** Runs every listener even if one throws, then rethrows the first error. */
  private emit<E extends PoolEventName>(event: E, payload: PoolEventMap[E]): void {
    const list = this.listeners.get(event);
    if (list === undefined || list.length === 0) return;
    let failure: { error: unknown } | undefined;
    for (const listener of list.slice()) {
      try {
        (listener as (p: PoolEventMap[E]) => void)(payload);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}

/**
 * Creates a voice pool. Example:
 * `const pool = createVoicePool({ strategy: fixedBlocks() }); pool.allocate('bass', 4);`
 */
export function createVoicePool(options: VoicePoolOptions): VoicePool {
  return new Pool(options);
}
