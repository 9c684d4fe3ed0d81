// One AudioWorkletNode running the engine processor, with the main thread's half of
// the protocol: numbered requests, replies matched by id, and events.
import { addProcessorModule, engineModule } from './assets.js';
import { WorkletRuntimeError } from './errors.js';
import type { EngineProcessorOptions } from './processor.js';
import { PROCESSOR_NAME } from './processor-name.js';
import type { EndedEvent, ErrorReply, FromProcessor, ReportReply, ToProcessor } from './protocol.js';

/** A protocol message before the node numbers it. */
export type Outgoing = ToProcessor extends infer M ? (M extends ToProcessor ? Omit<M, 'id'> : never) : never;

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
  /** Defaults to the global AudioWorkletNode (browsers); pass node-web-audio-api's in Node. */
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor | undefined;
  /** Errors the processor reports for messages nobody awaits. */
  readonly onError?: ((error: WorkletRuntimeError) => void) | undefined;
  /** One-shot voices that reached their end. */
  readonly onEnded?: ((event: EndedEvent) => void) | undefined;
  /** The processor failed (its node fired `processorerror`). */
  readonly onFailure?: ((reason: string) => void) | undefined;
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
  private nextId = 1;
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

  private constructor(context: BaseAudioContext, node: AudioWorkletNode, options: EngineNodeOptions) {
    this.context = context;
    this.node = node;
    this.voices = options.voices;
    this.slots = options.slots;
    this.sharedOutput = options.sharedOutput === true;
    this.onError = options.onError;
    this.onEnded = options.onEnded;
    node.port.onmessage = (event: MessageEvent<FromProcessor>) => this.receive(event.data);
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
    const processorOptions: EngineProcessorOptions = {
      module,
      voices: options.voices,
      slots: options.slots,
      sharedOutput,
    };
    const outputs = sharedOutput ? 1 : options.slots;
    const Native = ctor as NativeAudioWorkletNodeConstructor;
    const node = new Native(context, PROCESSOR_NAME, {
      numberOfInputs: 0,
      numberOfOutputs: outputs,
      outputChannelCount: new Array<number>(outputs).fill(2),
      processorOptions,
    });
    return new EngineNode(context, node, options);
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
    if (reply.type === 'ended') {
      this.onEnded?.(reply);
      return;
    }
    const waiting = reply.id === null ? undefined : this.pending.get(reply.id);
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

  /** Sends a message without waiting; returns its id. */
  post(message: Outgoing, transfer: Transferable[] = []): number {
    if (this.disposed) throw new WorkletRuntimeError('DISPOSED', 'this engine node was disposed');
    const id = this.nextId++;
    this.node.port.postMessage({ ...message, id }, transfer);
    return id;
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

  /** Sends an arbitrary value as is (for tests of the processor's validation). */
  postRaw(value: unknown): void {
    this.node.port.postMessage(value);
  }

  /** Resolves once every message sent so far has reached the processor. */
  async flush(): Promise<void> {
    await this.request({ type: 'ping' });
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
    if (reply.type !== 'report')
      throw new WorkletRuntimeError('PROCESSOR_ERROR', `expected a report, got ${reply.type}`);
    return reply;
  }

  /** Disconnects the node and closes its port; pending requests fail with DISPOSED. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
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
