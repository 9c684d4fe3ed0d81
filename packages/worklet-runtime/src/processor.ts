// The AudioWorkletProcessor that hosts one voice engine. It is bundled on its own
// (no imports at run time) and registered under a name that carries the package
// version, so two copies of the package can share a page.
//
// Voice events arrive as fixed-size records: a batch per port message, or, where the page
// can share memory, through a ring the main thread writes and `process` reads. Each record
// is checked where it lies and copied into a preallocated queue ordered by frame; `process`
// splits the 128-frame quantum at each command's frame, so a note starts exactly where it
// was scheduled. Control messages (assign, load, release...) are checked in place too.
//
// `process` allocates nothing, posts nothing while the stream is valid, and never
// throws: voices that end go into a preallocated ring that the main thread reads (shared
// memory) or that the next reply carries (port). The one exception is a refused record
// read from the shared ring, answered at once with an error.
import { CommandQueue, Has, Op } from './command-queue.js';
import type { EngineExports } from './engine-exports.js';
import { PROCESSOR_NAME } from './processor-name.js';
import {
  BYTES_PER_FRAME,
  checkMessage,
  checkRecord,
  ENDED_FIELDS,
  ENDED_RING_ENTRIES,
  type EngineProcessorOptions,
  type FromProcessor,
  type LoadMessage,
  lastRefusal,
  messageId,
  type ProtocolErrorCode,
  RECORD_SIZE,
  RecordField,
  RecordOp,
  recordId,
  type SampleDataMessage,
  type SamplerPatchMessage,
  type ToProcessor,
  type ValidationView,
  WAVEFORMS,
} from './protocol.js';
import { RecordRing, sharedRings, sharedRingsBytes } from './record-ring.js';

// The AudioWorkletGlobalScope, declared here because no TypeScript lib describes it.
declare const currentFrame: number | bigint;
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: new (options: ProcessorConstruction) => object): void;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
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

/** A chunked load waiting for the rest of its sample bytes. */
interface OpenLoad {
  readonly id: number;
  readonly frame: number;
  readonly patch: SamplerPatchMessage;
  readonly record: number;
  readonly ptr: number;
  readonly bytes: number;
  written: number;
  chunksLeft: number;
}

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
  private readonly open: (OpenLoad | null)[];
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
  /**
   * Whether process() reads the clock: only once a report has been asked for, because a
   * host's clock may allocate (Node's performance.now() returns a boxed number per call).
   */
  private metering = false;
  /** last, total, max render time (ms), quanta, quanta timed. */
  private readonly timing = new Float64Array(5);
  private readonly failed: string | null = null;
  /** Shared-memory transport: records the main thread writes without a message. */
  private readonly commands: RecordRing | null;
  /** Voices that ended, waiting for the main thread (shared memory, or this processor's own). */
  private readonly ended: RecordRing;
  /** Whether the main thread reads `ended` itself (shared memory). */
  private readonly endedShared: boolean;
  private endedDropped = 0;
  /** Highest id of a port message handled so far (shared-ring records wait for theirs). */
  private portSeen = 0;
  private readonly onDrop = (op: number, record: number): void => {
    // Scheduled loads that are cancelled give their record (and samples) back.
    if (op === Op.Commit) this.recycle(record);
  };
  /** Testing build only: throw in the next process(), or stop answering. */
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
    this.open = new Array<OpenLoad | null>(this.slots).fill(null);
    const records = this.slots * RECORDS_PER_SLOT;
    this.freeRecords = new Int32Array(records);
    for (let r = records - 1; r >= 0; r--) this.freeRecords[this.freeRecordCount++] = r;
    const perf = (globalThis as { performance?: { now(): number } }).performance;
    this.clock = perf && typeof perf.now === 'function' ? perf : undefined;
    const rings = opts?.rings;
    if (rings !== undefined && rings.byteLength >= sharedRingsBytes()) {
      const shared = sharedRings(rings);
      this.commands = shared.commands;
      this.ended = shared.ended;
      this.endedShared = true;
    } else {
      this.commands = null;
      const bytes = RecordRing.byteLength(ENDED_RING_ENTRIES, ENDED_FIELDS);
      this.ended = new RecordRing(new ArrayBuffer(bytes), 0, ENDED_RING_ENTRIES, ENDED_FIELDS);
      this.endedShared = false;
    }
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
      this.refuse(messageId(data), 'INVALID_FIELD', `engine unavailable: ${this.failed}`);
      return;
    }
    // Records written before this message was sent come first.
    this.drain(true);
    const code = checkMessage(data, this);
    if (code !== null) this.refuse(code === 'NOT_A_MESSAGE' ? null : messageId(data), code, lastRefusal());
    else this.handle(data as ToProcessor);
    const id = messageId(data);
    if (id !== null && id > this.portSeen) this.portSeen = id;
    // ...and records that were waiting for this message follow it.
    this.drain(true);
  }

  /**
   * Moves the shared ring's records into the queue, in order, stopping at one that waits
   * for a port message not handled yet. From process() (`grow` false) it also stops when
   * the queue is full rather than grow it; the rest waits for the next quantum.
   */
  private drain(grow: boolean): void {
    const ring = this.commands;
    if (ring === null) return;
    const n = ring.available();
    const r = ring.data;
    let taken = 0;
    for (; taken < n; taken++) {
      const at = ring.readOffset(taken);
      if ((r[at + RecordField.After] as number) > this.portSeen) break;
      if (!this.take(r, at, grow) && !grow) break;
    }
    if (taken > 0) ring.consume(taken);
  }

  /**
   * Checks one record and queues it; a bad one is refused. Returns false only when the
   * queue had no room (and, with `grow`, that is refused as QUEUE_FULL).
   */
  private take(r: Float64Array, at: number, grow: boolean): boolean {
    const code = checkRecord(r, at, this);
    if (code !== null) {
      this.refuse(recordId(r, at), code, lastRefusal());
      return true;
    }
    const op = r[at + RecordField.Op] as number;
    const frame = r[at + RecordField.Frame] as number;
    const slot = r[at + RecordField.Slot] as number;
    const voice = r[at + RecordField.Voice] as number;
    const has = r[at + RecordField.Has] as number;
    let ok: boolean;
    if (op === RecordOp.NoteOn) {
      ok = this.queue.push(
        grow,
        frame,
        Op.NoteOn,
        slot,
        voice,
        voice - (this.starts[slot] ?? 0),
        has & Has.Period ? 0 : 1,
        r[at + RecordField.Pitch] as number,
        has & Has.Volume ? (r[at + RecordField.Volume] as number) : -1,
        r[at + RecordField.Pan] as number,
        r[at + RecordField.Offset] as number,
        r[at + RecordField.Velocity] as number,
      );
    } else if (op === RecordOp.NoteOff) {
      ok = this.queue.push(grow, frame, Op.NoteOff, slot, voice, 0);
    } else {
      ok = this.queue.push(
        grow,
        frame,
        Op.Set,
        slot,
        voice,
        has,
        r[at + RecordField.Pitch] as number,
        r[at + RecordField.Volume] as number,
        r[at + RecordField.Pan] as number,
        r[at + RecordField.Offset] as number,
      );
    }
    if (!ok && grow) {
      const id = r[at + RecordField.Id] as number;
      this.refuse(id, 'QUEUE_FULL', `record #${id}: ${this.queue.capacity} commands already wait`);
      return true;
    }
    return ok;
  }

  private enqueue(id: number, ok: boolean): void {
    if (!ok) this.refuse(id, 'QUEUE_FULL', `message #${id}: ${this.queue.capacity} commands already wait`);
  }

  private dropFrom(frame: number, slot: number): void {
    this.queue.dropFrom(frame, slot, this.onDrop);
  }

  private recycle(record: number): void {
    this.engine.freeRecord(record);
    this.freeRecords[this.freeRecordCount++] = record;
  }

  private handle(m: ToProcessor): void {
    const q = this.queue;
    switch (m.type) {
      case 'commands': {
        const r = m.records;
        for (let i = 0; i < m.count; i++) this.take(r, i * RECORD_SIZE, true);
        this.sendEnded(0, false);
        return;
      }
      case 'ended':
        this.sendEnded(m.id, true);
        return;
      case 'ping':
        this.sendEnded(0, false);
        this.reply({ type: 'pong', id: m.id, quanta: this.timing[3] as number, frame: this.scopeFrame() });
        return;
      case 'fail-for-test':
        if (!__WORKLETPOOL_TEST_FAULTS__) {
          this.refuse(m.id, 'UNKNOWN_TYPE', `message #${m.id}: unknown type "fail-for-test"`);
          return;
        }
        if (m.mode === 'throw') this.failNext = true;
        else this.hung = true;
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'report':
        this.sendEnded(0, false);
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
      case 'sample-data':
        this.sampleData(m);
        return;
      case 'release':
        this.abandon(m.slot, `release #${m.id}`);
        this.counts[m.slot] = 0;
        this.loaded[m.slot] = 0;
        this.dropFrom(m.frame, m.slot);
        this.enqueue(m.id, q.push(true, m.frame, Op.Release, m.slot, 0, 0));
        this.reply({ type: 'ack', id: m.id });
        return;
      case 'reset':
        for (let s = 0; s < this.slots; s++) this.abandon(s, `reset #${m.id}`);
        this.counts.fill(0);
        this.loaded.fill(0);
        this.dropFrom(m.frame, -1);
        this.enqueue(m.id, q.push(true, m.frame, Op.Reset, -1, 0, 0));
        this.reply({ type: 'ack', id: m.id });
        return;
    }
  }

  private load(m: LoadMessage): void {
    this.abandon(m.slot, `load #${m.id}`);
    if (this.freeRecordCount === 0) {
      this.refuse(m.id, 'QUEUE_FULL', `load #${m.id}: slot ${m.slot} has too many loads scheduled`);
      return;
    }
    const record = this.freeRecords[--this.freeRecordCount] as number;
    const e = this.engine;
    const p = m.patch;
    if (p.kind === 'synth') {
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
      this.commit(m.id, m.frame, m.slot, record);
      return;
    }
    // The one place memory may grow: once per load, for the whole sample, before any of
    // its bytes arrive. Only this thread owns the engine's memory (see the README).
    const bytes = p.frames * BYTES_PER_FRAME[p.format];
    const ptr = e.alloc(bytes);
    if (ptr === 0) {
      this.freeRecordCount++;
      this.refuse(m.id, 'OUT_OF_MEMORY', `load #${m.id}: cannot grow memory for ${bytes} sample bytes`);
      return;
    }
    this.refreshViews();
    const first = Math.min(bytes, p.data.byteLength);
    new Uint8Array(e.memory.buffer, ptr, first).set(new Uint8Array(p.data, 0, first));
    const chunks = m.chunks ?? 0;
    if (chunks === 0) {
      this.stage(record, ptr, p);
      this.commit(m.id, m.frame, m.slot, record);
      return;
    }
    this.open[m.slot] = {
      id: m.id,
      frame: m.frame,
      patch: p,
      record,
      ptr,
      bytes,
      written: first,
      chunksLeft: chunks,
    };
  }

  /** The next bytes of a chunked load; the last chunk completes it. */
  private sampleData(m: SampleDataMessage): void {
    const o = this.open[m.slot];
    if (!o) {
      this.refuse(
        m.id,
        'UNEXPECTED_SAMPLE_DATA',
        `sample-data #${m.id}: no chunked load of slot ${m.slot} is waiting for bytes`,
      );
      return;
    }
    const n = m.data.byteLength;
    if (m.offset !== o.written || o.written + n > o.bytes) {
      const why = `sample-data #${m.id}: load #${o.id} expects bytes from ${o.written} of ${o.bytes}, got ${m.offset}..${m.offset + n}`;
      this.refuse(m.id, 'UNEXPECTED_SAMPLE_DATA', why);
      this.abandon(m.slot, `sample-data #${m.id}`);
      return;
    }
    new Uint8Array(this.engine.memory.buffer, o.ptr + o.written, n).set(new Uint8Array(m.data));
    o.written += n;
    o.chunksLeft--;
    if (o.chunksLeft > 0) return;
    this.open[m.slot] = null;
    if (o.written !== o.bytes) {
      this.engine.free(o.ptr);
      this.freeRecords[this.freeRecordCount++] = o.record;
      this.refuse(
        o.id,
        'TRUNCATED_SAMPLE',
        `load #${o.id}: its chunks brought ${o.written} of the ${o.bytes} sample bytes`,
      );
      return;
    }
    this.stage(o.record, o.ptr, o.patch);
    this.commit(o.id, o.frame, m.slot, o.record);
  }

  /** Drops a chunked load still open on `slot` (its memory and record go back); `by` names why. */
  private abandon(slot: number, by: string): void {
    const o = this.open[slot];
    if (!o) return;
    this.open[slot] = null;
    this.engine.free(o.ptr);
    this.freeRecords[this.freeRecordCount++] = o.record;
    this.refuse(o.id, 'UNEXPECTED_SAMPLE_DATA', `load #${o.id}: cancelled by ${by} before its last chunk`);
  }

  private stage(record: number, ptr: number, p: SamplerPatchMessage): void {
    this.engine.stageSampler(
      record,
      ptr,
      p.frames,
      BYTES_PER_FRAME[p.format],
      p.loopStart,
      p.loopLength,
      p.volume,
      p.finetune,
      p.baseFrequency,
      p.interpolation === 'linear' ? 1 : 0,
    );
  }

  private commit(id: number, frame: number, slot: number, record: number): void {
    if (!this.queue.push(true, frame, Op.Commit, slot, 0, 0, record)) {
      this.recycle(record);
      this.enqueue(id, false);
      return;
    }
    this.loaded[slot] = 1;
    this.reply({ type: 'ack', id });
  }

  /**
   * Port transport: posts the voices that ended since the last answer (`id` 0 when
   * unasked, and then only if there are some). With shared memory the main thread reads
   * the ring itself, so an explicit request gets an empty answer.
   */
  private sendEnded(id: number, asked: boolean): void {
    const ring = this.ended;
    const n = this.endedShared ? 0 : ring.available();
    if (n === 0 && !asked) return;
    const entries = new Float64Array(n * ENDED_FIELDS);
    for (let k = 0; k < n; k++) {
      const at = ring.readOffset(k);
      entries.set(ring.data.subarray(at, at + ENDED_FIELDS), k * ENDED_FIELDS);
    }
    ring.consume(n);
    const dropped = this.endedDropped;
    this.endedDropped = 0;
    this.port.postMessage({ type: 'ended', id, entries, dropped } satisfies FromProcessor, [entries.buffer]);
  }

  private report(id: number): void {
    this.metering = this.clock !== undefined;
    const activeVoices: number[] = [];
    for (let s = 0; s < this.slots; s++) activeVoices.push(this.engine.activeVoices(s));
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
    if (__WORKLETPOOL_TEST_FAULTS__ && this.failNext) {
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
    const clock = this.metering ? this.clock : undefined;
    const t0 = clock ? clock.now() : 0;
    const e = this.engine;
    const base = this.scopeFrame();
    const q = this.queue;
    this.drain(false);
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
    if (e.endedPending() > 0) this.collectEnded(base);
    this.copyOut(outputs, true);
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

  /** Writes the voices that stopped on their own into the ended ring (full: counted as dropped). */
  private collectEnded(base: number): void {
    const ring = this.ended;
    const d = ring.data;
    for (let v = 0; v < this.voices; v++) {
      const f = this.engine.takeEnded(v);
      if (f === 0) continue;
      if (ring.free() === 0) {
        this.endedDropped++;
        continue;
      }
      const at = ring.writeOffset(0);
      d[at] = this.voiceSlot[v] as number;
      d[at + 1] = v;
      d[at + 2] = base + f - 1;
      ring.commit(1);
    }
  }
}

registerProcessor(
  __WORKLETPOOL_TEST_FAULTS__ ? `${PROCESSOR_NAME}-testing` : PROCESSOR_NAME,
  EngineProcessor,
);
