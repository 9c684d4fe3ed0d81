// The AudioWorkletNodes of a WorkletPool, one per worklet pool-core has decided on: each
// is created the moment the core adds its worklet (so concurrent calls never create more
// than the core decided), remembers which instrument plays in each of its slots, and is
// disposed once the core removes its worklet and its voices' tails have faded. Placement,
// fault recovery and compaction all work on this table.
import type { AudioWorkletNodeConstructor, CommandTransport } from './engine-node.js';
import { EngineNode } from './engine-node.js';
import type { WorkletRuntimeError } from './errors.js';
import type { PooledInstrument } from './pooled-instrument.js';
import { afterTail } from './tails.js';

/** One worklet of the pool: its node (once created) and the instrument in each slot. */
export interface PoolNode {
  readonly ready: Promise<EngineNode>;
  engine: EngineNode | null;
  /** Instrument in each slot. */
  readonly slots: (PooledInstrument | null)[];
  /** What the last health check saw: quanta the processor had rendered, at which audio-thread frame. */
  lastProbe?: { readonly quanta: number; readonly frame: number };
}

/** How every node of a pool is built. */
export interface NodeSettings {
  readonly voices: number;
  readonly slots: number;
  readonly declick: boolean;
  readonly transport: CommandTransport;
  readonly AudioWorkletNode: AudioWorkletNodeConstructor;
  readonly onError: ((error: WorkletRuntimeError) => void) | undefined;
  /** The pool's one mix bus in 'shared' output mode, else null. */
  readonly bus: GainNode | null;
}

/** The pool's nodes by worklet index (null where a worklet was removed). */
export class NodeTable {
  readonly nodes: (PoolNode | null)[] = [];
  /** AudioWorkletNodes created over the pool's life. */
  created = 0;
  /** While held (compaction), removed worklets keep playing until released. */
  private holding = false;
  private readonly retiring: number[] = [];

  constructor(
    private readonly context: BaseAudioContext,
    private readonly settings: NodeSettings,
    /** Told when a node's processor fails (processorerror, or a failed health check elsewhere). */
    private readonly onFailure: (index: number, node: PoolNode, reason: string) => void,
  ) {}

  /** The node of worklet `index`, if any. */
  at(index: number): PoolNode | null {
    return this.nodes[index] ?? null;
  }

  /** AudioWorkletNodes alive now. */
  get live(): number {
    return this.nodes.filter((n) => n !== null).length;
  }

  /** Creates the node of worklet `index` (replacing whatever node was there). */
  materialise(index: number): PoolNode {
    const s = this.settings;
    const node: PoolNode = {
      engine: null,
      slots: new Array<PooledInstrument | null>(s.slots).fill(null),
      ready: EngineNode.create(this.context, {
        voices: s.voices,
        slots: s.slots,
        sharedOutput: s.bus !== null,
        declick: s.declick,
        transport: s.transport,
        AudioWorkletNode: s.AudioWorkletNode,
        onError: s.onError,
        onEnded: (e) => node.slots[e.slot]?.voiceEnded(e.voice, e.frame / this.context.sampleRate),
        onFailure: (reason) => this.onFailure(index, node, reason),
      }).then((engine) => {
        node.engine = engine;
        if (s.bus !== null) engine.node.connect(s.bus);
        return engine;
      }),
    };
    // A failed node surfaces through the createInstrument call that awaits it.
    node.ready.catch(() => undefined);
    this.created++;
    this.nodes[index] = node;
    return node;
  }

  /** Drops the node of worklet `index`; it is disposed once the tails of voices cut just before have faded. */
  retire(index: number): void {
    // During compaction a removed node still plays until its instruments have moved.
    if (this.holding) {
      this.retiring.push(index);
      return;
    }
    const node = this.nodes[index];
    this.nodes[index] = null;
    node?.ready.then(
      (engine) => afterTail(engine, () => engine.dispose()),
      () => undefined,
    );
  }

  /** Defers retiring nodes until `release()`. */
  hold(): void {
    this.holding = true;
  }

  /** Retires the nodes whose removal was deferred by `hold()`. */
  release(): void {
    this.holding = false;
    for (const index of this.retiring.splice(0)) this.retire(index);
  }
}
