// The pool made real: pool-core decides where every instrument's voices go, and this
// module turns those decisions into AudioWorkletNodes. A node is created the moment the
// core adds a worklet (synchronously, inside allocate), so concurrent createInstrument
// calls can never create more nodes than the core decided on.
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
  EngineNode,
  isClosed,
  nativeContext,
  nativeNode,
  sharedMemoryAvailable,
} from './engine-node.js';
import { WorkletRuntimeError } from './errors.js';
import { checkVoices } from './events.js';
import { type InstrumentPatch, resolvePatch } from './patch.js';
import { PooledInstrument } from './pooled-instrument.js';
import type { ReportReply } from './protocol.js';
import { loadSlot } from './slot-instrument.js';
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
   * 'per-instrument' (default): every instrument has an output node of its own, for
   * routing, gain, mute or analysis per instrument. 'shared': each worklet has a single
   * stereo output carrying the sum of its instruments, and every instrument's `output`
   * is the pool's one mix bus. The sum is the same; what changes is the cost, because
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
  /** Per-worklet reports gathered by the last `report()` call (empty before). */
  readonly render: readonly WorkletRenderStats[];
}

/** Marks one createInstrument call in flight; a reset or a newer call replaces it. */
interface Loading {
  readonly loading: true;
}

function isLoading(value: PooledInstrument | Loading | undefined): value is Loading {
  return value !== undefined && !(value instanceof PooledInstrument);
}

interface Node {
  readonly ready: Promise<EngineNode>;
  engine: EngineNode | null;
  /** Instrument in each slot. */
  readonly slots: (PooledInstrument | null)[];
  /** What the last health check saw: quanta the processor had rendered, at which audio-thread frame. */
  lastProbe?: { readonly quanta: number; readonly frame: number };
}

/** Instruments sharing a few AudioWorkletNodes, placed by a pool-core strategy. */
export class WorkletPool {
  readonly context: BaseAudioContext;
  private readonly core: VoicePool;
  private readonly destination: AudioNode;
  private readonly ctor: AudioWorkletNodeConstructor;
  private readonly onError: ((error: WorkletRuntimeError) => void) | undefined;
  private readonly alignment: number;
  private readonly slotsPerNode: number;
  private readonly declick: boolean;
  /** The one output of every instrument in 'shared' output mode. */
  private readonly bus: GainNode | null;
  /** How voice events reach the audio thread of every node. */
  readonly transport: CommandTransport;
  private readonly nodes: (Node | null)[] = [];
  /** Live instruments, and a unique token per createInstrument call still loading. */
  private readonly instruments = new Map<string, PooledInstrument | Loading>();
  private nodesCreated = 0;
  /** Nodes replaced after a failure. */
  private replacements = 0;
  private readonly recovering = new Map<number, Promise<void>>();
  private lastRender: WorkletRenderStats[] = [];
  private compacting = false;
  private readonly retiring: number[] = [];
  private disposed = false;

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
    this.ctor = audioWorkletNodeConstructor(options.AudioWorkletNode);
    this.onError = options.onError;
    this.declick = options.declick !== false;
    this.core = createVoicePool({
      voicesPerWorklet,
      strategy,
      growth: 'on-demand',
      ...(options.maxWorklets === undefined ? {} : { maxWorklets: options.maxWorklets }),
    });
    // A slot is the start voice divided by the alignment the strategy promises, so
    // aligned strategies need fewer outputs per node; one instrument per node needs one.
    this.alignment = strategy.name === 'dedicated' ? voicesPerWorklet : (strategy.alignment ?? 1);
    this.slotsPerNode = Math.ceil(voicesPerWorklet / this.alignment);
    const outputs = options.outputs ?? 'per-instrument';
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
    this.core.on('worklet-added', ({ index }) => this.materialise(index));
    this.core.on('worklet-removed', ({ index }) => this.retire(index));
  }

  /** Voices per worklet. */
  get voicesPerWorklet(): number {
    return this.core.voicesPerWorklet;
  }

  private materialise(index: number): void {
    const node: Node = {
      engine: null,
      slots: new Array<PooledInstrument | null>(this.slotsPerNode).fill(null),
      ready: EngineNode.create(this.context, {
        voices: this.core.voicesPerWorklet,
        slots: this.slotsPerNode,
        sharedOutput: this.bus !== null,
        declick: this.declick,
        transport: this.transport,
        AudioWorkletNode: this.ctor,
        onError: this.onError,
        onEnded: (e) => node.slots[e.slot]?.voiceEnded(e.voice, e.frame / this.context.sampleRate),
        onFailure: (reason) => this.fail(index, node, reason),
      }).then((engine) => {
        node.engine = engine;
        if (this.bus !== null) engine.node.connect(this.bus);
        return engine;
      }),
    };
    // A failed node surfaces through the createInstrument call that awaits it.
    node.ready.catch(() => undefined);
    this.nodesCreated++;
    this.nodes[index] = node;
  }

  /** Starts replacing node `index` after it failed (once per failure; later reports of it are ignored). */
  private fail(index: number, node: Node, reason: string): void {
    if (this.disposed || isClosed(this.context) || this.nodes[index] !== node || this.recovering.has(index)) {
      return;
    }
    const work = this.replace(index, node, reason)
      .catch((error: unknown) => {
        const failure = new WorkletRuntimeError(
          'PROCESSOR_ERROR',
          `worklet ${index} failed (${reason}) and could not be restored: ${String(error)}`,
          { cause: error },
        );
        if (this.onError) this.onError(failure);
        else console.error(failure);
      })
      .finally(() => this.recovering.delete(index));
    this.recovering.set(index, work);
  }

  /**
   * A new node takes the failed one's place: every instrument in it is loaded into the
   * same slot of the new node (same voices, same range) and its output rewired. The old
   * node keeps taking messages until then, so instruments stay callable throughout.
   */
  private async replace(index: number, old: Node, reason: string): Promise<void> {
    this.replacements++;
    this.materialise(index);
    const fresh = this.nodes[index] as Node;
    const engine = await fresh.ready;
    await Promise.all(
      old.slots.map(async (instrument, slot) => {
        if (instrument === null || this.instruments.get(instrument.id) !== instrument) return;
        const placement = { engine, slot, start: instrument.start };
        const resolved = resolvePatch(
          instrument.patch,
          `WorkletPool restoring '${instrument.id}' (${reason})`,
        );
        await loadSlot(placement, instrument.voices, resolved, this.context.currentTime);
        if (this.disposed || this.instruments.get(instrument.id) !== instrument) {
          engine.post({ type: 'release', frame: engine.frameAt(this.context.currentTime), slot });
          return;
        }
        instrument.attach(placement, index);
        fresh.slots[slot] = instrument;
      }),
    );
    old.ready.then(
      (dead) => dead.dispose(),
      () => undefined,
    );
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
    const verdicts = await Promise.all(
      this.nodes.map(async (node): Promise<{ node: Node; reason: string } | null> => {
        if (node === null || node.engine === null) return null;
        const probe = await node.engine.probe(timeoutMs);
        if (probe === null) return { node, reason: `no answer to a ping within ${timeoutMs} ms` };
        const last = node.lastProbe;
        if (last === undefined || probe.frame > last.frame) node.lastProbe = probe;
        const rendered = probe.frame - (last?.frame ?? probe.frame);
        if (last !== undefined && last.quanta > 0 && probe.quanta === last.quanta && rendered >= 256) {
          return { node, reason: `its processor was not called in ${rendered} rendered frames` };
        }
        return null;
      }),
    );
    const failed: number[] = [];
    for (const [index, verdict] of verdicts.entries()) {
      // The verdict is about the node that was pinged, which may have been replaced meanwhile.
      if (verdict === null || this.nodes[index] !== verdict.node || this.recovering.has(index)) continue;
      failed.push(index);
      this.fail(index, verdict.node, verdict.reason);
    }
    return failed;
  }

  /** Resolves once every node replacement under way has finished. */
  async recovered(): Promise<void> {
    while (this.recovering.size > 0) await Promise.all(this.recovering.values());
  }

  private retire(index: number): void {
    // During compaction a removed node still plays until its instruments have moved.
    if (this.compacting) {
      this.retiring.push(index);
      return;
    }
    const node = this.nodes[index];
    this.nodes[index] = null;
    // Voices cut just before (reset, release, compaction) fade out first.
    node?.ready.then(
      (engine) => afterTail(engine, () => engine.dispose()),
      () => undefined,
    );
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
    // Synchronous up to here: the core's decision (and any new node) happens at once.
    const allocation = this.core.allocate(id, voices);
    // A token of this call: after a reset the same id may be loading again, and only the
    // call that still owns the token may install (or release) anything.
    const token: Loading = { loading: true };
    this.instruments.set(id, token);
    let node = this.nodes[allocation.worklet] as Node;
    const slot = Math.floor(allocation.start / this.alignment);
    const overtaken = () =>
      new WorkletRuntimeError('DISPOSED', `${where}: the pool was reset or disposed while loading`);
    let sent: EngineNode | undefined;
    try {
      const engine = await node.ready;
      // Checked before anything is sent: a reset while the node was being created may
      // have given this slot to another instrument, whose patch must not be overwritten.
      if (this.disposed || this.instruments.get(id) !== token) throw overtaken();
      let placement = { engine, slot, start: allocation.start };
      sent = engine;
      await loadSlot(placement, voices, resolved, this.context.currentTime);
      // The node failed and was replaced while this load was under way: load into the new one.
      while (this.nodes[allocation.worklet] !== node && this.nodes[allocation.worklet] !== null) {
        node = this.nodes[allocation.worklet] as Node;
        placement = { engine: await node.ready, slot, start: allocation.start };
        sent = placement.engine;
        if (this.disposed || this.instruments.get(id) !== token) throw overtaken();
        await loadSlot(placement, voices, resolved, this.context.currentTime);
      }
      // A reset sent after the load empties the slot again in the processor (the port keeps order).
      if (this.disposed || this.instruments.get(id) !== token) throw overtaken();
      let output = this.bus;
      if (output === null) {
        output = this.context.createGain();
        output.connect(this.destination);
      }
      const instrument = new PooledInstrument(
        id,
        voices,
        patch,
        resolved,
        placement,
        output,
        allocation.worklet,
        (i) => this.forget(i),
      );
      node.slots[slot] = instrument;
      this.instruments.set(id, instrument);
      return instrument;
    } catch (error) {
      if (this.instruments.get(id) === token) {
        this.instruments.delete(id);
        this.core.release(id);
        // A half-loaded slot keeps its voice range in the processor; empty it, or a later
        // neighbour's range would be refused as overlapping.
        try {
          sent?.post({ type: 'release', frame: sent.frameAt(this.context.currentTime), slot });
        } catch {
          // The node is gone; nothing is left to empty.
        }
      }
      throw error;
    }
  }

  private forget(instrument: PooledInstrument): void {
    if (this.instruments.get(instrument.id) !== instrument) return;
    this.instruments.delete(instrument.id);
    const node = this.nodes[instrument.worklet];
    if (node && node.slots[instrument.slot] === instrument) node.slots[instrument.slot] = null;
    this.core.release(instrument.id);
  }

  /** @internal The engine node of worklet `index` once created (tests reach the processor through it). */
  engineNode(index: number): Promise<EngineNode> | undefined {
    return this.nodes[index]?.ready;
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
      nodesCreated: this.nodesCreated,
      replacements: this.replacements,
      liveNodes: this.nodes.filter((n) => n !== null).length,
      render: this.lastRender,
    };
  }

  /** Asks every node for active voices, render time and memory; stats() then includes them. */
  async report(): Promise<WorkletPoolStats> {
    this.live('report');
    const reports = await Promise.all(
      this.nodes.map(async (node, index): Promise<WorkletRenderStats | null> => {
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
    await Promise.all(this.nodes.map(async (node) => (node ? (await node.ready).flush() : undefined)));
  }

  /**
   * Asks pool-core to move instruments out of the highest worklets, loads each moved
   * instrument into its new slot (its sounding notes stop), then disconnects and
   * releases the nodes the core removed. Resolves with the core's plan.
   */
  async compact(): Promise<CompactionPlan> {
    this.where('compact');
    if (this.compacting)
      throw new WorkletRuntimeError(
        'INVALID_STATE',
        'WorkletPool.compact: a compaction is already under way',
      );
    if ([...this.instruments.values()].some(isLoading)) {
      throw new WorkletRuntimeError('INVALID_STATE', 'WorkletPool.compact: instruments are still loading');
    }
    this.compacting = true;
    try {
      const plan = this.core.compact();
      // A target may be a range another moving instrument is leaving: empty every source
      // first, then load the targets (the port keeps that order).
      const moving = plan.moves.map((move) => {
        const instrument = this.instruments.get(move.owner) as PooledInstrument;
        const old = this.nodes[instrument.worklet];
        if (old && old.slots[instrument.slot] === instrument) old.slots[instrument.slot] = null;
        instrument.detach();
        return { instrument, move };
      });
      await Promise.all(
        moving.map(async ({ instrument, move }) => {
          const node = this.nodes[move.to.worklet] as Node;
          const engine = await node.ready;
          const placement = {
            engine,
            slot: Math.floor(move.to.start / this.alignment),
            start: move.to.start,
          };
          const resolved = resolvePatch(instrument.patch, `WorkletPool.compact('${move.owner}')`);
          await loadSlot(placement, instrument.voices, resolved, this.context.currentTime);
          instrument.attach(placement, move.to.worklet);
          node.slots[placement.slot] = instrument;
        }),
      );
      return plan;
    } finally {
      this.compacting = false;
      for (const index of this.retiring.splice(0)) this.retire(index);
    }
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
    for (const node of this.nodes) {
      node?.slots.fill(null);
      node?.engine?.post({ type: 'reset', frame });
    }
  }

  /** Disposes every instrument and disconnects and releases every node. */
  dispose(): void {
    if (this.disposed) return;
    this.reset();
    this.disposed = true;
    const nodes = this.nodes.filter((n): n is Node => n !== null);
    for (let i = 0; i < this.nodes.length; i++) this.retire(i);
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
