// One port for all the nodes of a pool. Every message a pool sends to any of its nodes in
// one task (command batches, loads, pings) goes out as one `mail` message to a small
// sorting processor of the same AudioWorkletGlobalScope, which hands each item to its
// node's processor in order; the replies those handlers give go back the same way, as one
// message. Why: in Chromium each message that crosses to the audio thread is a task of its
// own there, and a tracker-like part that touches every node on each row made one message
// per node per row, plus one reply each with the voices that ended. Those bursts, not the
// DSP, were what made a pool of 150 nodes glitch; a page with the shared-memory transport,
// which sends no messages, played the same part without an underrun.
//
// The sorting processor renders nothing (its process() returns false at once) and is not
// connected to anything. Order is kept both ways: one port carries everything, in the
// order sent, and a processor's replies outside a sort (an engine that failed to start
// says so when constructed) also leave through the sorter's port.
import { addProcessorModule, processorName } from './assets.js';
import {
  type FromProcessor,
  MAIL_PROCESSOR_SUFFIX,
  type MailMessage,
  type MailSorterOptions,
} from './protocol.js';

/** The AudioWorkletNode constructor the pool uses (the native one, or a polyfill's). */
export type NativeNodeConstructor = new (
  context: BaseAudioContext,
  name: string,
  options: AudioWorkletNodeOptions,
) => AudioWorkletNode;

let opened = 0;
/** Tells this page's keys from another copy's (each bundle keeps its own registry anyway). */
const prefix = Math.random().toString(36).slice(2, 8);

/** The pool side of the shared port: batches what the nodes send, routes what comes back. */
export class Mail {
  private items: unknown[] = [];
  private transfer: Transferable[] = [];
  private scheduled = false;
  private closing = false;
  private readonly boxes = new Map<string, (reply: FromProcessor) => void>();
  /** Mail messages posted so far. */
  messages = 0;
  /** Node messages they carried. */
  carried = 0;

  private constructor(
    private readonly node: AudioWorkletNode,
    /** This mail's name on the audio thread. */
    readonly sorter: string,
  ) {
    node.port.onmessage = (event: MessageEvent<MailMessage>) => this.receive(event.data);
  }

  /** Creates the sorting node on `context` (adding the processor module first if needed). */
  static async create(context: BaseAudioContext, Native: NativeNodeConstructor): Promise<Mail> {
    await addProcessorModule(context);
    const sorter = `${prefix}-${++opened}`;
    const node = new Native(context, `${processorName()}${MAIL_PROCESSOR_SUFFIX}`, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { sorter } satisfies MailSorterOptions,
    });
    return new Mail(node, sorter);
  }

  /** A new mailbox: its key goes to the processor in its options, `onReply` gets what it answers. */
  open(onReply: (reply: FromProcessor) => void): string {
    const key = `${this.sorter}/${++opened}`;
    this.boxes.set(key, onReply);
    return key;
  }

  /** Forgets a mailbox (what was sent to it still goes out); the last one closes a closing Mail. */
  shut(key: string): void {
    this.boxes.delete(key);
    if (this.closing && this.boxes.size === 0) this.close();
  }

  /** Queues `message` for the processor of `key`; everything queued in this task leaves together. */
  send(key: string, message: unknown, transfer: readonly Transferable[] = []): void {
    this.items.push(key, message);
    for (const t of transfer) this.transfer.push(t);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Posts what is queued, as one message. */
  flush(): void {
    this.scheduled = false;
    if (this.items.length === 0) return;
    const items = this.items;
    const transfer = this.transfer;
    this.items = [];
    this.transfer = [];
    this.messages++;
    this.carried += items.length / 2;
    this.node.port.postMessage({ type: 'mail', items } satisfies MailMessage, transfer);
  }

  /** Closes once the last mailbox is shut (nodes retire after their tails, so later than the pool). */
  closeWhenEmpty(): void {
    this.closing = true;
    if (this.boxes.size === 0) this.close();
  }

  private close(): void {
    this.flush();
    this.node.port.onmessage = null;
    this.node.port.close();
  }

  private receive(data: MailMessage): void {
    const items = data.items;
    for (let i = 0; i + 1 < items.length; i += 2) {
      this.boxes.get(items[i] as string)?.(items[i + 1] as FromProcessor);
    }
  }
}
