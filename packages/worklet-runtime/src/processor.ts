// The AudioWorkletProcessor that hosts one voice engine: the entry of the processor
// bundle, which has no imports at run time and registers under a name that carries the
// package version, so two copies of the package can share a page.
//
// This module is the protocol's audio-thread end: every inbound message is checked in
// place (protocol.ts) and dispatched, and `process` renders one quantum. The work sits in
// modules by concern: processor-slots.ts (slot ranges and patch records),
// processor-scheduler.ts (the frame-ordered queue and the quantum split at each
// command), processor-loads.ts (staging patches, chunked samples), processor-output.ts
// (copying sound out, the ended-voices ring) and, in the testing build only,
// processor-faults.ts.
//
// Every processor of one AudioWorkletGlobalScope (one per context) runs its own instance
// of the engine module over one WebAssembly.Memory, cached here at module level: browsers
// refuse new memories after about a hundred per page, but instances without a memory of
// their own cost only their globals, and the engine keeps each instance's layout in them,
// pointing into a region of the shared heap. Memory grows under every processor when any
// of them loads samples, so each re-derives its views when `memory.buffer` changed.
//
// `process` allocates nothing, posts nothing while the stream is valid, and never
// throws: voices that end go into a preallocated ring that the main thread reads (shared
// memory) or that the next reply carries (port). The one exception is a refused record
// read from the shared ring, answered at once with an error.
import type { EngineExports } from './engine-exports.js';
import { FaultInjection } from './processor-faults.js';
import { PatchLoader } from './processor-loads.js';
import { PROCESSOR_NAME } from './processor-name.js';
import { EndedVoices, type Outbox, OutputCopier } from './processor-output.js';
import { Scheduler } from './processor-scheduler.js';
import { SlotTable } from './processor-slots.js';
import {
  checkMessage,
  ENDED_FIELDS,
  ENDED_RING_ENTRIES,
  type EngineProcessorOptions,
  type FromProcessor,
  lastRefusal,
  MAIL_PROCESSOR_SUFFIX,
  type MailMessage,
  type MailSorterOptions,
  METER_FIELDS,
  messageId,
  type ProtocolErrorCode,
  RECORD_SIZE,
  type ToProcessor,
} from './protocol.js';
import { RecordRing, sharedRings, sharedRingsBytes } from './record-ring.js';

/** What the main thread passes as `processorOptions` (defined with the rest of the protocol). */
export type { EngineProcessorOptions } from './protocol.js';

// The AudioWorkletGlobalScope, declared here because no TypeScript lib describes it.
declare const currentFrame: number | bigint;
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: new (options: never) => object): void;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
}

interface ProcessorConstruction {
  readonly numberOfOutputs?: number;
  readonly processorOptions?: EngineProcessorOptions;
}

type Clock = { now(): number } | undefined;

/** The render thread's current frame, as this scope sees it between quanta. */
function scopeFrame(): number {
  const cf = currentFrame;
  return typeof cf === 'bigint' ? Number(cf) : cf;
}

/** The engine memory every processor of this scope shares (created by the first one). */
let scopeMemory: WebAssembly.Memory | null = null;

function sharedMemory(maximumPagesForTest: number | undefined): WebAssembly.Memory {
  if (scopeMemory === null) {
    const descriptor: WebAssembly.MemoryDescriptor = { initial: 1 };
    if (__WORKLETPOOL_TEST_FAULTS__ && maximumPagesForTest !== undefined)
      descriptor.maximum = maximumPagesForTest;
    scopeMemory = new WebAssembly.Memory(descriptor);
  }
  return scopeMemory;
}

/** What a refused engine says: which limit, how many bytes it asked for, how many engines share the memory. */
function memoryRefusal(engine: EngineExports | null, voices: number, cause: unknown): string {
  const held = scopeMemory ? scopeMemory.buffer.byteLength : 0;
  const asked = engine ? ` needs ${engine.engineBytes()} bytes, but` : ' cannot start:';
  const engines = engine ? `${engine.engineCount()} engines in ` : '';
  const why = cause === null ? 'and cannot grow' : `and the browser refused: ${String(cause)}`;
  return `WebAssembly memory: a ${voices}-voice engine${asked} the context's shared engine memory holds ${engines}${held} bytes ${why}`;
}

/** Processors of this scope that get their messages by mail, by key (mail.ts on the main side). */
const mailboxes = new Map<string, EngineProcessor>();
/** Mail for a key whose processor the scope has not constructed yet, in order. */
const undelivered = new Map<string, unknown[]>();
/** The scope's sorting processors, by name. */
const sorters = new Map<string, MessagePort>();
/** While a sorting processor hands out one mail message: the replies given meanwhile. */
let sorting: { items: unknown[]; transfer: Transferable[] } | null = null;

class EngineProcessor extends AudioWorkletProcessor {
  /** Key with the pool's sorting processor, or null: messages come through this port. */
  private mailKey: string | null = null;
  /** The pool's sorting processor's name. */
  private mailSorter = '';
  /**
   * Where replies go: with the mail being sorted when there is one, else alone through the
   * sorter's port (so the main thread sees them in order), else through this port.
   */
  private readonly outbox: Outbox = {
    postMessage: (message, transfer) => {
      const key = this.mailKey;
      if (key === null) {
        this.port.postMessage(message, transfer);
      } else if (sorting !== null) {
        sorting.items.push(key, message);
        for (const t of transfer) sorting.transfer.push(t);
      } else {
        const sorter = sorters.get(this.mailSorter);
        if (sorter)
          sorter.postMessage({ type: 'mail', items: [key, message] } satisfies MailMessage, transfer);
        else this.port.postMessage(message, transfer);
      }
    },
  };
  private readonly engine: EngineExports;
  private readonly slots: SlotTable;
  private readonly scheduler: Scheduler;
  private readonly loader: PatchLoader;
  private readonly output: OutputCopier;
  /** Voices that ended, waiting for the main thread (shared memory, or this processor's own). */
  private readonly ended: EndedVoices;
  private readonly clock: Clock;
  /**
   * Whether process() reads the clock: only once a report has been asked for, because a
   * host's clock may allocate (Node's performance.now() returns a boxed number per call).
   */
  private metering = false;
  /** last, total, max render time (ms), quanta, quanta timed. */
  private readonly timing = new Float64Array(5);
  private readonly failed: string | null = null;
  private readonly failedCode: ProtocolErrorCode = 'INVALID_FIELD';
  /** Disposed by its node: the engine's memory went back to the scope, nothing renders. */
  private closed = false;
  /** Testing build only (null, and dropped from the bundle, in production). */
  private readonly faults = __WORKLETPOOL_TEST_FAULTS__ ? new FaultInjection() : null;

  constructor(options: ProcessorConstruction) {
    super();
    const opts = options.processorOptions;
    const slotCount = Math.max(1, opts?.slots ?? options.numberOfOutputs ?? 1);
    const outputCount = opts?.sharedOutput === true ? 1 : slotCount;
    this.slots = new SlotTable(opts?.voices ?? 16, slotCount);
    const perf = (globalThis as { performance?: { now(): number } }).performance;
    this.clock = perf && typeof perf.now === 'function' ? perf : undefined;
    const rings = opts?.rings;
    let commands: RecordRing | null = null;
    if (rings !== undefined && rings.byteLength >= sharedRingsBytes()) {
      const shared = sharedRings(rings);
      commands = shared.commands;
      this.ended = new EndedVoices(shared.ended, true);
    } else {
      const bytes = RecordRing.byteLength(ENDED_RING_ENTRIES, ENDED_FIELDS);
      this.ended = new EndedVoices(
        new RecordRing(new ArrayBuffer(bytes), 0, ENDED_RING_ENTRIES, ENDED_FIELDS),
        false,
      );
    }
    if (opts?.mail !== undefined) {
      this.mailKey = opts.mail.key;
      this.mailSorter = opts.mail.sorter;
    }
    let engine: EngineExports | null = null;
    try {
      if (!opts || !(opts.module instanceof WebAssembly.Module))
        throw new Error('processorOptions.module is not a WebAssembly.Module');
      const memory = sharedMemory(opts.memoryMaximumPagesForTest);
      engine = new WebAssembly.Instance(opts.module, { env: { memory } }).exports as unknown as EngineExports;
      if (
        engine.init(
          this.slots.voices,
          slotCount,
          this.slots.records,
          sampleRate,
          outputCount === 1 ? 1 : 0,
        ) !== 0
      ) {
        this.failedCode = 'OUT_OF_MEMORY';
        this.failed = memoryRefusal(engine, this.slots.voices, null);
        engine = null;
      } else if (opts.declick === false) engine.setDeclick(0);
    } catch (error) {
      // A browser that cannot reserve memory throws a RangeError; anything else is a bad option.
      if (error instanceof RangeError) {
        this.failedCode = 'OUT_OF_MEMORY';
        this.failed = memoryRefusal(null, this.slots.voices, error);
      } else this.failed = String(error);
      engine = null;
    }
    // A failed engine still gets a (never used) placeholder so fields stay non-null.
    this.engine = engine ?? (null as unknown as EngineExports);
    this.slots.engine = engine;
    const refuse = (id: number | null, code: ProtocolErrorCode, message: string): void =>
      this.reply({ type: 'error', id, code, message });
    this.output = new OutputCopier(this.engine, outputCount);
    this.scheduler = new Scheduler(this.engine, this.slots, commands, refuse);
    this.loader = new PatchLoader(
      this.engine,
      this.slots,
      this.scheduler,
      refuse,
      (id) => this.reply({ type: 'ack', id }),
      () => this.output.refreshViews(),
    );
    this.port.onmessage = (event: MessageEvent) => this.receive(event.data);
    if (this.failed !== null)
      this.reply({ type: 'error', id: null, code: this.failedCode, message: this.failed });
    else this.output.refreshViews();
    if (this.mailKey !== null) {
      mailboxes.set(this.mailKey, this);
      const early = undelivered.get(this.mailKey);
      undelivered.delete(this.mailKey);
      if (early) for (const message of early) this.receive(message);
    }
  }

  private reply(message: FromProcessor): void {
    this.outbox.postMessage(message, []);
  }

  /** Handles one message from the main thread (through the port or by mail). */
  receive(data: unknown): void {
    if ((__WORKLETPOOL_TEST_FAULTS__ && this.faults?.hung) || this.closed) return;
    if (this.failed !== null) {
      this.reply({
        type: 'error',
        id: messageId(data),
        code: this.failedCode,
        message: `engine unavailable: ${this.failed}`,
      });
      return;
    }
    // Records written before this message was sent come first.
    this.scheduler.drain(true);
    const code = checkMessage(data, this.slots);
    if (code !== null) {
      const id = code === 'NOT_A_MESSAGE' ? null : messageId(data);
      this.reply({ type: 'error', id, code, message: lastRefusal() });
    } else this.handle(data as ToProcessor);
    this.scheduler.handled(messageId(data));
    // ...and records that were waiting for this message follow it.
    this.scheduler.drain(true);
  }

  private handle(m: ToProcessor): void {
    const s = this.slots;
    switch (m.type) {
      case 'commands': {
        const r = m.records;
        for (let i = 0; i < m.count; i++) this.scheduler.take(r, i * RECORD_SIZE, true);
        this.ended.send(this.outbox, 0, false);
        return;
      }
      case 'ended':
        this.ended.send(this.outbox, m.id, true);
        return;
      case 'close':
        // The engine's region and samples go back to the scope's heap; the instance is never called again.
        this.closed = true;
        this.engine.dispose();
        if (this.mailKey !== null) mailboxes.delete(this.mailKey);
        return;
      case 'ping':
        this.ended.send(this.outbox, 0, false);
        this.reply({ type: 'pong', id: m.id, quanta: this.timing[3] as number, frame: scopeFrame() });
        return;
      case 'fail-for-test':
        if (!__WORKLETPOOL_TEST_FAULTS__) {
          this.reply({
            type: 'error',
            id: m.id,
            code: 'UNKNOWN_TYPE',
            message: `message #${m.id}: unknown type "fail-for-test"`,
          });
          return;
        }
        this.faults?.arm(m.mode);
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'report':
        this.ended.send(this.outbox, 0, false);
        this.report(m.id);
        return;
      case 'meters': {
        // A copy, made in the message handler: process() only keeps the engine's meters current.
        // Metering starts with the first request (it costs a pass per slot per quantum).
        const n = s.slots * METER_FIELDS;
        const meters = new Float32Array(n);
        let metered = false;
        if (this.failed === null) {
          this.engine.setMetering(1);
          metered = this.engine.meteredCount() > 0;
          meters.set(new Float32Array(this.engine.memory.buffer, this.engine.meterPtr(), n));
        }
        this.outbox.postMessage({ type: 'meters', id: m.id, meters, metered }, [meters.buffer]);
        return;
      }
      case 'assign':
        s.starts[m.slot] = m.start;
        s.counts[m.slot] = m.count;
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'load':
        this.loader.load(m);
        return;
      case 'sample-data':
        this.loader.sampleData(m);
        return;
      case 'release':
        this.loader.abandon(m.slot, `release #${m.id}`);
        s.counts[m.slot] = 0;
        s.loaded[m.slot] = 0;
        this.scheduler.release(m.id, m.frame, m.slot);
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'reset':
        for (let slot = 0; slot < s.slots; slot++) this.loader.abandon(slot, `reset #${m.id}`);
        s.counts.fill(0);
        s.loaded.fill(0);
        this.scheduler.reset(m.id, m.frame);
        this.reply({ type: 'ack', id: m.id });
        return;
    }
  }

  private report(id: number): void {
    this.metering = this.clock !== undefined;
    const activeVoices: number[] = [];
    for (let s = 0; s < this.slots.slots; s++) activeVoices.push(this.engine.activeVoices(s));
    const t = this.timing;
    const quanta = t[3] as number;
    const timed = t[4] as number;
    this.reply({
      type: 'report',
      id,
      activeVoices,
      quanta,
      renderTime:
        timed > 0 ? { last: t[0] as number, mean: (t[1] as number) / timed, max: t[2] as number } : null,
      memoryBytes: this.engine.memoryBytes(),
    });
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (__WORKLETPOOL_TEST_FAULTS__) this.faults?.throwIfArmed();
    // Counted first, so a health check sees every call the host makes.
    this.timing[3] = (this.timing[3] as number) + 1;
    if (this.closed) {
      this.output.copyOut(outputs, false);
      return false;
    }
    if (this.failed !== null || (__WORKLETPOOL_TEST_FAULTS__ && this.faults?.hung)) {
      this.output.copyOut(outputs, false);
      return true;
    }
    // Another processor of the scope may have grown the shared memory since the last quantum.
    this.output.refreshViews();
    const clock = this.metering ? this.clock : undefined;
    const t0 = clock ? clock.now() : 0;
    const base = scopeFrame();
    this.scheduler.renderQuantum(base);
    if (this.engine.endedPending() > 0) this.ended.collect(this.engine, this.slots, base);
    this.output.copyOut(outputs, true);
    if (clock) {
      const dt = clock.now() - t0;
      const t = this.timing;
      t[0] = dt;
      t[1] = (t[1] as number) + dt;
      t[4] = (t[4] as number) + 1;
      if (dt > (t[2] as number)) t[2] = dt;
    }
    return true;
  }
}

/**
 * A pool's sorting processor (mail.ts): hands each item of a mail message to its
 * processor, in order, then sends the replies they gave as one message. It renders nothing.
 */
class MailSorter extends AudioWorkletProcessor {
  constructor(options: { readonly processorOptions?: MailSorterOptions }) {
    super();
    const name = options.processorOptions?.sorter;
    if (typeof name === 'string') sorters.set(name, this.port);
    this.port.onmessage = (event: MessageEvent) => this.sort(event.data);
  }

  private sort(data: unknown): void {
    const items = (data as Partial<MailMessage> | null)?.items;
    if (!Array.isArray(items)) return;
    const out = { items: [] as unknown[], transfer: [] as Transferable[] };
    sorting = out;
    try {
      for (let i = 0; i + 1 < items.length; i += 2) {
        const key = items[i];
        if (typeof key !== 'string') continue;
        const box = mailboxes.get(key);
        if (box) box.receive(items[i + 1]);
        else {
          const queue = undelivered.get(key);
          if (queue) queue.push(items[i + 1]);
          else undelivered.set(key, [items[i + 1]]);
        }
      }
    } finally {
      sorting = null;
      if (out.items.length > 0) this.port.postMessage({ type: 'mail', items: out.items }, out.transfer);
    }
  }

  process(): boolean {
    return false;
  }
}

const registeredName = __WORKLETPOOL_TEST_FAULTS__ ? `${PROCESSOR_NAME}-testing` : PROCESSOR_NAME;
registerProcessor(registeredName, EngineProcessor);
registerProcessor(`${registeredName}${MAIL_PROCESSOR_SUFFIX}`, MailSorter);
