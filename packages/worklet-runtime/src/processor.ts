// The AudioWorkletProcessor that hosts one voice engine. It is bundled on its own
// (no imports at run time) and registered under a name that carries the package
// version, so two copies of the package can share a page.
//
// Inbound messages are validated, then either answered at once (report, ping) or
// turned into commands in a preallocated queue ordered by frame. `process` splits the
// 128-frame quantum at each command's frame, so a note starts exactly where it was
// scheduled. Nothing in `process` allocates or throws.
import { CommandQueue, Has, Op } from './command-queue.js';
import type { EngineExports } from './engine-exports.js';
import { PROCESSOR_NAME } from './processor-name.js';
import {
  BYTES_PER_FRAME,
  type FromProcessor,
  type LoadMessage,
  type ProtocolErrorCode,
  type ToProcessor,
  type ValidationView,
  validateMessage,
  WAVEFORMS,
} from './protocol.js';

// The AudioWorkletGlobalScope, declared here because no TypeScript lib describes it.
declare const currentFrame: number | bigint;
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: new (options: ProcessorConstruction) => object): void;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
}

/** What the main thread passes in `processorOptions`. */
export interface EngineProcessorOptions {
  readonly module: WebAssembly.Module;
  readonly voices: number;
  /** Slots (instruments) the engine hosts; defaults to the node's number of outputs. */
  readonly slots?: number;
  /** Every slot renders into output 0 (their sum) instead of an output of its own. */
  readonly sharedOutput?: boolean;
  /** false: gains step and cut voices stop at once (ProTracker-exact); default true. */
  readonly declick?: boolean;
}

interface ProcessorConstruction {
  readonly numberOfOutputs?: number;
  readonly processorOptions?: EngineProcessorOptions;
}

const QUANTUM = 128;
const QUEUE_CAPACITY = 4096;
// An offline render may queue a whole song before its first quantum.
const QUEUE_MAX_CAPACITY = 1 << 20;
/** Patch records per slot: the current one plus loads scheduled behind it. */
const RECORDS_PER_SLOT = 4;

type Clock = { now(): number } | undefined;

class EngineProcessor extends AudioWorkletProcessor implements ValidationView {
  readonly voices: number;
  readonly slots: number;
  private readonly engine: EngineExports;
  private readonly queue = new CommandQueue(QUEUE_CAPACITY, QUEUE_MAX_CAPACITY);
  private readonly starts: Int32Array;
  private readonly counts: Int32Array;
  private readonly loaded: Uint8Array;
  /** The record each slot plays at the render position (-1 = none). */
  private readonly current: Int32Array;
  private readonly voiceSlot: Int32Array;
  private readonly freeRecords: Int32Array;
  private freeRecordCount = 0;
  /** Output buffers: one per slot, or one shared by every slot. */
  private readonly outputCount: number;
  private readonly left: Float32Array[] = [];
  private readonly right: Float32Array[] = [];
  /** Which outputs the engine wrote this quantum (a view on its memory). */
  private touched: Uint8Array = new Uint8Array(0);
  /** Per output, the host array known to hold silence (undefined once sound was written to it). */
  private readonly silent: (Float32Array | undefined)[] = [];
  private viewsOf: ArrayBuffer | null = null;
  private readonly clock: Clock;
  /** last, total, max render time (ms), quanta. */
  private readonly timing = new Float64Array(4);
  private readonly failed: string | null = null;
  /** Test-only faults (see FailForTestMessage): throw in the next process(), or stop answering. */
  private failNext = false;
  private hung = false;

  constructor(options: ProcessorConstruction) {
    super();
    const opts = options.processorOptions;
    this.slots = Math.max(1, opts?.slots ?? options.numberOfOutputs ?? 1);
    this.outputCount = opts?.sharedOutput === true ? 1 : this.slots;
    this.voices = opts?.voices ?? 16;
    this.starts = new Int32Array(this.slots);
    this.counts = new Int32Array(this.slots);
    this.loaded = new Uint8Array(this.slots);
    this.current = new Int32Array(this.slots).fill(-1);
    this.voiceSlot = new Int32Array(this.voices).fill(-1);
    const records = this.slots * RECORDS_PER_SLOT;
    this.freeRecords = new Int32Array(records);
    for (let r = records - 1; r >= 0; r--) this.freeRecords[this.freeRecordCount++] = r;
    const perf = (globalThis as { performance?: { now(): number } }).performance;
    this.clock = perf && typeof perf.now === 'function' ? perf : undefined;
    let engine: EngineExports | null = null;
    try {
      if (!opts || !(opts.module instanceof WebAssembly.Module))
        throw new Error('processorOptions.module is not a WebAssembly.Module');
      engine = new WebAssembly.Instance(opts.module, {}).exports as unknown as EngineExports;
      if (engine.init(this.voices, this.slots, records, sampleRate, this.outputCount === 1 ? 1 : 0) !== 0)
        throw new Error('engine memory cannot grow');
      if (opts.declick === false) engine.setDeclick(0);
    } catch (error) {
      this.failed = String(error);
    }
    // A failed engine still gets a (never used) placeholder so fields stay non-null.
    this.engine = engine ?? (null as unknown as EngineExports);
    this.port.onmessage = (event: MessageEvent) => this.receive(event.data);
    if (this.failed !== null)
      this.reply({ type: 'error', id: null, code: 'INVALID_FIELD', message: this.failed });
    else this.refreshViews();
  }

  slotCount(slot: number): number {
    return this.counts[slot] ?? 0;
  }

  slotStart(slot: number): number {
    return this.starts[slot] ?? 0;
  }

  slotLoaded(slot: number): boolean {
    return this.loaded[slot] === 1;
  }

  private reply(message: FromProcessor): void {
    this.port.postMessage(message);
  }

  private refuse(id: number | null, code: ProtocolErrorCode, message: string): void {
    this.reply({ type: 'error', id, code, message });
  }

  /** Views on the slots' output buffers; rebuilt only after memory grew. */
  private refreshViews(): void {
    const buffer = this.engine.memory.buffer;
    if (buffer === this.viewsOf) return;
    for (let o = 0; o < this.outputCount; o++) {
      const p = this.engine.outputPtr(o);
      this.left[o] = new Float32Array(buffer, p, QUANTUM);
      this.right[o] = new Float32Array(buffer, p + QUANTUM * 4, QUANTUM);
    }
    this.touched = new Uint8Array(buffer, this.engine.touchedPtr(), this.outputCount);
    this.viewsOf = buffer;
  }

  private receive(data: unknown): void {
    if (this.hung) return;
    if (this.failed !== null) {
      const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : null;
      this.refuse(typeof id === 'number' ? id : null, 'INVALID_FIELD', `engine unavailable: ${this.failed}`);
      return;
    }
    const result = validateMessage(data, this);
    if (!result.ok) {
      this.refuse(result.id, result.code, result.message);
      return;
    }
    this.handle(result.message);
  }

  private enqueue(id: number, ok: boolean): void {
    if (!ok) this.refuse(id, 'QUEUE_FULL', `message #${id}: ${this.queue.capacity} commands already wait`);
  }

  private dropFrom(frame: number, slot: number): void {
    // Scheduled loads that are cancelled give their record (and samples) back.
    this.queue.dropFrom(frame, slot, (op, record) => {
      if (op === Op.Commit) this.recycle(record);
    });
  }

  private recycle(record: number): void {
    this.engine.freeRecord(record);
    this.freeRecords[this.freeRecordCount++] = record;
  }

  private handle(m: ToProcessor): void {
    const q = this.queue;
    switch (m.type) {
      case 'ping':
        this.reply({ type: 'pong', id: m.id, quanta: this.timing[3] as number, frame: this.scopeFrame() });
        return;
      case 'fail-for-test':
        if (m.mode === 'throw') this.failNext = true;
        else this.hung = true;
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'report':
        this.report(m.id);
        return;
      case 'assign':
        this.starts[m.slot] = m.start;
        this.counts[m.slot] = m.count;
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'load':
        this.load(m);
        return;
      case 'release':
        this.counts[m.slot] = 0;
        this.loaded[m.slot] = 0;
        this.dropFrom(m.frame, m.slot);
        this.enqueue(m.id, q.push(m.frame, Op.Release, m.slot, 0, 0));
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'reset':
        this.counts.fill(0);
        this.loaded.fill(0);
        this.dropFrom(m.frame, -1);
        this.enqueue(m.id, q.push(m.frame, Op.Reset, -1, 0, 0));
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'note-on': {
        const mode = m.period !== undefined ? 0 : 1;
        const pitch = m.period ?? m.frequency ?? 0;
        const local = m.voice - (this.starts[m.slot] ?? 0);
        this.enqueue(
          m.id,
          q.push(
            m.frame,
            Op.NoteOn,
            m.slot,
            m.voice,
            local,
            mode,
            pitch,
            m.volume ?? -1,
            m.pan,
            m.offset,
            m.velocity,
          ),
        );
        return;
      }
      case 'note-off':
        this.enqueue(m.id, q.push(m.frame, Op.NoteOff, m.slot, m.voice, 0));
        return;
      case 'set': {
        let flags = 0;
        if (m.period !== undefined) flags |= Has.Period;
        if (m.frequency !== undefined) flags |= Has.Frequency;
        if (m.volume !== undefined) flags |= Has.Volume;
        if (m.pan !== undefined) flags |= Has.Pan;
        if (m.offset !== undefined) flags |= Has.Offset;
        const pitch = m.period ?? m.frequency ?? 0;
        this.enqueue(
          m.id,
          q.push(m.frame, Op.Set, m.slot, m.voice, flags, pitch, m.volume ?? 0, m.pan ?? 0, m.offset ?? 0),
        );
        return;
      }
    }
  }

  private load(m: LoadMessage): void {
    if (this.freeRecordCount === 0) {
      this.refuse(m.id, 'QUEUE_FULL', `load #${m.id}: slot ${m.slot} has too many loads scheduled`);
      return;
    }
    const record = this.freeRecords[--this.freeRecordCount] as number;
    const e = this.engine;
    const p = m.patch;
    if (p.kind === 'sampler') {
      const width = BYTES_PER_FRAME[p.format];
      const bytes = p.frames * width;
      const ptr = e.alloc(bytes);
      if (ptr === 0) {
        this.freeRecordCount++;
        this.refuse(m.id, 'OUT_OF_MEMORY', `load #${m.id}: cannot grow memory for ${bytes} sample bytes`);
        return;
      }
      new Uint8Array(e.memory.buffer, ptr, bytes).set(new Uint8Array(p.data, 0, bytes));
      e.stageSampler(
        record,
        ptr,
        p.frames,
        width,
        p.loopStart,
        p.loopLength,
        p.volume,
        p.finetune,
        p.baseFrequency,
        p.interpolation === 'linear' ? 1 : 0,
      );
      this.refreshViews();
    } else {
      e.stageSynth(
        record,
        WAVEFORMS.indexOf(p.waveform),
        p.attack,
        p.decay,
        p.sustain,
        p.release,
        p.cutoff,
        p.resonance,
        p.volume,
      );
    }
    if (!this.queue.push(m.frame, Op.Commit, m.slot, 0, 0, record)) {
      this.recycle(record);
      this.enqueue(m.id, false);
      return;
    }
    this.loaded[m.slot] = 1;
    this.reply({ type: 'ack', id: m.id });
  }

  private report(id: number): void {
    const activeVoices: number[] = [];
    for (let s = 0; s < this.slots; s++) activeVoices.push(this.engine.activeVoices(s));
    const t = this.timing;
    const quanta = t[3] as number;
    this.reply({
      type: 'report',
      id,
      activeVoices,
      quanta,
      renderTime:
        this.clock && quanta > 0
          ? { last: t[0] as number, mean: (t[1] as number) / quanta, max: t[2] as number }
          : null,
      memoryBytes: this.engine.memoryBytes(),
    });
  }

  private releaseSlot(slot: number): void {
    const record = this.current[slot] as number;
    if (record >= 0) this.recycle(record);
    this.current[slot] = -1;
    this.engine.silenceSlot(slot);
  }

  /** Applies the command at the head of the queue. */
  private apply(): void {
    const q = this.queue;
    const e = this.engine;
    const slot = q.slot();
    const voice = q.voice();
    switch (q.op()) {
      case Op.NoteOn: {
        const record = this.current[slot] as number;
        if (record < 0) return;
        e.noteOn(
          voice,
          slot,
          record,
          q.param(0),
          q.param(1),
          q.param(2),
          q.param(3),
          q.param(4),
          q.param(5),
          q.flag(),
        );
        this.voiceSlot[voice] = slot;
        return;
      }
      case Op.NoteOff:
        if (this.voiceSlot[voice] === slot) e.noteOff(voice);
        return;
      case Op.Set: {
        if (this.voiceSlot[voice] !== slot) return;
        const flags = q.flag();
        if (flags & Has.Period) e.setPitch(voice, 0, q.param(0));
        if (flags & Has.Frequency) e.setPitch(voice, 1, q.param(0));
        if (flags & Has.Volume) e.setVolume(voice, q.param(1));
        if (flags & Has.Pan) e.setPan(voice, q.param(2));
        if (flags & Has.Offset) e.setOffset(voice, q.param(3));
        return;
      }
      case Op.Commit: {
        const old = this.current[slot] as number;
        if (old >= 0) this.recycle(old);
        this.engine.silenceSlot(slot);
        this.current[slot] = q.param(0);
        return;
      }
      case Op.Release:
        this.releaseSlot(slot);
        return;
      case Op.Reset:
        for (let s = 0; s < this.slots; s++) this.releaseSlot(s);
        this.voiceSlot.fill(-1);
        return;
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.failNext) {
      // The one deliberate throw, asked for by a test (FailForTestMessage).
      this.failNext = false;
      throw new Error('fail-for-test: this processor was told to fail');
    }
    // Counted first, so a health check sees every call the host makes.
    this.timing[3] = (this.timing[3] as number) + 1;
    if (this.failed !== null || this.hung) {
      this.copyOut(outputs, false);
      return true;
    }
    const clock = this.clock;
    const t0 = clock ? clock.now() : 0;
    const e = this.engine;
    const base = this.scopeFrame();
    const q = this.queue;
    e.beginQuantum();
    let pos = 0;
    while (q.length > 0) {
      const offset = q.peekFrame() - base;
      if (offset >= QUANTUM) break;
      // Late commands apply at the start of the quantum.
      const at = offset <= 0 ? 0 : Math.floor(offset);
      if (at > pos) {
        e.render(pos, at);
        pos = at;
      }
      this.apply();
      q.shift();
    }
    if (pos < QUANTUM) e.render(pos, QUANTUM);
    if (e.endedPending() > 0) this.reportEnded(base);
    this.copyOut(outputs, true);
    if (clock) {
      const dt = clock.now() - t0;
      const t = this.timing;
      t[0] = dt;
      t[1] = (t[1] as number) + dt;
      if (dt > (t[2] as number)) t[2] = dt;
    }
    return true;
  }

  /**
   * Copies the outputs the engine wrote. A silent output is zeroed once, after the last
   * quantum it sounded in (some hosts hand back the same arrays without clearing them),
   * and then left alone, so idle slots cost nothing.
   */
  private copyOut(outputs: Float32Array[][], rendered: boolean): void {
    const n = Math.min(outputs.length, this.outputCount);
    const touched = this.touched;
    for (let o = 0; o < n; o++) {
      const out = outputs[o];
      const l = out?.[0];
      if (!out || !l) continue;
      const r = out[1];
      if (rendered && touched[o] === 1) {
        l.set(this.left[o] as Float32Array);
        if (r) r.set(this.right[o] as Float32Array);
        this.silent[o] = undefined;
      } else if (this.silent[o] !== l) {
        l.fill(0);
        if (r) r.fill(0);
        this.silent[o] = l;
      }
    }
  }

  /** The render thread's current frame, as this scope sees it between quanta. */
  private scopeFrame(): number {
    const cf = currentFrame;
    return typeof cf === 'bigint' ? Number(cf) : cf;
  }

  /** Tells the main thread which voices stopped on their own (rare; only then does it post). */
  private reportEnded(base: number): void {
    for (let v = 0; v < this.voices; v++) {
      const f = this.engine.takeEnded(v);
      if (f !== 0)
        this.reply({ type: 'ended', slot: this.voiceSlot[v] as number, voice: v, frame: base + f - 1 });
    }
  }
}

registerProcessor(PROCESSOR_NAME, EngineProcessor);
