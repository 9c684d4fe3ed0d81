// The pool made real, as one façade: pool-core decides where every instrument's voices
// go, and the WorkletPool turns those decisions into AudioWorkletNodes. A node is created
// the moment the core adds a worklet (synchronously, inside allocate), so concurrent
// createInstrument calls can never create more nodes than the core decided on. The work
// sits in modules by concern: pool-nodes.ts (the nodes), pool-placement.ts (ranges to
// slots, loading an instrument), pool-recovery.ts (replacing failed nodes) and
// pool-compaction.ts (carrying out the core's compaction plan).
import {
  type CompactionPlan,
  createVoicePool,
  PoolError,
  type PoolStats,
  type Strategy,
  type VoicePool,
} from '@workletpool/pool-core';
import { resolveStrategy, type StrategyName } from '@workletpool/strategies';
import { addProcessorModule, engineModule } from './assets.js';
import {
  type AudioContextLike,
  type AudioNodeLike,
  type AudioWorkletNodeConstructor,
  audioWorkletNodeConstructor,
  type CommandTransport,
  contextClosed,
  type EngineNode,
  isClosed,
  nativeContext,
  nativeNode,
  sharedMemoryAvailable,
} from './engine-node.js';
import { WorkletRuntimeError } from './errors.js';
import { checkVoices } from './events.js';
import { SoloGroup } from './mix-group.js';
import { type InstrumentPatch, resolvePatch } from './patch.js';
import { Compactor } from './pool-compaction.js';
import { NodeTable, type PoolNode } from './pool-nodes.js';
import { isLoading, type Loading, type PoolParts, placeInstrument, SlotGeometry } from './pool-placement.js';
import { FaultRecovery } from './pool-recovery.js';
import type { PooledInstrument } from './pooled-instrument.js';
import type { ReportReply } from './protocol.js';
import { afterTail } from './tails.js';

/** Options of createWorkletPool. */
export interface WorkletPoolOptions {
  /** Where instruments' outputs go (default: the context's destination). */
  readonly destination?: AudioNodeLike;
  /** A built-in strategy name or a Strategy (default 'fixed-blocks'). */
  readonly strategy?: StrategyName | Strategy;
  /** Voices per worklet (default 16, at most 64). */
  readonly voicesPerWorklet?: number;
  /** Most worklets the pool may create (default unlimited). */
  readonly maxWorklets?: number;
  /** AudioWorkletNode constructor (default: the global one; pass node-web-audio-api's in Node). */
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor;
  /** Errors the audio thread reports for messages nobody awaits (default: console.error). */
  readonly onError?: (error: WorkletRuntimeError) => void;
  /**
   * 'shared' (default): each worklet has a single stereo output carrying the sum of its
   * instruments, and every instrument's `output` is the pool's one mix bus; gain, pan,
   * mute, solo and meters per instrument come from the engine's mixer. 'per-instrument':
   * every instrument has an output node of its own, for apps that route instruments to
   * their own effect chains. The sum is the same; what changes is the cost, because
   * every output channel of an AudioWorkletNode is copied each quantum (in
   * node-web-audio-api as much as a third of a whole node's cost per stereo pair).
   */
  readonly outputs?: 'per-instrument' | 'shared';
  /**
   * true (default): volume and pan changes ramp over 1 ms and every cut voice (note-off,
   * steal, retrigger, release, reset) fades out over 1 ms, so nothing clicks. false:
   * every change steps at its exact frame, as ProTracker does, for renders that must
   * match a reference bit for bit.
   */
  readonly declick?: boolean;
  /**
   * How voice events reach the audio thread. 'port' (default): one message per batch of
   * events, its buffer transferred. 'shared-memory': a SharedArrayBuffer ring the
   * processor reads every quantum, no message at all; it needs a cross-origin isolated
   * page (else NO_SHARED_MEMORY).
   */
  readonly transport?: CommandTransport;
}

/** What one worklet's processor last reported. */
export interface WorkletRenderStats {
  readonly index: number;
  /** Sounding voices per slot. */
  readonly activeVoices: readonly number[];
  /** Render time per quantum in ms, where the worklet scope has a clock. */
  readonly renderTime: ReportReply['renderTime'];
  /** Bytes of WASM memory of this worklet's engine. */
  readonly memoryBytes: number;
}

/** Pool-core statistics plus what the runtime knows about its nodes. */
export interface WorkletPoolStats extends PoolStats {
  /** AudioWorkletNodes created over the pool's life. */
  readonly nodesCreated: number;
  /** Nodes replaced because their processor failed (each replacement also counts in nodesCreated). */
  readonly replacements: number;
  /** AudioWorkletNodes alive now. */
  readonly liveNodes: number;
  /**
   * Messages the pool posted to the audio thread (`messages`) and the node messages they
   * carried (`carried`): everything the pool's nodes are sent in one task leaves as one.
   */
  readonly mail: { readonly messages: number; readonly carried: number };
  /** Per-worklet reports gathered by the last `report()` call (empty before). */
  readonly render: readonly WorkletRenderStats[];
}

/** Instruments sharing a few AudioWorkletNodes, placed by a pool-core strategy. */
export class WorkletPool {
  readonly context: BaseAudioContext;
  private readonly core: VoicePool;
  private readonly destination: AudioNode;
  /** The one output of every instrument in 'shared' output mode. */
  private readonly bus: GainNode | null;
  /** How voice events reach the audio thread of every node. */
  readonly transport: CommandTransport;
  private readonly nodes: NodeTable;
  /** Live instruments, and a unique token per createInstrument call still loading. */
  private readonly instruments = new Map<string, PooledInstrument | Loading>();
  private readonly parts: PoolParts;
  private readonly recovery: FaultRecovery;
  private readonly compactor: Compactor;
  private lastRender: WorkletRenderStats[] = [];
  private disposed = false;
  /** Every instrument of the pool: a solo in any node mutes the rest. */
  private readonly soloGroup = new SoloGroup();

  /** @internal Use createWorkletPool. */
  constructor(context: BaseAudioContext, options: WorkletPoolOptions = {}) {
    const voicesPerWorklet = checkVoices(
      'createWorkletPool',
      options.voicesPerWorklet ?? 16,
      64,
      'voicesPerWorklet',
    );
    const strategy = resolveStrategy(options.strategy ?? 'fixed-blocks');
    this.context = context;
    this.destination =
      options.destination === undefined ? context.destination : nativeNode(options.destination);
    const ctor = audioWorkletNodeConstructor(options.AudioWorkletNode);
    this.core = createVoicePool({
      voicesPerWorklet,
      strategy,
      growth: 'on-demand',
      ...(options.maxWorklets === undefined ? {} : { maxWorklets: options.maxWorklets }),
    });
    const geometry = new SlotGeometry(strategy, voicesPerWorklet);
    const outputs = options.outputs ?? 'shared';
    if (outputs !== 'per-instrument' && outputs !== 'shared') {
      throw new WorkletRuntimeError(
        'INVALID_ARGUMENT',
        `createWorkletPool: outputs must be 'per-instrument' or 'shared', got ${JSON.stringify(outputs)}`,
      );
    }
    const transport = options.transport ?? 'port';
    if (transport !== 'port' && transport !== 'shared-memory') {
      throw new WorkletRuntimeError(
        'INVALID_ARGUMENT',
        `createWorkletPool: transport must be 'port' or 'shared-memory', got ${JSON.stringify(transport)}`,
      );
    }
    if (transport === 'shared-memory' && !sharedMemoryAvailable()) {
      throw new WorkletRuntimeError(
        'NO_SHARED_MEMORY',
        "createWorkletPool: transport 'shared-memory' needs SharedArrayBuffer; serve the page cross-origin isolated (COOP: same-origin, COEP: require-corp) or use transport 'port'",
      );
    }
    this.transport = transport;
    this.bus = outputs === 'shared' ? context.createGain() : null;
    this.bus?.connect(this.destination);
    this.nodes = new NodeTable(
      context,
      {
        voices: voicesPerWorklet,
        slots: geometry.slotsPerNode,
        declick: options.declick !== false,
        transport,
        AudioWorkletNode: ctor,
        onError: options.onError,
        bus: this.bus,
      },
      (index, node, reason) => this.recovery.fail(index, node, reason),
    );
    this.parts = {
      context,
      core: this.core,
      nodes: this.nodes,
      geometry,
      instruments: this.instruments,
      disposed: () => this.disposed,
    };
    this.recovery = new FaultRecovery(this.parts, options.onError);
    this.compactor = new Compactor(this.parts);
    this.core.on('worklet-added', ({ index }) => this.nodes.materialise(index));
    this.core.on('worklet-removed', ({ index }) => this.nodes.retire(index));
  }

  /** Voices per worklet. */
  get voicesPerWorklet(): number {
    return this.core.voicesPerWorklet;
  }

  /**
   * Pings every node. A node that does not answer within `timeoutMs` is replaced like
   * one that fired `processorerror`, and so is one whose processor had been rendering
   * but was not called at all while the audio thread rendered two or more quanta since
   * the last check (a host that stops calling a failed processor without firing
   * `processorerror`). Both sides of that comparison are read on the audio thread, so
   * bursty rendering cannot fake a stall. A node whose outputs lead nowhere the context
   * pulls from is not rendered either: keep instruments connected towards the
   * destination while checking. Resolves with the indices being replaced; call it
   * periodically on a running context (an offline context answers only between renders).
   */
  async checkHealth(timeoutMs = 1000): Promise<number[]> {
    // A closed context renders nothing and answers no ping; no node there can be restored.
    this.live('checkHealth');
    return this.recovery.checkHealth(timeoutMs);
  }

  /** Resolves once every node replacement under way has finished. */
  recovered(): Promise<void> {
    return this.recovery.recovered();
  }

  private where(method: string): string {
    if (this.disposed) throw new WorkletRuntimeError('DISPOSED', 'this WorkletPool was disposed');
    return `WorkletPool.${method}`;
  }

  /** Like where(), for calls that wait for the audio thread, which a closed context no longer runs. */
  private live(method: string): string {
    const where = this.where(method);
    if (isClosed(this.context)) throw contextClosed(where, this.context);
    return where;
  }

  /**
   * Places an instrument in the pool and loads its patch. Throws (rejects with)
   * WorkletRuntimeError for a bad patch or id, and PoolError (from pool-core) when the
   * pool cannot place it; a failed call leaves the pool as it was.
   */
  async createInstrument(
    id: string,
    patch: InstrumentPatch,
    options: { voices: number },
  ): Promise<PooledInstrument> {
    const where = `${this.live('createInstrument')}('${id}')`;
    if (typeof id !== 'string' || id === '') {
      throw new WorkletRuntimeError('INVALID_ARGUMENT', `${where}: id must be a non-empty string`);
    }
    if (this.instruments.has(id)) {
      throw new WorkletRuntimeError('INVALID_ARGUMENT', `${where}: an instrument '${id}' already exists`);
    }
    const voices: unknown = options?.voices;
    if (typeof voices !== 'number' || !Number.isInteger(voices) || voices < 1) {
      throw new WorkletRuntimeError(
        'INVALID_ARGUMENT',
        `${where}: options.voices must be a whole number >= 1, got ${String(voices)}`,
      );
    }
    // The code pool-core gives a request no worklet can hold, so callers match one code.
    if (voices > this.core.voicesPerWorklet) {
      throw new PoolError(
        'REQUEST_TOO_LARGE',
        `${where}: options.voices is ${voices}; a worklet of this pool holds ${this.core.voicesPerWorklet} (voicesPerWorklet)`,
      );
    }
    const resolved = resolvePatch(patch, where);
    // Synchronous up to the first await inside: the core's decision (and any new node) happens at once.
    return placeInstrument(this.parts, where, id, voices, patch, resolved, {
      output: () => {
        if (this.bus !== null) return this.bus;
        const own = this.context.createGain();
        own.connect(this.destination);
        return own;
      },
      forget: (instrument) => this.forget(instrument),
      group: this.soloGroup,
    });
  }

  private forget(instrument: PooledInstrument): void {
    if (this.instruments.get(instrument.id) !== instrument) return;
    this.instruments.delete(instrument.id);
    const node = this.nodes.at(instrument.worklet);
    if (node && node.slots[instrument.slot] === instrument) node.slots[instrument.slot] = null;
    this.core.release(instrument.id);
  }

  /** The engine node of worklet `index` once created, for hosts and tests that reach its processor directly. */
  engineNode(index: number): Promise<EngineNode> | undefined {
    return this.nodes.at(index)?.ready;
  }

  /** The instrument with this id, if any. */
  instrument(id: string): PooledInstrument | undefined {
    const found = this.instruments.get(id);
    return isLoading(found) ? undefined : found;
  }

  /** Pool-core statistics, nodes created and the last per-worklet reports. */
  stats(): WorkletPoolStats {
    return {
      ...this.core.stats(),
      nodesCreated: this.nodes.created,
      replacements: this.recovery.replacements,
      liveNodes: this.nodes.live,
      mail: this.nodes.mailStats(),
      render: this.lastRender,
    };
  }

  /** Asks every node for active voices, render time and memory; stats() then includes them. */
  async report(): Promise<WorkletPoolStats> {
    this.live('report');
    const reports = await Promise.all(
      this.nodes.nodes.map(async (node, index): Promise<WorkletRenderStats | null> => {
        if (!node) return null;
        const r = await (await node.ready).report();
        return { index, activeVoices: r.activeVoices, renderTime: r.renderTime, memoryBytes: r.memoryBytes };
      }),
    );
    this.lastRender = reports.filter((r): r is WorkletRenderStats => r !== null);
    return this.stats();
  }

  /** Resolves once everything sent so far has reached every node's processor. */
  async flush(): Promise<void> {
    this.live('flush');
    await Promise.all(this.nodes.nodes.map(async (node) => (node ? (await node.ready).flush() : undefined)));
  }

  /**
   * Asks pool-core to move instruments out of the highest worklets, loads each moved
   * instrument into its new slot (its sounding notes stop), then disconnects and
   * releases the nodes the core removed. Resolves with the core's plan.
   */
  compact(): Promise<CompactionPlan> {
    this.where('compact');
    return this.compactor.compact();
  }

  /** Disposes every instrument and keeps the nodes for the next set of instruments. */
  reset(): void {
    this.where('reset');
    for (const instrument of [...this.instruments.values()]) {
      if (!isLoading(instrument)) instrument.dispose();
    }
    this.instruments.clear();
    this.core.reset();
    const frame = Math.round(this.context.currentTime * this.context.sampleRate);
    for (const node of this.nodes.nodes) {
      node?.slots.fill(null);
      node?.engine?.post({ type: 'reset', frame });
    }
  }

  /** Disposes every instrument and disconnects and releases every node. */
  dispose(): void {
    if (this.disposed) return;
    this.reset();
    this.disposed = true;
    const nodes = this.nodes.nodes.filter((n): n is PoolNode => n !== null);
    for (let i = 0; i < this.nodes.nodes.length; i++) this.nodes.retire(i);
    this.nodes.closeMail();
    // The bus carries every node's tails: it goes once the last node has.
    const bus = this.bus;
    if (bus !== null) {
      Promise.all(
        nodes.map((n) => n.ready.then((engine) => new Promise<void>((done) => afterTail(engine, done)))),
      )
        .catch(() => undefined)
        .finally(() => bus.disconnect());
    }
  }
}

/** Creates a pool of shared engine nodes on `context` (any BaseAudioContext, or standardized-audio-context's contexts). */
export async function createWorkletPool(
  audioContext: AudioContextLike,
  options: WorkletPoolOptions = {},
): Promise<WorkletPool> {
  const context = nativeContext(audioContext);
  const pool = new WorkletPool(context, options);
  if (context.state === 'closed') throw contextClosed('createWorkletPool', context);
  // Compile the engine and add the processor up front, so instruments load quickly.
  await Promise.all([engineModule(), addProcessorModule(context)]);
  return pool;
}
