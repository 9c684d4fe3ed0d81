// One AudioWorkletNode running the engine processor, with the main thread's half of
// the protocol: numbered requests, replies matched by id, and events. Voice events are
// written as records into a batch that goes out as one message (its buffer transferred)
// at the end of the current task, or, with the shared-memory transport, straight into a
// ring the processor reads every quantum.
import { addProcessorModule, engineModule, processorName } from './assets.js';
import { WorkletRuntimeError } from './errors.js';
import type { Mail } from './mail.js';
import {
  ENDED_FIELDS,
  type EndedEvent,
  EndedField,
  type EngineProcessorOptions,
  type ErrorReply,
  type EventFields,
  type EventMessage,
  encodeRecord,
  type FromProcessor,
  RECORD_SIZE,
  type ReportReply,
  type ToProcessor,
} from './protocol.js';
import { type RecordRing, sharedRings, sharedRingsBytes } from './record-ring.js';

type AnyMessage = ToProcessor | EventMessage;

/** A protocol message (or voice event) before the node numbers it. */
export type Outgoing = AnyMessage extends infer M ? (M extends AnyMessage ? Omit<M, 'id'> : never) : never;

/** How voice events reach the audio thread. */
export type CommandTransport = 'port' | 'shared-memory';

/** Records per batch message; a fuller task sends more than one. */
const BATCH_RECORDS = 512;
/** Requests a node's first meter read makes at most while metering starts (10 ms apart). */
const METER_START_TRIES = 10;
/** Room for this many records in a new batch (it doubles up to BATCH_RECORDS). */
const FIRST_BATCH_RECORDS = 8;

function isEvent(message: Outgoing): message is EventFields {
  return (
    message.type === 'note-on' ||
    message.type === 'note-off' ||
    message.type === 'set' ||
    message.type === 'mix'
  );
}

/** Whether this realm can share memory with an AudioWorklet (a cross-origin isolated page, or Node). */
export function sharedMemoryAvailable(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && scope.crossOriginIsolated !== false;
}

/**
 * The AudioWorkletNode constructor of the Web Audio implementation in use: the DOM's,
 * node-web-audio-api's or standardized-audio-context's. Only its shape is required,
 * because each implementation types its contexts and options as its own classes; it is
 * always called with the context the caller gave, so they match at run time.
 */
export type AudioWorkletNodeConstructor = new (
  context: never,
  name: string,
  options?: never,
) => { readonly port: MessagePort };

/** How the runtime calls that constructor: with the caller's context, as the DOM types it. */
type NativeAudioWorkletNodeConstructor = new (
  context: BaseAudioContext,
  name: string,
  options?: AudioWorkletNodeOptions,
) => AudioWorkletNode;

/**
 * A Web Audio context: the DOM's BaseAudioContext, or another implementation's context
 * of the same shape (standardized-audio-context's IAudioContext or IOfflineAudioContext).
 */
export type AudioContextLike = BaseAudioContext | ForeignAudioContext;

/** The part of another implementation's context the runtime relies on (it uses the rest as the DOM's). */
export interface ForeignAudioContext {
  readonly currentTime: number;
  readonly sampleRate: number;
  readonly state: string;
  readonly destination: AudioNodeLike;
  readonly audioWorklet?: { addModule(moduleURL: string): Promise<void> } | undefined;
  createGain(): AudioNodeLike;
  addEventListener(type: 'statechange', listener: () => void): void;
  removeEventListener(type: 'statechange', listener: () => void): void;
}

/** An AudioNode of the DOM, or another implementation's node of the same shape. */
export type AudioNodeLike =
  | AudioNode
  | { readonly numberOfInputs: number; readonly numberOfOutputs: number; readonly channelCount: number };

/**
 * The caller's context as the DOM types it. Other implementations' contexts and nodes
 * behave as the DOM's do; the runtime only ever hands them back to the same
 * implementation (its own createGain, connect and AudioWorkletNode).
 */
export function nativeContext(context: AudioContextLike): BaseAudioContext {
  return context as BaseAudioContext;
}

/** A caller's node as the DOM types it (see nativeContext). */
export function nativeNode(node: AudioNodeLike): AudioNode {
  return node as AudioNode;
}

/** How to build one engine node. */
export interface EngineNodeOptions {
  readonly voices: number;
  /** Slots, one stereo output each (or one shared output, see sharedOutput). */
  readonly slots: number;
  /** The node has a single stereo output carrying the sum of all its slots. */
  readonly sharedOutput?: boolean | undefined;
  /** false: no gain ramps and no fade-out tails (default true). */
  readonly declick?: boolean | undefined;
  /** How voice events travel (default 'port'); 'shared-memory' needs a cross-origin isolated page. */
  readonly transport?: CommandTransport | undefined;
  /** Defaults to the global AudioWorkletNode (browsers); pass node-web-audio-api's in Node. */
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor | undefined;
  /** Errors the processor reports for messages nobody awaits. */
  readonly onError?: ((error: WorkletRuntimeError) => void) | undefined;
  /** One-shot voices that reached their end. */
  readonly onEnded?: ((event: EndedEvent) => void) | undefined;
  /** The processor failed (its node fired `processorerror`). */
  readonly onFailure?: ((reason: string) => void) | undefined;
  /** The pool's shared port (mail.ts); without it the node uses its own port. */
  readonly mail?: Mail | undefined;
}

interface Pending {
  resolve(reply: FromProcessor): void;
  reject(error: WorkletRuntimeError): void;
}

/** Finds the AudioWorkletNode constructor: the one given, else the global one. */
export function audioWorkletNodeConstructor(
  given?: AudioWorkletNodeConstructor,
): AudioWorkletNodeConstructor {
  const ctor =
    given ?? (globalThis as { AudioWorkletNode?: NativeAudioWorkletNodeConstructor }).AudioWorkletNode;
  if (!ctor) {
    throw new WorkletRuntimeError(
      'NO_AUDIO_WORKLET',
      'no AudioWorkletNode constructor: pass options.AudioWorkletNode (e.g. from node-web-audio-api)',
    );
  }
  return ctor;
}

/** True once `context` no longer runs processors (closed, or an offline context done rendering). */
export function isClosed(context: BaseAudioContext): boolean {
  return context.state === 'closed';
}

let memoryMaximumPagesForTest: number | undefined;

/** Test hook behind the testing entry's `capEngineMemoryForTest`. */
export function capEngineMemory(pages: number | undefined): void {
  memoryMaximumPagesForTest = pages;
}

/** The error of a request the audio thread can no longer answer. */
export function contextClosed(where: string, context: BaseAudioContext): WorkletRuntimeError {
  const offline = typeof (context as Partial<OfflineAudioContext>).startRendering === 'function';
  return new WorkletRuntimeError(
    'CONTEXT_CLOSED',
    offline
      ? `${where}: the OfflineAudioContext has finished rendering, so its processors no longer run`
      : `${where}: the AudioContext was closed, so its processors no longer run`,
  );
}

function processorError(reply: ErrorReply): WorkletRuntimeError {
  if (reply.code === 'OUT_OF_MEMORY')
    return new WorkletRuntimeError('WASM_MEMORY', reply.message, { cause: reply });
  return new WorkletRuntimeError('PROCESSOR_ERROR', `processor refused (${reply.code}): ${reply.message}`, {
    cause: reply,
  });
}

/** An engine node: its AudioWorkletNode plus request/response messaging. */
export class EngineNode {
  readonly node: AudioWorkletNode;
  readonly voices: number;
  readonly slots: number;
  /** Whether all slots share output 0. */
  readonly sharedOutput: boolean;
  readonly context: BaseAudioContext;
  /** How voice events travel to this node's processor. */
  readonly transport: CommandTransport;
  private nextId = 1;
  private metersAsked: Promise<Float32Array> | null = null;
  /** Id of the last message sent through the port (shared-ring records wait for it). */
  private lastPortId = 0;
  private batch: Float64Array | null = null;
  private batchCount = 0;
  private batchScheduled = false;
  private readonly commandRing: RecordRing | null;
  /** The pool's shared port and this node's key with it, or null: the node's own port. */
  private readonly mail: Mail | null;
  private readonly mailKey: string;
  private readonly endedRing: RecordRing | null;
  private readonly pending = new Map<number, Pending>();
  private readonly onError: ((error: WorkletRuntimeError) => void) | undefined;
  private readonly onEnded: ((event: EndedEvent) => void) | undefined;
  private disposed = false;
  /** Fails what waits for a reply once the context closes: a closed context's processors never answer. */
  private readonly onStateChange = () => {
    if (!isClosed(this.context)) return;
    const error = contextClosed('the engine node', this.context);
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  };

  private constructor(
    context: BaseAudioContext,
    node: AudioWorkletNode,
    options: EngineNodeOptions,
    rings: SharedArrayBuffer | undefined,
    mail: Mail | undefined,
    mailKey: string | undefined,
  ) {
    this.context = context;
    this.node = node;
    this.transport = rings ? 'shared-memory' : 'port';
    const shared = rings ? sharedRings(rings) : undefined;
    this.commandRing = shared?.commands ?? null;
    this.endedRing = shared?.ended ?? null;
    this.voices = options.voices;
    this.slots = options.slots;
    this.sharedOutput = options.sharedOutput === true;
    this.onError = options.onError;
    this.onEnded = options.onEnded;
    node.port.onmessage = (event: MessageEvent<FromProcessor>) => this.receive(event.data);
    this.mail = mail ?? null;
    this.mailKey = mailKey ?? '';
    context.addEventListener('statechange', this.onStateChange);
    const onFailure = options.onFailure;
    if (onFailure !== undefined) {
      node.addEventListener('processorerror', (event: Event) => {
        if (!this.disposed) onFailure(`processorerror: ${(event as ErrorEvent).message ?? 'unknown'}`);
      });
    }
  }

  /** Creates a node (adding the processor module to the context first if needed). */
  static async create(context: BaseAudioContext, options: EngineNodeOptions): Promise<EngineNode> {
    const ctor = audioWorkletNodeConstructor(options.AudioWorkletNode);
    if (isClosed(context)) throw contextClosed('creating an engine node', context);
    const [module] = await Promise.all([engineModule(), addProcessorModule(context)]);
    if (isClosed(context)) throw contextClosed('creating an engine node', context);
    const sharedOutput = options.sharedOutput === true;
    let rings: SharedArrayBuffer | undefined;
    if (options.transport === 'shared-memory') {
      if (!sharedMemoryAvailable()) {
        throw new WorkletRuntimeError(
          'NO_SHARED_MEMORY',
          "transport 'shared-memory' needs SharedArrayBuffer: serve the page cross-origin isolated (COOP: same-origin, COEP: require-corp) or use transport 'port'",
        );
      }
      rings = new SharedArrayBuffer(sharedRingsBytes());
    }
    const mail = options.mail;
    // Replies may come by mail before the node exists: they wait for it here.
    let self: EngineNode | undefined;
    const early: FromProcessor[] = [];
    const mailKey = mail?.open((reply) => (self ? self.receive(reply) : early.push(reply)));
    const processorOptions: EngineProcessorOptions = {
      module,
      voices: options.voices,
      slots: options.slots,
      sharedOutput,
      ...(options.declick === false ? { declick: false } : {}),
      ...(rings ? { rings } : {}),
      ...(memoryMaximumPagesForTest !== undefined ? { memoryMaximumPagesForTest } : {}),
      ...(mail !== undefined && mailKey !== undefined ? { mail: { sorter: mail.sorter, key: mailKey } } : {}),
    };
    const outputs = sharedOutput ? 1 : options.slots;
    const Native = ctor as NativeAudioWorkletNodeConstructor;
    let node: AudioWorkletNode;
    try {
      node = new Native(context, processorName(), {
        numberOfInputs: 0,
        numberOfOutputs: outputs,
        outputChannelCount: new Array<number>(outputs).fill(2),
        processorOptions,
      });
    } catch (error) {
      if (mailKey !== undefined) mail?.shut(mailKey);
      throw error;
    }
    self = new EngineNode(context, node, options, rings, mail, mailKey);
    for (const reply of early) self.receive(reply);
    return self;
  }

  /** Routes slot `slot` to `output`. A shared output is wired once, by the pool, so there is nothing to do. */
  connectSlot(slot: number, output: AudioNode): void {
    if (!this.sharedOutput) this.node.connect(output, slot, 0);
  }

  /** Undoes connectSlot. */
  disconnectSlot(slot: number, output: AudioNode): void {
    if (!this.sharedOutput) this.node.disconnect(output, slot, 0);
  }

  /** Context frame of a context time in seconds. */
  frameAt(time: number): number {
    return Math.max(0, Math.round(time * this.context.sampleRate));
  }

  private receive(reply: FromProcessor): void {
    const waiting = reply.id === null ? undefined : this.pending.get(reply.id);
    if (reply.type === 'ended') {
      this.dispatchEnded(reply.entries, reply.entries.length / ENDED_FIELDS, 0);
      if (waiting && reply.id !== 0) {
        this.pending.delete(reply.id);
        waiting.resolve(reply);
      }
      return;
    }
    if (reply.type === 'error') {
      const error = processorError(reply);
      if (waiting && reply.id !== null) {
        this.pending.delete(reply.id);
        waiting.reject(error);
      } else if (this.onError) {
        this.onError(error);
      } else {
        console.error(error);
      }
      return;
    }
    if (waiting) {
      this.pending.delete(reply.id);
      waiting.resolve(reply);
    }
  }

  private dispatchEnded(entries: Float64Array, n: number, first: number): void {
    const onEnded = this.onEnded;
    if (!onEnded) return;
    for (let k = 0; k < n; k++) {
      const at = (first + k) * ENDED_FIELDS;
      onEnded({
        type: 'ended',
        slot: entries[at + EndedField.Slot] as number,
        voice: entries[at + EndedField.Voice] as number,
        frame: entries[at + EndedField.Frame] as number,
      });
    }
  }

  /**
   * Shared-memory transport: reads the voices that ended from the ring the processor
   * writes and reports them to `onEnded` now (with the port they come with replies).
   */
  pollEnded(): void {
    const ring = this.endedRing;
    if (!ring) return;
    const n = ring.available();
    const onEnded = this.onEnded;
    for (let k = 0; k < n && onEnded; k++) {
      const at = ring.readOffset(k);
      const d = ring.data;
      onEnded({
        type: 'ended',
        slot: d[at] as number,
        voice: d[at + 1] as number,
        frame: d[at + 2] as number,
      });
    }
    ring.consume(n);
  }

  /**
   * Sends a message without waiting; returns its id. A voice event becomes a record (see
   * the class comment); any other message first sends the records written before it.
   */
  post(message: Outgoing, transfer: Transferable[] = []): number {
    if (this.disposed) throw new WorkletRuntimeError('DISPOSED', 'this engine node was disposed');
    const id = this.nextId++;
    if (isEvent(message)) {
      this.write(id, message);
      return id;
    }
    this.sendBatch();
    this.lastPortId = id;
    this.send({ ...message, id }, transfer);
    return id;
  }

  private write(id: number, event: EventFields): void {
    const ring = this.commandRing;
    // A batch already waiting keeps the order: later records join it.
    if (ring && this.batchCount === 0 && ring.free() > 0) {
      encodeRecord(ring.data, ring.writeOffset(0), id, event, this.lastPortId);
      ring.commit(1);
      return;
    }
    // Batches start small and double: most tasks write a few records per node.
    if (!this.batch) this.batch = new Float64Array(FIRST_BATCH_RECORDS * RECORD_SIZE);
    else if (this.batchCount * RECORD_SIZE === this.batch.length) {
      const bigger = new Float64Array(this.batch.length * 2);
      bigger.set(this.batch);
      this.batch = bigger;
    }
    encodeRecord(this.batch, this.batchCount * RECORD_SIZE, id, event, 0);
    this.batchCount++;
    if (this.batchCount === BATCH_RECORDS) this.sendBatch();
    else if (!this.batchScheduled) {
      this.batchScheduled = true;
      queueMicrotask(() => {
        this.batchScheduled = false;
        this.sendBatch();
      });
    }
  }

  /** Sends the records written so far as one message, its buffer transferred. */
  private sendBatch(): void {
    const records = this.batch;
    const count = this.batchCount;
    if (!records || count === 0 || this.disposed) return;
    this.batch = null;
    this.batchCount = 0;
    const id = this.nextId++;
    this.lastPortId = id;
    this.send({ type: 'commands', id, records, count } satisfies ToProcessor, [records.buffer]);
  }

  /** Hands `message` to the processor: by the pool's mail, else through this node's port. */
  private send(message: unknown, transfer: Transferable[]): void {
    if (this.mail) this.mail.send(this.mailKey, message, transfer);
    else this.node.port.postMessage(message, transfer);
  }

  /** Sends a message and waits for its reply (ack, report or pong); a refusal rejects. */
  request(message: Outgoing, transfer: Transferable[] = []): Promise<FromProcessor> {
    return new Promise<FromProcessor>((resolve, reject) => {
      if (isClosed(this.context))
        throw contextClosed(`the engine node's ${message.type} request`, this.context);
      const id = this.post(message, transfer);
      this.pending.set(id, { resolve, reject });
    });
  }

  /** Sends an arbitrary value as is, after the records written before it (for tests of the processor's validation). */
  postRaw(value: unknown, transfer: Transferable[] = []): void {
    this.sendBatch();
    this.send(value, transfer);
  }

  /** Resolves once every message and record sent so far has reached the processor. */
  async flush(): Promise<void> {
    await this.request({ type: 'ping' });
    this.pollEnded();
  }

  /**
   * Pings the processor: resolves with the quanta it has rendered and the audio thread's
   * frame at that moment, or null when it does not answer within `timeoutMs` (a hung or
   * dead one does not).
   */
  async probe(timeoutMs: number): Promise<{ readonly quanta: number; readonly frame: number } | null> {
    if (this.disposed) return null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return await Promise.race([
        this.request({ type: 'ping' }).then(
          (reply) => (reply.type === 'pong' ? { quanta: reply.quanta, frame: reply.frame } : null),
          () => null,
        ),
        late,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Active voices per slot, render time per quantum and memory, from the processor. */
  async report(): Promise<ReportReply> {
    const reply = await this.request({ type: 'report' });
    this.pollEnded();
    if (reply.type !== 'report')
      throw new WorkletRuntimeError('PROCESSOR_ERROR', `expected a report, got ${reply.type}`);
    return reply;
  }

  /**
   * Every slot's meters over the last rendered quantum, METER_FIELDS values per slot. The
   * node's first request starts metering; it then asks again, every 10 ms for at most
   * METER_START_TRIES times, until a quantum has been metered (zeros if none was, as on an
   * offline context that is not rendering), so it never waits for long.
   */
  meters(): Promise<Float32Array> {
    // Instruments of one node asking at once (a meter display's frame) share one request.
    if (!this.metersAsked) {
      this.metersAsked = this.readMeters().finally(() => {
        this.metersAsked = null;
      });
    }
    return this.metersAsked;
  }

  private async readMeters(): Promise<Float32Array> {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.request({ type: 'meters' });
      if (reply.type !== 'meters')
        throw new WorkletRuntimeError('PROCESSOR_ERROR', `expected meters, got ${reply.type}`);
      if (reply.metered || attempt === METER_START_TRIES) return reply.meters;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Asks for the voices that ended (port transport: they arrive with the answer). */
  async collectEnded(): Promise<void> {
    const reply = await this.request({ type: 'ended' });
    if (reply.type !== 'ended')
      throw new WorkletRuntimeError('PROCESSOR_ERROR', `expected ended voices, got ${reply.type}`);
    this.pollEnded();
  }

  /** Disconnects the node and closes its port; pending requests fail with DISPOSED. */
  dispose(): void {
    if (this.disposed) return;
    this.sendBatch();
    this.disposed = true;
    // The processor returns its engine's memory to the scope's shared heap (the port
    // delivers what was posted before it closes).
    this.send({ type: 'close', id: this.nextId++ } satisfies ToProcessor, []);
    this.mail?.shut(this.mailKey);
    this.context.removeEventListener('statechange', this.onStateChange);
    this.node.disconnect();
    this.node.port.onmessage = null;
    this.node.port.close();
    for (const waiting of this.pending.values()) {
      waiting.reject(new WorkletRuntimeError('DISPOSED', 'the engine node was disposed before it replied'));
    }
    this.pending.clear();
  }
}
