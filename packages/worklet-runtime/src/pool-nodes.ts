// The AudioWorkletNodes of a WorkletPool, one per worklet pool-core has decided on: each
// is created the moment the core adds its worklet (so concurrent calls never create more
// than the core decided), remembers which instrument plays in each of its slots, and is
// disposed once the core removes its worklet and its voices' tails have faded. Placement,
// fault recovery and compaction all work on this table.
import type { AudioWorkletNodeConstructor, CommandTransport } from './engine-node.js';
import { EngineNode } from './engine-node.js';
import type { WorkletRuntimeError } from './errors.js';
import { Mail, type NativeNodeConstructor } from './mail.js';
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
  /** The pool's shared port, created with the first node. */
  private mail: Promise<Mail> | null = null;
  private mailMade: Mail | null = null;

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
      ready: this.mailbox()
        .then((mail) =>
          EngineNode.create(this.context, {
            mail,
            voices: s.voices,
            slots: s.slots,
            sharedOutput: s.bus !== null,
            declick: s.declick,
            transport: s.transport,
            AudioWorkletNode: s.AudioWorkletNode,
            onError: s.onError,
            onEnded: (e) => node.slots[e.slot]?.voiceEnded(e.voice, e.frame / this.context.sampleRate),
            onFailure: (reason) => this.onFailure(index, node, reason),
          }),
        )
        .then((engine) => {
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

  /** The pool's mail, created on first use. */
  private mailbox(): Promise<Mail> {
    this.mail ??= Mail.create(
      this.context,
      this.settings.AudioWorkletNode as unknown as NativeNodeConstructor,
    ).then((mail) => {
      this.mailMade = mail;
      return mail;
    });
    return this.mail;
  }

  /** Mail messages posted and node messages they carried so far (zero before the first node). */
  mailStats(): { readonly messages: number; readonly carried: number } {
    return { messages: this.mailMade?.messages ?? 0, carried: this.mailMade?.carried ?? 0 };
  }

  /** The pool is gone: its mail closes once the last node has retired. */
  closeMail(): void {
    this.mail?.then(
      (mail) => mail.closeWhenEmpty(),
      () => undefined,
    );
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
